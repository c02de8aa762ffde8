"""Template tags of the catalogue: the risk tier by stage overview shown on the home page."""

from django import template

from core.permissions import user_has_any_permission

register = template.Library()


@register.inclusion_tag("inventory/_risk_overview.html", takes_context=True)
def risk_overview(context) -> dict:
    """Models by risk tier and stage, for users who may see models (nothing otherwise)."""
    from inventory.models import MLModel
    from inventory.selectors.catalogue import risk_stage_matrix

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user_has_any_permission(
            user, "view", MLModel):
        return {"matrix": None}
    return {"matrix": risk_stage_matrix(user)}


@register.filter
def artefact_labels(values) -> str:
    """`["model", "pipeline_code"]` → "Model artefact, Pipeline code"."""
    from inventory.choices import TrackedArtefact

    labels = dict(TrackedArtefact.choices)
    return ", ".join(str(labels.get(v, v)) for v in values or ())
