"""Frameworks, requirements and compliance statuses through the API and the admin: who may
read and write, revisions, 409 for what is in use, 400 naming the field."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from core.roles import Role
from governance.models import FrameworkVersion, Requirement
from governance.services.compliance import compliance_recompute
from tests.factories import UserFactory
from tests.factories.catalogue import MLModelFactory
from tests.factories.regulations import (
    ComplianceAssessmentFactory,
    FrameworkVersionFactory,
    RegulatoryFrameworkFactory,
    RequirementFactory,
    RequirementResultFactory,
)

pytestmark = pytest.mark.django_db

def _objects():
    return {"governance-api:regulatoryframework": RegulatoryFrameworkFactory(),
            "governance-api:frameworkversion": FrameworkVersionFactory(),
            "governance-api:requirement": RequirementFactory(),
            "governance-api:compliancestatus": ComplianceAssessmentFactory()}


@pytest.mark.parametrize("role", sorted(Role.ALL))
def test_every_role_reads_frameworks_requirements_and_statuses(role, api_client_for):
    user = UserFactory(username=f"reader-{role.lower().replace(' ', '-')}", roles=[role])
    client = api_client_for(user)
    for route, obj in _objects().items():
        assert client.get(reverse(f"{route}-list")).status_code == 200, (role, route)
        assert client.get(reverse(f"{route}-detail", args=[obj.pk])).status_code == 200


@pytest.mark.parametrize("writer", ["data_scientist", "model_owner", "auditor", "validator",
                                    "risk_officer", "cab_member"])
def test_only_compliance_officers_write_frameworks_and_requirements(writer, request,
                                                                      api_client_for):
    client = api_client_for(request.getfixturevalue(writer))
    requirement = RequirementFactory()
    framework = requirement.framework_version.framework
    before = (Requirement.objects.count(), Requirement.history.count())
    answers = [
        client.post(reverse("governance-api:regulatoryframework-list"),
                    {"code": "x", "name": "X", "short_name": "X"}, format="json"),
        client.patch(reverse("governance-api:regulatoryframework-detail", args=[framework.pk]),
                     {"description": "changed"}, format="json"),
        client.delete(reverse("governance-api:regulatoryframework-detail", args=[framework.pk])),
        client.post(reverse("governance-api:frameworkversion-list"),
                    {"framework": framework.code, "label": "Next"}, format="json"),
        client.patch(reverse("governance-api:frameworkversion-detail",
                             args=[requirement.framework_version_id]),
                     {"applies_when": {"fact": "deployed", "is": True}}, format="json"),
        client.post(reverse("governance-api:requirement-list"), {
            "framework_version": requirement.framework_version_id, "key": "k", "clause": "c",
            "title": "t", "summary": "s", "evidence": "e",
            "evidence_checks": ["model_purpose"]}, format="json"),
        client.patch(reverse("governance-api:requirement-detail", args=[requirement.pk]),
                     {"title": "changed"}, format="json"),
        client.delete(reverse("governance-api:requirement-detail", args=[requirement.pk])),
    ]
    assert [a.status_code for a in answers] == [403] * 8, [a.content for a in answers]
    assert (Requirement.objects.count(), Requirement.history.count()) == before


def test_statuses_are_never_written_through_the_api(platform_admin, api_client_for):
    status = ComplianceAssessmentFactory()
    client = api_client_for(platform_admin)
    url = reverse("governance-api:compliancestatus-detail", args=[status.pk])
    assert client.patch(url, {"status": "met"}, format="json").status_code == 405
    assert client.post(reverse("governance-api:compliancestatus-list"), {},
                       format="json").status_code == 405


def test_a_requirement_in_use_is_revised_through_the_api(compliance_officer, api_client_for):
    requirement = RequirementFactory()
    compliance_recompute(model_ids=[MLModelFactory(purpose="").pk], trigger="cite it")
    client = api_client_for(compliance_officer)
    answer = client.patch(reverse("governance-api:requirement-detail", args=[requirement.pk]),
                          {"summary": "Clearer wording", "change_reason": "Plainer words"},
                          format="json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["revision"], body["replaces"], body["is_current"]) == (2, requirement.pk, True)
    assert body["id"] != requirement.pk
    revised = Requirement.objects.get(pk=body["id"])
    assert revised.history.get().history_change_reason == "Plainer words"
    listed = client.get(reverse("governance-api:requirement-list"),
                        {"key": requirement.key, "is_current": "true",
                         "framework": requirement.framework_version.framework.code}
                        ).json()["results"]
    assert [row["id"] for row in listed] == [revised.pk]


def test_deleting_what_assessments_cite_is_409(compliance_officer, api_client_for):
    requirement = RequirementFactory()
    compliance_recompute(model_ids=[MLModelFactory().pk], trigger="cite it")
    client = api_client_for(compliance_officer)
    for route, obj in (("governance-api:requirement", requirement),
                       ("governance-api:frameworkversion", requirement.framework_version),
                       ("governance-api:regulatoryframework",
                        requirement.framework_version.framework)):
        answer = client.delete(reverse(f"{route}-detail", args=[obj.pk]))
        assert answer.status_code == 409, answer.content
        assert answer.json()["error"]["code"] == "conflict"
    assert Requirement.objects.filter(pk=requirement.pk).exists()


def test_a_new_version_through_the_api_copies_the_requirements(compliance_officer,
                                                               api_client_for):
    requirement = RequirementFactory()
    framework = requirement.framework_version.framework
    answer = api_client_for(compliance_officer).post(
        reverse("governance-api:frameworkversion-list"),
        {"framework": framework.code, "label": "Amended text"}, format="json")
    assert answer.status_code == 201, answer.content
    assert (answer.json()["version"], answer.json()["is_current"]) == (2, True)
    new = FrameworkVersion.objects.get(pk=answer.json()["id"])
    assert list(new.requirements.values_list("key", flat=True)) == [requirement.key]


def test_a_bad_rule_is_a_400_naming_the_field(compliance_officer, api_client_for):
    requirement = RequirementFactory()
    answer = api_client_for(compliance_officer).patch(
        reverse("governance-api:requirement-detail", args=[requirement.pk]),
        {"applies_when": {"fact": "risk_tier", "in": ["extreme"]}}, format="json")
    assert answer.status_code == 400
    assert "applies_when" in answer.json()["error"]["fields"]
    requirement.refresh_from_db()
    assert requirement.applies_when == {}


def test_status_lists_current_ones_with_gaps_and_superseded_on_request(auditor, api_client_for):
    result = RequirementResultFactory()
    old = ComplianceAssessmentFactory(model=result.assessment.model,
                                      framework_version=result.assessment.framework_version,
                                      is_current=False)
    client = api_client_for(auditor)
    rows = client.get(reverse("governance-api:compliancestatus-list"),
                      {"framework": result.assessment.framework.code}).json()["results"]
    assert [row["id"] for row in rows] == [result.assessment.pk]
    assert rows[0]["gaps"][0]["missing"][0]["how_to_close"] == (
        "Describe in plain words what the model is for.")
    rows = client.get(reverse("governance-api:compliancestatus-list"),
                      {"superseded": "true"}).json()["results"]
    assert [row["id"] for row in rows] == [old.pk]
    answer = client.get(reverse("governance-api:compliancestatus-list"), {"framework": "nope"})
    assert answer.status_code == 400 and "framework" in answer.json()["error"]["fields"]


def test_a_confidential_models_status_is_hidden_from_other_teams(auditor, api_client_for):
    hidden = ComplianceAssessmentFactory(model=MLModelFactory(confidential=True))
    answer = api_client_for(auditor).get(reverse("governance-api:compliancestatus-detail",
                                                 args=[hidden.pk]))
    assert answer.status_code == 404


# --------------------------------------------------------------------------------------
# The admin door
# --------------------------------------------------------------------------------------
@pytest.fixture
def officer_in_admin(db) -> Client:
    client = Client()
    client.force_login(UserFactory(username="officer-admin", roles=[Role.COMPLIANCE_OFFICER],
                                   is_staff=True))
    return client


def test_a_requirement_changed_in_the_admin_becomes_a_revision_when_in_use(officer_in_admin):
    requirement = RequirementFactory()
    compliance_recompute(model_ids=[MLModelFactory(purpose="").pk], trigger="cite it")
    url = reverse("admin:governance_requirement_change", args=[requirement.pk])
    assert officer_in_admin.get(url).status_code == 200
    answer = officer_in_admin.post(url, {
        "key": requirement.key, "clause": requirement.clause, "title": requirement.title,
        "summary": "Changed in the admin", "evidence": requirement.evidence,
        "evidence_checks": '["model_purpose"]', "applies_when": "{}", "order": 1,
        "change_reason": "Wording"}, follow=True)
    assert answer.status_code == 200
    assert "saved as revision 2" in answer.content.decode()
    revised = Requirement.objects.get(framework_version=requirement.framework_version,
                                      key=requirement.key, is_current=True)
    assert (revised.revision, revised.summary) == (2, "Changed in the admin")
    requirement.refresh_from_db()
    assert requirement.summary != "Changed in the admin"


def test_a_version_in_use_is_not_deleted_in_the_admin(officer_in_admin):
    requirement = RequirementFactory()
    compliance_recompute(model_ids=[MLModelFactory().pk], trigger="cite it")
    version = requirement.framework_version
    answer = officer_in_admin.post(reverse("admin:governance_frameworkversion_delete",
                                           args=[version.pk]), {"post": "yes"}, follow=True)
    # The admin names the assessments that keep it, and deletes nothing.
    assert "Cannot delete framework version" in answer.content.decode()
    assert FrameworkVersion.objects.filter(pk=version.pk).exists()


def test_an_unused_version_is_deleted_in_the_admin_with_its_requirements(officer_in_admin):
    requirement = RequirementFactory()
    version = requirement.framework_version
    url = reverse("admin:governance_frameworkversion_delete", args=[version.pk])
    assert "Cannot delete" not in officer_in_admin.get(url).content.decode()
    officer_in_admin.post(url, {"post": "yes"})
    assert not FrameworkVersion.objects.filter(pk=version.pk).exists()
    assert not Requirement.objects.filter(pk=requirement.pk).exists()
    assert Requirement.history.get(id=requirement.pk, history_type="-").history_user is not None


def test_a_bad_rule_is_a_form_error_in_the_admin(officer_in_admin):
    requirement = RequirementFactory()
    answer = officer_in_admin.post(
        reverse("admin:governance_requirement_change", args=[requirement.pk]), {
            "key": requirement.key, "clause": requirement.clause, "title": requirement.title,
            "summary": requirement.summary, "evidence": requirement.evidence,
            "evidence_checks": '["no_such_check"]', "applies_when": "{}", "order": 1})
    assert answer.status_code == 200
    assert "Unknown evidence check: no_such_check" in answer.content.decode()


def test_the_next_version_is_started_from_the_admin(officer_in_admin):
    requirement = RequirementFactory()
    version = requirement.framework_version
    answer = officer_in_admin.post(reverse("admin:governance_frameworkversion_changelist"), {
        "action": "start_next_version", "_selected_action": [version.pk]}, follow=True)
    assert answer.status_code == 200
    current = FrameworkVersion.objects.get(framework=version.framework, is_current=True)
    assert current.version == 2 and current.requirements.get().key == requirement.key


def test_people_without_the_role_cannot_change_frameworks_in_the_admin(data_scientist):
    framework = RegulatoryFrameworkFactory()
    client = Client()
    client.force_login(data_scientist)
    url = reverse("admin:governance_regulatoryframework_change", args=[framework.pk])
    assert client.post(url, {"code": framework.code, "name": "Renamed",
                             "short_name": "R"}).status_code == 403
