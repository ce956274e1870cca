"""Gap rules for the secretariat. Pure: the selectors hand in plain facts, these decide.

* A sub-goal has a gap when no *active* initiative (not retired from the roadmap) belongs to it.
* An indicator has a gap when its headline assessment is off track or deteriorating
  (``OFF_TRACK``: needs acceleration, limited progress, deterioration) and no active initiative is
  linked to it in the indicator–initiative table the secretariat keeps.
* An active initiative has a gap when it is linked to no indicator in that table.
* An organisation expected to have a plan has a gap when none of its current plans (draft or
  adopted, not expired) has an item linked to a national goal or sub-goal.
* A plan item is *not reflected nationally* when it is linked to no active initiative and none of
  the sub-goals it is linked to (for a whole goal: none of the goal's sub-goals) has an active
  initiative.
"""

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass

OFF_TRACK = frozenset({"needs_acceleration", "limited_progress", "deterioration"})


@dataclass(frozen=True)
class IndicatorFact:
    id: int
    status: str  # the headline series' status (indicators.assessment.Status value)


@dataclass(frozen=True)
class ItemFact:
    id: int
    initiative_ids: frozenset[int]  # active initiatives the item is linked to
    subgoal_ids: frozenset[int]  # sub-goals linked directly or through a whole goal


def subgoals_without_initiative(
    subgoal_ids: Iterable[int], subgoals_with_active_initiative: Set[int]
) -> list[int]:
    return [pk for pk in subgoal_ids if pk not in subgoals_with_active_initiative]


def indicators_off_track_without_initiative(
    indicators: Iterable[IndicatorFact], linked_indicator_ids: Set[int]
) -> list[int]:
    return [
        fact.id
        for fact in indicators
        if fact.status in OFF_TRACK and fact.id not in linked_indicator_ids
    ]


def initiatives_without_indicator(
    active_initiative_ids: Iterable[int], linked_initiative_ids: Set[int]
) -> list[int]:
    return [pk for pk in active_initiative_ids if pk not in linked_initiative_ids]


def organisations_without_aligned_plan(
    organisation_ids: Iterable[int], links_per_organisation: Mapping[int, int]
) -> list[int]:
    return [pk for pk in organisation_ids if not links_per_organisation.get(pk)]


def items_not_reflected(
    items: Iterable[ItemFact], subgoals_with_active_initiative: Set[int]
) -> list[int]:
    return [
        item.id
        for item in items
        if not item.initiative_ids and not (item.subgoal_ids & subgoals_with_active_initiative)
    ]
