"""Capacity planning and retraining priority dashboards."""

from __future__ import annotations

import csv

from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.views.generic import TemplateView

from core.exports import csv_safe
from core.permissions import user_has_any_permission
from core.views.generic import RestrictedViewMixin
from inventory.choices import MetricKind
from monitoring.models import CostRecord, MetricRollup, PriorityWeights, RetrainingAlert
from monitoring.selectors.capacity import CAPACITY_KINDS, capacity_choices, capacity_series
from monitoring.selectors.load_cost import load_vs_cost
from monitoring.selectors.priority import retraining_priorities

__all__ = ["CapacityView", "RetrainingPriorityView"]

PROJECTION_DAYS = (30, 90)
MAX_CHARTS = 12


class CapacityFilterForm(forms.Form):
    model = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Model")
    region = forms.ChoiceField(required=False, label="Region")
    segment = forms.ChoiceField(required=False, label="Customer segment")
    kind = forms.ChoiceField(required=False, label="What", choices=[("", "Latency, resources "
                             "and load")] + [(k.value, k.label) for k in CAPACITY_KINDS])
    days = forms.TypedChoiceField(required=False, coerce=int, empty_value=30, initial=30,
                                  label="Period",
                                  choices=[(7, "7 days"), (30, "30 days"), (90, "90 days"),
                                           (365, "1 year")])

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", "All models")] + choices["models"]
        self.fields["region"].choices = [("", "All regions")] + [(r, r) for r in
                                                                  choices["regions"]]
        self.fields["segment"].choices = [("", "All segments")] + [(s, s) for s in
                                                                    choices["segments"]]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


class CapacityView(RestrictedViewMixin, TemplateView):
    """Latency, resource use and load per model, region and segment: daily trends and where
    they are heading (a straight-line projection of the period shown)."""

    model = MetricRollup
    template_name = "monitoring/capacity.html"

    def get(self, request, *args, **kwargs):
        form = CapacityFilterForm(request.GET or None, choices=capacity_choices(request.user))
        filters = form.cleaned_data if form.is_valid() else {}
        series = capacity_series(user=request.user, days=filters.get("days") or 30,
                                 model_id=filters.get("model"),
                                 region=filters.get("region", ""),
                                 segment=filters.get("segment", ""),
                                 kind=filters.get("kind", ""))
        # Costs only for those who may read the cost report; others see load alone.
        costs = (load_vs_cost(user=request.user, model_id=filters.get("model"))
                 if user_has_any_permission(request.user, "view", CostRecord) else None)
        if request.GET.get("export") == "csv":
            return _capacity_csv(series, costs or [])
        return self.render_to_response(self.get_context_data(form=form, series=series,
                                                             costs=costs))

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        series = kwargs["series"]
        context.update({
            "title": "Capacity planning",
            "charts": _charts(series),
            "rows": [_projection_row(s) for s in series],
            "projection_days": PROJECTION_DAYS,
            "query": self.request.GET.urlencode(),
            "costs": kwargs["costs"],
            "cost_chart": _cost_chart(kwargs["costs"] or []),
            "currency": settings.CUSTODIA_COST_CURRENCY,
        })
        return context


def _cost_chart(costs) -> dict:
    """Cost per 1,000 requests month by month, a bar per model."""
    traces: dict[str, dict] = {}
    for row in costs:
        if row.is_model_total and row.cost_per_thousand is not None:
            trace = traces.setdefault(row.model, {"name": row.model, "x": [], "y": []})
            trace["x"].append(f"{row.month:%Y-%m}")
            trace["y"].append(float(row.cost_per_thousand))
    return {"id": "chart-load-cost", "traces": list(traces.values()),
            "title": f"Cost per 1,000 requests ({settings.CUSTODIA_COST_CURRENCY})"}


def _charts(series) -> list[dict]:
    """One chart per metric: a line per model · region · segment (at most MAX_CHARTS)."""
    by_metric: dict[tuple[str, str], list] = {}
    for entry in series:
        by_metric.setdefault((entry.kind, entry.metric), []).append(entry)
    charts = []
    for (kind, metric), entries in sorted(by_metric.items())[:MAX_CHARTS]:
        unit = "per day" if kind == MetricKind.USAGE else "daily mean"
        charts.append({"id": f"chart-{kind}-{metric}", "title": f"{metric} ({unit})",
                       "traces": [{"name": e.label, "x": [d.isoformat() for d in e.days],
                                   "y": e.values} for e in entries]})
    return charts


def _projection_row(entry) -> dict:
    return {"series": entry, "latest": entry.latest, "slope": entry.slope_per_day,
            "projections": [(days, entry.projected(days), entry.change(days))
                            for days in PROJECTION_DAYS]}


def _capacity_csv(series, costs) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="capacity.csv"'
    writer = csv.writer(response)
    writer.writerow(["model", "metric", "kind", "region", "segment", "day", "value", "peak"])
    for entry in series:
        for day, value, peak in zip(entry.days, entry.values, entry.peaks, strict=True):
            writer.writerow([csv_safe(entry.model), csv_safe(entry.metric), entry.kind,
                             csv_safe(entry.region), csv_safe(entry.segment), day.isoformat(),
                             f"{value:.6g}", f"{peak:.6g}"])
    if costs:
        # Load vs cost follows, after an empty line, with its own header.
        writer.writerow([])
        writer.writerow(["month", "model", "region", "segment", "requests", "cost",
                         "shared_cost_part", "cost_per_1000_requests"])
        for row in costs:
            writer.writerow([f"{row.month:%Y-%m}", csv_safe(row.model), csv_safe(row.region),
                             csv_safe(row.segment), f"{row.requests:.0f}", row.cost,
                             row.shared, row.cost_per_thousand or ""])
    return response


class RetrainingPriorityView(RestrictedViewMixin, TemplateView):
    """Models in service ranked by how much they need retraining, each part of the score
    shown, with the weights in force."""

    model = RetrainingAlert
    template_name = "monitoring/priority.html"

    def get(self, request, *args, **kwargs):
        weights = PriorityWeights.current()
        rows = retraining_priorities(user=request.user, weights=weights)
        if request.GET.get("export") == "csv":
            return _priority_csv(rows)
        return self.render_to_response(self.get_context_data(rows=rows, weights=weights))

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        rows = kwargs["rows"]
        context.update({
            "title": "Retraining priority",
            "may_edit_weights": self.request.user.has_perm("monitoring.change_priorityweights"),
            "chart": {"models": [r.model.name for r in rows][:20],
                      "parts": _weighted_parts(rows[:20], kwargs["weights"])},
        })
        return context


def _weighted_parts(rows, weights: PriorityWeights) -> list[dict]:
    """Each part's contribution to the score, for the stacked bar chart."""
    parts = (("Usage", "usage", weights.usage_weight), ("Business impact", "impact",
             weights.impact_weight), ("Risk tier", "risk", weights.risk_weight),
             ("Decay", "decay", weights.decay_weight))
    total = sum(weight for *_, weight in parts) or 1.0
    return [{"name": label, "values": [round(getattr(r, key) * weight / total, 1) for r in rows]}
            for label, key, weight in parts]


def _priority_csv(rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="retraining-priority.csv"'
    writer = csv.writer(response)
    writer.writerow(["rank", "model", "score", "usage", "usage_volume", "business_impact",
                     "impact", "risk_tier", "risk", "decay", "degradation", "open_alerts"])
    for r in rows:
        writer.writerow([r.rank, csv_safe(r.model.name), r.score, r.usage, r.usage_volume,
                         r.model.business_impact, r.impact, r.model.risk_tier, r.risk, r.decay,
                         f"{r.degradation:.4f}", r.open_alerts])
    return response
