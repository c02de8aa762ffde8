"""Retraining alerts and thresholds in the dashboards."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from core.views.generic import ObjectListView, RestrictedViewMixin
from monitoring.choices import AlertStatus, Granularity
from monitoring.filters import MetricThresholdFilterSet, RetrainingAlertFilterSet
from monitoring.models import MetricRollup, MetricThreshold, RetrainingAlert
from monitoring.selectors.metrics import metric_series
from monitoring.services.alerts import retraining_alert_acknowledge
from monitoring.tables import ALERT_BADGES, ALERT_COLUMNS, THRESHOLD_COLUMNS

__all__ = ["MetricThresholdListView", "RetrainingAlertDetailView", "RetrainingAlertListView"]

CHART_DAYS = 30


class RetrainingAlertListView(ObjectListView):
    model = RetrainingAlert
    filterset_class = RetrainingAlertFilterSet
    columns = ALERT_COLUMNS
    default_sort = "-opened_at"
    title = "Retraining alerts"
    description = ("Deployed model versions whose recent metrics fell past their threshold or "
                   "became clearly worse than their own early results. The owner is told by "
                   "e-mail; an alert closes itself when the metric recovers, and one left open "
                   "long enough starts the deprecation notice.")
    empty_message = ("No alert: every monitored version is within its thresholds and close to "
                     "its baseline.")


class MetricThresholdListView(ObjectListView):
    model = MetricThreshold
    filterset_class = MetricThresholdFilterSet
    columns = THRESHOLD_COLUMNS
    default_sort = "metric"
    title = "Degradation thresholds"
    description = ("When a metric counts as degraded. A model's own threshold wins over the "
                   "default of its risk tier. Risk officers change them in the admin.")
    empty_message = "No threshold yet: without one, no retraining alert is raised."


class AcknowledgeForm(forms.Form):
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(
        attrs={"rows": 2}), label="What is being done",
        help_text="e.g. “Retraining on the last quarter's data, due 15 March”.")


class RetrainingAlertDetailView(RestrictedViewMixin, TemplateView):
    """One alert in plain words, the metric's recent trend, and the owner's acknowledgement."""

    model = RetrainingAlert
    template_name = "monitoring/alert_detail.html"

    def _alert(self) -> RetrainingAlert:
        return get_object_or_404(self.restricted_queryset().select_related(
            "model_version__model__owner", "model_version__model__team", "threshold", "owner"),
            pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        alert = kwargs.get("alert") or self._alert()
        end = datetime.datetime.now(tz=datetime.UTC)
        points = metric_series(
            rollups=MetricRollup.objects.filter(model_version=alert.model_version,
                                                name=alert.metric),
            granularity=Granularity.DAY, start=end - datetime.timedelta(days=CHART_DAYS), end=end)
        model = alert.model_version.model
        context.update({
            "title": str(alert), "alert": alert, "badge": ALERT_BADGES.get(alert.status),
            "points": points, "form": kwargs.get("form") or AcknowledgeForm(),
            "may_acknowledge": alert.status == AlertStatus.OPEN and (
                self.request.user.pk == model.owner_id
                or (model.team_id and model.team.members.filter(pk=self.request.user.pk).exists())
                or self.request.user.has_perm("monitoring.change_retrainingalert")),
            "chart": {"title": f"{alert.metric}, daily mean ({CHART_DAYS} days)",
                      "traces": [{"name": "daily mean",
                                  "x": [p["bucket_start"].date().isoformat() for p in points],
                                  "y": [p["mean"] for p in points]}],
                      "lines": [{"name": "threshold", "y": alert.limit}] + (
                          [{"name": "baseline", "y": alert.baseline}]
                          if alert.baseline is not None else [])},
        })
        return context

    def post(self, request, *args, **kwargs):
        alert = self._alert()
        form = AcknowledgeForm(request.POST)
        if form.is_valid():
            try:
                retraining_alert_acknowledge(alert=alert, actor=request.user,
                                             note=form.cleaned_data["note"],
                                             reason="Acknowledged on the alert page")
            except PermissionDenied:
                raise
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Alert acknowledged: the owner's team is on it.")
                return redirect(alert.get_absolute_url())
        return self.render_to_response(self.get_context_data(alert=alert, form=form))
