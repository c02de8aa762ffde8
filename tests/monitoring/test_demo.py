"""The monitoring demo fills the fleet, health and cost pages of `make run` from the demo
catalogue, through the services; loading twice adds nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.demo import demo_users_load
from inventory.demo import demo_load as inventory_demo_load
from monitoring.demo import demo_load
from monitoring.models import CostRecord, DeploymentEvent, HealthFinding, MonitoringRequirement
from monitoring.selectors.costs import cost_allocation

pytestmark = pytest.mark.django_db


def test_demo_fleet_health_and_costs(client):
    demo_users_load()
    inventory_demo_load()
    first = demo_load()

    assert first["deployment events"] >= 6 and first["cost records"] == 7
    assert MonitoringRequirement.objects.count() == 4
    assert HealthFinding.objects.filter(problem="no_observations").exists()
    assert HealthFinding.objects.filter(problem="stale").exists()
    month = CostRecord.objects.values_list("month", flat=True).first()
    report = cost_allocation(month)
    assert report.allocated_total == report.recorded_total and report.shared_total > 0
    counts = (DeploymentEvent.objects.count(), CostRecord.objects.count(),
              HealthFinding.objects.count())
    demo_load()
    assert counts == (DeploymentEvent.objects.count(), CostRecord.objects.count(),
                      HealthFinding.objects.count())

    client.force_login(get_user_model().objects.get(username="carla"))
    for page in ("monitoring:fleet", "monitoring:health", "monitoring:cost_report"):
        assert client.get(reverse(page)).status_code == 200
