"""The reports page: generate now, schedule, edit a schedule, download (an access event);
bad parameters are form errors; users without rights are refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.choices import AccessAction
from core.models import AccessEvent
from governance.models import Report, ReportSchedule
from tests.factories.catalogue import MLModelFactory
from tests.governance.reality import stores_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

PAGE = reverse("governance:report_list")


def test_page_lists_templates_and_generates_a_report(stores, client, compliance_officer) -> None:
    MLModelFactory(name="credit-default-xgb")
    client.force_login(compliance_officer)
    text = client.get(PAGE).content.decode()
    assert "Model inventory register" in text and "Annex IV" in text
    url = reverse("governance:report_generate", args=["inventory-register"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"format": "csv", "generate": "1"})
    assert response.status_code == 302
    report = Report.objects.get()
    download = client.get(reverse("governance:report_download", args=[report.pk]))
    assert download.status_code == 200 and b"credit-default-xgb" in download.content
    assert AccessEvent.objects.filter(action=AccessAction.DOWNLOAD,
                                      object_id=str(report.pk)).exists()
    assert report.title in client.get(PAGE).content.decode()


def test_bad_period_is_a_form_error_and_nothing_is_stored(stores, client,
                                                          compliance_officer) -> None:
    client.force_login(compliance_officer)
    url = reverse("governance:report_generate", args=["audit-extract"])
    response = client.post(url, {"start": "2026-05-01", "end": "2026-04-01", "format": "pdf",
                                 "generate": "1"})
    assert response.status_code == 400
    assert "before its start" in response.content.decode()
    assert not Report.objects.exists()


def test_schedule_from_the_page_then_edit_it(stores, client, compliance_officer) -> None:
    client.force_login(compliance_officer)
    url = reverse("governance:report_generate", args=["risk-register"])
    response = client.post(url, {"risk_tier": ["high", "critical"], "format": "pdf",
                                 "schedule": "1", "schedule-name": "Weekly risk register",
                                 "schedule-every": "7", "schedule-period": "days",
                                 "schedule-starts_at": "2026-12-07T08:00",
                                 "schedule-format": "pdf", "schedule-enabled": "on",
                                 "schedule-reason": "For the risk committee"})
    assert response.status_code == 302, response.content.decode()[:2000]
    schedule = ReportSchedule.objects.get()
    assert schedule.parameters == {"risk_tier": ["high", "critical"]}
    assert "Weekly risk register" in client.get(PAGE).content.decode()
    edit = reverse("governance:reportschedule_edit", args=[schedule.pk])
    refused = client.post(edit, {"name": "Weekly risk register", "format": "pdf", "every": "0",
                                 "period": "days", "starts_at": "2026-12-07T08:00",
                                 "reason": "Faster"})
    assert refused.status_code == 400
    saved = client.post(edit, {"name": "Weekly risk register", "format": "csv", "every": "1",
                               "period": "days", "starts_at": "2026-12-07T08:00",
                               "enabled": "on", "reason": "Daily now"})
    assert saved.status_code == 302
    schedule.refresh_from_db()
    assert (schedule.every, schedule.format, schedule.periodic_task.interval.every) == (
        1, "csv", 1)


def test_pages_refused_without_rights(stores, client, refused_user, data_scientist) -> None:
    client.force_login(refused_user)
    assert client.get(PAGE).status_code == 403
    client.force_login(data_scientist)
    assert client.get(reverse("governance:report_generate",
                              args=["inventory-register"])).status_code == 403
