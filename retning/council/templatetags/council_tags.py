"""«Endret ved vedtak i Sak 15/26 i NUIT, 2026-05-27» on the pages of plan objects, and plan
changes written so a reader knows the values («Middels → Høy»)."""

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _

from retning.council import selectors, services
from retning.council.models import PlanChange

register = template.Library()


def _detail(change: PlanChange, period: str) -> str:
    """One change in a few words, e.g. «målverdi 2030: 50 → 57» or «prioritet: Middels → Høy»."""
    model = change.content_type.model_class()
    if change.kind == PlanChange.Kind.CHANGE:
        what = services.plan_field_label(change)
    else:
        what = str(model._meta.verbose_name) if model else change.content_type.model
    if period:
        what = f"{what} {period}"
    if change.kind == PlanChange.Kind.CHANGE:
        old, new = services.plan_change_values(change)
        return _("%(what)s: %(old)s → %(new)s") % {"what": what, "old": old, "new": new}
    if change.kind == PlanChange.Kind.ADD:
        values = change.new_value if isinstance(change.new_value, dict) else {}
        if "value" in values:
            value = services.plan_value_label(model, "value", values["value"])
            return _("%(what)s lagt til: %(value)s") % {"what": what, "value": value}
        return _("%(what)s lagt til") % {"what": what}
    return _("%(what)s fjernet") % {"what": what}


@register.inclusion_tag("council/partials/changed_by.html", takes_context=True)
def council_changes(context: template.Context, obj: Any) -> dict[str, Any]:
    """Every approved decision that changed ``obj``, with what it changed; exempt cases are
    named only to those who may read them."""
    request = context.get("request")
    user = getattr(request, "user", None)
    changes = selectors.applied_changes_for(obj)
    may_see_all = selectors.sees_all_cases(user)
    bodies = selectors.body_ids_of(user) if changes and not may_see_all else set()
    own_type = ContentType.objects.get_for_model(type(obj)).pk if changes else None
    items = []
    for applied in changes:
        visible = applied.is_public or may_see_all or applied.case.body_id in bodies
        details = []
        added = False
        for change, period in zip(applied.changes, applied.periods, strict=True):
            if (
                change.kind == PlanChange.Kind.ADD
                and change.content_type_id == own_type
                and change.object_id == obj.pk
            ):
                added = True  # the page's own object: the headline says it was added
                continue
            details.append(_detail(change, period))
        items.append(
            {
                "case": applied.case,
                "body_short_name": applied.body_short_name,
                "date": applied.date,
                "visible": visible,
                "added": added,
                "details": details,
                "url": reverse("council:case_detail", args=[applied.case.pk]) + "#vedtak",
            }
        )
    return {"council_changes": items}


@register.filter
def plan_old(change: PlanChange) -> str:
    return services.plan_change_values(change)[0]


@register.filter
def plan_new(change: PlanChange) -> str:
    return services.plan_change_values(change)[1]


@register.filter
def plan_object(change: PlanChange) -> str:
    model = change.content_type.model_class()
    name = model._meta.verbose_name if model else change.content_type.model
    return f"{str(name)[:1].upper()}{str(name)[1:]}: {services.plan_object_label(change)}"


@register.filter
def plan_field(change: PlanChange) -> str:
    return services.plan_field_label(change)
