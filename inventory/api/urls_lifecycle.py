"""Routes of issue 4's lifecycle, CI/CD and exchange APIs, included by `inventory/api/urls.py`
(same `inventory-api` namespace)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from inventory.api import cicd, exchange, lifecycle

router = SimpleRouter()
router.register("deployments", lifecycle.DeploymentViewSet)
router.register("metrics", lifecycle.MetricObservationViewSet)
router.register("retention-policies", lifecycle.RetentionPolicyViewSet)
router.register("legal-holds", lifecycle.LegalHoldViewSet)
router.register("purge-records", lifecycle.PurgeRecordViewSet)
router.register("deprecation-rules", lifecycle.DeprecationRuleViewSet)
router.register("deprecation-schedules", lifecycle.DeprecationScheduleViewSet)
router.register("deprecation-notices", lifecycle.DeprecationNoticeViewSet)
router.register("webhooks", lifecycle.WebhookViewSet)
router.register("webhook-deliveries", lifecycle.WebhookDeliveryViewSet)

urlpatterns = [
    path("cicd/model-versions/", cicd.VersionRegisterView.as_view(),
         name="cicd-model-version-register"),
    path("cicd/model-versions/<int:pk>/metrics/", cicd.MetricsAttachView.as_view(),
         name="cicd-metrics-attach"),
    path("cicd/model-versions/<int:pk>/promotion/", cicd.PromotionRequestView.as_view(),
         name="cicd-promotion"),
    path("cicd/deployments/", cicd.DeploymentReportView.as_view(),
         name="cicd-deployment-report"),
    path("exchange/export/", exchange.InventoryExportView.as_view(), name="exchange-export"),
    path("exchange/import/", exchange.InventoryImportView.as_view(), name="exchange-import"),
    *router.urls,
]
