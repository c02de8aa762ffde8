"""Residency rules: where data of a region may be used (a governed record with history)."""

from __future__ import annotations

from django.db import models

from core.models.governed import GovernedModel

__all__ = ["ResidencyRule"]


class ResidencyRule(GovernedModel):
    """Data of `data_region` may only feed model versions in `allowed_regions` (GDPR ch. V)."""

    data_region = models.CharField(max_length=40, unique=True,
                                   help_text="Residency region of the data, e.g. eu.")
    allowed_regions = models.JSONField(
        default=list, help_text='Regions a model using this data may be in, e.g. ["eu"].')
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["data_region"]

    def __str__(self) -> str:
        return f"{self.data_region} data → {', '.join(self.allowed_regions) or 'nowhere'}"
