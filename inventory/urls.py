"""Dashboard routes of the inventory app (mounted at /inventory/).

Route names follow `inventory:<model>_list|_detail|_add|_edit|_delete` (house style).
"""

from django.urls import path

from inventory.views import (
    catalogue,
    deployments,
    deprecation,
    held,
    retention,
    standards,
    versions,
)

app_name = "inventory"

urlpatterns = [
    # Catalogue
    path("models/", catalogue.MLModelListView.as_view(), name="mlmodel_list"),
    path("models/add/", catalogue.MLModelCreateView.as_view(), name="mlmodel_add"),
    path("models/<int:pk>/", catalogue.MLModelDetailView.as_view(), name="mlmodel_detail"),
    path("models/<int:pk>/edit/", catalogue.MLModelEditView.as_view(), name="mlmodel_edit"),
    path("models/<int:pk>/delete/", catalogue.MLModelDeleteView.as_view(), name="mlmodel_delete"),
    path("datasets/", catalogue.DatasetListView.as_view(), name="dataset_list"),
    path("datasets/<int:pk>/", catalogue.DatasetDetailView.as_view(), name="dataset_detail"),
    path("features/", catalogue.FeatureListView.as_view(), name="feature_list"),
    path("features/<int:pk>/", catalogue.FeatureDetailView.as_view(), name="feature_detail"),
    path("pipelines/", catalogue.PipelineListView.as_view(), name="pipeline_list"),
    path("pipelines/<int:pk>/", catalogue.PipelineDetailView.as_view(), name="pipeline_detail"),
    path("datasets/add/", catalogue.DatasetCreateView.as_view(), name="dataset_add"),
    path("datasets/<int:pk>/edit/", catalogue.DatasetEditView.as_view(), name="dataset_edit"),
    path("datasets/<int:pk>/delete/", catalogue.DatasetDeleteView.as_view(),
         name="dataset_delete"),
    path("datasets/<int:pk>/versions/add/", versions.DatasetVersionCreateView.as_view(),
         name="datasetversion_add"),
    path("dataset-versions/<int:pk>/edit/", versions.DatasetVersionEditView.as_view(),
         name="datasetversion_edit"),
    path("features/add/", catalogue.FeatureCreateView.as_view(), name="feature_add"),
    path("features/<int:pk>/edit/", catalogue.FeatureEditView.as_view(), name="feature_edit"),
    path("features/<int:pk>/delete/", catalogue.FeatureDeleteView.as_view(),
         name="feature_delete"),
    path("pipelines/add/", catalogue.PipelineCreateView.as_view(), name="pipeline_add"),
    path("pipelines/<int:pk>/edit/", catalogue.PipelineEditView.as_view(), name="pipeline_edit"),
    path("pipelines/<int:pk>/delete/", catalogue.PipelineDeleteView.as_view(),
         name="pipeline_delete"),
    path("models/<int:pk>/as-of/", versions.MLModelAsOfView.as_view(),
         name="mlmodel_as_of"),
    path("model-versions/", versions.ModelVersionListView.as_view(),
         name="modelversion_list"),
    path("model-versions/<int:pk>/transition/",
         versions.ModelVersionTransitionView.as_view(), name="modelversion_transition"),
    path("lifecycle/", versions.LifecycleBoardView.as_view(), name="lifecycle_board"),
    path("completeness/", standards.CompletenessView.as_view(), name="completeness"),
    path("licences/", catalogue.LicenceListView.as_view(), name="licence_list"),
    path("risk-register/", catalogue.RiskRegisterView.as_view(), name="risk_register"),
    path("saved-searches/", catalogue.SavedSearchCreateView.as_view(), name="savedsearch_add"),
    path("saved-searches/<int:pk>/delete/", catalogue.SavedSearchDeleteView.as_view(),
         name="savedsearch_delete"),
    # Retention, deprecation and deployments
    path("legal-holds/", retention.LegalHoldListView.as_view(), name="legalhold_list"),
    path("legal-holds/add/", retention.LegalHoldCreateView.as_view(), name="legalhold_add"),
    path("legal-holds/<int:pk>/edit/", retention.LegalHoldEditView.as_view(),
         name="legalhold_edit"),
    path("legal-holds/<int:pk>/release/", retention.LegalHoldReleaseView.as_view(),
         name="legalhold_release"),
    path("retention-policies/", retention.RetentionPolicyListView.as_view(),
         name="retentionpolicy_list"),
    path("retention-policies/add/", retention.RetentionPolicyCreateView.as_view(),
         name="retentionpolicy_add"),
    path("retention-policies/<int:pk>/edit/", retention.RetentionPolicyEditView.as_view(),
         name="retentionpolicy_edit"),
    path("retention-policies/<int:pk>/delete/", retention.RetentionPolicyDeleteView.as_view(),
         name="retentionpolicy_delete"),
    path("purge-records/", retention.PurgeRecordListView.as_view(),
         name="purgerecord_list"),
    path("deprecation-notices/", deprecation.DeprecationNoticeListView.as_view(),
         name="deprecationnotice_list"),
    path("deployments/", deployments.DeploymentListView.as_view(), name="deployment_list"),
    # Held storage
    path("dataset-versions/<int:pk>/held/", held.DatasetVersionHeldView.as_view(),
         name="datasetversion_held"),
    path("model-versions/<int:pk>/held/", held.ModelVersionHeldView.as_view(),
         name="modelversion_held"),
]
