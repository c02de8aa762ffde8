"""The API doors of versions and branches: register with links and branch, transition, frozen versions,
the point-in-time call."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.choices import ModelStage
from inventory.models import ModelVersion
from inventory.services.branches import model_alias_set
from inventory.services.versions import model_version_transition
from tests.factories.catalogue import (
    DatasetVersionFactory,
    MLModelFactory,
    PinnedModelVersionFactory,
)

pytestmark = pytest.mark.django_db


def test_register_with_datasets_and_read_them_back(api_client_for, platform_admin):
    model = MLModelFactory()
    data = DatasetVersionFactory(sha256="c" * 64, size=42)
    response = api_client_for(platform_admin).post(reverse("inventory-api:modelversion-list"), {
        "model": model.pk, "artifact_uri": "s3://m/1", "artifact_sha256": "a" * 64,
        "training_date": "2026-01-01", "evaluation_metrics": {"auc": 0.8},
        "input_schema": {"type": "object"}, "output_schema": {"type": "object"},
        "training_environment": "py3.11", "inference_requirements": "1 vCPU",
        "code_commit": "abc", "code_commit_signed": True,
        "environment_digest": "sha256:" + "e" * 64,
        "datasets": [{"dataset_version": data.pk, "role": "train"}],
        "change_reason": "CI build 7"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["branch"] == "main" and body["code_commit_signed"] is True
    assert body["datasets"] == [{"dataset_version": data.pk, "role": "train",
                                 "checksum_at_link": "c" * 64, "size_at_link": 42}]
    assert body["frozen"] is False


def test_transition_action_moves_and_refuses_illegal_moves(api_client_for, validator):
    version = PinnedModelVersionFactory(stage=ModelStage.REGISTERED)
    client = api_client_for(validator)
    url = reverse("inventory-api:modelversion-transition", args=[version.pk])
    response = client.post(url, {"to_stage": "production", "change_reason": "skip"},
                           format="json")
    assert response.status_code == 400
    message = " ".join(response.json()["error"]["fields"]["to_stage"])
    assert "cannot move from registered to production" in message
    response = client.post(url, {"to_stage": "validated", "change_reason": "Checked"},
                           format="json")
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "validated"
    row = version.history.latest("history_date")
    assert (row.history_user, row.history_change_reason) == (validator, "Checked")
    response = client.post(url, {"to_stage": "staging"}, format="json")
    assert response.status_code == 400 and "change_reason" in response.json()["error"]["fields"]


def test_transition_without_permission_is_refused(api_client_for, data_scientist):
    version = PinnedModelVersionFactory(stage=ModelStage.VALIDATED)
    response = api_client_for(data_scientist).post(
        reverse("inventory-api:modelversion-transition", args=[version.pk]),
        {"to_stage": "staging", "change_reason": "ship"}, format="json")
    assert response.status_code == 400
    assert "may not promote" in " ".join(response.json()["error"]["fields"]["to_stage"])
    version.refresh_from_db()
    assert version.stage == ModelStage.VALIDATED


def test_frozen_version_cannot_be_changed_through_the_api(api_client_for, platform_admin):
    version = PinnedModelVersionFactory(stage=ModelStage.PRODUCTION, artifact_sha256="a" * 64)
    client = api_client_for(platform_admin)
    url = reverse("inventory-api:modelversion-detail", args=[version.pk])
    for payload in ({"artifact_sha256": "f" * 64}, {"datasets": []},
                    {"description": "typo"}):
        response = client.patch(url, payload, format="json")
        assert response.status_code == 409, response.content
        assert "frozen" in response.json()["error"]["message"]
    assert client.delete(url).status_code == 409
    version.refresh_from_db()
    assert version.artifact_sha256 == "a" * 64
    assert version.history.count() == 1


def test_as_of_answers_in_one_call(api_client_for, validator, auditor):
    model = MLModelFactory()
    v1 = PinnedModelVersionFactory(model=model, stage=ModelStage.STAGING)
    model_version_transition(version=v1, to_stage=ModelStage.PRODUCTION, actor=validator,
                             reason="CAB-12 approved")
    model_alias_set(model=model, name="champion", version=v1, actor=validator,
                    reason="Best on hold-out")
    moment = timezone.now()
    v2 = PinnedModelVersionFactory(model=model, stage=ModelStage.STAGING)
    model_alias_set(model=model, name="champion", version=v2, actor=validator,
                    reason="Shadow test won")
    client = api_client_for(auditor)
    url = reverse("inventory-api:mlmodel-as-of", args=[model.pk])
    response = client.get(url, {"at": moment.isoformat()})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(a["alias"], a["version"], a["moved_by"], a["reason"]) for a in body["aliases"]] \
        == [("champion", 1, "validator", "Best on hold-out")]
    assert [(v["version"], v["changed_by"], v["reason"]) for v in body["production"]] == [
        (1, "validator", "CAB-12 approved")]
    assert client.get(url, {"at": "2020-01-01"}).json()["aliases"] == []
    bad = client.get(url, {"at": "yesterday"})
    assert bad.status_code == 400 and "at" in bad.json()["error"]["fields"]


def test_as_of_of_a_hidden_model_is_404(api_client_for, refused_user, data_scientist):
    model = MLModelFactory(confidential=True)
    url = reverse("inventory-api:mlmodel-as-of", args=[model.pk])
    assert api_client_for(data_scientist).get(url, {"at": "2026-03-01"}).status_code == 404
    assert api_client_for(refused_user).get(url, {"at": "2026-03-01"}).status_code == 403


def test_version_list_query_count_is_constant(api_client_for, platform_admin,
                                              django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_client_for(platform_admin)
    url = reverse("inventory-api:modelversion-list")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def more(n: int) -> None:
        for _ in range(n):
            version = PinnedModelVersionFactory()
            model_alias_set(model=version.model, name="champion", version=version,
                            actor=platform_admin, reason="x")
            version.dataset_links.create(dataset_version=DatasetVersionFactory(), role="train")

    more(3)
    small = count()
    more(6)
    assert count() == small
    assert ModelVersion.objects.count() == 9


def test_versioning_strategy_is_part_of_the_model(api_client_for, model_owner):
    from inventory.choices import VersioningStrategy

    model = MLModelFactory()
    client = api_client_for(model_owner)
    url = reverse("inventory-api:mlmodel-detail", args=[model.pk])
    assert client.get(url).json()["versioning_strategy"] == VersioningStrategy.GRANULAR
    response = client.patch(url, {"versioning_strategy": "monolithic",
                                  "change_reason": "One bundle per release"}, format="json")
    assert response.status_code == 200, response.content
    model.refresh_from_db()
    assert model.versioning_strategy == VersioningStrategy.MONOLITHIC
    assert client.patch(url, {"versioning_strategy": "chunked"},
                        format="json").status_code == 400
