"""Detail-page panels: how an app shows what it knows about another app's record.

A detail page of a lower app (a model, a version, a dataset in `inventory`) renders
`{% detail_panels object %}`; higher apps register panels for that record type in their
`ready()`, so the lower app shows what they know (today: lineage, reproducibility and
integrity findings) without importing them.

    register_panel("inventory.modelversion", Panel(
        key="lineage", title="Lineage", template="lineage/panels/version_lineage.html",
        context=version_lineage_context, permission="lineage.view_lineagenode", order=20))

A panel's `context(request, obj)` returns the template's context, or None when it has
nothing to say about this record (the panel is then left out).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.template.loader import render_to_string

__all__ = ["Panel", "RenderedPanel", "panels_for", "register_panel", "registered_panels"]


@dataclass(frozen=True)
class Panel:
    key: str  # unique per record type; also the panel's HTML id
    title: str
    template: str
    context: Callable[[HttpRequest, Model], dict[str, Any] | None]
    permission: str = ""  # `app_label.codename` the reader needs; "" means anyone who sees the page
    order: int = 100  # lower first


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    title: str
    html: str


_panels: dict[str, dict[str, Panel]] = defaultdict(dict)


def _label(model: type[Model] | Model) -> str:
    return model._meta.label_lower


def register_panel(model_label: str, panel: Panel) -> None:
    """Show `panel` on the detail page of every `model_label` record (`app_label.modelname`).
    Registering the same key again replaces the panel (safe when `ready()` runs twice)."""
    _panels[model_label.lower()][panel.key] = panel


def registered_panels(model: type[Model] | Model) -> list[Panel]:
    return sorted(_panels.get(_label(model), {}).values(), key=lambda p: (p.order, p.key))


def panels_for(request: HttpRequest, obj: Model) -> list[RenderedPanel]:
    """The panels `request.user` may read for `obj`, rendered, in order."""
    rendered = []
    for panel in registered_panels(obj):
        if panel.permission and not request.user.has_perm(panel.permission):
            continue
        context = panel.context(request, obj)
        if context is None:
            continue
        html = render_to_string(panel.template, {"object": obj, **context}, request=request)
        rendered.append(RenderedPanel(key=panel.key, title=panel.title, html=html))
    return rendered
