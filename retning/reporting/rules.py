"""Who may see and change status reports and rounds.

A reporter works on the reports of the organisations they report for; the secretariat opens and
locks rounds, approves and returns reports, and may correct any report, also after a lock. That a
locked round refuses a reporter's save is a workflow rule (``workflow.check``), so the reporter
gets a clear message rather than a bare 403.
"""

from typing import Any

import rules

from retning.accounts.rules import is_secretariat


@rules.predicate
def reports_for_report_organisation(user: Any, report: Any) -> bool:
    if report is None or report.organisation_id is None:
        return False
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)):
        return False
    return user.reporter_for.filter(pk=report.organisation_id).exists()


@rules.predicate
def is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(
        getattr(user, "is_active", False)
    )


rules.add_perm("reporting.view_todo", is_signed_in)
rules.add_perm("reporting.view_statusreport", is_secretariat | reports_for_report_organisation)
rules.add_perm("reporting.change_statusreport", is_secretariat | reports_for_report_organisation)
rules.add_perm("reporting.review_statusreport", is_secretariat)
rules.add_perm("reporting.view_reportinground", is_secretariat)
rules.add_perm("reporting.add_reportinground", is_secretariat)
rules.add_perm("reporting.lock_reportinground", is_secretariat)
from . import portfolio_rules  # noqa: E402, F401  (registers the portfolio report permissions)
