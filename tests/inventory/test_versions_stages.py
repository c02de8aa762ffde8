"""The stage state machine of model versions: one service, every rule tested once here."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError
from guardian.shortcuts import assign_perm

from core.audit import audit_context
from inventory.choices import ModelStage
from inventory.services import versions
from inventory.services.versions import (
    STAGE_ORDER,
    TRANSITIONS,
    allowed_transitions,
    model_version_transition,
)
from inventory.signals import model_version_stage_changed
from tests.factories.catalogue import MLModelFactory, PinnedModelVersionFactory

pytestmark = pytest.mark.django_db
S = ModelStage


def walk(version, actor, *stages):
    for stage in stages:
        version = model_version_transition(version=version, to_stage=stage, actor=actor,
                                           reason=f"to {stage}")
    return version


def test_every_stage_is_in_the_table_and_the_happy_path_is_legal():
    assert set(TRANSITIONS) == set(S.values)
    for here, there in itertools.pairwise(STAGE_ORDER):
        assert there in TRANSITIONS[here], (here, there)
    assert allowed_transitions(S.RETIRED) == []


def test_full_lifecycle_writes_history_keeps_model_in_step(validator, platform_admin):
    version = PinnedModelVersionFactory(stage=S.DRAFT, model__stage=S.DRAFT)
    version = walk(version, platform_admin, S.REGISTERED, S.VALIDATED, S.STAGING,
                   S.PRODUCTION)
    model = version.model
    model.refresh_from_db()
    assert (model.stage, model.ever_in_production) == (S.PRODUCTION, True)
    walk(version, platform_admin, S.DEPRECATED, S.ARCHIVED, S.RETIRED)
    model.refresh_from_db()
    assert model.stage == S.RETIRED and model.ever_in_production
    rows = list(version.history.order_by("history_date").values_list(
        "stage", "history_change_reason", "history_user__username"))
    assert rows[-1] == (S.RETIRED, "to retired", "platform_admin")
    assert [r[0] for r in rows[-7:]] == [S.REGISTERED, S.VALIDATED, S.STAGING, S.PRODUCTION,
                                         S.DEPRECATED, S.ARCHIVED, S.RETIRED]


@pytest.mark.parametrize(("start", "target"), [
    (S.REGISTERED, S.PRODUCTION), (S.DRAFT, S.STAGING), (S.PRODUCTION, S.STAGING),
    (S.DEPRECATED, S.PRODUCTION), (S.RETIRED, S.ARCHIVED), (S.ARCHIVED, S.DEPRECATED)])
def test_illegal_transitions_are_refused_with_a_clear_message(platform_admin, start, target):
    version = PinnedModelVersionFactory(stage=start)
    with pytest.raises(ValidationError) as error:
        model_version_transition(version=version, to_stage=target, actor=platform_admin,
                                 reason="try")
    message = " ".join(error.value.message_dict["to_stage"])
    assert f"cannot move from {S(start).label.lower()} to {S(target).label.lower()}" in message
    version.refresh_from_db()
    assert version.stage == start
    assert version.history.count() == 1


def test_unknown_stage_and_missing_reason_are_refused(platform_admin):
    version = PinnedModelVersionFactory(stage=S.REGISTERED)
    with pytest.raises(ValidationError, match="not a lifecycle stage"):
        model_version_transition(version=version, to_stage="live", actor=platform_admin,
                                 reason="x")
    with pytest.raises(ValidationError, match="Say why"):
        model_version_transition(version=version, to_stage=S.VALIDATED, actor=platform_admin,
                                 reason="  ")


def test_promotion_needs_the_promote_permission_role_or_grant(data_scientist, validator):
    version = PinnedModelVersionFactory(stage=S.VALIDATED)
    with pytest.raises(ValidationError, match="may not promote"):
        model_version_transition(version=version, to_stage=S.STAGING, actor=data_scientist,
                                 reason="ship it")
    assign_perm("inventory.promote_mlmodel", data_scientist, version.model)
    model_version_transition(version=version, to_stage=S.STAGING, actor=data_scientist,
                             reason="granted on this model")
    model_version_transition(version=version, to_stage=S.PRODUCTION, actor=validator,
                             reason="validator by role")
    version.refresh_from_db()
    assert version.stage == S.PRODUCTION


def test_registered_gates_are_asked_and_can_refuse(validator):
    asked = []

    def approvals(request: versions.PromotionRequest) -> list[str]:
        asked.append((request.from_stage, request.to_stage, request.actor))
        return ["No approved promotion request."] if request.to_stage == S.PRODUCTION else []

    versions.register_promotion_gate(approvals, name="test.approvals")
    try:
        version = PinnedModelVersionFactory(stage=S.VALIDATED)
        model_version_transition(version=version, to_stage=S.STAGING, actor=validator,
                                 reason="test")
        with pytest.raises(ValidationError, match="No approved promotion request"):
            model_version_transition(version=version, to_stage=S.PRODUCTION, actor=validator,
                                     reason="ship")
    finally:
        versions.unregister_promotion_gate("test.approvals")
    assert asked == [(S.VALIDATED, S.STAGING, validator), (S.STAGING, S.PRODUCTION, validator)]
    version.refresh_from_db()
    assert version.stage == S.STAGING


def test_deprecation_needs_its_permission_but_a_scheduled_job_may(data_scientist):
    version = PinnedModelVersionFactory(stage=S.PRODUCTION)
    with pytest.raises(ValidationError, match="deprecate this model"):
        model_version_transition(version=version, to_stage=S.DEPRECATED, actor=data_scientist,
                                 reason="old")
    with audit_context(label="job:deprecation:1"):
        model_version_transition(version=version, to_stage=S.DEPRECATED, actor=None,
                                 reason="AUC below 0.7 for 3 observations")
    row = version.history.latest("history_date")
    assert (row.stage, row.history_actor) == (S.DEPRECATED, "job:deprecation:1")


def test_a_system_job_cannot_promote():
    version = PinnedModelVersionFactory(stage=S.STAGING)
    with pytest.raises(ValidationError, match="system job cannot promote"):
        model_version_transition(version=version, to_stage=S.PRODUCTION, actor=None,
                                 reason="cron")


def test_model_stage_follows_the_most_live_version(platform_admin):
    model = MLModelFactory(stage=S.REGISTERED)
    live = walk(PinnedModelVersionFactory(model=model, stage=S.STAGING), platform_admin, S.PRODUCTION)
    walk(PinnedModelVersionFactory(model=model, stage=S.VALIDATED), platform_admin, S.STAGING)
    model.refresh_from_db()
    assert model.stage == S.PRODUCTION
    walk(live, platform_admin, S.DEPRECATED)
    model.refresh_from_db()
    assert model.stage == S.STAGING


def test_stage_changed_signal_is_sent_after_commit(platform_admin, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, **kwargs):
        received.append((kwargs["from_stage"], kwargs["to_stage"], kwargs["reason"]))

    model_version_stage_changed.connect(receiver)
    try:
        version = PinnedModelVersionFactory(stage=S.REGISTERED)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            model_version_transition(version=version, to_stage=S.VALIDATED,
                                     actor=platform_admin, reason="checked")
        assert received == []
        for callback in callbacks:
            callback()
        assert received == [(S.REGISTERED, S.VALIDATED, "checked")]
    finally:
        model_version_stage_changed.disconnect(receiver)
