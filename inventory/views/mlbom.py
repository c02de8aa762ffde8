"""The ML-BOM (CycloneDX 1.6) of a model version as a download from its pages."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views.generic import View

from core.choices import AccessAction
from core.services.audit import access_event_record
from inventory.api.views.mlbom import ml_bom_response
from inventory.models import ModelVersion
from inventory.selectors.mlbom import ml_bom, ml_bom_versions

__all__ = ["ModelVersionMlBomDownloadView"]


class ModelVersionMlBomDownloadView(LoginRequiredMixin, View):
    """Download the version's ML-BOM (an export access event)."""

    def get(self, request, pk: int):
        visible = ModelVersion.objects.restrict(request.user, "view").values("pk")
        version = ml_bom_versions().filter(pk__in=visible, pk=pk).first()
        if version is None:
            raise Http404
        document = ml_bom([version], user=request.user, subject=str(version))
        access_event_record(request=request, action=AccessAction.EXPORT, obj=version,
                            query="ML-BOM (CycloneDX 1.6)", result_count=1)
        return ml_bom_response(
            document, filename=f"ml-bom-{version.model.name}-v{version.version}.cdx.json")
