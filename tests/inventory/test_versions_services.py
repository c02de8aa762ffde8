"""Versions services: registration with dataset links, branches, aliases, the
point-in-time question, components and storage."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.exceptions import ConflictError
from inventory.choices import BranchKind, DatasetRole, ModelStage, VersioningStrategy
from inventory.models import AliasMove, ModelBranch, ModelVersionDataset
from inventory.selectors.versions import mlmodel_as_of, mlmodel_storage, model_version_components
from inventory.services import versions
from inventory.services.branches import (
    model_alias_delete,
    model_alias_set,
    model_branch_create,
    model_branch_delete,
)
from inventory.services.versions import model_version_datasets_link, model_version_transition
from inventory.signals import alias_moved, model_version_registered
from tests.factories.catalogue import (
    DatasetVersionFactory,
    MLModelFactory,
    ModelVersionFactory,
    PinnedModelVersionFactory,
)

pytestmark = pytest.mark.django_db
SHA_A, SHA_B = "a" * 64, "b" * 64


def register(model, actor, **data):
    base = {"artifact_uri": "s3://m/x", "artifact_sha256": SHA_A, "artifact_size": 1000,
            "training_date": datetime.date(2026, 1, 1), "evaluation_metrics": {"auc": 0.8},
            "input_schema": {"type": "object"}, "output_schema": {"type": "object"},
            "training_environment": "python 3.11", "inference_requirements": "1 vCPU",
            "code_repository": "https://git.example.org/credit", "code_commit": "abc123",
            "environment_digest": "sha256:" + "e" * 64}
    if "datasets" not in data:  # a granular version pins its data
        data["datasets"] = [{"dataset_version": DatasetVersionFactory(sha256=SHA_A),
                             "role": "train"}]
    return versions.model_version_register(model=model, actor=actor, reason="CI build",
                                            data={**base, **data})


def test_registration_records_every_field_links_datasets_with_checksums_and_main(platform_admin):
    model = MLModelFactory()
    train = DatasetVersionFactory(sha256=SHA_A, size=500)
    test = DatasetVersionFactory(sha256=SHA_B, size=100)
    version = register(model, platform_admin, code_commit_signed=True,
                       environment_uri="registry.example.org/train:1.2", environment_size=300,
                       datasets=[{"dataset_version": train, "role": DatasetRole.TRAIN},
                                 {"dataset_version": test.pk, "role": DatasetRole.TEST}])
    assert version.branch.name == "main" and version.branch.kind == BranchKind.MAIN
    assert version.code_commit_signed is True
    links = {(link.role, link.checksum_at_link, link.size_at_link)
             for link in version.dataset_links.all()}
    assert links == {(DatasetRole.TRAIN, SHA_A, 500), (DatasetRole.TEST, SHA_B, 100)}
    # The dataset version's checksum changing later does not rewrite the pinned one.
    train.sha256 = "c" * 64
    train.save()
    assert version.dataset_links.get(role=DatasetRole.TRAIN).checksum_at_link == SHA_A
    assert set(version.datasets.all()) == {train, test}


def test_bad_links_are_refused_and_take_no_number(platform_admin):
    model = MLModelFactory()
    with pytest.raises(ValidationError) as error:
        register(model, platform_admin, datasets=[{"dataset_version": 999999, "role": "train"},
                                                  {"dataset_version": 1, "role": "tuning"}])
    messages = " ".join(error.value.message_dict["datasets"])
    assert "does not exist" in messages and "role must be one of" in messages
    assert model.versions.count() == 0
    assert register(model, platform_admin).version == 1


def test_relinking_a_draft_replaces_links_and_keeps_history(platform_admin):
    version = ModelVersionFactory(stage=ModelStage.REGISTERED)
    first, second = DatasetVersionFactory(), DatasetVersionFactory()
    model_version_datasets_link(version=version, actor=platform_admin, reason="first",
                                links=[{"dataset_version": first, "role": "train"}])
    model_version_datasets_link(version=version, actor=platform_admin, reason="fixed",
                                links=[{"dataset_version": second, "role": "train"}])
    assert list(version.datasets.all()) == [second]
    history = ModelVersionDataset.history.filter(model_version_id=version.pk)
    assert sorted(history.values_list("history_type", "history_change_reason")) == [
        ("+", "first"), ("+", "fixed"), ("-", "fixed")]


def test_registration_signal_after_commit(platform_admin, django_capture_on_commit_callbacks):
    received = []
    model_version_registered.connect(lambda sender, **kw: received.append(kw["version"].version),
                                     weak=False, dispatch_uid="test-registered")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            register(MLModelFactory(), platform_admin)
    finally:
        model_version_registered.disconnect(dispatch_uid="test-registered")
    assert received == [1]


# --------------------------------------------------------------------------------------
# Branches
# --------------------------------------------------------------------------------------
def test_branches_fork_from_a_parent_and_drift_tests_say_their_scenario(platform_admin):
    model = MLModelFactory()
    parent = register(model, platform_admin)
    with pytest.raises(ValidationError) as error:
        model_branch_create(model=model, actor=platform_admin, reason="x",
                            data={"name": "drift-test/q3", "parent_version": parent})
    assert "drift_scenario" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        model_branch_create(model=model, actor=platform_admin, reason="x",
                            data={"name": "Feature Branch", "parent_version": parent})
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        model_branch_create(model=model, actor=platform_admin, reason="x",
                            data={"name": "exp/x", "parent_version": ModelVersionFactory()})
    assert "parent_version" in error.value.message_dict
    drift = model_branch_create(model=model, actor=platform_admin, reason="Q3 stress test",
                                data={"name": "drift-test/q3-income", "parent_version": parent,
                                      "drift_scenario": "Income shifted -15%"})
    assert drift.kind == BranchKind.DRIFT_TEST
    child = register(model, platform_admin, branch="drift-test/q3-income")
    assert (child.version, child.branch) == (2, drift)
    assert drift.parent_version == parent
    with pytest.raises(ValidationError, match="no branch"):
        register(model, platform_admin, branch="exp/missing")
    with pytest.raises(ConflictError, match="has versions"):
        model_branch_delete(branch=drift, actor=platform_admin, reason="cleanup")
    with pytest.raises(ConflictError, match="main branch"):
        model_branch_delete(branch=ModelBranch.objects.get(model=model, name="main"),
                            actor=platform_admin, reason="cleanup")


# --------------------------------------------------------------------------------------
# Aliases and point in time
# --------------------------------------------------------------------------------------
def test_alias_moves_are_logged_audited_and_signalled(validator, data_scientist,
                                                      django_capture_on_commit_callbacks):
    model = MLModelFactory()
    v1, v2 = ModelVersionFactory(model=model), ModelVersionFactory(model=model)
    received = []
    alias_moved.connect(lambda sender, **kw: received.append(
        (kw["from_version"], kw["to_version"])), weak=False, dispatch_uid="test-alias")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            model_alias_set(model=model, name="champion", version=v1, actor=validator,
                            reason="Passed validation")
            alias = model_alias_set(model=model, name="champion", version=v2, actor=validator,
                                    reason="Better AUC")
    finally:
        alias_moved.disconnect(dispatch_uid="test-alias")
    assert received == [(None, v1), (v1, v2)]
    assert alias.version == v2
    moves = list(AliasMove.objects.filter(model=model).order_by("id").values_list(
        "from_version", "to_version", "actor", "reason"))
    assert moves == [(None, v1.pk, "validator", "Passed validation"),
                     (v1.pk, v2.pk, "validator", "Better AUC")]
    assert list(alias.history.values_list("version_id", flat=True)) == [v2.pk, v1.pk]
    with pytest.raises(ValidationError, match="promote"):
        model_alias_set(model=model, name="champion", version=v1, actor=data_scientist,
                        reason="mine")
    with pytest.raises(ValidationError) as error:
        model_alias_set(model=model, name="challenger", version=v1, actor=validator, reason="")
    assert "change_reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        AliasMove.objects.filter(model=model).delete()
    with pytest.raises(ValidationError):
        AliasMove.objects.first().delete()


def test_point_in_time_answers_alias_and_production_with_who_and_why(platform_admin, validator):
    model = MLModelFactory()
    v1 = PinnedModelVersionFactory(model=model, stage=ModelStage.STAGING)
    v2 = PinnedModelVersionFactory(model=model, stage=ModelStage.STAGING)
    t0 = timezone.now()
    model_version_transition(version=v1, to_stage=ModelStage.PRODUCTION, actor=validator,
                             reason="CAB-12 approved")
    model_alias_set(model=model, name="champion", version=v1, actor=validator,
                    reason="First champion")
    t1 = timezone.now()
    model_version_transition(version=v2, to_stage=ModelStage.PRODUCTION, actor=platform_admin,
                             reason="CAB-19 approved")
    model_version_transition(version=v1, to_stage=ModelStage.DEPRECATED, actor=platform_admin,
                             reason="Replaced by v2")
    model_alias_set(model=model, name="champion", version=v2, actor=platform_admin,
                    reason="v2 wins the A/B test")
    before = mlmodel_as_of(model=model, at=t0)
    assert before.aliases == [] and before.production == []
    then = mlmodel_as_of(model=model, at=t1)
    champion = then.alias("champion")
    assert (champion.version, champion.moved_by, champion.reason) == (1, "validator",
                                                                       "First champion")
    assert [(v.version, v.changed_by, v.reason) for v in then.production] == [
        (1, "validator", "CAB-12 approved")]
    now = mlmodel_as_of(model=model, at=timezone.now())
    assert now.alias("champion").version == 2
    assert {v.version: v.stage for v in now.versions} == {2: ModelStage.PRODUCTION,
                                                          1: ModelStage.DEPRECATED}
    model_alias_delete(alias=model.aliases.get(name="champion"), actor=platform_admin,
                       reason="Model withdrawn")
    assert mlmodel_as_of(model=model, at=timezone.now()).alias("champion") is None
    assert mlmodel_as_of(model=model, at=t1).alias("champion").version == 1


def test_point_in_time_costs_two_queries(django_assert_num_queries, platform_admin):
    model = MLModelFactory()
    for _ in range(4):
        version = ModelVersionFactory(model=model)
        model_alias_set(model=model, name="challenger", version=version, actor=platform_admin,
                        reason="next")
    with django_assert_num_queries(2):
        mlmodel_as_of(model=model, at=timezone.now())


# --------------------------------------------------------------------------------------
# Components and storage (versioning strategy)
# --------------------------------------------------------------------------------------
def test_components_and_storage_per_strategy(platform_admin):
    model = MLModelFactory(versioning_strategy=VersioningStrategy.GRANULAR)
    data = DatasetVersionFactory(size=10_000)
    for _ in range(3):
        register(model, platform_admin, artifact_size=1000, environment_uri="img:1",
                 environment_size=500, datasets=[{"dataset_version": data, "role": "train"}])
    version = model.versions.first()
    kinds = [c.kind for c in model_version_components(version)]
    assert kinds == ["model", "data", "code", "environment"]
    storage = mlmodel_storage(model)
    # Granular: three artefacts, the data and the environment once each.
    assert storage["granular_bytes"] == 3 * 1000 + 10_000 + 500
    # Monolithic would copy data and environment into every bundle.
    assert storage["monolithic_bytes"] == 3 * (1000 + 10_000 + 500)
    assert storage["current_bytes"] == storage["granular_bytes"]
    bundled = MLModelFactory(versioning_strategy=VersioningStrategy.MONOLITHIC)
    v = register(bundled, platform_admin, artifact_size=7000,
                 datasets=[{"dataset_version": data, "role": "train"}])
    components = model_version_components(v)
    assert components[0].label.startswith("Bundle")
    assert all(c.size is None for c in components[1:])
    assert mlmodel_storage(bundled)["current_bytes"] == 7000
