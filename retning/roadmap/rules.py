"""Who may add and remove dependencies between initiatives.

A dependency belongs to the initiative that depends on something: the secretariat, or a reporter
for one of that initiative's owners, may record it or take it away.
"""

from typing import Any

import rules

from retning.accounts.rules import is_secretariat, reports_for_initiative_owner


@rules.predicate
def reports_for_dependent_owner(user: Any, dependency: Any) -> bool:
    if dependency is None:
        return False
    return bool(reports_for_initiative_owner(user, dependency.dependent))


# Asked about the dependent initiative (the dependency does not exist yet).
rules.add_perm("roadmap.add_dependency", is_secretariat | reports_for_initiative_owner)
# Asked about the dependency itself.
rules.add_perm("roadmap.delete_dependency", is_secretariat | reports_for_dependent_owner)
