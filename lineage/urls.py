"""Dashboard routes of the lineage app, under /lineage/."""

from django.urls import path

from lineage.views.graph import LineageGraphView, LineageNodeSearchView
from lineage.views.integrity import IntegrityFindingListView
from lineage.views.reproducibility import ReproducibilityView

app_name = "lineage"

urlpatterns = [
    path("", LineageGraphView.as_view(), name="graph"),
    path("nodes/search/", LineageNodeSearchView.as_view(), name="node_search"),
    path("findings/", IntegrityFindingListView.as_view(), name="finding_list"),
    path("reproducibility/<int:pk>/", ReproducibilityView.as_view(),
         name="reproducibility"),
]
