"""Lineage routes under /api/v1/: `lineage` itself is the OpenLineage endpoint (no slash,
as the OpenLineage HTTP transport posts it)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from lineage.api.views.graph import ExternalDependencyView, ImpactView, PathView
from lineage.api.views.ingestion import LineageView
from lineage.api.views.integrity import IntegrityFindingViewSet, VerifyView
from lineage.api.views.reproducibility import ReproducibilityView

app_name = "lineage-api"

router = SimpleRouter()
router.register("lineage/findings", IntegrityFindingViewSet)

urlpatterns = [
    path("lineage", LineageView.as_view(), name="lineage"),
    path("lineage/impact", ImpactView.as_view(), name="impact"),
    path("lineage/path", PathView.as_view(), name="path"),
    path("lineage/reproducibility/<int:pk>", ReproducibilityView.as_view(),
         name="reproducibility"),
    path("lineage/external-dependencies", ExternalDependencyView.as_view(),
         name="external-dependencies"),
    path("lineage/verify/<int:pk>", VerifyView.as_view(), name="verify"),
    *router.urls,
]
