"""Demo data: a living catalogue, registered through the services, with
history naming who did what; loading twice changes nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.demo import demo_users_load
from inventory.choices import ModelStage, Origin, Redistribution
from inventory.demo import DEMO_MODELS, DEMO_TEAMS, demo_load
from inventory.models import Dataset, Feature, MLModel, ModelVersion, Pipeline, Team
from inventory.selectors.standards import incomplete_assets

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    demo_users_load()
    return demo_load()


def test_demo_catalogue_is_realistic(demo):
    assert MLModel.objects.count() == len(DEMO_MODELS) >= 40
    assert Team.objects.count() >= 5 and len(DEMO_TEAMS) >= 5
    assert MLModel.objects.values("domain").distinct().count() >= 5
    assert MLModel.objects.filter(stage=ModelStage.PRODUCTION).count() >= 10
    assert MLModel.objects.filter(confidential=True).exists()
    assert MLModel.objects.filter(origin=Origin.VENDOR).exists()
    assert MLModel.objects.filter(origin=Origin.OPEN_WEIGHTS).exclude(licence="").exists()
    assert MLModel.objects.filter(stage=ModelStage.PRODUCTION,
                                  redistribution=Redistribution.PROHIBITED).exists()
    assert ModelVersion.objects.filter(stage=ModelStage.PRODUCTION).exists()
    assert Dataset.objects.exists() and Feature.objects.exists() and Pipeline.objects.exists()
    assert incomplete_assets(MLModel.objects.for_list())  # some registrations are incomplete
    assert all(m.ever_in_production for m in MLModel.objects.filter(stage="production"))


def test_demo_history_names_the_demo_user_and_the_command(demo):
    model = MLModel.objects.get(name="credit-default-xgb")
    created = model.history.earliest("history_date")
    assert created.history_user.username == "omar"
    assert created.history_actor == "omar (command:load_demo_data)"
    assert created.history_change_reason == "Registered the model"
    assert model.history.filter(history_change_reason="Annual model review (2026)").exists()


def test_loading_the_demo_twice_changes_nothing(demo):
    counts = (MLModel.objects.count(), ModelVersion.objects.count(), Dataset.objects.count(),
              MLModel.history.count())
    assert demo_load() == {"teams": 0, "models": 0, "versions": 0, "datasets": 0,
                                     "features": 0, "pipelines": 0}
    call_command("load_demo_data", verbosity=0)
    assert counts == (MLModel.objects.count(), ModelVersion.objects.count(),
                      Dataset.objects.count(), MLModel.history.count())


def test_demo_catalogue_pages_render_for_the_demo_compliance_officer(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="carla"))
    for name in ("home", "inventory:mlmodel_list", "inventory:completeness",
                 "inventory:licence_list", "inventory:risk_register"):
        assert client.get(reverse(name)).status_code == 200, name
    page = client.get(reverse("inventory:mlmodel_list") + "?per_page=100").content.decode()
    assert "credit-default-xgb" in page
    assert "hr-cv-screening-ranker" not in page  # another team's confidential model
