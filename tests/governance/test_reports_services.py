"""Reports at the service: every registered template renders the same content as HTML,
PDF and CSV; each stored report keeps its time, parameters, requester and SHA-256; bad
parameters are field errors and write nothing; templates read only what the asker may
see; schedules own a beat task that follows their edits."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from pypdf import PdfReader

from core.models import AccessEvent, AuditEvent
from core.services.audit_chain import audit_chain_verify
from governance.models import Report, ReportSchedule
from governance.selectors.reports import ANNEX_IV_SECTIONS
from governance.services.reports import (
    REPORT_TEMPLATES,
    ReportContent,
    ReportTable,
    ReportTemplate,
    report_generate,
    report_open,
    report_schedule_create,
    report_schedule_delete,
    report_schedule_update,
    report_template_register,
)
from inventory.choices import RiskTier
from inventory.services.catalogue import mlmodel_review_record
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory, TeamFactory
from tests.factories.reconciliation import FindingFactory
from tests.factories.users import UserFactory
from tests.governance.reality import stores_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _bytes(report: Report) -> bytes:
    with storages["default"].open(report.storage_name, "rb") as handle:
        return handle.read()


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
                    .split())


def test_builtin_templates_are_registered() -> None:
    assert {"inventory-register", "audit-extract", "findings", "risk-register",
            "annex-iv"} <= set(REPORT_TEMPLATES)


def test_register_in_three_formats_holds_the_same_rows(stores, compliance_officer) -> None:
    MLModelFactory(name="credit-default-xgb", risk_tier=RiskTier.HIGH,
                   team=TeamFactory(name="Credit risk"))
    MLModelFactory(name="churn-lgbm", risk_tier=RiskTier.LOW)
    reports = {fmt: report_generate(template_key="inventory-register", parameters={},
                                    format=fmt, actor=compliance_officer)
               for fmt in ("pdf", "html", "csv")}

    rows = list(csv.reader(io.StringIO(_bytes(reports["csv"]).decode())))
    assert rows[0][:3] == ["Model", "Purpose", "Team"]
    assert sorted(r[0] for r in rows[1:]) == ["churn-lgbm", "credit-default-xgb"]
    html = _bytes(reports["html"]).decode()
    assert "credit-default-xgb" in html and "Credit risk" in html
    pdf = _pdf_text(_bytes(reports["pdf"]))
    assert "credit-default-xgb" in pdf and "churn-lgbm" in pdf
    for report in reports.values():
        data = _bytes(report)
        assert hashlib.sha256(data).hexdigest() == report.sha256 and report.size == len(data)
        assert report.requested_by == compliance_officer and report.row_count == 2
        assert report.requested_by_actor == "compliance_officer"
        assert report_open(report) == data


def test_filters_are_kept_as_parameters(stores, compliance_officer) -> None:
    MLModelFactory(name="credit-default-xgb", risk_tier=RiskTier.HIGH)
    MLModelFactory(name="churn-lgbm", risk_tier=RiskTier.LOW)
    report = report_generate(template_key="inventory-register",
                             parameters={"risk_tier": ["high"]}, format="csv",
                             actor=compliance_officer)
    assert report.parameters == {"risk_tier": ["high"]}
    assert "churn-lgbm" not in _bytes(report).decode()


@pytest.mark.parametrize(("template", "parameters", "field"), [
    ("horoscope", {}, "template"),
    ("inventory-register", {"risk_tier": ["extreme"]}, "parameters.risk_tier"),
    ("audit-extract", {"start": "2026-05-01"}, "parameters.end"),
    ("audit-extract", {"start": "2026-05-01", "end": "2026-04-01"}, "parameters.end"),
    ("audit-extract", {"start": "not a date", "end": "2026-04-01"}, "parameters.start"),
    ("annex-iv", {"model": 999999}, "parameters.model"),
])
def test_bad_parameters_are_field_errors_and_store_nothing(stores, compliance_officer, template,
                                                           parameters, field) -> None:
    with pytest.raises(ValidationError) as error:
        report_generate(template_key=template, parameters=parameters, format="pdf",
                        actor=compliance_officer)
    assert field in error.value.message_dict
    assert not Report.objects.exists()


def test_bad_format_and_missing_rights_are_refused(stores, compliance_officer, data_scientist,
                                                   auditor) -> None:
    with pytest.raises(ValidationError) as error:
        report_generate(template_key="inventory-register", parameters={}, format="docx",
                        actor=compliance_officer)
    assert "format" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        report_generate(template_key="inventory-register", parameters={}, format="csv",
                        actor=data_scientist)
    # Auditors generate reports, but the audit extract needs the access-event right too.
    report_generate(template_key="audit-extract", parameters={
        "start": "2026-01-01", "end": "2026-01-31"}, format="csv", actor=auditor)
    assert not Report.objects.exclude(requested_by=auditor).exists()


def test_annex_iv_pack_lists_every_section_and_what_is_missing(stores, compliance_officer) -> None:
    model = MLModelFactory(name="credit-default-xgb", risk_tier=RiskTier.HIGH,
                           purpose="Scores retail credit applications", owner=compliance_officer)
    ModelVersionFactory(model=model)
    mlmodel_review_record(model=model, actor=compliance_officer, reason="Reviewed")
    report = report_generate(template_key="annex-iv", parameters={"model": model.pk},
                             format="pdf", actor=compliance_officer)
    text = _pdf_text(_bytes(report))
    for number, title in ANNEX_IV_SECTIONS:
        assert f"Section {number}. {title}" in text
    assert "EU declaration of conformity missing" in text
    assert "Intended purpose present Scores retail credit applications" in text
    assert "Last periodic review present" in text
    low = MLModelFactory(name="churn-lgbm", risk_tier=RiskTier.LOW)
    with pytest.raises(ValidationError):
        report_generate(template_key="annex-iv", parameters={"model": low.pk}, format="pdf",
                        actor=compliance_officer)


def test_confidential_models_stay_out_of_an_outsiders_register(stores, compliance_officer) -> None:
    insider = UserFactory(username="insider")
    MLModelFactory(name="secret-model", confidential=True,
                   team=TeamFactory(name="Secret team", members=[insider]))
    MLModelFactory(name="public-model")
    report = report_generate(template_key="inventory-register", parameters={}, format="csv",
                             actor=compliance_officer)
    text = _bytes(report).decode()
    assert "public-model" in text and "secret-model" not in text


def test_findings_and_risk_register_and_audit_extract(stores, compliance_officer) -> None:
    model = MLModelFactory(name="pricing-elasticity", risk_tier=RiskTier.CRITICAL)
    FindingFactory(model=model, subject="pricing-elasticity")
    findings = _bytes(report_generate(template_key="findings", parameters={}, format="csv",
                                      actor=compliance_officer)).decode()
    assert "pricing-elasticity" in findings and "Review overdue" in findings
    risk = _bytes(report_generate(template_key="risk-register", parameters={}, format="csv",
                                  actor=compliance_officer)).decode()
    row = next(r for r in csv.reader(io.StringIO(risk)) if "pricing-elasticity" in r)
    assert row[0] == "Critical" and row[8] == "1"


def test_audit_extract_lists_the_chained_audit_log_with_entry_numbers_and_hashes(
        stores, compliance_officer, risk_officer) -> None:
    MLModelFactory(name="pricing-elasticity", risk_tier=RiskTier.CRITICAL)
    today = timezone.localdate()
    period = {"start": str(today - datetime.timedelta(days=1)), "end": str(today)}
    events = list(AuditEvent.objects.filter(
        occurred_at__gte=timezone.now() - datetime.timedelta(days=2)).order_by("-seq"))
    assert events, "creating a model appends to the audit log"
    rows = list(csv.reader(io.StringIO(_bytes(report_generate(
        template_key="audit-extract", parameters=period, format="csv",
        actor=compliance_officer)).decode())))
    assert rows[0] == ["Entry", "When", "Who", "Action", "Record type", "Record",
                       "Reason or query", "Entry hash (SHA-256)"]
    # Exactly the log's entries, newest first, each with its number and hash.
    assert [(int(r[0]), r[7]) for r in rows[1:]] == [(e.seq, e.entry_hash) for e in events]
    created = next(r for r in rows[1:] if r[5] == "pricing-elasticity")
    assert created[3:5] == ["created", "model"]
    assert audit_chain_verify().intact
    pdf = _pdf_text(_bytes(report_generate(template_key="audit-extract", parameters=period,
                                           format="pdf", actor=compliance_officer)))
    unwrapped = pdf.replace(" ", "")  # narrow cells wrap long words
    assert "pricing-elasticity" in unwrapped and events[0].entry_hash[:16] in unwrapped
    # The extract shows what the audit trail page shows: the same right is needed.
    with pytest.raises(PermissionDenied):
        report_generate(template_key="audit-extract", parameters=period, format="csv",
                        actor=risk_officer)


def test_audit_extract_keeps_its_cap(stores, compliance_officer, monkeypatch) -> None:
    monkeypatch.setattr("governance.selectors.reports.AUDIT_EXTRACT_LIMIT", 2)
    MLModelFactory.create_batch(3)
    today = timezone.localdate()
    report = report_generate(template_key="audit-extract", parameters={
        "start": str(today), "end": str(today)}, format="csv", actor=compliance_officer)
    rows = list(csv.reader(io.StringIO(_bytes(report).decode())))
    newest = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True)[:2]
    assert [int(r[0]) for r in rows[1:]] == list(newest)
    html = report_generate(template_key="audit-extract", parameters={
        "start": str(today), "end": str(today)}, format="html", actor=compliance_officer)
    assert "Only the newest 2 entries are listed" in _bytes(html).decode()


def test_another_app_can_register_a_template(stores, compliance_officer) -> None:
    from governance.forms import ReportParametersForm

    def build(parameters, user):
        return ReportContent(title="Approvals log", tables=[
            ReportTable("Decisions", ["Request", "Decision"], [["#1", "approved"]])])

    report_template_register(ReportTemplate("approvals-log-test", "Approvals log", "Decisions.",
                                            build, ReportParametersForm, "inventory.view_mlmodel"))
    try:
        report = report_generate(template_key="approvals-log-test", parameters={}, format="csv",
                                 actor=compliance_officer)
        assert _bytes(report).decode().splitlines() == ["Request,Decision", "#1,approved"]
    finally:
        REPORT_TEMPLATES.pop("approvals-log-test")


def test_a_stored_report_whose_bytes_changed_is_refused(stores, compliance_officer) -> None:
    report = report_generate(template_key="inventory-register", parameters={}, format="csv",
                             actor=compliance_officer)
    storage = storages["default"]
    with open(storage.path(report.storage_name), "ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ValidationError):
        report_open(report)
    with pytest.raises(PermissionError):
        report.save()
    assert not AccessEvent.objects.exists()


def test_schedule_owns_a_beat_task_that_follows_edits_and_goes_with_it(stores,
                                                                        compliance_officer) -> None:
    schedule = report_schedule_create(actor=compliance_officer, reason="Monthly for the board",
                                      data={"name": "Board register", "template":
                                            "inventory-register", "format": "pdf", "every": 30,
                                            "period": "days",
                                            "parameters": {"risk_tier": ["high"]}})
    task = PeriodicTask.objects.get(pk=schedule.periodic_task_id)
    assert (task.interval.every, task.interval.period, task.enabled) == (30, "days", True)
    assert schedule.history.get().history_change_reason == "Monthly for the board"

    report_schedule_update(schedule=schedule, actor=compliance_officer, reason="Weekly now",
                           data={"every": 7, "enabled": False})
    task.refresh_from_db()
    assert (task.interval.every, task.enabled) == (7, False)

    other = UserFactory(username="someone-else", roles=["Compliance officer"])
    with pytest.raises(PermissionDenied):
        report_schedule_update(schedule=schedule, actor=other, reason="Mine now", data={})
    report_schedule_delete(schedule=schedule, actor=compliance_officer, reason="No longer needed")
    assert not PeriodicTask.objects.filter(pk=task.pk).exists()
    assert not ReportSchedule.objects.exists()


@pytest.mark.parametrize(("data", "field"), [
    ({"every": 0}, "every"),
    ({"template": "horoscope"}, "template"),
    ({"period": "fortnights"}, "period"),
    ({"parameters": {"start": "yesterday"}, "template": "audit-extract"}, "parameters.start"),
    ({"colour": "red"}, "colour"),
])
def test_bad_schedules_are_field_errors_and_write_nothing(stores, compliance_officer, data,
                                                          field) -> None:
    base = {"name": "Register", "template": "inventory-register", "format": "pdf", "every": 1,
            "period": "days"}
    with pytest.raises(ValidationError) as error:
        report_schedule_create(actor=compliance_officer, reason="Try", data={**base, **data})
    assert field in error.value.message_dict
    assert not ReportSchedule.objects.exists() and not PeriodicTask.objects.filter(
        task="governance.report_scheduled").exists()
