"""Dashboard of registration completeness: the assets missing metadata the standards require."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views.generic import TemplateView

from core.choices import AccessAction
from core.exports import csv_safe
from core.permissions import user_has_any_permission
from core.services.audit import access_event_record
from inventory.forms import CompletenessFilterForm
from inventory.models import Dataset, Feature, MLModel, Pipeline
from inventory.selectors.standards import incomplete_assets
from inventory.services.standards import field_label
from inventory.views.catalogue import list_query, style_form

__all__ = [
    "CATALOGUE_TYPES",
    "CompletenessView",
]


# --------------------------------------------------------------------------------------
# Registration completeness: assets missing mandatory metadata
# --------------------------------------------------------------------------------------
CATALOGUE_TYPES: dict[str, type] = {
    "mlmodel": MLModel, "dataset": Dataset, "feature": Feature, "pipeline": Pipeline,
}


def _viewable_types(user) -> dict[str, type]:
    return {key: model for key, model in CATALOGUE_TYPES.items()
            if user_has_any_permission(user, "view", model)}


class CompletenessView(LoginRequiredMixin, TemplateView):
    """Assets whose registration misses what the metadata standard requires."""

    template_name = "inventory/completeness.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not _viewable_types(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def rows(self, form: CompletenessFilterForm) -> tuple[list[dict], list[dict]]:
        """(incomplete assets, per-type summary) for what the user may see and filtered."""
        user = self.request.user
        wanted = form.cleaned_data.get("asset_type") if form.is_valid() else ""
        team = form.cleaned_data.get("team") if form.is_valid() else None
        rows, summary = [], []
        for key, model in _viewable_types(user).items():
            if wanted and wanted != key:
                continue
            queryset = model.objects.restrict(user, "view").for_list().order_by("name")
            if team is not None:
                queryset = queryset.filter(team=team)
            found = incomplete_assets(queryset)
            for asset, gaps in found:
                rows.append({"asset": asset, "type": model._meta.verbose_name,
                             "gaps": [field_label(model, gap) for gap in gaps]})
            summary.append({"type": model._meta.verbose_name_plural, "key": key,
                            "checked": queryset.count(), "incomplete": len(found)})
        return rows, summary

    def get(self, request, *args, **kwargs):
        form = CompletenessFilterForm(request.GET or None, user=request.user,
                                      types=_viewable_types(request.user))
        rows, summary = self.rows(form)
        if request.GET.get("export") == "csv":
            return self.export_csv(rows)
        style_form(form)
        return self.render_to_response(self.get_context_data(
            form=form, rows=rows, summary=summary, title="Registration completeness",
            query=list_query(request)))

    def export_csv(self, rows: list[dict]):
        import csv

        from django.http import HttpResponse
        from django.utils import timezone

        access_event_record(request=self.request, action=AccessAction.EXPORT,
                            query=self.request.GET.urlencode(), result_count=len(rows))
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="completeness-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(["Type", "Name", "Team", "Owner", "Missing"])
        for row in rows:
            asset = row["asset"]
            writer.writerow([row["type"], csv_safe(asset.name),
                             asset.team.name if asset.team else "",
                             asset.owner.get_username() if asset.owner else "",
                             "; ".join(row["gaps"])])
        return response


