"""Who may do what in the council model. Reading public cases is open to everyone (see
``council.view_case`` in retning.accounts.rules); the rest is for reporters and the secretariat."""

from typing import Any

import rules

from retning.accounts.rules import is_reporter, is_secretariat


@rules.predicate
def is_council_member(user: Any) -> bool:
    from .selectors import body_ids_of

    return bool(body_ids_of(user))


@rules.predicate
def proposed_own_open_case(user: Any, case: Any) -> bool:
    # A reporter may add papers to their own proposal until the secretariat has scheduled it.
    return (
        case is not None
        and case.proposed_by_id is not None
        and case.proposed_by_id == getattr(user, "pk", None)
        and case.status == "proposed"
    )


# Any reporter may bring a case for their organisation; the secretariat may too.
rules.add_perm("council.add_case", is_reporter | is_secretariat)
rules.add_perm(
    "council.add_caseattachment", is_secretariat | (is_reporter & proposed_own_open_case)
)
# Triage, meetings, decisions and minutes belong to the secretariat.
for _name in (
    "council.change_case",
    "council.add_meeting",
    "council.change_meeting",
    "council.add_decision",
    "council.add_followupaction",
    "council.change_followupaction",
):
    rules.add_perm(_name, is_secretariat)
# Follow-up lists and personal calendars: the secretariat and sitting members.
rules.add_perm("council.view_followupaction", is_secretariat | is_council_member)
rules.add_perm("council.view_own_calendar", is_secretariat | is_council_member)
