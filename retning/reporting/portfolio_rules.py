"""Who may read the portfolio report of a round and move its reports through a spreadsheet.

``rules`` only autodiscovers ``rules.py``; the modules that use these permissions import this one,
so the permissions exist whenever they are asked for.

* The portfolio report is the council's paper: the secretariat, every reporter and every council
  member may read it (it is not public).
* Any reporter may download the sheet of a round; it holds only the reports of their own
  organisations (the secretariat gets all of them).
* Uploading a sheet changes reports: the secretariat always, a reporter only while the round is
  open. Which rows a reporter may change is checked row by row in ``spreadsheet.py``.
"""

from typing import Any

import rules
from django.db.models import Q
from django.utils import timezone

from retning.accounts.rules import is_reporter, is_secretariat


def _is_active_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(
        getattr(user, "is_active", False)
    )


def round_is_locked(reporting_round: Any) -> bool:
    """Locked when the secretariat (or the worker) has locked it, or its grace period is over."""
    if reporting_round is None:
        return False
    if reporting_round.locked_at is not None:
        return True
    return timezone.localdate() > reporting_round.closes_on


@rules.predicate
def is_council_member(user: Any) -> bool:
    """A member of a council body whose term covers today."""
    if not _is_active_user(user):
        return False
    today = timezone.localdate()
    return user.council_memberships.filter(
        Q(term_start__isnull=True) | Q(term_start__lte=today),
        Q(term_end__isnull=True) | Q(term_end__gte=today),
    ).exists()


@rules.predicate
def round_is_open(user: Any, reporting_round: Any) -> bool:
    return reporting_round is not None and not round_is_locked(reporting_round)


def _add(name: str, predicate: Any) -> None:
    if not rules.perm_exists(name):
        rules.add_perm(name, predicate)


_add("reporting.view_portfolio_report", is_secretariat | is_reporter | is_council_member)
_add("reporting.export_report_sheet", is_secretariat | is_reporter)
_add("reporting.import_report_sheet", is_secretariat | (is_reporter & round_is_open))
