"""`{% detail_panels object %}`: the panels other apps registered for this record type."""

from django import template

from core.panels import panels_for

register = template.Library()


@register.inclusion_tag("core/_detail_panels.html", takes_context=True)
def detail_panels(context, obj) -> dict:
    return {"panels": panels_for(context["request"], obj)}
