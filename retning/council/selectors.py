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
