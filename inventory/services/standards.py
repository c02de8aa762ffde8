"""Pre-registration validation: metadata standards, naming conventions, schemas, licences.

One function, `registration_problems`, answers "what is wrong with this registration?"
for every door (API serializer, admin form, dashboard form, services), so a refused
registration lists the same problems, field by field, wherever it was tried. It only reads; the services in
`inventory.services.catalogue` and `inventory.services.versions` call `registration_check`
before they write anything.

The rules come from the admin-configured `MetadataStandard`, `NamingConvention`,
`InventoryScope` and `AccountingPolicyRule` rows (defaults are created by migration
0006); `RegistrationRules` loads them once so that list pages (the completeness selectors)
check hundreds of assets without one query per asset.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model, QuerySet

from inventory.choices import AssetType, Origin, RiskTier, TrackedArtefact
from inventory.models import (
    AccountingPolicyRule,
    ComplianceTag,
    Dataset,
    Feature,
    InventoryScope,
    MetadataStandard,
    MLModel,
    ModelVersion,
    NamingConvention,
    Pipeline,
)
from inventory.validators import licence_problem, metrics_problem, schema_problem

__all__ = [
    "ASSET_MODELS",
    "DEFAULT_NAMING",
    "NAMED_TYPES",
    "SCHEMA_FIELDS",
    "THIRD_PARTY_ORIGINS",
    "NamingRule",
    "RegistrationRules",
    "asset_type_for",
    "field_label",
    "mlmodel_classify",
    "registration_check",
    "registration_problems",
    "suggest_name",
]

ASSET_MODELS: dict[str, type[Model]] = {
    AssetType.MODEL: MLModel,
    AssetType.MODEL_VERSION: ModelVersion,
    AssetType.DATASET: Dataset,
    AssetType.FEATURE: Feature,
    AssetType.PIPELINE: Pipeline,
}
NAMED_TYPES = (AssetType.MODEL, AssetType.DATASET, AssetType.FEATURE, AssetType.PIPELINE)
SCHEMA_FIELDS = ("input_schema", "output_schema")
THIRD_PARTY_ORIGINS = (Origin.VENDOR, Origin.OPEN_WEIGHTS)




def asset_type_for(model_class: type[Model]) -> str:
    """The `AssetType` value of a model class (`MLModel` → `mlmodel`)."""
    return AssetType(model_class._meta.model_name).value


def field_label(model_class: type[Model], name: str) -> str:
    """The verbose name of a field, capitalised, for messages and completeness lists."""
    try:
        return str(model_class._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return name.replace("_", " ").capitalize()


def _type_label(asset_type: str) -> str:
    return str(AssetType(asset_type).label).lower() + "s"


# --------------------------------------------------------------------------------------
# Rules, loaded once
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NamingRule:
    """A naming convention in effect (from the admin, or the built-in default)."""

    pattern: str
    description: str
    example: str
    reserved_words: tuple[str, ...] = ()

    def text(self, asset_type: str) -> str:
        return (f"Names of {_type_label(asset_type)} follow the convention: {self.description} "
                f"(for example “{self.example}”).")


DEFAULT_NAMING = NamingRule(
    pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+){2,}$",
    description="lowercase domain-purpose-variant, words of letters and digits joined by "
                "hyphens, at least three words",
    example="credit-default-xgb",
    reserved_words=("test", "tmp", "temp", "copy", "final", "new", "latest", "untitled"),
)


@dataclass
class RegistrationRules:
    """Standards, naming convention and scope of one asset type, read with three queries."""

    asset_type: str
    required: dict[str, list[str]] = field(default_factory=dict)  # tier ("" = all) → fields
    naming: NamingRule | None = None
    scope: list[str] | None = None

    @classmethod
    def load(cls, asset_type: str) -> RegistrationRules:
        required: dict[str, list[str]] = {}
        for standard in MetadataStandard.objects.filter(asset_type=asset_type, active=True):
            required[standard.risk_tier] = [str(f) for f in standard.required_fields or ()]
        naming = None
        if asset_type in NAMED_TYPES:
            convention = NamingConvention.objects.filter(asset_type=asset_type).first()
            naming = DEFAULT_NAMING if convention is None else NamingRule(
                convention.pattern, convention.description, convention.example,
                tuple(str(w).lower() for w in convention.reserved_words or ()))
        scope_row = InventoryScope.objects.filter(asset_type=asset_type).first()
        scope = list(scope_row.tracked_artefacts) if scope_row is not None else None
        return cls(asset_type=asset_type, required=required, naming=naming, scope=scope)

    def required_fields(self, tier: str = "") -> dict[str, str]:
        """Field → why it is required ("" for every tier, else the tier), in standard order."""
        reasons = {name: "" for name in self.required.get("", ())}
        if tier:
            for name in self.required.get(tier, ()):
                reasons.setdefault(name, tier)
        return reasons


# --------------------------------------------------------------------------------------
# Single-value checks (also used by model clean() and forms)
# --------------------------------------------------------------------------------------
def suggest_name(name: str, *, rule: NamingRule = DEFAULT_NAMING, domain: str = "",
                 taken: set[str] | None = None) -> str | None:
    """A name close to `name` that follows `rule`, or None when none can be derived.

    "Credit Default XGB" → `credit-default-xgb`; a short name is prefixed with the domain
    and given a `v1` variant ("scorer" in credit → `credit-scorer-v1`); reserved words are
    dropped; a name in `taken` (lower case) gets a numeric suffix.
    """
    reserved = set(rule.reserved_words)
    words = [w for w in re.split(r"[^a-z0-9]+", (name or "").lower()) if w and w not in reserved]
    domain_words = [w for w in re.split(r"[^a-z0-9]+", (domain or "").lower()) if w]
    if domain_words and words[:len(domain_words)] != domain_words and (
            len(words) < 3 or (words and words[0][0].isdigit())):
        words = domain_words + words
    if words and words[0][0].isdigit():
        words.insert(0, "model")
    while words and len(words) < 3:
        words.append("v1" if "v1" not in words else "main")
    if not words:
        return None
    candidate = "-".join(words)
    taken = taken or set()
    base, counter = candidate, 2
    while candidate in taken:
        candidate, counter = f"{base}-{counter}", counter + 1
    try:
        return candidate if re.fullmatch(rule.pattern, candidate) else None
    except re.error:
        return None


# --------------------------------------------------------------------------------------
# The registration check
# --------------------------------------------------------------------------------------
_MISSING = object()


def is_missing(value: Any) -> bool:
    if value is None or value is _MISSING:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | dict):
        return not value
    if isinstance(value, QuerySet):
        return not value.exists()
    return False


class _Values:
    """Looks a field up in the submitted data, then in the instance, then the default."""

    def __init__(self, model_class: type[Model], data: dict, instance: Model | None):
        self.model_class, self.data, self.instance = model_class, data, instance

    def __call__(self, name: str) -> Any:
        if name in self.data:
            return self.data[name]
        try:
            model_field = self.model_class._meta.get_field(name)
        except FieldDoesNotExist:
            return _MISSING
        if self.instance is not None and self.instance.pk is not None:
            if model_field.many_to_many:
                return list(getattr(self.instance, name).all())
            if model_field.is_relation:
                return getattr(self.instance, model_field.attname)
            return getattr(self.instance, name)
        if model_field.many_to_many:
            return []
        return model_field.get_default()


def _tier(asset_type: str, value) -> str:
    if asset_type == AssetType.MODEL:
        return value("risk_tier") or RiskTier.MEDIUM
    if asset_type == AssetType.MODEL_VERSION:
        model = value("model")
        if isinstance(model, int | str) and model not in ("",):
            model = MLModel.objects.filter(pk=model).first()
        return getattr(model, "risk_tier", "") or ""
    return ""


def registration_problems(
    *,
    asset_type: str,
    data: dict[str, Any],
    instance: Model | None = None,
    rules: RegistrationRules | None = None,
    model_validation: bool = True,
) -> dict[str, list[str]]:
    """Every problem of a registration or change, field by field (empty dict: none).

    Args:
        asset_type: an `AssetType` value (`mlmodel`, `modelversion`, `dataset`, ...).
        data: the submitted values, as model field names to Python values (related
            objects as instances; `tags` as a list of names, `compliance_tags` as
            `ComplianceTag`s or names). Missing keys fall back to `instance`.
        instance: the existing record on a change; None on registration.
        rules: preloaded `RegistrationRules` (to check many records with one load).
        model_validation: also run the model's own field validation and `clean()` (the
            admin's model forms do that themselves, so they pass False).
    Returns:
        `{field: [message, ...]}`; `"__all__"` holds problems of no single field.
    """
    asset_type = AssetType(asset_type).value
    model_class = ASSET_MODELS[asset_type]
    rules = rules or RegistrationRules.load(asset_type)
    value = _Values(model_class, data, instance)
    problems: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        bucket = problems.setdefault(name, [])
        if message not in bucket:
            bucket.append(message)

    type_label = _type_label(asset_type)
    # Owner: every asset needs someone accountable.
    if asset_type in NAMED_TYPES:
        owner = value("owner")
        if is_missing(owner):
            add("owner", f"Every {str(AssetType(asset_type).label).lower()} needs an owner: "
                         "the person accountable for it.")
        elif isinstance(owner, Model) and not owner.is_active:
            add("owner", "The owner's account is deactivated; choose an active person.")
    # Mandatory metadata per asset type and risk tier.
    tier = _tier(asset_type, value)
    for name, required_for_tier in rules.required_fields(tier).items():
        if name in problems or not is_missing(value(name)):
            continue
        if required_for_tier:
            add(name, f"Required by the metadata standard for {RiskTier(required_for_tier).label.lower()}"
                      f"-risk {type_label}.")
        else:
            add(name, f"Required by the metadata standard for {type_label}.")
    # Naming convention, reserved words, case-insensitive uniqueness.
    if rules.naming is not None:
        for message in _naming_problems(model_class, asset_type, rules.naming, value, instance):
            add("name", message)
    # Schemas, metrics, licence, tags, scope.
    for name in SCHEMA_FIELDS:
        if name in problems or not _has_field(model_class, name):
            continue
        problem = schema_problem(value(name))
        if problem:
            add(name, problem)
    if _has_field(model_class, "evaluation_metrics") and "evaluation_metrics" not in problems:
        problem = metrics_problem(value("evaluation_metrics"))
        if problem:
            add("evaluation_metrics", problem)
    if asset_type == AssetType.MODEL:
        licence = (value("licence") or "").strip()
        if not licence and value("origin") in THIRD_PARTY_ORIGINS:
            add("licence", "Third-party and open-weights models need their licence, as an SPDX "
                           "identifier or expression (e.g. Apache-2.0).")
        elif licence:
            problem = licence_problem(licence)
            if problem:
                add("licence", problem)
    if asset_type in NAMED_TYPES:
        for message in _tag_problems(value("tags"), value("compliance_tags")):
            add(*message)
        problem = _scope_problem(asset_type, value("tracked_artefacts"), rules.scope)
        if problem:
            add("tracked_artefacts", problem)
    if model_validation:
        for name, messages in _model_validation(model_class, data, instance, problems).items():
            for message in messages:
                add(name, message)
    return problems


def registration_check(
    *,
    asset_type: str,
    data: dict[str, Any],
    instance: Model | None = None,
    rules: RegistrationRules | None = None,
    model_validation: bool = True,
) -> None:
    """Raise one `ValidationError` listing every problem of `registration_problems`.

    Raises:
        ValidationError: a dict of field name → messages, shown next to each field.
    """
    problems = registration_problems(asset_type=asset_type, data=data, instance=instance,
                                     rules=rules, model_validation=model_validation)
    if problems:
        raise ValidationError(problems)


def _has_field(model_class: type[Model], name: str) -> bool:
    try:
        model_class._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _naming_problems(model_class, asset_type: str, rule: NamingRule, value,
                     instance: Model | None) -> list[str]:
    name = value("name")
    if is_missing(name):
        return [f"Every {str(AssetType(asset_type).label).lower()} needs a name. "
                + rule.text(asset_type)]
    name = str(name).strip()
    problems: list[str] = []
    others = model_class._default_manager.all()
    if instance is not None and instance.pk is not None:
        others = others.exclude(pk=instance.pk)
    domain = value("domain") or ""
    try:
        conforms = re.fullmatch(rule.pattern, name) is not None
    except re.error:
        conforms = True  # a broken pattern is the admin's error, refused in NamingConvention.clean
    words = [w for w in re.split(r"[^a-z0-9]+", name.lower()) if w]
    reserved = sorted({w for w in words if w in rule.reserved_words})
    duplicate = others.filter(name__iexact=name).exists()
    if conforms and not reserved and not duplicate:
        return []
    taken = set()
    suggestion = None
    if not conforms or reserved or duplicate:
        suggestion = suggest_name(name, rule=rule, domain=str(domain))
        if suggestion:
            taken = {n.lower() for n in others.filter(name__istartswith=suggestion)
                     .values_list("name", flat=True)}
            suggestion = suggest_name(name, rule=rule, domain=str(domain), taken=taken)
    hint = f" Try “{suggestion}”." if suggestion and suggestion != name else ""
    if not conforms:
        problems.append(f"“{name}” does not follow the naming convention. "
                        f"{rule.text(asset_type)}{hint}")
    if reserved:
        verb = "is a reserved word" if len(reserved) == 1 else "are reserved words"
        problems.append(
            f"“{'”, “'.join(reserved)}” {verb} and may not be part of a name "
            f"(reserved: {', '.join(rule.reserved_words)}).{hint}")
    if duplicate:
        problems.append(f"A {str(AssetType(asset_type).label).lower()} named “{name}” already "
                        f"exists (names are compared ignoring case).{hint}")
    return problems


def _tag_problems(tags, compliance_tags) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for tag in tags if isinstance(tags, list | tuple) else ():
        text = str(getattr(tag, "name", tag)).strip()
        if not text or len(text) > 50:
            problems.append(("tags", "A tag has 1 to 50 characters."))
    if isinstance(compliance_tags, list | tuple):
        names = [c for c in compliance_tags if isinstance(c, str)]
        if names:
            known = set(ComplianceTag.objects.filter(name__in=names).values_list("name", flat=True))
            unknown = sorted(set(names) - known)
            if unknown:
                problems.append(("compliance_tags", "Unknown compliance tag(s): "
                                 + ", ".join(unknown) + ". Compliance tags are a controlled "
                                 "list; an administrator adds new ones."))
    return problems


def _scope_problem(asset_type: str, artefacts, scope: list[str] | None) -> str | None:
    if artefacts in (None, "", _MISSING):
        return None
    if not isinstance(artefacts, list | tuple) or not all(isinstance(a, str) for a in artefacts):
        return "A list of artefact names, e.g. [\"model\", \"data\"]."
    unknown = sorted(set(artefacts) - set(TrackedArtefact.values))
    if unknown:
        return (f"Unknown artefact(s): {', '.join(unknown)}. Choose from: "
                f"{', '.join(TrackedArtefact.values)}.")
    if scope is not None:
        outside = sorted(set(artefacts) - set(scope))
        if outside:
            allowed = ", ".join(scope) or "nothing"
            return (f"The inventory scope of {_type_label(asset_type)} tracks only: {allowed}. "
                    f"Outside the scope: {', '.join(outside)}.")
    return None


def _model_validation(model_class, data: dict, instance: Model | None,
                      known: dict[str, list[str]]) -> dict[str, list[str]]:
    """The model's own field validators and `clean()` on a candidate built from `data`.

    Constraints are left to the checks above (the case-insensitive name) and to the
    services (version numbers), so a duplicate name is reported once, on `name`.
    """
    candidate = copy.copy(instance) if instance is not None else model_class()
    editable = {f.name: f for f in model_class._meta.concrete_fields}
    for name, item in data.items():
        model_field = editable.get(name)
        if model_field is None:
            continue
        if model_field.is_relation and not isinstance(item, Model) and item is not None:
            setattr(candidate, model_field.attname, item)
        else:
            setattr(candidate, name, item)
    exclude = set(known)
    try:
        candidate.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            return {name: [str(m) for m in messages]
                    for name, messages in error.message_dict.items()}
        return {"__all__": [str(m) for m in error.messages]}
    return {}


# --------------------------------------------------------------------------------------
# Accounting classification
# --------------------------------------------------------------------------------------
def mlmodel_classify(model: MLModel, *, rules: list[AccountingPolicyRule] | None = None) -> MLModel:
    """Set `classification` and `classification_rationale` from the accounting policy.

    The first active rule (by priority) whose origin, purpose category and cost range
    all match decides; a rule with a cost bound never matches a model without a cost.
    Without a match the classification is left empty and the rationale says why, so the
    gap shows instead of a silent default. Does not save.
    """
    if rules is None:
        rules = list(AccountingPolicyRule.objects.filter(active=True).order_by("priority", "id"))
    cost = model.development_cost
    for rule in rules:
        if rule.origin and rule.origin != model.origin:
            continue
        if rule.purpose_category and rule.purpose_category != model.purpose_category:
            continue
        if rule.min_cost is not None and (cost is None or cost < rule.min_cost):
            continue
        if rule.max_cost is not None and (cost is None or cost > rule.max_cost):
            continue
        model.classification = rule.classification
        model.classification_rationale = f"{rule.rationale} (accounting policy rule “{rule.name}”)"
        return model
    model.classification = ""
    model.classification_rationale = (
        "No rule of the accounting policy matches this model's origin, purpose and cost; "
        "an administrator should add one.")
    return model
