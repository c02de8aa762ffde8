"""Lineage routes under /api/v1/: `lineage` itself is the OpenLineage endpoint (no slash,
as the OpenLineage HTTP transport posts it)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from lineage.api import views

app_name = "lineage-api"

router = SimpleRouter()
router.register("lineage/findings", views.IntegrityFindingViewSet)

urlpatterns = [
    path("lineage", views.LineageView.as_view(), name="lineage"),
    path("lineage/impact", views.ImpactView.as_view(), name="impact"),
    path("lineage/path", views.PathView.as_view(), name="path"),
    path("lineage/reproducibility/<int:pk>", views.ReproducibilityView.as_view(),
         name="reproducibility"),
    path("lineage/external-dependencies", views.ExternalDependencyView.as_view(),
         name="external-dependencies"),
    path("lineage/verify/<int:pk>", views.VerifyView.as_view(), name="verify"),
    *router.urls,
]
