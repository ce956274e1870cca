"""Editing on the public pages: the "Endre" buttons and the "Endringslogg" section."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import template
from django.contrib import messages
from django.db.models import Model
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from retning.actors.models import Organisation
from retning.indicators.models import Indicator
from retning.roadmap.models import Initiative
from retning.strategy.models import Goal, SubGoal

from ..registry import may_open
from ..selectors import TRACKED, object_changelog

register = template.Library()


@dataclass(frozen=True)
class EditLink:
    url_name: str
    args: Callable[[Any], list[Any]]
    label: Promise


# Which editing pages each public page links to. Whether a link is shown is decided by the
# permission registered for the view behind it, so the button and the view cannot disagree.
EDIT_LINKS: dict[type[Model], list[EditLink]] = {
    Goal: [EditLink("editing:goal_edit", lambda o: [o.number], _("Endre"))],
    SubGoal: [EditLink("editing:subgoal_edit", lambda o: [o.code], _("Endre"))],
    Indicator: [
        EditLink("editing:indicator_edit", lambda o: [o.code], _("Endre")),
        EditLink("editing:observation_list", lambda o: [o.code], _("Registrer målinger")),
    ],
    Initiative: [EditLink("editing:initiative_edit", lambda o: [o.external_id], _("Endre"))],
    Organisation: [EditLink("editing:organisation_edit", lambda o: [o.slug], _("Endre"))],
}


@register.inclusion_tag("editing/partials/toolbar.html", takes_context=True)
def editing_toolbar(context: template.Context, obj: Model) -> dict[str, Any]:
    """Messages from a save that just happened, and the edit links the user may follow."""
    request = context.get("request")
    user = getattr(request, "user", None)
    links: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        for link in EDIT_LINKS.get(type(obj), []):
            url = reverse(link.url_name, args=link.args(obj))
            if may_open(user, url, obj):
                links.append((url, str(link.label)))
    return {
        "links": links,
        "messages": messages.get_messages(request) if request is not None else [],
        "object": obj,
    }


@register.inclusion_tag("editing/partials/change_log.html", takes_context=True)
def change_log(context: template.Context, obj: Model) -> dict[str, Any]:
    """The latest changes to ``obj``. Who made them is shown to signed-in users only."""
    request = context.get("request")
    user = getattr(request, "user", None)
    show_who = bool(user is not None and user.is_authenticated)
    return {
        "entries": object_changelog(obj, show_who=show_who),
        "show_who": show_who,
        # Entries about the page's own record need no "which record" label; child rows do.
        "main_kind": next((t.key for t in TRACKED if t.model is type(obj)), ""),
    }
