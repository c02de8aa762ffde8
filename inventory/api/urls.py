"""Routes of the inventory API under /api/v1/."""

from rest_framework.routers import DefaultRouter

from inventory.api import urls_lifecycle, views

app_name = "inventory-api"

router = DefaultRouter()
router.register("models", views.MLModelViewSet)
router.register("model-versions", views.ModelVersionViewSet)
router.register("model-branches", views.ModelBranchViewSet)
router.register("model-aliases", views.ModelAliasViewSet)
router.register("datasets", views.DatasetViewSet)
router.register("dataset-versions", views.DatasetVersionViewSet)
router.register("features", views.FeatureViewSet)
router.register("pipelines", views.PipelineViewSet)
router.register("teams", views.TeamViewSet)
router.register("compliance-tags", views.ComplianceTagViewSet)
router.register("saved-searches", views.SavedSearchViewSet)

# Issue 4: deployments, metrics, retention, holds, deprecation, webhooks, cicd/, exchange/.
urlpatterns = router.urls + urls_lifecycle.urlpatterns
