"""Which status changes meetings and cases may make, and the plain rules behind case numbers.

Pure Python: the services ask this module before they write anything, so the rules can be read
(and tested) in one place without a database.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    CONVENED = "convened"
    HELD = "held"
    MINUTES_APPROVED = "minutes_approved"


class CaseStatus(StrEnum):
    PROPOSED = "proposed"
    SCHEDULED = "scheduled"
    WITHDRAWN = "withdrawn"
    DECIDED = "decided"


MEETING_STATUS_NAMES = {
    MeetingStatus.PLANNED: "planlagt",
    MeetingStatus.CONVENED: "innkalt",
    MeetingStatus.HELD: "avholdt",
    MeetingStatus.MINUTES_APPROVED: "referat godkjent",
}
CASE_STATUS_NAMES = {
    CaseStatus.PROPOSED: "foreslått",
    CaseStatus.SCHEDULED: "satt på sakslisten",
    CaseStatus.WITHDRAWN: "trukket",
    CaseStatus.DECIDED: "behandlet",
}

# A meeting only moves forward: a notice cannot be unsent, nor a held meeting unheld.
MEETING_TRANSITIONS: dict[MeetingStatus, frozenset[MeetingStatus]] = {
    MeetingStatus.PLANNED: frozenset({MeetingStatus.CONVENED}),
    MeetingStatus.CONVENED: frozenset({MeetingStatus.HELD}),
    MeetingStatus.HELD: frozenset({MeetingStatus.MINUTES_APPROVED}),
    MeetingStatus.MINUTES_APPROVED: frozenset(),
}
# A scheduled case may be moved to another meeting (scheduled again) and keeps its number.
CASE_TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.PROPOSED: frozenset({CaseStatus.SCHEDULED, CaseStatus.WITHDRAWN}),
    CaseStatus.SCHEDULED: frozenset(
        {CaseStatus.SCHEDULED, CaseStatus.WITHDRAWN, CaseStatus.DECIDED}
    ),
    CaseStatus.WITHDRAWN: frozenset(),
    CaseStatus.DECIDED: frozenset(),
}


class TransitionError(ValueError):
    """A status change the workflow does not allow; the message is meant for the user."""


def check_meeting_transition(current: str, target: str) -> None:
    now, then = MeetingStatus(current), MeetingStatus(target)
    if then in MEETING_TRANSITIONS[now]:
        return
    if now == then:
        raise TransitionError(f"Møtet er allerede {MEETING_STATUS_NAMES[now]}.")
    allowed = ", ".join(f"«{MEETING_STATUS_NAMES[s]}»" for s in sorted(MEETING_TRANSITIONS[now]))
    hint = f" Neste steg er {allowed}." if allowed else " Møtet er avsluttet."
    raise TransitionError(
        f"Et møte med status «{MEETING_STATUS_NAMES[now]}» kan ikke få status "
        f"«{MEETING_STATUS_NAMES[then]}».{hint}"
    )


def check_case_transition(current: str, target: str) -> None:
    now, then = CaseStatus(current), CaseStatus(target)
    if then in CASE_TRANSITIONS[now]:
        return
    raise TransitionError(
        f"En sak med status «{CASE_STATUS_NAMES[now]}» kan ikke få status "
        f"«{CASE_STATUS_NAMES[then]}»."
    )


def meeting_label(number: int, year: int) -> str:
    return f"Møte {number}/{year}"


def case_label(number: int, year: int) -> str:
    """«Sak 15/26»: the council writes the year with two digits."""
    return f"Sak {number}/{year % 100:02d}"


@dataclass(frozen=True)
class ProposedChange:
    """One plan change as the conflict check sees it: which field of which object, and to what."""

    target: Hashable  # e.g. (content type id, object id)
    field_name: str
    new_value: Any
    label: str  # how the user knows the change, e.g. «Sak 15/26: Målverdi 2027 (verdi)»


WHOLE_OBJECT = "*"  # the field name of a change that adds or retires the whole object


def find_conflicts(changes: Iterable[ProposedChange]) -> list[str]:
    """Messages for every field that two changes would set to different values.

    Two changes that agree are not a conflict: the second one simply changes nothing. Retiring an
    object conflicts with every other kind of change to the same object.
    """
    seen: dict[Hashable, list[ProposedChange]] = {}
    messages: list[str] = []
    for change in changes:
        earlier_changes = seen.setdefault(change.target, [])
        for earlier in earlier_changes:
            same_field = earlier.field_name == change.field_name
            whole = WHOLE_OBJECT in (earlier.field_name, change.field_name)
            if (same_field or whole) and earlier.new_value != change.new_value:
                what = (
                    "endrer det samme objektet på ulike måter"
                    if whole
                    else f"setter feltet «{change.field_name}» til ulike verdier "
                    f"({earlier.new_value!r} og {change.new_value!r})"
                )
                messages.append(f"{earlier.label} og {change.label} {what}.")
                break
        earlier_changes.append(change)
    return messages


def plan_version_label(year: int, sequence: int) -> str:
    return f"Plan for realisering {year}.{sequence}"
