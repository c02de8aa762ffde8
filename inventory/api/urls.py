"""Routes of the inventory API under /api/v1/ (namespace `inventory-api`), by subdomain."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from inventory.api.views import (
    branches,
    catalogue,
    deployments,
    deprecation,
    held,
    integrations,
    mlbom,
    modelcards,
    retention,
    versions,
)

app_name = "inventory-api"

router = DefaultRouter()
# Catalogue
router.register("models", catalogue.MLModelViewSet)
router.register("datasets", catalogue.DatasetViewSet)
router.register("features", catalogue.FeatureViewSet)
router.register("pipelines", catalogue.PipelineViewSet)
router.register("teams", catalogue.TeamViewSet)
router.register("compliance-tags", catalogue.ComplianceTagViewSet)
router.register("saved-searches", catalogue.SavedSearchViewSet)
# Versions
router.register("model-versions", versions.ModelVersionViewSet)
router.register("dataset-versions", versions.DatasetVersionViewSet)
# Branches
router.register("model-branches", branches.ModelBranchViewSet)
router.register("model-aliases", branches.ModelAliasViewSet)
# Deployments
router.register("deployments", deployments.DeploymentViewSet)
router.register("metrics", deployments.MetricObservationViewSet)
# Retention
router.register("retention-policies", retention.RetentionPolicyViewSet)
router.register("legal-holds", retention.LegalHoldViewSet)
router.register("purge-records", retention.PurgeRecordViewSet)
# Deprecation
router.register("deprecation-rules", deprecation.DeprecationRuleViewSet)
router.register("deprecation-schedules", deprecation.DeprecationScheduleViewSet)
router.register("deprecation-notices", deprecation.DeprecationNoticeViewSet)
# Integrations
router.register("webhooks", integrations.WebhookViewSet)
router.register("webhook-deliveries", integrations.WebhookDeliveryViewSet)

urlpatterns = [
    # Model cards and the ML-BOM (CycloneDX 1.6)
    path("model-versions/<int:pk>/model-card/", modelcards.ModelVersionCardView.as_view(),
         name="modelversion-model-card"),
    path("model-versions/<int:pk>/ml-bom/", mlbom.ModelVersionMlBomView.as_view(),
         name="modelversion-ml-bom"),
    path("ml-bom/", mlbom.InventoryMlBomView.as_view(), name="inventory-ml-bom"),
    # Integrations: CI/CD endpoints and the export/import exchange
    path("cicd/model-versions/", integrations.VersionRegisterView.as_view(),
         name="cicd-model-version-register"),
    path("cicd/model-versions/<int:pk>/metrics/", integrations.MetricsAttachView.as_view(),
         name="cicd-metrics-attach"),
    path("cicd/model-versions/<int:pk>/promotion/", integrations.PromotionRequestView.as_view(),
         name="cicd-promotion"),
    path("cicd/deployments/", integrations.DeploymentReportView.as_view(),
         name="cicd-deployment-report"),
    path("exchange/export/", integrations.InventoryExportView.as_view(), name="exchange-export"),
    path("exchange/import/", integrations.InventoryImportView.as_view(), name="exchange-import"),
    # Held storage: upload, or copy in from an allowed folder
    path("dataset-versions/<int:pk>/upload/", held.DatasetVersionUploadView.as_view(),
         name="datasetversion-upload"),
    path("dataset-versions/<int:pk>/copy-in/", held.DatasetVersionCopyInView.as_view(),
         name="datasetversion-copy-in"),
    path("model-versions/<int:pk>/upload/", held.ModelVersionUploadView.as_view(),
         name="modelversion-upload"),
    path("model-versions/<int:pk>/copy-in/", held.ModelVersionCopyInView.as_view(),
         name="modelversion-copy-in"),
    *router.urls,
]
