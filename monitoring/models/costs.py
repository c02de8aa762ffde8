"""Cost records: what a model, one of its deployments, or shared infrastructure cost in a
month. Attribution to teams, business units and projects goes through the inventory (a
model's team and its business unit); shared costs are split by usage when reported
(`monitoring.selectors.costs`). Amounts are in `CUSTODIA_COST_CURRENCY`, to the cent."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from core.models.governed import GovernedModel, GovernedQuerySet
from inventory.models import Deployment, MLModel
from monitoring.choices import CostCategory, CostScope

__all__ = ["CostRecord", "CostRecordQuerySet"]


class CostRecordQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("model__team", "deployment__model_version")


class CostRecord(GovernedModel):
    """Spend of one month on a model, a deployment or shared infrastructure."""

    month = models.DateField(db_index=True, help_text="The month billed: its first day.")
    scope = models.CharField(max_length=20, choices=CostScope.choices, db_index=True)
    model = models.ForeignKey(MLModel, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="cost_records",
                              help_text="The model charged (a deployment's model for a "
                                        "deployment's cost).")
    deployment = models.ForeignKey(Deployment, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="cost_records")
    category = models.CharField(max_length=20, choices=CostCategory.choices,
                                default=CostCategory.COMPUTE, db_index=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))],
                                 help_text="Amount in the cost currency, e.g. 1250.40.")
    project = models.CharField(max_length=100, blank=True, db_index=True,
                               help_text="Project or cost centre the bill names, e.g. P-1042.")
    description = models.CharField(max_length=300, blank=True)
    reference = models.CharField(
        max_length=100, blank=True,
        help_text="The bill line's own id; a line with a known reference is refused, so a "
                  "bill uploaded twice is not counted twice.")
    source = models.CharField(max_length=200, blank=True,
                              help_text="Where it came from: API, or the uploaded file's name.")

    objects = CostRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="shared") & Q(model__isnull=True) & Q(deployment__isnull=True))
                | (Q(scope="model") & Q(model__isnull=False) & Q(deployment__isnull=True))
                | (Q(scope="deployment") & Q(model__isnull=False) & Q(deployment__isnull=False)),
                name="costrecord_scope_matches_target",
                violation_error_message="A model's cost names a model, a deployment's cost "
                                        "a deployment, a shared cost neither."),
            models.CheckConstraint(condition=Q(amount__gt=0), name="costrecord_amount_positive",
                                   violation_error_message="An amount is more than zero."),
            models.UniqueConstraint(fields=["reference"], condition=~Q(reference=""),
                                    name="costrecord_reference_unique",
                                    violation_error_message="A cost with this reference is "
                                                            "already recorded."),
        ]
        indexes = [models.Index(fields=["month", "scope"])]

    def __str__(self) -> str:
        target = self.deployment or self.model or "shared infrastructure"
        return f"{self.month:%Y-%m} {self.get_category_display()} {self.amount} · {target}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("monitoring:costrecord_list") + f"?month={self.month:%Y-%m}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        if self.month is not None and self.month.day != 1:
            self.month = self.month.replace(day=1)
        if self.scope == CostScope.DEPLOYMENT:
            if self.deployment_id is None:
                errors["deployment"] = ["A deployment's cost names the deployment."]
            elif self.model_id is None:
                self.model_id = self.deployment.model_version.model_id
            elif self.deployment.model_version.model_id != self.model_id:
                errors["model"] = ["This deployment runs another model."]
        elif self.scope == CostScope.MODEL:
            if self.model_id is None:
                errors["model"] = ["A model's cost names the model."]
            if self.deployment_id is not None:
                errors["deployment"] = ["Use the scope “A deployment” for a deployment's cost."]
        elif self.scope == CostScope.SHARED and (self.model_id or self.deployment_id):
            errors["scope"] = ["A shared cost names no model or deployment: it is split by "
                               "usage. Use the scope “A model” or “A deployment”."]
        if errors:
            raise ValidationError(errors)

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """Shared costs are visible to all who may view costs; a model's as far as the model is."""
        visible = MLModel.restrict_visibility(MLModel.objects.all(), user, action)
        return queryset.filter(Q(model__isnull=True) | Q(model__in=visible.values("pk")))
