"""Data minimisation (GDPR art. 5(1)(c), EU AI Act art. 10(5)): each version's input schema
checked against the rules of its model's purpose.

The check runs when a version is registered or changed (its findings are stored, so
compliance officers can list them), when a rule changes (the findings of the versions it
covers are recomputed), and before every promotion into staging or production: the
`minimisation_gate` refuses a version with a blocking finding, naming the rule.

A justification is written in the input schema itself, on the property:
`{"properties": {"postcode_district": {"type": "string", "x-justification": "..."}}}`, so
it travels with the version and is frozen with it once in production.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q

from core.services.records import record_create, record_delete, record_update
from governance.choices import MinimisationOutcome
from governance.models import MinimisationFinding, MinimisationRule
from inventory.choices import ModelStage
from inventory.models import MLModel, ModelVersion
from inventory.services.versions import PromotionRequest

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

__all__ = [
    "JUSTIFICATION_KEY",
    "Check",
    "feature_words",
    "input_features",
    "minimisation_check",
    "minimisation_findings_refresh",
    "minimisation_gate",
    "minimisation_problems",
    "minimisation_rule_create",
    "minimisation_rule_delete",
    "minimisation_rule_update",
    "rules_for",
]

GATE_NAME = "governance.minimisation"
JUSTIFICATION_KEY = "x-justification"
# Versions whose findings a rule change recomputes: those that may still be promoted or run.
_LIVE_STAGES = [s for s in ModelStage.values if s not in (ModelStage.ARCHIVED, ModelStage.RETIRED)]


def feature_words(name: str) -> list[str]:
    """`applicantEthnicity`, `applicant-ethnicity`, `APPLICANT_ETHNICITY` → applicant, ethnicity."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


def _matches(feature: str, attribute: str) -> bool:
    """The attribute's words appear, in order and together, among the feature's words."""
    words, wanted = feature_words(feature), feature_words(attribute)
    if not wanted:
        return False
    return any(words[i:i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


def input_features(version: ModelVersion) -> dict[str, dict[str, Any]]:
    """The input features a version declares: its input schema's properties (of the object,
    or of the items of an array of objects)."""
    schema = version.input_schema if isinstance(version.input_schema, dict) else {}
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        schema = schema["items"]
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return {}
    return {name: spec if isinstance(spec, dict) else {} for name, spec in properties.items()}


def rules_for(model: MLModel) -> list[MinimisationRule]:
    """The active rules covering the model's purpose and domain."""
    return list(MinimisationRule.objects.filter(active=True).filter(
        Q(purpose_category="") | Q(purpose_category=model.purpose_category)).filter(
        Q(domain="") | Q(domain__iexact=model.domain or "")))


@dataclass(frozen=True)
class Check:
    """What one rule says about one input feature."""

    rule: MinimisationRule
    feature: str
    outcome: str
    message: str

    @property
    def blocking(self) -> bool:
        return self.outcome != MinimisationOutcome.JUSTIFIED


def _judge(rule: MinimisationRule, feature: str, spec: dict[str, Any]) -> Check | None:
    where = f"rule “{rule.name}” ({rule.scope})"
    prohibited = next((a for a in rule.prohibited_attributes if _matches(feature, a)), None)
    if prohibited:
        return Check(rule, feature, MinimisationOutcome.PROHIBITED,
                     f"Input “{feature}” uses {prohibited}, a sensitive attribute that {where} "
                     "prohibits. Remove it from the input schema and register a new version.")
    sensitive = next((a for a in rule.justification_attributes if _matches(feature, a)), None)
    if sensitive:
        justification = str(spec.get(JUSTIFICATION_KEY) or "").strip()
        if justification:
            return Check(rule, feature, MinimisationOutcome.JUSTIFIED,
                         f"Input “{feature}” uses {sensitive}, justified under {where}: "
                         f"{justification}")
        return Check(rule, feature, MinimisationOutcome.NEEDS_JUSTIFICATION,
                     f"Input “{feature}” uses {sensitive}, which {where} allows only with a "
                     f"justification: add \"{JUSTIFICATION_KEY}\" to that property of the input "
                     "schema.")
    allowed = rule.allowed_features
    if allowed and not any(feature.lower() == a.lower() for a in allowed):
        return Check(rule, feature, MinimisationOutcome.NOT_ALLOWED,
                     f"Input “{feature}” is not among the features {where} allows "
                     f"({', '.join(allowed)}).")
    return None


def minimisation_check(version: ModelVersion,
                       rules: list[MinimisationRule] | None = None) -> list[Check]:
    """What the rules of the version's purpose say about each of its input features."""
    features = input_features(version)
    if not features:
        return []
    rules = rules_for(version.model) if rules is None else rules
    return [check for rule in rules for name, spec in features.items()
            if (check := _judge(rule, name, spec)) is not None]


def minimisation_problems(version: ModelVersion) -> list[str]:
    """The blocking findings of `version`, in plain words (empty: nothing blocks)."""
    return [check.message for check in minimisation_check(version) if check.blocking]


def minimisation_findings_refresh(*, version: ModelVersion,
                                  rules: list[MinimisationRule] | None = None) -> list[MinimisationFinding]:
    """Replace the stored findings of `version` with what the check says now."""
    with transaction.atomic():
        MinimisationFinding.objects.filter(model_version=version).delete()
        return MinimisationFinding.objects.bulk_create([
            MinimisationFinding(model_version=version, rule=check.rule, feature=check.feature[:200],
                                outcome=check.outcome, blocking=check.blocking,
                                message=check.message)
            for check in minimisation_check(version, rules)])


def _refresh_covered(rule: MinimisationRule) -> None:
    """Recompute the findings of every live version whose model the rule covers (or
    covered before the change: the stored findings tell)."""
    models = MLModel.objects.all()
    if rule.purpose_category:
        models = models.filter(purpose_category=rule.purpose_category)
    if rule.domain:
        models = models.filter(domain__iexact=rule.domain)
    versions = ModelVersion.objects.filter(
        Q(model__in=models.values("pk")) | Q(minimisation_findings__rule=rule),
        stage__in=_LIVE_STAGES).select_related("model").distinct()
    rules_by_model: dict[int, list[MinimisationRule]] = {}
    for version in versions.iterator(chunk_size=500):
        if version.model_id not in rules_by_model:
            rules_by_model[version.model_id] = rules_for(version.model)
        minimisation_findings_refresh(version=version, rules=rules_by_model[version.model_id])


def minimisation_rule_create(*, actor: AbstractBaseUser | None, reason: str,
                             data: dict[str, Any]) -> MinimisationRule:
    """Create a rule and check the versions it covers.

    Raises:
        ValidationError: field by field; nothing is written.
    """
    with transaction.atomic():
        rule = record_create(model_class=MinimisationRule, actor=actor, reason=reason, data=data)
        _refresh_covered(rule)
    return rule


def minimisation_rule_update(*, instance: MinimisationRule, actor: AbstractBaseUser | None,
                             reason: str, data: dict[str, Any]) -> MinimisationRule:
    """Change a rule and recheck the versions it covers (before and after).

    Raises:
        ValidationError: field by field; nothing is written.
    """
    with transaction.atomic():
        rule = record_update(instance=instance, actor=actor, reason=reason, data=data)
        _refresh_covered(rule)
    return rule


def minimisation_rule_delete(*, instance: MinimisationRule, actor: AbstractBaseUser | None,
                             reason: str) -> None:
    """Delete a rule (its findings go with it) and recheck the versions it covered."""
    with transaction.atomic():
        affected = list(ModelVersion.objects.filter(
            minimisation_findings__rule=instance).select_related("model").distinct())
        record_delete(instance=instance, actor=actor, reason=reason)
        for version in affected:
            minimisation_findings_refresh(version=version)


def minimisation_gate(promotion: PromotionRequest) -> list[str]:
    """Refuse a promotion of a version whose input breaks a data-minimisation rule."""
    return [f"Data minimisation: {problem}" for problem in
            minimisation_problems(promotion.version)]
