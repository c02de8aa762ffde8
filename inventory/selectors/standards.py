"""Registration completeness: which existing assets lack the metadata today's standards
require, per asset (for pages) or as one SQL filter (for counters).
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Q, QuerySet

from inventory.choices import AssetType, RiskTier
from inventory.models import MLModel
from inventory.services.standards import RegistrationRules, asset_type_for, is_missing

__all__ = [
    "asset_metadata_gaps",
    "incomplete_assets",
    "incomplete_models",
    "missing_metadata_q",
]


# --------------------------------------------------------------------------------------
# Completeness of existing assets
# --------------------------------------------------------------------------------------
def asset_metadata_gaps(asset: Model, *, rules: RegistrationRules | None = None) -> list[str]:
    """The mandatory fields (names) that an existing asset lacks under today's standards.

    Standards change after registration, so an asset registered as complete can become
    incomplete; the completeness view lists these gaps. Relations are read through their
    ids and prefetched tags, so a `for_list()` queryset costs no extra query per row.
    """
    asset_type = asset_type_for(type(asset))
    rules = rules or RegistrationRules.load(asset_type)
    if asset_type == AssetType.MODEL:
        tier = asset.risk_tier
    elif asset_type == AssetType.MODEL_VERSION:
        tier = asset.model.risk_tier
    else:
        tier = ""
    gaps = []
    for name in rules.required_fields(tier):
        try:
            model_field = type(asset)._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if model_field.many_to_many:
            current = list(getattr(asset, name).all())
        elif model_field.is_relation:
            current = getattr(asset, model_field.attname)
        else:
            current = getattr(asset, name)
        if is_missing(current):
            gaps.append(name)
    return gaps


def incomplete_assets(queryset: QuerySet) -> list[tuple[Model, list[str]]]:
    """`(asset, missing field names)` for each asset of `queryset` lacking mandatory metadata.

    The standards are loaded once; pass a restricted `for_list()` queryset (and, for long
    lists, narrow it first with `missing_metadata_q`).
    """
    rules = RegistrationRules.load(asset_type_for(queryset.model))
    result = []
    for asset in queryset:
        gaps = asset_metadata_gaps(asset, rules=rules)
        if gaps:
            result.append((asset, gaps))
    return result


def missing_metadata_q(model_class: type[Model], *, rules: RegistrationRules | None = None) -> Q:
    """A filter matching the assets that lack at least one mandatory field, in SQL.

    Lets the completeness view paginate in the database:
    `MLModel.objects.restrict(user).filter(missing_metadata_q(MLModel))`.
    """
    asset_type = asset_type_for(model_class)
    rules = rules or RegistrationRules.load(asset_type)
    tiers = list(RiskTier.values) if asset_type == AssetType.MODEL else [""]
    combined = Q(pk__in=[])
    for tier in tiers:
        missing = Q(pk__in=[])
        for name in rules.required_fields(tier):
            missing |= _missing_q(model_class, name)
        if asset_type == AssetType.MODEL:
            combined |= Q(risk_tier=tier) & missing
        else:
            combined |= missing
    return combined


def _missing_q(model_class: type[Model], name: str) -> Q:
    try:
        model_field = model_class._meta.get_field(name)
    except FieldDoesNotExist:
        return Q(pk__in=[])
    if model_field.many_to_many:
        return Q(**{f"{name}__isnull": True})
    if model_field.is_relation:
        return Q(**{f"{model_field.attname}__isnull": True})
    internal = model_field.get_internal_type()
    if internal == "JSONField":
        return (Q(**{f"{name}__isnull": True}) | Q(**{name: {}}) | Q(**{name: []})
                | Q(**{name: ""}))
    q = Q(**{f"{name}__isnull": True}) if model_field.null else Q(pk__in=[])
    if internal in ("CharField", "TextField", "URLField", "SlugField", "EmailField"):
        q |= Q(**{name: ""})
    return q


def incomplete_models(user):
    """The models `user` may see whose registration misses mandatory metadata (in SQL)."""
    return MLModel.objects.restrict(user, "view").filter(missing_metadata_q(MLModel))
