"""Deliveries with slippage and the dependencies of an initiative, for the initiative page."""

from typing import Any

from django import template

from retning.roadmap.models import Initiative
from retning.roadmap.selectors import initiative_schedule as read_schedule

register = template.Library()


@register.filter
def days_abs(value: int | None) -> int | None:
    """A number of days without its sign (the words around it say early or late)."""
    return abs(value) if value is not None else None


@register.filter
def signed_days(value: int | None) -> str:
    """A change in days with its sign, «+12» or «−3» (a true minus sign), «0» for none."""
    if value is None:
        return "–"
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"\u2212{abs(value)}"
    return "0"


@register.inclusion_tag("publishing/dependencies_initiative.html", takes_context=True)
def initiative_schedule(context: Any, initiative: Initiative) -> dict[str, Any]:
    """The deliveries, their slippage over rounds, and what the initiative needs or is needed by."""
    request = context.get("request")
    user = getattr(request, "user", None)
    may_edit_deliveries = bool(user and user.has_perm("roadmap.change_initiative", initiative))
    may_add_dependency = bool(user and user.has_perm("roadmap.add_dependency", initiative))
    return {
        "initiative": initiative,
        "schedule": read_schedule(initiative),
        "may_edit_deliveries": may_edit_deliveries,
        "may_add_dependency": may_add_dependency,
        "data_lang": context.get("data_lang", ""),
        "request": request,
    }
