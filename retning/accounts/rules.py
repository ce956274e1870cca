"""Who may change what: every object-level rule in one place, used by web views and the API alike.

Permission names follow Django's ``app.action_model`` form, so ``user.has_perm("roadmap.change_initiative",
initiative)`` asks the question the same way everywhere.
"""

from typing import Any

import rules


def _is_authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(
        getattr(user, "is_active", False)
    )


@rules.predicate
def is_secretariat(user: Any) -> bool:
    return _is_authenticated(user) and (user.is_secretariat or user.is_superuser)


@rules.predicate
def is_data_steward(user: Any) -> bool:
    return _is_authenticated(user) and user.is_data_steward


@rules.predicate
def is_reporter(user: Any) -> bool:
    return _is_authenticated(user) and user.reporter_for.exists()


def _reports_for(user: Any, organisation_ids: set[int]) -> bool:
    if not _is_authenticated(user) or not organisation_ids:
        return False
    return user.reporter_for.filter(pk__in=organisation_ids).exists()


@rules.predicate
def reports_for_initiative_owner(user: Any, initiative: Any) -> bool:
    if initiative is None:
        return False
    return _reports_for(user, {o.pk for o in initiative.owners.all()})


@rules.predicate
def reports_for_delivery_owner(user: Any, delivery: Any) -> bool:
    if delivery is None:
        return False
    return reports_for_initiative_owner(user, delivery.initiative)


@rules.predicate
def reports_for_indicator_responsible(user: Any, indicator: Any) -> bool:
    if indicator is None or indicator.responsible_id is None:
        return False
    return _reports_for(user, {indicator.responsible_id})


@rules.predicate
def reports_for_observation_indicator(user: Any, observation: Any) -> bool:
    if observation is None:
        return False
    return reports_for_indicator_responsible(user, observation.indicator)


# The strategy itself: only the secretariat.
for _name in (
    "strategy.change_strategy",
    "strategy.add_goal",
    "strategy.change_goal",
    "strategy.delete_goal",
    "strategy.add_subgoal",
    "strategy.change_subgoal",
    "strategy.delete_subgoal",
    "strategy.change_theme",
    "indicators.add_indicator",
    "indicators.change_indicator",
    "indicators.delete_indicator",
    "indicators.change_target",
    "indicators.override_assessment",
    "indicators.change_importmapping",
    "actors.add_organisation",
    "actors.change_organisation",
    "actors.delete_organisation",
    "roadmap.add_initiative",
    "roadmap.delete_initiative",
    # Owners decide which reporters may edit an initiative, so reporters cannot change them.
    "roadmap.change_initiative_owners",
    "accounts.manage_users",
    "accounts.view_changelog",
):
    rules.add_perm(_name, is_secretariat)

# Initiatives and their deliveries: the secretariat, or a reporter for one of the owners.
rules.add_perm("roadmap.change_initiative", is_secretariat | reports_for_initiative_owner)
rules.add_perm("roadmap.add_delivery", is_secretariat | reports_for_initiative_owner)
rules.add_perm("roadmap.change_delivery", is_secretariat | reports_for_delivery_owner)
rules.add_perm("roadmap.delete_delivery", is_secretariat | reports_for_delivery_owner)

# Indicator data: the secretariat, data stewards, or a reporter for the responsible organisation.
_indicator_data = is_secretariat | is_data_steward | reports_for_indicator_responsible
rules.add_perm("indicators.add_observation", _indicator_data)
rules.add_perm(
    "indicators.change_observation",
    is_secretariat | is_data_steward | reports_for_observation_indicator,
)
rules.add_perm(
    "indicators.delete_observation",
    is_secretariat | is_data_steward | reports_for_observation_indicator,
)
rules.add_perm("indicators.import_observations", _indicator_data)


# Council members (Rådsmedlem) read the non-public papers of the bodies they sit on, for the
# length of their term; everyone may read public cases.
def _sits_on(user: Any, body_id: int) -> bool:
    from django.db.models import Q
    from django.utils import timezone

    if not _is_authenticated(user):
        return False
    today = timezone.localdate()
    return user.council_memberships.filter(
        Q(term_start__isnull=True) | Q(term_start__lte=today),
        Q(term_end__isnull=True) | Q(term_end__gte=today),
        body_id=body_id,
    ).exists()


@rules.predicate
def sits_on_case_body(user: Any, case: Any) -> bool:
    return case is not None and _sits_on(user, case.body_id)


@rules.predicate
def case_is_public(user: Any, case: Any) -> bool:
    return case is not None and not case.is_exempt


rules.add_perm("council.view_case", case_is_public | is_secretariat | sits_on_case_body)
