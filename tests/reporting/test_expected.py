"""Expected-by-date: where an initiative should be today, from its deliveries alone."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from retning.reporting.expected import (
    SERIOUS_DAYS,
    TOLERANCE_DAYS,
    Expected,
    PlannedDelivery,
    Position,
    Rating,
    disagrees_strongly,
    expected_status,
    slip_days,
)

TODAY = date(2026, 11, 26)


def d(days: int) -> date:
    return TODAY + timedelta(days=days)


def test_no_planned_dates_cannot_be_judged() -> None:
    result = expected_status([PlannedDelivery(None, d(5))], TODAY)
    assert result.position is Position.UNKNOWN and result.rating is None
    assert not disagrees_strongly("green", result)


def test_everything_delivered_on_time_is_on_plan() -> None:
    result = expected_status(
        [PlannedDelivery(d(-30), actual=d(-28)), PlannedDelivery(d(40))], TODAY
    )
    assert result.position is Position.ON_PLAN and result.rating is Rating.GREEN
    assert result.due == 1 and result.overdue == 0


def test_overdue_delivery_without_forecast_counts_from_today() -> None:
    late = PlannedDelivery(d(-40))
    assert slip_days(late, TODAY) == 40
    result = expected_status([late, PlannedDelivery(d(100)), PlannedDelivery(d(200))], TODAY)
    assert result.position is Position.BEHIND and result.rating is Rating.YELLOW
    assert (result.overdue, result.late, result.days_behind) == (1, 1, 40)


def test_serious_slip_is_red_and_disagrees_with_green() -> None:
    result = expected_status(
        [PlannedDelivery(d(10), forecast=d(10 + SERIOUS_DAYS + 1)), PlannedDelivery(d(300))],
        TODAY,
    )
    assert result.rating is Rating.RED
    assert disagrees_strongly("green", result)
    assert not disagrees_strongly("yellow", result)
    assert not disagrees_strongly("red", result)


def test_half_of_the_deliveries_late_is_serious() -> None:
    result = expected_status([PlannedDelivery(d(-20)), PlannedDelivery(d(50))], TODAY)
    assert result.late_share == 0.5 and result.rating is Rating.RED


def test_finishing_early_is_ahead() -> None:
    result = expected_status([PlannedDelivery(d(60), actual=d(-1))], TODAY)
    assert result.position is Position.AHEAD and result.days_ahead == 61


def test_a_red_report_disagrees_with_a_computed_green() -> None:
    green = expected_status([PlannedDelivery(d(30))], TODAY)
    assert disagrees_strongly("red", green) and not disagrees_strongly("green", green)
    assert not disagrees_strongly("", green)


dates = st.integers(min_value=-400, max_value=400).map(d)
deliveries = st.builds(
    PlannedDelivery,
    planned=st.one_of(st.none(), dates),
    forecast=st.one_of(st.none(), dates),
    actual=st.one_of(st.none(), dates),
)


@given(st.lists(deliveries, max_size=8))
def test_result_is_consistent(items: list[PlannedDelivery]) -> None:
    result = expected_status(items, TODAY)
    assert isinstance(result, Expected)
    assert result.counted == sum(1 for i in items if i.planned is not None)
    assert 0 <= result.overdue <= result.due <= result.counted
    assert 0 <= result.late <= result.counted
    assert (result.position is Position.BEHIND) == (result.late > 0)
    assert (result.days_behind > TOLERANCE_DAYS) == (result.late > 0)
    if result.position is Position.UNKNOWN:
        assert result.rating is None
    elif result.position is not Position.BEHIND:
        assert result.rating is Rating.GREEN


RANK = {Rating.GREEN: 0, Rating.YELLOW: 1, Rating.RED: 2}


@given(
    st.lists(deliveries, min_size=1, max_size=6),
    st.integers(min_value=0, max_value=6),
    st.integers(min_value=1, max_value=200),
)
def test_a_later_forecast_never_improves_the_rating(
    items: list[PlannedDelivery], index: int, delay: int
) -> None:
    index %= len(items)
    item = items[index]
    if item.planned is None or item.actual is not None:
        return
    before = expected_status(items, TODAY)
    slipped = PlannedDelivery(item.planned, (item.forecast or item.planned) + timedelta(days=delay))
    after = expected_status([*items[:index], slipped, *items[index + 1 :]], TODAY)
    assert after.days_behind >= before.days_behind
    assert RANK[after.rating] >= RANK[before.rating]  # type: ignore[index]


@given(st.lists(deliveries, max_size=6), st.integers(min_value=1, max_value=300))
def test_time_passing_never_makes_unfinished_work_less_late(
    items: list[PlannedDelivery], days: int
) -> None:
    unfinished = [PlannedDelivery(i.planned, i.forecast) for i in items]
    now, later = expected_status(unfinished, TODAY), expected_status(unfinished, d(days))
    assert later.days_behind >= now.days_behind
    assert later.late >= now.late


@given(st.sampled_from(["green", "yellow", "red"]), st.lists(deliveries, max_size=6))
def test_disagreement_means_two_steps_apart(reported: str, items: list[PlannedDelivery]) -> None:
    result = expected_status(items, TODAY)
    flagged = disagrees_strongly(reported, result)
    if result.rating is None:
        assert not flagged
    else:
        assert flagged == (abs(RANK[Rating(reported)] - RANK[result.rating]) == 2)
