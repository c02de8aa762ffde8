"""Routes of the MLflow registry door, included under `/api/2.0/mlflow/` (what the MLflow
client calls) and `/ajax-api/2.0/mlflow/` (what MLflow's web pages call): every path goes
to one view, which answers MLflow's ENDPOINT_NOT_FOUND for a path it does not serve."""

from django.urls import re_path

from inventory.api.views.mlflow import MlflowRegistryView

urlpatterns = [
    re_path(r"^(?P<operation>.*)$", MlflowRegistryView.as_view(), name="mlflow-registry"),
]
