import json
import math
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from retning.indicators.assessment import (
    Direction,
    Method,
    RateThresholds,
    Reason,
    SeriesPoint,
    Status,
    Target,
    Thresholds,
    assess,
)

HIGHER = Direction.HIGHER_IS_BETTER
LOWER = Direction.LOWER_IS_BETTER


def series(*pairs: tuple[float, float | None]) -> list[SeriesPoint]:
    return [SeriesPoint(year, value, label=str(year)) for year, value in pairs]


# CAGR ratio: hand-computed cases


def test_a_series_growing_faster_than_required_is_on_track() -> None:
    result = assess(series((2019, 33), (2023, 57)), Target(2030, 75))

    # observed = (57 / 33) ** (1 / 4) - 1 = 1.7273 ** 0.25 - 1 ≈ 0.1464 (14.6 % a year)
    # required = (75 / 33) ** (1 / 11) - 1 = 2.2727 ** 0.0909 - 1 ≈ 0.0775 (7.7 % a year)
    # ratio = 0.1464 / 0.0775 ≈ 1.89 ≥ 0.95 → on track
    assert result.inputs["observed_rate"] == pytest.approx(0.14641, abs=1e-5)
    assert result.inputs["required_rate"] == pytest.approx(0.07749, abs=1e-5)
    assert result.inputs["ratio"] == pytest.approx(1.8894, abs=1e-4)
    assert result.status is Status.ON_TRACK
    assert result.method is Method.CAGR_RATIO
    assert "14,6\u00a0%" in result.explanation_nb and "7,7\u00a0%" in result.explanation_nb
    assert "14.6%" in result.explanation_en
    assert result.reason is None


@pytest.mark.parametrize(
    ("latest", "ratio", "status"),
    [
        # observed = (50 / 40) ** (1 / 4) - 1 ≈ 0.0574; required = (80 / 40) ** (1 / 11) - 1 ≈ 0.0650
        (50, 0.8821, Status.NEEDS_ACCELERATION),
        # observed = (46 / 40) ** (1 / 4) - 1 ≈ 0.0356 → 0.0356 / 0.0650 ≈ 0.547
        (46, 0.5467, Status.LIMITED_PROGRESS),
        # observed = (38 / 40) ** (1 / 4) - 1 ≈ -0.0127 → -0.0127 / 0.0650 ≈ -0.196
        (38, -0.1959, Status.DETERIORATION),
    ],
)
def test_the_ratio_of_observed_to_required_growth_sets_the_category(
    latest: float, ratio: float, status: Status
) -> None:
    result = assess(series((2019, 40), (2023, latest)), Target(2030, 80))

    assert result.inputs["ratio"] == pytest.approx(ratio, abs=1e-4)
    assert result.status is status


def test_a_latest_value_at_or_beyond_the_target_means_the_target_is_met() -> None:
    assert assess(series((2019, 33), (2023, 75)), Target(2030, 75)).status is Status.TARGET_MET
    assert assess(series((2019, 33), (2023, 80)), Target(2030, 75)).status is Status.TARGET_MET


def test_falling_values_are_progress_when_lower_is_better() -> None:
    result = assess(series((2019, 120), (2023, 90)), Target(2030, 60), direction=LOWER)

    # observed = (90 / 120) ** (1 / 4) - 1 ≈ -0.0694; required = (60 / 120) ** (1 / 11) - 1 ≈ -0.0611
    # ratio = -1 × -0.0694 / |-0.0611| ≈ 1.136 → on track
    assert result.inputs["ratio"] == pytest.approx(1.1363, abs=1e-4)
    assert result.status is Status.ON_TRACK


def test_rising_values_are_deterioration_when_lower_is_better() -> None:
    result = assess(series((2019, 120), (2023, 130)), Target(2030, 60), direction=LOWER)

    # observed = (130 / 120) ** (1 / 4) - 1 ≈ 0.0202 → ratio = -0.0202 / 0.0611 ≈ -0.331
    assert result.inputs["ratio"] == pytest.approx(-0.331, abs=1e-3)
    assert result.status is Status.DETERIORATION


def test_a_value_at_or_below_the_target_meets_it_when_lower_is_better() -> None:
    result = assess(series((2019, 120), (2023, 55)), Target(2030, 60), direction=LOWER)

    assert result.status is Status.TARGET_MET


def test_losing_a_target_the_baseline_already_met_is_deterioration() -> None:
    result = assess(series((2019, 80), (2023, 70)), Target(2030, 75))

    assert result.status is Status.DETERIORATION
    assert result.inputs["ratio"] is None


def test_an_explicit_baseline_replaces_the_first_point() -> None:
    points = series((2015, 10), (2023, 57))
    result = assess(points, Target(2030, 75), baseline=SeriesPoint(2019, 33, "2019"))

    assert result.inputs["base_year"] == 2019
    assert result.inputs["ratio"] == pytest.approx(1.8894, abs=1e-4)


def test_points_without_values_are_skipped() -> None:
    points = series((2019, 33), (2021, None), (2023, 57), (2024, None))

    assert assess(points, Target(2030, 75)).inputs["latest_year"] == 2023


# Linear trajectory: expected value on the line from 33 (2019) to 75 (2030) in 2023 is
# 33 + (75 - 33) × 4 / 11 ≈ 48.27; the tolerance band is 0.05 × 42 = 2.1.


@pytest.mark.parametrize(
    ("latest", "status"),
    [
        (47, Status.ON_TRACK),  # 1.27 behind the line, within 2.1
        (45, Status.NEEDS_ACCELERATION),  # (45 - 33) / (48.27 - 33) ≈ 0.79 of the expected change
        (40, Status.LIMITED_PROGRESS),  # 7 / 15.27 ≈ 0.46
        (30, Status.DETERIORATION),  # moved away from the target
        (75, Status.TARGET_MET),
    ],
)
def test_the_linear_trajectory_compares_with_the_straight_line(
    latest: float, status: Status
) -> None:
    result = assess(
        series((2019, 33), (2023, latest)), Target(2030, 75), method=Method.LINEAR_TRAJECTORY
    )

    assert result.status is status
    assert result.method is Method.LINEAR_TRAJECTORY
    if status is not Status.TARGET_MET:
        assert result.inputs["expected_value"] == pytest.approx(33 + 42 * 4 / 11)
        assert result.inputs["band"] == pytest.approx(2.1)


@pytest.mark.parametrize(
    ("latest", "status"),
    [
        # expected = 120 - 60 × 4 / 11 ≈ 98.18, band = 3
        (100, Status.ON_TRACK),
        (110, Status.LIMITED_PROGRESS),  # 10 / 21.82 ≈ 0.46 of the expected fall
        (125, Status.DETERIORATION),
    ],
)
def test_the_linear_trajectory_handles_lower_is_better(latest: float, status: Status) -> None:
    result = assess(
        series((2019, 120), (2023, latest)),
        Target(2030, 60),
        direction=LOWER,
        method=Method.LINEAR_TRAJECTORY,
    )

    assert result.status is status


def test_a_wider_tolerance_band_turns_a_small_lag_into_on_track() -> None:
    points = series((2019, 33), (2023, 45))
    target = Target(2030, 75)

    narrow = assess(points, target, method=Method.LINEAR_TRAJECTORY, tolerance=0.05)
    wide = assess(points, target, method=Method.LINEAR_TRAJECTORY, tolerance=0.1)

    assert (narrow.status, wide.status) == (Status.NEEDS_ACCELERATION, Status.ON_TRACK)


# Without a target: the observed rate against 1.5 % / 0.5 % / 0 a year


@pytest.mark.parametrize(
    ("latest", "direction", "status"),
    [
        (110, HIGHER, Status.ON_TRACK),  # 1.10 ** 0.25 - 1 ≈ 2.41 % a year
        (104, HIGHER, Status.NEEDS_ACCELERATION),  # 1.04 ** 0.25 - 1 ≈ 0.99 %
        (101, HIGHER, Status.LIMITED_PROGRESS),  # 1.01 ** 0.25 - 1 ≈ 0.25 %
        (95, HIGHER, Status.DETERIORATION),  # 0.95 ** 0.25 - 1 ≈ -1.27 %
        (95, LOWER, Status.NEEDS_ACCELERATION),  # the same fall is 1.27 % progress
        (110, LOWER, Status.DETERIORATION),
    ],
)
def test_without_a_target_the_observed_rate_meets_fixed_limits(
    latest: float, direction: Direction, status: Status
) -> None:
    result = assess(series((2019, 100), (2023, latest)), direction=direction)

    assert result.method is Method.OBSERVED_RATE
    assert result.status is status
    assert result.inputs["progress_rate"] == pytest.approx(
        direction.sign * ((latest / 100) ** 0.25 - 1)
    )


def test_rate_thresholds_can_be_changed_per_call() -> None:
    points = series((2019, 100), (2023, 104))

    assert assess(points).status is Status.NEEDS_ACCELERATION
    stricter = RateThresholds(substantial=0.005, moderate=0.002)
    assert assess(points, rate_thresholds=stricter).status is Status.ON_TRACK


# Cases the maths cannot handle


@pytest.mark.parametrize(
    ("points", "target", "kwargs", "reason", "words"),
    [
        ([], Target(2030, 75), {}, Reason.NO_VALUES, "ingen verdier"),
        (series((2019, None), (2023, None)), Target(2030, 75), {}, Reason.NO_VALUES, "ingen"),
        (
            series((2023, 57)),
            Target(2030, 75),
            {"baseline": SeriesPoint(2019, None)},
            Reason.NO_VALUES,
            "Utgangsverdien mangler",
        ),
        (series((2023, 57)), Target(2030, 75), {}, Reason.TOO_FEW_POINTS, "minst to"),
        (series((2019, 33), (2023, math.nan)), Target(2030, 75), {}, Reason.NOT_FINITE, "nan"),
        (series((2019, 33), (2023, math.inf)), None, {}, Reason.NOT_FINITE, "inf"),
        ([SeriesPoint(math.nan, 3), *series((2023, 5))], None, {}, Reason.NOT_FINITE, "nan"),
        (series((2019, 33), (2023, 57)), Target(2030, math.inf), {}, Reason.NOT_FINITE, "mål"),
        (
            series((2019, 33), (2023, 57), (2023, 58)),
            Target(2030, 75),
            {},
            Reason.DUPLICATE_TIME,
            "samme tidspunkt (2023)",
        ),
        (
            series((2022, 50), (2023, 57)),
            Target(2030, 75),
            {"baseline": SeriesPoint(2024, 40, "2024")},
            Reason.BASELINE_NOT_BEFORE_LATEST,
            "(2024) ligger etter siste måling (2023)",
        ),
        (
            series((2023, 57)),
            Target(2030, 75),
            {"baseline": SeriesPoint(2023, 40, "2023")},
            Reason.BASELINE_NOT_BEFORE_LATEST,
            "ingen måling etter",
        ),
        (
            series((2019, 33), (2023, 57)),
            Target(2019, 75, "2019"),
            {},
            Reason.TARGET_NOT_AFTER_BASELINE,
            "Målåret (2019) må ligge etter utgangsåret (2019)",
        ),
        (
            series((2019, 0), (2023, 57)),
            Target(2030, 75),
            {},
            Reason.NON_POSITIVE_VALUE,
            "utgangsverdien er 0",
        ),
        (
            series((2019, -4), (2023, 57)),
            None,
            {},
            Reason.NON_POSITIVE_VALUE,
            "utgangsverdien er \u22124",
        ),
        (
            series((2019, 3), (2023, -1)),
            Target(2030, 5),
            {},
            Reason.NON_POSITIVE_VALUE,
            "siste verdi er \u22121",
        ),
        (
            series((2019, 10), (2023, 5)),
            Target(2030, 0),
            {"direction": LOWER},
            Reason.NON_POSITIVE_VALUE,
            "målverdien er 0",
        ),
        (
            series((2019, 1e-300), (2019.0001, 1e300)),
            Target(2030, 1e301),
            {},
            Reason.OUT_OF_RANGE,
            "for stor",
        ),
    ],
)
def test_it_refuses_to_assess_what_the_maths_cannot_handle(
    points: list[SeriesPoint],
    target: Target | None,
    kwargs: dict[str, object],
    reason: Reason,
    words: str,
) -> None:
    result = assess(points, target, **kwargs)  # type: ignore[arg-type]

    assert result.status is Status.CANNOT_ASSESS
    assert result.reason_code is reason
    assert result.reason is not None and words in result.reason
    assert result.explanation_nb == result.reason and result.explanation_en


def test_a_zero_target_that_cagr_refuses_works_on_the_linear_trajectory() -> None:
    result = assess(
        series((2019, 10), (2023, 5)),
        Target(2030, 0),
        direction=LOWER,
        method=Method.LINEAR_TRAJECTORY,
    )

    # expected = 10 - 10 × 4 / 11 ≈ 6.36; 5 is ahead of the line
    assert result.status is Status.ON_TRACK


# Threshold edges: a ratio exactly at a threshold belongs to the better category.


def test_a_ratio_exactly_at_the_on_track_threshold_is_on_track() -> None:
    points, target = series((2019, 40), (2023, 50)), Target(2030, 80)
    ratio = assess(points, target).inputs["ratio"]

    at = assess(points, target, thresholds=Thresholds(on_track=ratio, acceleration=0.6))
    above = assess(
        points,
        target,
        thresholds=Thresholds(on_track=math.nextafter(ratio, math.inf), acceleration=0.6),
    )

    assert (at.status, above.status) == (Status.ON_TRACK, Status.NEEDS_ACCELERATION)


def test_a_ratio_exactly_at_the_acceleration_threshold_needs_acceleration() -> None:
    points, target = series((2019, 40), (2023, 46)), Target(2030, 80)
    ratio = assess(points, target).inputs["ratio"]

    at = assess(points, target, thresholds=Thresholds(acceleration=ratio))
    above = assess(points, target, thresholds=Thresholds(acceleration=math.nextafter(ratio, 1)))

    assert (at.status, above.status) == (Status.NEEDS_ACCELERATION, Status.LIMITED_PROGRESS)


def test_no_change_at_all_is_limited_progress_and_any_fall_is_deterioration() -> None:
    target = Target(2030, 80)

    assert assess(series((2019, 40), (2023, 40)), target).status is Status.LIMITED_PROGRESS
    assert assess(series((2019, 40), (2023, 39.999)), target).status is Status.DETERIORATION


def test_an_observed_rate_exactly_at_the_substantial_limit_is_on_track() -> None:
    points = series((2019, 100), (2023, 104))
    rate = assess(points).inputs["progress_rate"]

    at = assess(points, rate_thresholds=RateThresholds(substantial=rate))
    above = assess(points, rate_thresholds=RateThresholds(substantial=math.nextafter(rate, 1)))

    assert (at.status, above.status) == (Status.ON_TRACK, Status.NEEDS_ACCELERATION)


def test_thresholds_must_be_finite_and_in_falling_order() -> None:
    with pytest.raises(ValueError, match="synkende"):
        Thresholds(on_track=0.5, acceleration=0.6)
    with pytest.raises(ValueError, match="endelige"):
        RateThresholds(substantial=math.inf)


def test_points_and_targets_can_be_built_from_period_codes() -> None:
    point = SeriesPoint.from_period("2024K1", Decimal("5.5"))
    target = Target.from_period("2030", Decimal(75))

    assert (point.year, point.value, point.label, point.label_en) == (
        2024.125,
        5.5,
        "1. kvartal 2024",
        "Q1 2024",
    )
    assert (target.year, target.value) == (2030.5, 75.0)


def test_the_assessment_is_json_ready_for_storage() -> None:
    result = assess(series((2019, 33), (2023, 57)), Target(2030, 75))

    stored = json.loads(json.dumps(result.as_dict(), allow_nan=False))

    assert stored["status"] == "on_track" and stored["inputs"]["target_value"] == 75


# Properties

positive = st.floats(min_value=0.01, max_value=1e6)
directions = st.sampled_from(list(Direction))
target_methods = st.sampled_from([Method.CAGR_RATIO, Method.LINEAR_TRAJECTORY])
all_methods = st.sampled_from(list(Method))


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[float, float, float, float, float, float]:
    base_year = draw(st.floats(min_value=2000, max_value=2020))
    latest_year = base_year + draw(st.floats(min_value=0.25, max_value=15))
    target_year = base_year + draw(st.floats(min_value=0.5, max_value=20))
    return base_year, draw(positive), latest_year, draw(positive), target_year, draw(positive)


@given(scenarios(), directions, all_methods, st.integers(min_value=-10, max_value=10))
def test_scaling_every_value_by_a_positive_constant_keeps_the_status(
    scenario: tuple[float, float, float, float, float, float],
    direction: Direction,
    method: Method,
    power: int,
) -> None:
    base_year, base, latest_year, latest, target_year, goal = scenario
    # Powers of two scale floats exactly, so any difference would be the method's, not rounding's.
    factor = 2.0**power

    def status(scale: float) -> Status:
        return assess(
            [SeriesPoint(base_year, base * scale), SeriesPoint(latest_year, latest * scale)],
            Target(target_year, goal * scale),
            direction=direction,
            method=method,
        ).status

    assert status(factor) is status(1.0)


@given(scenarios(), directions, target_methods, st.floats(min_value=0, max_value=1e6))
def test_a_better_latest_value_never_gives_a_worse_status(
    scenario: tuple[float, float, float, float, float, float],
    direction: Direction,
    method: Method,
    improvement: float,
) -> None:
    base_year, base, latest_year, latest, target_year, goal = scenario
    better = latest + direction.sign * improvement
    assume(better >= 0)

    def rank(value: float) -> int | None:
        return assess(
            [SeriesPoint(base_year, base), SeriesPoint(latest_year, value)],
            Target(target_year, goal),
            direction=direction,
            method=method,
        ).status.rank

    before, after = rank(latest), rank(better)
    assert before is not None and after is not None
    assert after >= before


@given(scenarios(), directions, st.floats(min_value=0, max_value=1e6))
def test_a_better_latest_value_never_gives_a_worse_status_without_a_target(
    scenario: tuple[float, float, float, float, float, float],
    direction: Direction,
    improvement: float,
) -> None:
    base_year, base, latest_year, latest, _, _ = scenario
    better = latest + direction.sign * improvement
    assume(better >= 0)

    def rank(value: float) -> int | None:
        points = [SeriesPoint(base_year, base), SeriesPoint(latest_year, value)]
        return assess(points, direction=direction).status.rank

    assert rank(better) >= rank(latest)  # type: ignore[operator]


@given(
    st.floats(min_value=2000, max_value=2020),
    st.floats(min_value=0.5, max_value=10),
    st.floats(min_value=0.05, max_value=0.95),
    positive,
    st.floats(min_value=1.01, max_value=100),
    directions,
)
def test_a_series_exactly_on_the_required_path_is_on_track(
    base_year: float,
    span: float,
    share: float,
    base: float,
    factor: float,
    direction: Direction,
) -> None:
    target_year = base_year + span
    latest_year = base_year + span * share
    # The target is better than the baseline in the desired direction.
    goal = base * factor if direction is HIGHER else base / factor

    on_cagr_path = base * (goal / base) ** share
    on_line = base + (goal - base) * share

    cagr = assess(
        [SeriesPoint(base_year, base), SeriesPoint(latest_year, on_cagr_path)],
        Target(target_year, goal),
        direction=direction,
    )
    linear = assess(
        [SeriesPoint(base_year, base), SeriesPoint(latest_year, on_line)],
        Target(target_year, goal),
        direction=direction,
        method=Method.LINEAR_TRAJECTORY,
    )

    assert cagr.status is Status.ON_TRACK
    assert cagr.inputs["ratio"] == pytest.approx(1.0)
    assert linear.status is Status.ON_TRACK


finite = st.floats(allow_nan=False, allow_infinity=False)


@given(
    st.lists(st.tuples(finite, st.none() | finite), max_size=5),
    st.none() | st.tuples(finite, finite),
    st.none() | st.tuples(finite, finite),
    directions,
    all_methods,
)
def test_it_never_raises_for_finite_input_and_always_explains_itself(
    pairs: list[tuple[float, float | None]],
    target: tuple[float, float] | None,
    baseline: tuple[float, float] | None,
    direction: Direction,
    method: Method,
) -> None:
    result = assess(
        [SeriesPoint(year, value) for year, value in pairs],
        Target(*target) if target else None,
        direction=direction,
        method=method,
        baseline=SeriesPoint(*baseline) if baseline else None,
    )

    assert result.explanation_nb and result.explanation_en
    assert (result.status is Status.CANNOT_ASSESS) == (result.reason is not None)
    json.dumps(result.as_dict(), allow_nan=False)
