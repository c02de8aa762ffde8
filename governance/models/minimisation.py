"""Data minimisation (GDPR art. 5(1)(c)): per purpose, which input features a model may use
and which sensitive attributes it may not use, or only with a written justification.

The rules are governed records; the findings are what the last check of each version
found (recomputed on registration, on a change of the version and on a change of a rule).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from core.models.governed import GovernedModel
from core.permissions import restrict_queryset
from governance.choices import MinimisationOutcome
from inventory.choices import PurposeCategory
from inventory.models import ModelVersion

__all__ = ["MinimisationFinding", "MinimisationRule"]


def _names_problem(value) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return 'A list of names, e.g. ["ethnicity", "religion"].'
    return None


class MinimisationRule(GovernedModel):
    """What the input schema of a model with this purpose may contain.

    A feature matches an attribute when the attribute's words appear, in order, among the
    feature name's words (`applicant_ethnicity` matches `ethnicity`; `home_latitude`
    matches `latitude`). A version whose input uses a *prohibited* attribute, a
    *justification* attribute without a justification, or (when `allowed_features` is not
    empty) a feature outside that list cannot be promoted.
    """

    name = models.CharField(max_length=120, unique=True)
    purpose_category = models.CharField(
        max_length=30, choices=PurposeCategory.choices, blank=True, db_index=True,
        help_text="The purpose the rule applies to; empty: every purpose.")
    domain = models.CharField(
        max_length=60, blank=True, db_index=True,
        help_text="Only models of this business domain (e.g. credit); empty: every domain.")
    allowed_features = models.JSONField(
        default=list, blank=True,
        help_text="If not empty, the only input features a model may use.")
    prohibited_attributes = models.JSONField(
        default=list, blank=True,
        help_text='Sensitive attributes no input may use, e.g. ["ethnicity", "religion"].')
    justification_attributes = models.JSONField(
        default=list, blank=True,
        help_text="Attributes an input may use only with a written justification, given in "
                  'the input schema as "x-justification" on that property.')
    description = models.TextField(blank=True, help_text="Why the rule exists, in plain words.")
    active = models.BooleanField(default=True, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "data-minimisation rule"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:minimisationrule_list") + f"#rule-{self.pk}"

    @property
    def scope(self) -> str:
        purpose = self.get_purpose_category_display() if self.purpose_category else "Every purpose"
        return f"{purpose}, {self.domain} domain" if self.domain else purpose

    def clean(self) -> None:
        super().clean()
        errors = {}
        for field in ("allowed_features", "prohibited_attributes", "justification_attributes"):
            problem = _names_problem(getattr(self, field))
            if problem:
                errors[field] = problem
        if not errors:
            both = {a.lower() for a in self.prohibited_attributes} & {
                a.lower() for a in self.justification_attributes}
            if both:
                errors["justification_attributes"] = (
                    f"{', '.join(sorted(both))} is already prohibited; an attribute is either "
                    "prohibited or needs a justification.")
            if not (self.allowed_features or self.prohibited_attributes
                    or self.justification_attributes):
                errors["prohibited_attributes"] = ("A rule names allowed features, prohibited "
                                                   "attributes or attributes needing a "
                                                   "justification.")
        if errors:
            raise ValidationError(errors)


class MinimisationFindingQuerySet(models.QuerySet):
    """Derived rows, replaced in bulk by the check: no history, so bulk writes are fine."""

    def restrict(self, user, action: str = "view") -> models.QuerySet:
        return restrict_queryset(self, user, action)

    def for_list(self):
        return self.select_related("model_version__model", "rule")


class MinimisationFinding(models.Model):
    """One input feature of a version that a rule speaks about (derived, replaced at every
    check; the rules and the versions carry the history)."""

    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE,
                                      related_name="minimisation_findings")
    rule = models.ForeignKey(MinimisationRule, on_delete=models.CASCADE,
                             related_name="findings")
    feature = models.CharField(max_length=200)
    outcome = models.CharField(max_length=30, choices=MinimisationOutcome.choices, db_index=True)
    blocking = models.BooleanField(db_index=True)
    message = models.TextField()
    checked_at = models.DateTimeField(auto_now=True)

    objects = MinimisationFindingQuerySet.as_manager()

    class Meta:
        ordering = ["-blocking", "model_version_id", "feature"]
        constraints = [
            models.UniqueConstraint(fields=["model_version", "rule", "feature"],
                                    name="minimisationfinding_one_per_feature_and_rule"),
        ]

    def __str__(self) -> str:
        return self.message

    def get_absolute_url(self) -> str:
        return self.model_version.get_absolute_url()

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        visible = ModelVersion.restrict_visibility(ModelVersion.objects.all(), user, action)
        return queryset.filter(model_version__in=visible.values("pk"))
