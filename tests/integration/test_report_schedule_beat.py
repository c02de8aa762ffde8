"""A scheduled report is produced by celery beat (django-celery-beat's database scheduler)
and a real worker; its PDF opens and contains the inventory register's rows."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from celery.beat import EmbeddedService
from django.core.files.storage import storages
from django.db import connections
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler
from pypdf import PdfReader

from config.celery import app as celery_app
from governance.models import Report
from governance.services.reports import SCHEDULED_REPORT_TASK, report_schedule_create
from inventory.choices import RiskTier
from tests.factories.catalogue import MLModelFactory, TeamFactory
from tests.governance.reality import stores_fixture  # noqa: F401
from tests.integration.conftest import wait_for, worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


class ClosingDatabaseScheduler(DatabaseScheduler):
    """django-celery-beat's scheduler, closing its thread's database connections when beat
    stops (so the test database can be dropped at the end of the session)."""

    def close(self) -> None:
        super().close()
        connections.close_all()


@contextmanager
def beat() -> Iterator[None]:
    """celery beat with the database scheduler, in a thread of this process."""
    service = EmbeddedService(celery_app, thread=True, scheduler_cls=ClosingDatabaseScheduler)
    service.start()
    try:
        yield
    finally:
        service.stop()
        service.join(timeout=20)


def test_beat_and_a_worker_produce_the_scheduled_register_as_a_pdf(
        redis_broker, stores, compliance_officer) -> None:
    team = TeamFactory(name="Credit risk", business_unit="Retail banking")
    names = ["credit-default-xgb", "fraud-graph-gnn", "churn-lgbm"]
    for name, tier in zip(names, [RiskTier.HIGH, RiskTier.CRITICAL, RiskTier.LOW], strict=True):
        MLModelFactory(name=name, team=team, owner=compliance_officer, risk_tier=tier)
    schedule = report_schedule_create(
        actor=compliance_officer, reason="Monthly register for the audit committee",
        data={"name": "Register for the audit committee", "template": "inventory-register",
              "format": "pdf", "every": 1, "period": "minutes", "starts_at": timezone.now()})
    assert schedule.periodic_task.task == SCHEDULED_REPORT_TASK

    with worker(), beat():
        report = wait_for(lambda: Report.objects.filter(schedule=schedule).first(), timeout=60,
                          what="beat and the worker to produce the scheduled report")

    assert report.requested_by == compliance_officer and report.format == "pdf"
    assert report.parameters == {} and report.row_count == 3
    with storages["default"].open(report.storage_name, "rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == report.sha256 and len(data) == report.size
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Model inventory register" in text
    for name in names:
        assert name in text
    flat = " ".join(text.split())  # cells may wrap inside their column
    assert "Credit risk" in flat and "Retail banking" in flat
    assert "Critical" in text
    assert report.job_run is not None and report.job_run.name == SCHEDULED_REPORT_TASK
