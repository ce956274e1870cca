"""«Endret ved vedtak i Sak 15/26 i NUIT, 2026-05-27» on the pages of plan objects."""

from typing import Any

from django import template
from django.urls import reverse

from retning.council import selectors

register = template.Library()


@register.inclusion_tag("council/partials/changed_by.html", takes_context=True)
def council_changes(context: template.Context, obj: Any) -> dict[str, Any]:
    """Every approved decision that changed ``obj``; exempt cases are named only to those who
    may read them."""
    request = context.get("request")
    user = getattr(request, "user", None)
    changes = selectors.applied_changes_for(obj)
    may_see_all = selectors.sees_all_cases(user)
    bodies = selectors.body_ids_of(user) if changes and not may_see_all else set()
    items = []
    for applied in changes:
        visible = applied.is_public or may_see_all or applied.case.body_id in bodies
        items.append(
            {
                "case": applied.case,
                "body_short_name": applied.body_short_name,
                "date": applied.date,
                "visible": visible,
                "url": reverse("council:case_detail", args=[applied.case.pk]) + "#vedtak",
            }
        )
    return {"council_changes": items}
