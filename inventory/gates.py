"""Promotion gates: the extension point through which other apps decide whether a version may
be promoted into staging or production (DESIGN.md, "gates that others register into").

`inventory` imports no other app. Governance (approvals, CAB) and risk (signature checks)
register a gate in their `AppConfig.ready()`:

    from inventory.gates import register_promotion_gate

    def approvals_gate(request: PromotionRequest) -> list[str]:
        return [] if has_approval(request.version, request.to_stage) else [
            "No approved promotion request for this version."]

    register_promotion_gate(approvals_gate, name="governance.approvals")

`inventory.services.lifecycle.model_version_transition` asks every gate on each promotion
into a `GATED_STAGES` stage and proceeds only if all of them return no problem. The
built-in gate (`permission_gate`) asks for `inventory.promote_mlmodel` on the model (a role
or an object grant): it is the "until governance fills the hook" check of issue 4 and
stays registered after governance adds its own gates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from inventory.choices import ModelStage

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from inventory.models import ModelVersion

__all__ = [
    "GATED_STAGES",
    "PromotionGate",
    "PromotionRequest",
    "permission_gate",
    "promotion_gates",
    "promotion_problems",
    "register_promotion_gate",
    "unregister_promotion_gate",
]

# Stages whose entry needs every gate's consent (issue 4, item 4).
GATED_STAGES = frozenset({ModelStage.STAGING, ModelStage.PRODUCTION})


@dataclass(frozen=True)
class PromotionRequest:
    """What a gate is asked about: this version, from this stage to that one, by whom, why."""

    version: ModelVersion
    from_stage: str
    to_stage: str
    actor: AbstractBaseUser | None
    reason: str


# A gate returns the problems that block the promotion, in plain words; [] means "agreed".
PromotionGate = Callable[[PromotionRequest], list[str]]

_gates: dict[str, PromotionGate] = {}


def register_promotion_gate(gate: PromotionGate, *, name: str | None = None) -> None:
    """Add `gate` (idempotent per name, so a re-run `ready()` does not add it twice)."""
    _gates[name or f"{gate.__module__}.{gate.__qualname__}"] = gate


def unregister_promotion_gate(name: str) -> None:
    """Remove a gate by name (tests, or an app replacing its own gate)."""
    _gates.pop(name, None)


def promotion_gates() -> dict[str, PromotionGate]:
    """The registered gates by name, in registration order."""
    return dict(_gates)


def promotion_problems(request: PromotionRequest) -> list[str]:
    """Every gate's problems with `request` (empty: all gates agree)."""
    if request.to_stage not in GATED_STAGES:
        return []
    problems: list[str] = []
    for gate in _gates.values():
        problems.extend(gate(request))
    return problems


def permission_gate(request: PromotionRequest) -> list[str]:
    """Promotion needs `inventory.promote_mlmodel` on the model, held by role or granted."""
    from core.permissions import user_can

    if request.actor is None:
        return ["A promotion into staging or production needs a person (or a pipeline "
                "account) holding the promote permission; a system job cannot promote."]
    if not user_can(request.actor, "promote_mlmodel", request.version.model):
        return [f"You may not promote “{request.version.model.name}”: promotion into "
                f"{request.to_stage} needs the “Can promote a model” permission "
                "(validators and CAB members hold it, or it is granted on the model)."]
    return []


register_promotion_gate(permission_gate, name="inventory.permission")
