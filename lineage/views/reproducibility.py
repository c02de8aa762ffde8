"""The reproducibility page of a model version: data (checksums then and now), code and
environment, built as the API builds it (`lineage.selectors.reproducibility`)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from core.views.generic import RestrictedViewMixin
from inventory.models import ModelVersion
from lineage.selectors.reproducibility import reproducibility_record
from lineage.services.reproducibility import reproducibility_reads_record

__all__ = ["ReproducibilityView"]


class ReproducibilityView(RestrictedViewMixin, TemplateView):
    """Could this model version be rebuilt? Data (checksums then and now), code, environment."""

    model = ModelVersion
    template_name = "lineage/reproducibility.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        version = get_object_or_404(self.restricted_queryset().select_related("model"),
                                    pk=kwargs["pk"])
        record = reproducibility_record(model_version=version, user=self.request.user)
        reproducibility_reads_record(self.request, record)
        context.update({"title": f"Reproducibility of {version}", "version": version,
                        "record": record,
                        "node_id": f"model:custodia:model-versions/{version.pk}"})
        return context
