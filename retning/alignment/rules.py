"""Who may change alignment records. Autodiscovered by django-rules.

Reporters register and edit plans for their own organisations; the secretariat for all. Gap
analysis, watch items, related documents, the theme log and the annual report are the
secretariat's; council members may also read the annual reports.
"""

from typing import Any

import rules

from retning.accounts.rules import is_secretariat


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(
        getattr(user, "is_active", False)
    )


@rules.predicate
def reports_for_organisation(user: Any, organisation: Any) -> bool:
    if organisation is None or not _active(user):
        return False
    return bool(user.reporter_for.filter(pk=organisation.pk).exists())


@rules.predicate
def reports_for_plan(user: Any, plan: Any) -> bool:
    return plan is not None and reports_for_organisation(user, plan.organisation)


@rules.predicate
def reports_for_item(user: Any, item: Any) -> bool:
    return item is not None and reports_for_plan(user, item.plan)


@rules.predicate
def is_council_member(user: Any) -> bool:
    from django.db.models import Q
    from django.utils import timezone

    if not _active(user):
        return False
    today = timezone.localdate()
    return bool(
        user.council_memberships.filter(
            Q(term_start__isnull=True) | Q(term_start__lte=today),
            Q(term_end__isnull=True) | Q(term_end__gte=today),
        ).exists()
    )


rules.add_perm("alignment.add_actorplan", is_secretariat | reports_for_organisation)
rules.add_perm("alignment.change_actorplan", is_secretariat | reports_for_plan)
rules.add_perm("alignment.delete_actorplan", is_secretariat | reports_for_plan)
rules.add_perm("alignment.add_planitem", is_secretariat | reports_for_plan)
rules.add_perm("alignment.change_planitem", is_secretariat | reports_for_item)
rules.add_perm("alignment.delete_planitem", is_secretariat | reports_for_item)

for _name in (
    "alignment.propose_case",
    "alignment.view_gaps",
    "alignment.change_indicatorinitiativelink",
    "alignment.add_relateddocument",
    "alignment.change_relateddocument",
    "alignment.view_watchitem",
    "alignment.add_watchitem",
    "alignment.change_watchitem",
    "alignment.add_themelogentry",
    "alignment.generate_annualreport",
    "alignment.attach_annualreport",
):
    rules.add_perm(_name, is_secretariat)

rules.add_perm("alignment.view_annualreport", is_secretariat | is_council_member)
