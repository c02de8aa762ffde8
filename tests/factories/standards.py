"""Factories of the registration rules (metadata standards, naming conventions, inventory
scopes, accounting policy) and of the alias move log.

Standards, conventions and scopes are one row per asset type, seeded by the migrations:
their factories fetch that row rather than add a second one.
"""

from __future__ import annotations

import factory

from inventory.models import (
    AccountingPolicyRule,
    AliasMove,
    InventoryScope,
    MetadataStandard,
    NamingConvention,
)

from .versions import ModelAliasFactory

__all__ = [
    "AccountingPolicyRuleFactory",
    "AliasMoveFactory",
    "InventoryScopeFactory",
    "MetadataStandardFactory",
    "NamingConventionFactory",
]


class MetadataStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetadataStandard
        django_get_or_create = ("asset_type", "risk_tier")

    asset_type = "mlmodel"
    risk_tier = "medium"


class NamingConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NamingConvention
        django_get_or_create = ("asset_type",)

    asset_type = "mlmodel"
    pattern = r"^[a-z][a-z0-9-]+$"
    description = "Lower-case words joined by hyphens."
    example = "credit-scoring"


class InventoryScopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InventoryScope
        django_get_or_create = ("asset_type",)

    asset_type = "mlmodel"


class AccountingPolicyRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountingPolicyRule

    name = factory.Sequence(lambda n: f"Vendor models are expensed {n}")
    origin = "vendor"
    classification = "expensed"
    rationale = "Licensed, not owned."


class AliasMoveFactory(factory.django.DjangoModelFactory):
    """One entry of the alias move log: an alias set on a fresh version."""

    class Meta:
        model = AliasMove

    class Params:
        alias = factory.SubFactory(ModelAliasFactory)

    model = factory.LazyAttribute(lambda o: o.alias.model)
    alias_name = factory.LazyAttribute(lambda o: o.alias.name)
    to_version = factory.LazyAttribute(lambda o: o.alias.version)
    actor = "job:test"
    reason = "Set by a test factory."
