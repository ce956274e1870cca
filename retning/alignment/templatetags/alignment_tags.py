"""Alignment partials for the public theme and organisation pages; the publishing views stay as they are."""

from typing import Any

from django import template
from django.utils.translation import get_language

from retning.actors.models import Organisation
from retning.strategy.models import Theme

from .. import selectors

register = template.Library()


@register.inclusion_tag("alignment/partials/theme_follow_up.html", takes_context=True)
def theme_follow_up(context: template.Context, theme: Theme) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "theme": theme,
        "follow_up": selectors.theme_follow_up(theme, user),
        "may_log": bool(user and user.has_perm("alignment.add_themelogentry", theme)),
        "english": (get_language() or "nb").startswith("en"),
    }


@register.inclusion_tag("alignment/partials/organisation_alignment.html", takes_context=True)
def organisation_alignment(context: template.Context, organisation: Organisation) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "organisation": organisation,
        "alignment": selectors.organisation_alignment(organisation),
        "may_add": bool(user and user.has_perm("alignment.add_actorplan", organisation)),
    }
