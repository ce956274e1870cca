from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from retning.roadmap.models import PHASE_LABELS, phase_range_label
from retning.roadmap.phases import Phase, PhaseRange

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
    return str(PHASE_LABELS[Phase(index)])


@register.filter
def phase_text(value: object) -> object:
    """A phase range in the page's language; anything else (a label, None) is left as it is."""
    if isinstance(value, PhaseRange):
        return phase_range_label(value)
    return value


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


@register.simple_tag
def phase_tag(label: object, index: int | None) -> str:
    """A phase with a colour chip; the label says the phase, so colour is never the only cue.

    Written in Python rather than as an included template because roadmap lists draw it per row.
    """
    chip = mark_safe('<span class="retning-phase__chip" aria-hidden="true"></span>')  # noqa: S308 - constant markup
    attrs = format_html(' data-phase="{}"', index) if index else ""
    return format_html(
        '<span class="ds-tag retning-phase" data-color="neutral" data-variant="outline"{}>{}{}</span>',
        attrs,
        chip,
        phase_text(label) or gettext("Ukjent fase"),
    )


@register.simple_tag
def planning_status_tag(status: str) -> str:
    """Planned is a filled tag; tentative is dashed and says so in words too."""
    if status == "planned":
        return format_html(
            '<span class="ds-tag retning-status retning-status--planned" data-color="accent">{}</span>',
            gettext("Planlagt"),
        )
    if status == "tentative":
        return format_html(
            '<span class="ds-tag retning-status retning-status--tentative" data-color="neutral">'
            '{}<span class="visually-hidden"> ({})</span></span>',
            gettext("Tentativ"),
            gettext("tidspunktet er ikke bekreftet"),
        )
    if status:
        return format_html(
            '<span class="ds-tag retning-status" data-color="neutral">{}</span>', status
        )
    return ""
