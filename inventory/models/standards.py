"""Registration rules configured in the admin: metadata standards, naming, scope, accounting."""

from __future__ import annotations

import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

from core.models.governed import GovernedModel
from inventory.choices import (
    AssetClassification,
    AssetType,
    Origin,
    PurposeCategory,
    RiskTier,
    TrackedArtefact,
)

__all__ = ["AccountingPolicyRule", "InventoryScope", "MetadataStandard", "NamingConvention"]


class MetadataStandard(GovernedModel):
    """Fields that must be filled to register an asset of a type (optionally per risk tier)."""

    asset_type = models.CharField(max_length=20, choices=AssetType.choices, db_index=True)
    risk_tier = models.CharField(max_length=10, choices=RiskTier.choices, blank=True,
                                 help_text="Empty: applies to every tier.")
    required_fields = models.JSONField(default=list, help_text="Field names, e.g. purpose, owner.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["asset_type", "risk_tier"]
        constraints = [
            models.UniqueConstraint(fields=["asset_type", "risk_tier"],
                                    name="metadatastandard_one_per_type_and_tier",
                                    violation_error_message="This type and tier already have a standard."),
        ]

    def __str__(self) -> str:
        tier = self.get_risk_tier_display() if self.risk_tier else "all tiers"
        return f"{self.get_asset_type_display()} ({tier})"

    def clean(self) -> None:
        """Only fields the asset type really has can be made mandatory."""
        super().clean()
        if not isinstance(self.required_fields, list) or not all(
                isinstance(name, str) for name in self.required_fields):
            raise ValidationError({"required_fields": 'A list of field names, e.g. ["purpose", "owner"].'})
        if not self.asset_type:
            return
        model = apps.get_model("inventory", self.asset_type)
        unknown = []
        for name in self.required_fields:
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist:
                unknown.append(name)
        if unknown:
            known = sorted(f.name for f in model._meta.get_fields()
                           if getattr(f, "editable", False) and not f.auto_created)
            raise ValidationError({"required_fields": (
                f"{self.get_asset_type_display()} has no field {', '.join(unknown)}. "
                f"Fields: {', '.join(known)}.")})


class NamingConvention(GovernedModel):
    """How names of an asset type must look, in a regular expression and in words."""

    asset_type = models.CharField(max_length=20, choices=AssetType.choices, unique=True)
    pattern = models.CharField(max_length=300, help_text="A regular expression the whole name must match.")
    description = models.CharField(max_length=300, help_text="The rule in words, shown in errors.")
    example = models.CharField(max_length=100)
    reserved_words = models.JSONField(default=list, blank=True,
                                      help_text="Words a name may not contain as a part.")

    class Meta:
        ordering = ["asset_type"]

    def __str__(self) -> str:
        return f"{self.get_asset_type_display()}: {self.description}"

    def clean(self) -> None:
        """The pattern must compile and its own example must follow it."""
        super().clean()
        try:
            compiled = re.compile(self.pattern)
        except re.error as error:
            raise ValidationError({"pattern": f"Not a valid regular expression: {error}."}) from error
        if self.example and not compiled.fullmatch(self.example):
            raise ValidationError({"example": "The example does not follow the pattern."})
        if not isinstance(self.reserved_words, list) or not all(
                isinstance(word, str) for word in self.reserved_words):
            raise ValidationError({"reserved_words": 'A list of words, e.g. ["test", "tmp"].'})


class InventoryScope(GovernedModel):
    """Which artefacts of an asset type the inventory tracks and versions."""

    asset_type = models.CharField(max_length=20, choices=AssetType.choices, unique=True)
    tracked_artefacts = models.JSONField(default=list)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["asset_type"]

    def __str__(self) -> str:
        return f"{self.get_asset_type_display()}: {', '.join(self.tracked_artefacts) or 'nothing'}"

    def clean(self) -> None:
        super().clean()
        artefacts = self.tracked_artefacts
        if not isinstance(artefacts, list) or set(map(str, artefacts)) - set(TrackedArtefact.values):
            raise ValidationError({"tracked_artefacts": (
                "A list chosen from: " + ", ".join(TrackedArtefact.values) + ".")})


class AccountingPolicyRule(GovernedModel):
    """A rule of the accounting policy: the first matching rule (by priority) classifies a model."""

    priority = models.PositiveIntegerField(default=100, help_text="Lower numbers are tried first.")
    name = models.CharField(max_length=100)
    origin = models.CharField(max_length=20, choices=Origin.choices, blank=True,
                              help_text="Empty: any origin.")
    purpose_category = models.CharField(max_length=30, choices=PurposeCategory.choices, blank=True,
                                        help_text="Empty: any purpose.")
    min_cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    classification = models.CharField(max_length=30, choices=AssetClassification.choices)
    rationale = models.TextField(help_text="Why this rule classifies so (shown on the model).")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_cost__isnull=True) | models.Q(max_cost__isnull=True)
                | models.Q(min_cost__lte=models.F("max_cost")),
                name="accountingpolicyrule_cost_range",
                violation_error_message="The minimum cost must not exceed the maximum cost."),
        ]

    def __str__(self) -> str:
        return f"{self.priority}. {self.name} → {self.get_classification_display()}"
