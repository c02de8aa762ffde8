"""The regulatory mapping and approvals log reports: the same rows in CSV and PDF, bad
parameters refused per field, and nothing about a model the requester may not see."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.utils import timezone
from pypdf import PdfReader

from core.roles import Role
from governance.choices import ApprovalStatus, ComplianceOutcome, Decision
from governance.models import Report
from governance.services.reports import report_generate
from inventory.choices import ModelStage, RiskTier
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory, TeamFactory
from tests.factories.governance_approvals import ApprovalDecisionFactory, ApprovalRequestFactory
from tests.factories.regulations import (
    ComplianceAssessmentFactory,
    FrameworkVersionFactory,
    RequirementFactory,
    RequirementResultFactory,
)
from tests.factories.users import UserFactory
from tests.governance.reality import stores_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

PURPOSE_GAP = [{"check": "model_purpose", "label": "Purpose described",
                "detail": "The model's purpose is not described.", "url": ""}]


def _generate(template: str, parameters: dict, format: str, actor) -> bytes:
    report = report_generate(template_key=template, parameters=parameters, format=format,
                             actor=actor)
    with storages["default"].open(report.storage_name, "rb") as handle:
        return handle.read()


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode())))


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
                    .split())


# --------------------------------------------------------------------------------------
# Regulatory mapping and gaps
# --------------------------------------------------------------------------------------
@pytest.fixture
def mapping():
    """One framework in force with a gap, a met and a not-applicable requirement, one
    nobody was assessed against, a visible model and a confidential one."""
    version = FrameworkVersionFactory(framework__name="Model Governance Act",
                                      framework__short_name="MGA", label="MGA 2026")
    gap, met, not_applicable, unassessed = (
        RequirementFactory(framework_version=version, clause=clause, title=title, order=n)
        for n, (clause, title) in enumerate([
            ("Art. 1", "Purpose is documented"), ("Art. 2", "Owner is named"),
            ("Art. 3", "Biometric safeguards"), ("Art. 4", "Incident log kept")]))
    insider = UserFactory(username="insider")
    credit = TeamFactory(name="Credit risk")
    visible = MLModelFactory(name="credit-default-xgb", team=credit)
    other = MLModelFactory(name="churn-lgbm", team=TeamFactory(name="Marketing"))
    secret = MLModelFactory(name="secret-model", confidential=True,
                            team=TeamFactory(name="Secret team", members=[insider]))
    for model in (visible, other, secret):
        assessment = ComplianceAssessmentFactory(model=model, framework_version=version)
        RequirementResultFactory(assessment=assessment, requirement=gap, missing=PURPOSE_GAP)
        RequirementResultFactory(assessment=assessment, requirement=met,
                                 outcome=ComplianceOutcome.MET, missing=[])
        RequirementResultFactory(assessment=assessment, requirement=not_applicable,
                                 outcome=ComplianceOutcome.NOT_APPLICABLE, missing=[])
    return {"framework": version.framework, "credit": credit, "insider": insider,
            "unassessed": unassessed}


def test_mapping_lists_each_requirement_per_model_with_gaps_and_what_closes_them(
        stores, compliance_officer, mapping) -> None:
    parameters = {"frameworks": [mapping["framework"].pk]}
    rows = _csv_rows(_generate("regulatory-mapping", parameters, "csv", compliance_officer))
    assert rows[0] == ["Clause", "Requirement", "Model", "Team", "Outcome", "What is missing",
                       "What closes it"]
    by_key = {(r[0], r[2]): r for r in rows[1:]}
    assert by_key[("Art. 1", "credit-default-xgb")][3:] == [
        "Credit risk", "Gap", "The model's purpose is not described.",
        "Purpose described: Describe in plain words what the model is for."]
    assert by_key[("Art. 2", "churn-lgbm")][4:] == ["Met", "", ""]
    assert by_key[("Art. 3", "credit-default-xgb")][4] == "Not applicable"
    assert by_key[("Art. 4", "—")][4] == "not assessed"
    # Three assessed requirements for two visible models, and the unassessed one.
    assert len(rows) == 1 + 3 * 2 + 1
    assert not any("secret-model" in cell for row in rows for cell in row)

    pdf = _pdf_text(_generate("regulatory-mapping", parameters, "pdf", compliance_officer))
    assert "Regulatory mapping and gaps: MGA" in pdf
    assert "Model Governance Act (MGA 2026)" in pdf
    assert ("Art. 1 Purpose is documented churn-lgbm Marketing Gap The model's purpose is not "
            "described. Purpose described: Describe in plain words what the model is for."
            in pdf)
    assert "Art. 2 Owner is named churn-lgbm Marketing Met" in pdf
    assert "Art. 4 Incident log kept — — not assessed" in pdf
    assert "secret-model" not in pdf


def test_mapping_for_one_team_and_for_a_member_of_the_confidential_team(
        stores, compliance_officer, mapping) -> None:
    parameters = {"frameworks": [mapping["framework"].pk], "team": mapping["credit"].pk}
    rows = _csv_rows(_generate("regulatory-mapping", parameters, "csv", compliance_officer))
    assert {r[2] for r in rows[1:]} == {"credit-default-xgb", "—"}
    insider = mapping["insider"]
    insider.groups.add(*compliance_officer.groups.all())
    insider = type(insider).objects.get(pk=insider.pk)  # fresh permission cache
    rows = _csv_rows(_generate("regulatory-mapping", {"frameworks": [mapping["framework"].pk]},
                               "csv", insider))
    assert "secret-model" in {r[2] for r in rows[1:]}


@pytest.mark.parametrize(("parameters", "field"), [
    ({}, "parameters.frameworks"),
    ({"frameworks": [999999]}, "parameters.frameworks"),
    ({"frameworks": "everything"}, "parameters.frameworks"),
    ({"frameworks": "current", "team": 999999}, "parameters.team"),
])
def test_mapping_refuses_bad_parameters_per_field(stores, compliance_officer, mapping,
                                                  parameters, field) -> None:
    if parameters.get("frameworks") == "current":
        parameters = {**parameters, "frameworks": [mapping["framework"].pk]}
    with pytest.raises(ValidationError) as error:
        report_generate(template_key="regulatory-mapping", parameters=parameters, format="csv",
                        actor=compliance_officer)
    assert field in error.value.message_dict
    assert not Report.objects.exists()


def test_mapping_refuses_a_framework_without_a_version_in_force(stores, compliance_officer,
                                                                mapping) -> None:
    retired = FrameworkVersionFactory(is_current=False).framework
    with pytest.raises(ValidationError) as error:
        report_generate(template_key="regulatory-mapping",
                        parameters={"frameworks": [retired.pk]}, format="csv",
                        actor=compliance_officer)
    assert "parameters.frameworks" in error.value.message_dict


# --------------------------------------------------------------------------------------
# Approvals log
# --------------------------------------------------------------------------------------
@pytest.fixture
def approvals():
    """A request approved by two people then promoted, one rejected, one still waiting on a
    low-risk model, and one about a confidential model."""
    requester = UserFactory(username="requester", first_name="Rita", last_name="Quest")
    validator = UserFactory(username="val", first_name="Vera", last_name="Lidator",
                            roles=[Role.VALIDATOR])
    cab = UserFactory(username="cab", first_name="Carl", last_name="Board",
                      roles=[Role.CAB_MEMBER])
    high = MLModelFactory(name="credit-default-xgb", risk_tier=RiskTier.HIGH)
    promoted = ApprovalRequestFactory(
        model_version=ModelVersionFactory(model=high, version=3, stage=ModelStage.VALIDATED),
        requested_by=requester, to_stage=ModelStage.STAGING, status=ApprovalStatus.PROMOTED,
        status_detail="Promoted by the requester.")
    ApprovalDecisionFactory(request=promoted, approver=validator, roles=["Validator"],
                            comment="Back-test reviewed, fine.")
    ApprovalDecisionFactory(request=promoted, approver=cab, roles=["CAB member"],
                            comment="Change window agreed.")
    rejected = ApprovalRequestFactory(
        model_version=ModelVersionFactory(model=high, version=4, stage=ModelStage.VALIDATED),
        requested_by=requester, status=ApprovalStatus.REJECTED)
    ApprovalDecisionFactory(request=rejected, approver=validator, roles=["Validator"],
                            decision=Decision.REJECT, comment="Drift on the holdout set.")
    ApprovalRequestFactory(model_version=ModelVersionFactory(
        model=MLModelFactory(name="churn-lgbm", risk_tier=RiskTier.LOW),
        stage=ModelStage.VALIDATED), requested_by=requester)
    insider = UserFactory(username="insider")
    ApprovalRequestFactory(model_version=ModelVersionFactory(
        model=MLModelFactory(name="secret-model", risk_tier=RiskTier.HIGH, confidential=True,
                             team=TeamFactory(members=[insider])), stage=ModelStage.VALIDATED),
        requested_by=requester)
    today = timezone.localdate()
    return {"promoted": promoted, "rejected": rejected,
            "period": {"start": str(today - datetime.timedelta(days=7)), "end": str(today)}}


def test_approvals_log_has_every_decision_with_role_comment_time_and_outcome(
        stores, compliance_officer, approvals) -> None:
    rows = _csv_rows(_generate("approvals-log", approvals["period"], "csv", compliance_officer))
    assert rows[0] == ["Request", "Model", "Version", "Risk tier", "From stage", "To stage",
                       "Requested by", "Requested at", "Approver", "Approver's roles",
                       "Decision", "Comment", "Decided at", "Outcome"]
    promoted = [r for r in rows[1:] if r[0] == f"#{approvals['promoted'].pk}"]
    assert [(r[8], r[9], r[10], r[11]) for r in promoted] == [
        ("Vera Lidator", "Validator", "Approved", "Back-test reviewed, fine."),
        ("Carl Board", "CAB member", "Approved", "Change window agreed.")]
    assert promoted[0][1:7] == ["credit-default-xgb", "v3", "High", "Validated", "Staging",
                                "Rita Quest"]
    assert promoted[0][13] == "Approved and promoted: Promoted by the requester."
    assert promoted[0][12].startswith(str(timezone.localdate()))
    rejected = next(r for r in rows[1:] if r[0] == f"#{approvals['rejected'].pk}")
    assert (rejected[10], rejected[11], rejected[13]) == (
        "Rejected", "Drift on the holdout set.", "Rejected")
    waiting = next(r for r in rows[1:] if r[1] == "churn-lgbm")
    assert (waiting[8], waiting[10], waiting[13]) == ("—", "no decision yet",
                                                      "Waiting for approvals")
    assert len(rows) == 1 + 2 + 1 + 1
    assert not any("secret-model" in cell for row in rows for cell in row)

    pdf = _pdf_text(_generate("approvals-log", approvals["period"], "pdf", compliance_officer))
    assert "Approvals log" in pdf and "Vera Lidator" in pdf
    assert "Drift on the holdout set." in pdf and "Change window agreed." in pdf
    assert "secret-model" not in pdf


def test_approvals_log_by_risk_tier_and_outside_the_period(stores, compliance_officer,
                                                           approvals) -> None:
    rows = _csv_rows(_generate("approvals-log", {**approvals["period"], "risk_tier": ["low"]},
                               "csv", compliance_officer))
    assert [r[1] for r in rows[1:]] == ["churn-lgbm"]
    last_year = timezone.localdate() - datetime.timedelta(days=365)
    rows = _csv_rows(_generate("approvals-log", {"start": str(last_year),
                                                 "end": str(last_year)}, "csv",
                               compliance_officer))
    assert rows == [rows[0]]


@pytest.mark.parametrize(("parameters", "field"), [
    ({"start": "2026-05-01"}, "parameters.end"),
    ({"start": "2026-05-01", "end": "2026-04-01"}, "parameters.end"),
    ({"start": "2025-01-01", "end": "2026-06-01"}, "parameters.end"),
    ({"start": "soon", "end": "2026-04-01"}, "parameters.start"),
    ({"start": "2026-04-01", "end": "2026-04-02", "risk_tier": ["extreme"]},
     "parameters.risk_tier"),
])
def test_approvals_log_refuses_bad_parameters_per_field(stores, compliance_officer, parameters,
                                                        field) -> None:
    with pytest.raises(ValidationError) as error:
        report_generate(template_key="approvals-log", parameters=parameters, format="pdf",
                        actor=compliance_officer)
    assert field in error.value.message_dict
    assert not Report.objects.exists()


def test_reports_page_offers_both_and_refuses_a_missing_framework(stores, client,
                                                                   compliance_officer,
                                                                   mapping) -> None:
    from django.urls import reverse

    client.force_login(compliance_officer)
    page = client.get(reverse("governance:report_list")).content.decode()
    assert "Regulatory mapping and gaps" in page and "Approvals log" in page
    url = reverse("governance:report_generate", args=["regulatory-mapping"])
    form = client.get(url).content.decode()
    assert "MGA" in form and f'value="{mapping["framework"].pk}"' in form
    assert "Credit risk" in form
    refused = client.post(url, {"format": "csv", "generate": "1"})
    assert refused.status_code == 400 and "This field is required" in refused.content.decode()
    assert not Report.objects.exists()
    done = client.post(url, {"frameworks": [mapping["framework"].pk], "format": "csv",
                             "generate": "1"})
    assert done.status_code == 302
    assert Report.objects.get().parameters == {"frameworks": [mapping["framework"].pk]}
    approvals = reverse("governance:report_generate", args=["approvals-log"])
    assert client.get(approvals).status_code == 200
