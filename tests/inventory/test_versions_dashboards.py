"""Dashboards of versions: the version timeline, the lifecycle board, the version
list, the point-in-time view and the stage-move form."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from inventory.choices import ModelStage
from inventory.models import DeprecationSchedule
from inventory.services.branches import model_alias_set, model_branch_create
from inventory.services.versions import model_version_transition
from tests.factories import UserFactory
from tests.factories.catalogue import (
    DatasetFactory,
    DatasetVersionFactory,
    MLModelFactory,
    PinnedModelVersionFactory,
)

pytestmark = pytest.mark.django_db


def queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
        assert response.status_code == 200
    return len(captured)


def test_timeline_shows_branches_aliases_stages_components(client, platform_admin):
    model = MLModelFactory()
    v1 = PinnedModelVersionFactory(model=model, stage=ModelStage.PRODUCTION, artifact_size=2048)
    model_alias_set(model=model, name="champion", version=v1, actor=platform_admin,
                    reason="first")
    branch = model_branch_create(model=model, actor=platform_admin, reason="stress",
                                 data={"name": "drift-test/q3", "parent_version": v1,
                                       "drift_scenario": "Income -15%"})
    v2 = PinnedModelVersionFactory(model=model, branch=branch)
    v2.dataset_links.create(dataset_version=DatasetVersionFactory(size=100), role="train",
                            checksum_at_link="c" * 64, size_at_link=100)
    client.force_login(platform_admin)
    page = client.get(model.get_absolute_url()).content.decode()
    assert "@champion" in page and "drift-test/q3" in page and "Income -15%" in page
    assert 'data-branch="drift-test/q3"' in page and "Frozen" in page
    assert "Training data" in page and "c" * 16 in page
    assert reverse("inventory:modelversion_transition", args=[v2.pk]) in page
    assert reverse("inventory:mlmodel_as_of", args=[model.pk]) in page


def test_timeline_does_not_name_another_team_s_confidential_dataset(client, data_scientist):
    secret = DatasetFactory(name="secret-payroll", confidential=True)
    version = PinnedModelVersionFactory()
    version.dataset_links.create(dataset_version=DatasetVersionFactory(dataset=secret),
                                 role="train")
    client.force_login(data_scientist)
    page = client.get(version.model.get_absolute_url()).content.decode()
    assert "secret-payroll" not in page and "a dataset version you may not see" in page


def test_model_page_query_count_does_not_grow_with_versions(client, platform_admin):
    model = MLModelFactory()

    def add(n: int) -> None:
        for _ in range(n):
            version = PinnedModelVersionFactory(model=model)
            model_alias_set(model=model, name=f"a{version.version}", version=version,
                            actor=platform_admin, reason="x")
            version.dataset_links.create(dataset_version=DatasetVersionFactory(), role="train")

    client.force_login(platform_admin)
    add(2)
    few = queries(client, model.get_absolute_url())
    add(4)
    assert queries(client, model.get_absolute_url()) == few


def test_lifecycle_board_counts_link_to_filtered_lists(client, compliance_officer):
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=10)
    live = PinnedModelVersionFactory(stage=ModelStage.PRODUCTION)
    DeprecationSchedule.objects.create(model_version=live, validation_expires_on=soon,
                                       deprecate_on=soon)
    later = PinnedModelVersionFactory(stage=ModelStage.PRODUCTION)
    DeprecationSchedule.objects.create(model_version=later,
                                       validation_expires_on=today + datetime.timedelta(days=90))
    PinnedModelVersionFactory(stage=ModelStage.STAGING)
    client.force_login(compliance_officer)
    response = client.get(reverse("inventory:lifecycle_board"))
    context = response.context
    counts = {s["value"]: s["count"] for s in context["stages"]}
    assert counts[ModelStage.PRODUCTION] == 2 and counts[ModelStage.STAGING] == 1
    assert context["revalidation_count"] == 1 and context["deprecation_count"] == 1
    listed = client.get(context["revalidation_url"]).context["rows"]
    assert [row[0]["text"] for row in listed] == [str(live)]
    listed = client.get(context["deprecation_url"]).context["rows"]
    assert [row[0]["text"] for row in listed] == [str(live)]
    production = client.get(next(s["url"] for s in context["stages"]
                                 if s["value"] == ModelStage.PRODUCTION)).context["rows"]
    assert len(production) == 2


def test_board_and_version_list_constant_queries_with_object_grants_only(client):
    user = UserFactory(username="grants-only")
    assign_perm("inventory.view_mlmodel", user)  # sees models only via their versions' grants

    def grant(n: int) -> None:
        for _ in range(n):
            version = PinnedModelVersionFactory(stage=ModelStage.PRODUCTION)
            assign_perm("inventory.view_modelversion", user, version)
            model_alias_set(model=version.model, name="champion", version=version,
                            actor=None, reason="x")

    client.force_login(user)
    grant(2)
    board = queries(client, reverse("inventory:lifecycle_board"))
    listing = queries(client, reverse("inventory:modelversion_list"))
    grant(4)
    assert queries(client, reverse("inventory:lifecycle_board")) == board
    assert queries(client, reverse("inventory:modelversion_list")) == listing
    assert len(client.get(reverse("inventory:modelversion_list")).context["rows"]) == 6


def test_point_in_time_view(client, validator, auditor):
    model = MLModelFactory()
    v1 = PinnedModelVersionFactory(model=model, stage=ModelStage.STAGING)
    model_version_transition(version=v1, to_stage=ModelStage.PRODUCTION, actor=validator,
                             reason="CAB-12 approved")
    model_alias_set(model=model, name="champion", version=v1, actor=validator,
                    reason="Best on hold-out")
    client.force_login(auditor)
    url = reverse("inventory:mlmodel_as_of", args=[model.pk])
    moment = timezone.localtime() + datetime.timedelta(minutes=1)
    page = client.get(url, {"at": moment.strftime("%Y-%m-%dT%H:%M")}).content.decode()
    assert "Best on hold-out" in page and "CAB-12 approved" in page and "validator" in page
    past = client.get(url, {"at": "2020-01-01T00:00"}).content.decode()
    assert "No alias pointed" in past
    assert "Enter a valid date/time" in client.get(url, {"at": "soon"}).content.decode()


def test_transition_form_refuses_with_a_field_error_and_moves_when_allowed(client, data_scientist,
                                                                          validator):
    version = PinnedModelVersionFactory(stage=ModelStage.VALIDATED)
    url = reverse("inventory:modelversion_transition", args=[version.pk])
    client.force_login(data_scientist)
    response = client.post(url, {"to_stage": "staging", "change_reason": "ship"})
    assert response.status_code == 200
    assert "may not promote" in " ".join(response.context["form"].errors["to_stage"])
    version.refresh_from_db()
    assert version.stage == ModelStage.VALIDATED
    client.force_login(validator)
    response = client.post(url, {"to_stage": "staging", "change_reason": "VR-3 passed"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.stage == ModelStage.STAGING


def test_pages_refuse_outsiders(client, refused_user):
    model = MLModelFactory(confidential=True)
    version = PinnedModelVersionFactory(model=model)
    client.force_login(refused_user)
    assert client.get(reverse("inventory:lifecycle_board")).status_code == 403
    assert client.get(reverse("inventory:modelversion_list")).status_code == 403
    assert client.get(reverse("inventory:mlmodel_as_of", args=[model.pk])).status_code == 403
    assert client.get(reverse("inventory:modelversion_transition",
                              args=[version.pk])).status_code == 404
