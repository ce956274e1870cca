"""The pure gap rules, one test per rule, plus the item-not-reflected rule."""

from retning.alignment import gaps
from retning.alignment.gaps import IndicatorFact, ItemFact


def test_subgoal_without_active_initiative_is_a_gap() -> None:
    assert gaps.subgoals_without_initiative([1, 2, 3], {2}) == [1, 3]


def test_indicator_off_track_or_deteriorating_without_initiative_is_a_gap() -> None:
    facts = [
        IndicatorFact(1, "deterioration"),
        IndicatorFact(2, "limited_progress"),
        IndicatorFact(3, "needs_acceleration"),
        IndicatorFact(4, "on_track"),
        IndicatorFact(5, "target_met"),
        IndicatorFact(6, "cannot_assess"),
        IndicatorFact(7, "deterioration"),
    ]
    assert gaps.indicators_off_track_without_initiative(facts, linked_indicator_ids={7}) == [
        1,
        2,
        3,
    ]


def test_initiative_linked_to_no_indicator_is_a_gap() -> None:
    assert gaps.initiatives_without_indicator([1, 2, 3], {3}) == [1, 2]


def test_organisation_without_links_in_a_current_plan_is_a_gap() -> None:
    assert gaps.organisations_without_aligned_plan([1, 2, 3], {1: 4, 2: 0}) == [2, 3]


def test_item_is_not_reflected_without_initiative_or_covered_subgoal() -> None:
    items = [
        ItemFact(1, frozenset(), frozenset()),  # linked to nothing
        ItemFact(2, frozenset({9}), frozenset()),  # an initiative reflects it
        ItemFact(3, frozenset(), frozenset({5})),  # its sub-goal has an initiative
        ItemFact(4, frozenset(), frozenset({6})),  # its sub-goal has none
    ]
    assert gaps.items_not_reflected(items, subgoals_with_active_initiative={5}) == [1, 4]
