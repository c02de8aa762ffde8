"""Dashboard routes of the inventory app (mounted at /inventory/).

Route names follow `inventory:<model>_list|_detail|_add|_edit|_delete` (CONVENTIONS.md).
"""

from django.urls import path

from inventory import views, views_lifecycle, views_versions

app_name = "inventory"

urlpatterns = [
    # Catalogue
    path("models/", views.MLModelListView.as_view(), name="mlmodel_list"),
    path("models/add/", views.MLModelCreateView.as_view(), name="mlmodel_add"),
    path("models/<int:pk>/", views.MLModelDetailView.as_view(), name="mlmodel_detail"),
    path("models/<int:pk>/edit/", views.MLModelEditView.as_view(), name="mlmodel_edit"),
    path("models/<int:pk>/delete/", views.MLModelDeleteView.as_view(), name="mlmodel_delete"),
    path("datasets/", views.DatasetListView.as_view(), name="dataset_list"),
    path("datasets/<int:pk>/", views.DatasetDetailView.as_view(), name="dataset_detail"),
    path("features/", views.FeatureListView.as_view(), name="feature_list"),
    path("features/<int:pk>/", views.FeatureDetailView.as_view(), name="feature_detail"),
    path("pipelines/", views.PipelineListView.as_view(), name="pipeline_list"),
    path("pipelines/<int:pk>/", views.PipelineDetailView.as_view(), name="pipeline_detail"),
    path("models/<int:pk>/as-of/", views_versions.MLModelAsOfView.as_view(),
         name="mlmodel_as_of"),
    path("model-versions/", views_versions.ModelVersionListView.as_view(),
         name="modelversion_list"),
    path("model-versions/<int:pk>/transition/",
         views_versions.ModelVersionTransitionView.as_view(), name="modelversion_transition"),
    path("lifecycle/", views_versions.LifecycleBoardView.as_view(), name="lifecycle_board"),
    path("completeness/", views.CompletenessView.as_view(), name="completeness"),
    path("licences/", views.LicenceListView.as_view(), name="licence_list"),
    path("risk-register/", views.RiskRegisterView.as_view(), name="risk_register"),
    path("saved-searches/", views.SavedSearchCreateView.as_view(), name="savedsearch_add"),
    path("saved-searches/<int:pk>/delete/", views.SavedSearchDeleteView.as_view(),
         name="savedsearch_delete"),
    # Retention, deprecation and deployments (issue 4)
    path("legal-holds/", views_lifecycle.LegalHoldListView.as_view(), name="legalhold_list"),
    path("purge-records/", views_lifecycle.PurgeRecordListView.as_view(),
         name="purgerecord_list"),
    path("deprecation-notices/", views_lifecycle.DeprecationNoticeListView.as_view(),
         name="deprecationnotice_list"),
    path("deployments/", views_lifecycle.DeploymentListView.as_view(), name="deployment_list"),
]
