from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

from retning.roadmap.phases import Phase

register = template.Library()


def _english() -> bool:
    return (get_language() or "nb").startswith("en")


@register.filter
def localized(obj: Any, field: str) -> str:
    """The English variant of a field (``title_en``) when the page is English and one exists."""
    if _english():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return str(english)
    return str(getattr(obj, field, ""))


@register.filter
def number(value: Decimal | float | int | None, decimals: int = 0) -> str:
    """A figure written the way readers of the page's language expect (57,5 or 57.5)."""
    if value is None:
        return "–"
    text = f"{float(value):,.{int(decimals)}f}"
    if _english():
        return text
    return text.replace(",", "\u00a0").replace(".", ",")


@register.filter
def phase_label(index: int | None) -> str:
    if not index:
        return ""
    return Phase(index).label


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters replaced (and the page reset)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
