"""The alignment measure: weights, strongest-link cells, goal-level links, and its invariants."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retning.alignment import measure
from retning.alignment.measure import DIRECT, RELATED, SUPPORT, Link, SubGoalRef

SUBGOALS = [SubGoalRef(1, 10), SubGoalRef(2, 10), SubGoalRef(3, 20), SubGoalRef(4, 20)]


def test_cell_is_the_strongest_link_not_the_sum() -> None:
    links = [Link(7, RELATED, subgoal_id=1)] * 4 + [Link(7, SUPPORT, subgoal_id=1)]
    assert measure.cell_weights(links, SUBGOALS) == {(7, 1): 0.5}


def test_goal_level_link_counts_for_each_subgoal_at_half_weight() -> None:
    cells = measure.cell_details([Link(7, DIRECT, goal_id=20)], SUBGOALS)
    assert set(cells) == {(7, 3), (7, 4)}
    assert all(c.weight == 0.5 and c.via_goal for c in cells.values())


def test_direct_subgoal_link_beats_goal_level_link() -> None:
    cells = measure.cell_details(
        [Link(7, DIRECT, goal_id=20), Link(7, DIRECT, subgoal_id=3)], SUBGOALS
    )
    assert cells[(7, 3)].weight == 1.0 and not cells[(7, 3)].via_goal
    assert cells[(7, 4)].weight == 0.5


def test_organisation_score_coverage_and_mean() -> None:
    links = [Link(7, DIRECT, subgoal_id=1), Link(7, RELATED, subgoal_id=2)]
    score = measure.organisation_score(measure.cell_weights(links, SUBGOALS), 7, SUBGOALS)
    assert (score.covered, score.total) == (2, 4)
    assert score.coverage == 0.5
    assert score.score == pytest.approx((1.0 + 0.25) / 4)


def test_subgoal_score_over_organisations_with_plans() -> None:
    links = [Link(7, DIRECT, subgoal_id=1), Link(8, SUPPORT, subgoal_id=1)]
    score = measure.subgoal_score(measure.cell_weights(links, SUBGOALS), 1, [7, 8, 9])
    assert (score.covered, score.total) == (2, 3)
    assert score.score == pytest.approx(0.5)


def test_no_organisations_or_subgoals_gives_zero() -> None:
    assert measure.subgoal_score({}, 1, []).score == 0.0
    assert measure.organisation_score({}, 7, []).coverage == 0.0


def test_links_to_unknown_subgoals_are_ignored_and_bad_links_refused() -> None:
    assert measure.cell_weights([Link(7, DIRECT, subgoal_id=99)], SUBGOALS) == {}
    with pytest.raises(ValueError):
        Link(7, "strong", subgoal_id=1)
    with pytest.raises(ValueError):
        Link(7, DIRECT, subgoal_id=1, goal_id=10)
    with pytest.raises(ValueError):
        Link(7, DIRECT)


links_strategy = st.lists(
    st.builds(
        lambda org, strength, target, is_goal: Link(
            org,
            strength,
            goal_id=target if is_goal else None,
            subgoal_id=None if is_goal else target,
        ),
        st.integers(1, 3),
        st.sampled_from([DIRECT, SUPPORT, RELATED]),
        st.integers(1, 20),
        st.booleans(),
    ),
    max_size=25,
)


@given(links_strategy)
def test_scores_stay_between_zero_and_coverage(links: list[Link]) -> None:
    cells = measure.cell_weights(links, SUBGOALS)
    for org in (1, 2, 3):
        score = measure.organisation_score(cells, org, SUBGOALS)
        assert 0.0 <= score.score <= score.coverage <= 1.0
    for subgoal in SUBGOALS:
        score = measure.subgoal_score(cells, subgoal.id, [1, 2, 3])
        assert 0.0 <= score.score <= score.coverage <= 1.0


@given(links_strategy, links_strategy)
def test_adding_links_never_lowers_a_score(links: list[Link], more: list[Link]) -> None:
    before = measure.cell_weights(links, SUBGOALS)
    after = measure.cell_weights(links + more, SUBGOALS)
    for org in (1, 2, 3):
        assert (
            measure.organisation_score(after, org, SUBGOALS).score
            >= measure.organisation_score(before, org, SUBGOALS).score
        )


@given(links_strategy)
def test_order_of_links_does_not_matter(links: list[Link]) -> None:
    assert measure.cell_weights(links, SUBGOALS) == measure.cell_weights(
        list(reversed(links)), SUBGOALS
    )
