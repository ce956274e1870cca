"""Read-only queries for the council model."""

from dataclasses import dataclass
from typing import Any

from .models import AgendaItem, Case, Decision, Meeting, PlanChange, PlanVersion


@dataclass(frozen=True)
class PlanDiffEntry:
    version: PlanVersion
    kind: str
    model_name: str
    object_id: int | None
    field_name: str
    old_value: Any
    new_value: Any
    decision: Decision
    case: Case
    meeting: Meeting


def plan_version_diff(a: PlanVersion | None, b: PlanVersion) -> list[PlanDiffEntry]:
    """Every change that entered the plan after version ``a`` up to and including ``b``.

    ``a`` None means from the beginning. Versions are compared by the order they were made in.
    """
    changes = PlanChange.objects.filter(applied_in__pk__lte=b.pk).select_related(
        "applied_in", "content_type", "decision__case__body", "decision__meeting__body"
    )
    if a is not None:
        if a.pk > b.pk:
            raise ValueError("Den første versjonen må være eldre enn den andre.")
        changes = changes.filter(applied_in__pk__gt=a.pk)
    return [
        PlanDiffEntry(
            version=change.applied_in,  # type: ignore[arg-type]
            kind=change.kind,
            model_name=change.content_type.model,
            object_id=change.object_id,
            field_name=change.field_name,
            old_value=change.old_value,
            new_value=change.new_value,
            decision=change.decision,
            case=change.decision.case,
            meeting=change.decision.meeting,
        )
        for change in changes.order_by("applied_in__pk", "decision__case__number", "order", "pk")
    ]


def meeting_agenda(meeting: Meeting) -> list[AgendaItem | Case]:
    """The agenda in order: opening items, the scheduled and decided cases by number, «Eventuelt»."""
    items = list(meeting.agenda_items.all())
    cases = list(
        meeting.cases.exclude(status="withdrawn").order_by("number")  # withdrawn cases drop off
    )
    opening = [item for item in items if item.order < 0]
    closing = [item for item in items if item.order >= 0]
    return [*opening, *cases, *closing]


# --- Who sees what ------------------------------------------------------------------------------


def body_ids_of(user: Any) -> set[int]:
    """The bodies ``user`` currently sits on (their term includes today)."""
    from django.db.models import Q
    from django.utils import timezone

    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return set()
    today = timezone.localdate()
    return set(
        user.council_memberships.filter(
            Q(term_start__isnull=True) | Q(term_start__lte=today),
            Q(term_end__isnull=True) | Q(term_end__gte=today),
        ).values_list("body_id", flat=True)
    )


def sees_all_cases(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and (getattr(user, "is_secretariat", False) or getattr(user, "is_superuser", False))
    )


def cases_visible_to(user: Any, queryset: Any = None) -> Any:
    """Cases ``user`` may read: public ones, and exempt ones of bodies they sit on (or all)."""
    from django.db.models import Q

    queryset = Case.objects.all() if queryset is None else queryset
    if sees_all_cases(user):
        return queryset
    bodies = body_ids_of(user)
    return queryset.filter(Q(is_exempt=False) | Q(body_id__in=bodies))


def agenda_for(meeting: Meeting, user: Any) -> list[AgendaItem | Case]:
    """The agenda as ``user`` may see it: exempt cases they may not read are left out."""
    visible = set(cases_visible_to(user, meeting.cases.all()).values_list("pk", flat=True))
    return [
        item for item in meeting_agenda(meeting) if not isinstance(item, Case) or item.pk in visible
    ]


def open_actions() -> Any:
    from .models import FollowUpAction

    return (
        FollowUpAction.objects.filter(status=FollowUpAction.Status.OPEN)
        .select_related("decision__case__body", "decision__meeting", "owner_organisation")
        .order_by("due_date", "pk")
    )


@dataclass(frozen=True)
class AppliedChange:
    """«Endret ved vedtak i Sak 15/26 i NUIT, 2026-05-27» for one object's page."""

    change: PlanChange
    case: Case
    body_short_name: str
    date: Any
    is_public: bool
    # Every change this case made to the object, with the target periods for an indicator's page.
    changes: tuple[PlanChange, ...] = ()
    periods: tuple[str, ...] = ()


def applied_changes_for(obj: Any) -> list[AppliedChange]:
    """Applied plan changes that touched ``obj`` (or its targets, for an indicator), grouped by
    case; at most two queries."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from retning.indicators.models import Indicator, Target

    if obj is None or obj.pk is None:
        return []
    condition = Q(content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk)
    target_periods: dict[int, str] = {}
    if isinstance(obj, Indicator):
        target_periods = dict(Target.objects.filter(indicator=obj).values_list("pk", "period"))
        condition |= Q(
            content_type=ContentType.objects.get_for_model(Target),
            object_id__in=list(target_periods),
        )
        # A retired target is gone; its change remembers which indicator it belonged to.
        condition |= Q(
            content_type=ContentType.objects.get_for_model(Target),
            kind=PlanChange.Kind.RETIRE,
            old_value__indicator=obj.pk,
        )
    changes = (
        PlanChange.objects.filter(condition, applied_in__isnull=False)
        .select_related("decision__case__body", "decision__meeting", "content_type")
        .order_by("-decision__meeting__date", "decision__case__number", "order", "pk")
    )
    grouped: dict[int, list[PlanChange]] = {}
    for change in changes:
        grouped.setdefault(change.decision.case_id, []).append(change)
    result = []
    for case_changes in grouped.values():
        first = case_changes[0]
        case = first.decision.case
        result.append(
            AppliedChange(
                change=first,
                case=case,
                body_short_name=case.body.short_name,
                date=first.decision.meeting.date,
                is_public=not case.is_exempt,
                changes=tuple(case_changes),
                periods=tuple(_period_of(c, target_periods) for c in case_changes),
            )
        )
    return result


def _period_of(change: PlanChange, target_periods: dict[int, str]) -> str:
    if change.content_type.model != "target":
        return ""
    if change.object_id in target_periods:
        return target_periods[change.object_id]
    values = change.old_value if isinstance(change.old_value, dict) else change.new_value
    return str(values.get("period", "")) if isinstance(values, dict) else ""
