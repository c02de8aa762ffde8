"""Dashboard routes of the lineage app, under /lineage/."""

from django.urls import path

from lineage import views

app_name = "lineage"

urlpatterns = [
    path("", views.LineageGraphView.as_view(), name="graph"),
    path("findings/", views.IntegrityFindingListView.as_view(), name="finding_list"),
    path("reproducibility/<int:pk>/", views.ReproducibilityView.as_view(),
         name="reproducibility"),
]
