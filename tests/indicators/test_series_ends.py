"""Assessing series from their two ends gives what assessing every point gives.

``status_counts`` and ``series_ends_for`` read only each series' first and last value (a skip scan
over the series index on PostgreSQL, one aggregated query elsewhere); ``assessments_for`` reads
every point. The cases below put the shortcuts where they could go wrong: values missing at either
end, a series without any value, one value only, period kinds mixed within a series, a baseline
on the headline series, lower-is-better, the linear method and overrides.
"""

from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from retning.actors.models import Organisation
from retning.indicators import assessment, selectors
from retning.indicators.models import AssessmentOverride, Indicator, Observation, Target
from retning.strategy.models import Goal


@pytest.fixture
def goal(seeded: None) -> Goal:
    return Goal.objects.order_by("number").first()


def _indicator(goal: Goal, code: str, **fields: object) -> Indicator:
    indicator = Indicator.objects.create(
        code=code,
        name=f"Endetest {code}",
        goal=goal,
        unit="prosent",
        responsible=Organisation.objects.order_by("pk").first(),
        **fields,
    )
    Target.objects.create(indicator=indicator, period="2030", value=80, is_example=True)
    return indicator


def _add(indicator: Indicator, dimension: str, value: str, points: list[tuple]) -> None:
    for period, number, *status in points:
        Observation.objects.create(
            indicator=indicator,
            period=period,
            value=None if number is None else Decimal(str(number)),
            status=status[0] if status else "",
            breakdown_dimension=dimension,
            breakdown_value=value,
        )


def _many_kinds_of_series(goal: Goal) -> list[Indicator]:
    rising = _indicator(goal, "ENDS-CAGR", baseline_period="2015", baseline_value=Decimal(30))
    _add(rising, "", "", [(f"2020M{m:02d}", 40 + m) for m in range(1, 13)])
    _add(
        rising,
        "region_county",
        "03",
        [("2020M01", None, "not_available"), ("2020M02", 50), ("2020M03", 52)]
        + [("2020M04", None, "confidential")],
    )
    _add(rising, "region_county", "11", [("2020M01", 60), ("2020M02", 55), ("2020M03", 50)])
    _add(rising, "region_county", "15", [("2021", 70)])  # one value: cannot be assessed
    _add(rising, "region_county", "18", [("2021", None, "not_available")])  # no value at all
    # Years and months mixed: by start 2020 comes first, by midpoint 2020M03 does.
    _add(rising, "region_county", "30", [("2020", 40), ("2020M03", 20), ("2021", 41)])
    _add(rising, "region_county", "34", [("2020K1", 30), ("2020K2", 40), ("2022K4", 90)])
    _add(rising, "gender", "1", [("2019", 45), ("2023", 46)])
    _add(rising, "gender", "2", [("2019H1", 45), ("2023H2", 90)])
    AssessmentOverride.objects.create(
        indicator=rising,
        breakdown_dimension="gender",
        breakdown_value="1",
        status="on_track",
        reason="Kjent brudd i statistikken.",
    )

    falling = _indicator(
        goal,
        "ENDS-LINEAR",
        direction="lower_is_better",
        assessment_method="linear_trajectory",
    )
    _add(falling, "", "", [("2019T1", 90), ("2019T2", 85), ("2021T3", 95)])
    for n in range(14):
        _add(
            falling,
            "region_municipality",
            f"{3001 + n}",
            [(f"{2018 + y}", 95 - n * y + (y % 3)) for y in range(5)],
        )

    empty = _indicator(goal, "ENDS-EMPTY")
    return [rising, falling, empty]


def test_status_counts_equal_the_counts_of_assessing_every_point(goal: Goal) -> None:
    _many_kinds_of_series(goal)
    indicators = list(Indicator.objects.order_by("pk"))
    expected = {
        indicator_id: Counter(item.status for item in series)
        for indicator_id, series in selectors.assessments_for(indicators).items()
    }

    assert selectors.status_counts(indicators) == expected
    # The cases above cover every kind of outcome somewhere.
    seen = set().union(*expected.values())
    assert {"cannot_assess", "target_met", "deterioration", "on_track"} <= seen


def test_series_ends_give_every_series_the_status_and_inputs_of_all_its_points(
    goal: Goal,
) -> None:
    for indicator in _many_kinds_of_series(goal):
        full = selectors.indicator_assessments(indicator)
        ends = selectors.series_ends_for(indicator)

        assert [item.key for item in ends] == [item.key for item in full]
        for short, whole in zip(ends, full, strict=True):
            assert short.status == whole.status, short.key
            assert short.computed.status == whole.computed.status, short.key
            assert short.computed.inputs == whole.computed.inputs, short.key
            assert short.computed.explanation_nb == whole.computed.explanation_nb, short.key
            assert short.override == whole.override
            assert len(short.rows) <= len(whole.rows)


def test_a_series_mixing_period_kinds_is_read_whole(goal: Goal) -> None:
    indicator = _many_kinds_of_series(goal)[0]
    mixed = next(
        item for item in selectors.series_ends_for(indicator) if item.breakdown_value == "30"
    )
    assert [row.period for row in mixed.rows] == ["2020", "2020M03", "2021"]
    assert mixed.computed.inputs["base_value"] == 20.0  # 2020M03 has the earliest midpoint


def test_the_ends_take_a_fixed_number_of_queries(goal: Goal, django_assert_num_queries) -> None:
    indicators = _many_kinds_of_series(goal)
    # Targets and overrides, plus one query for the ends and, for the one indicator with a series
    # of mixed kinds, one to read it whole.
    with django_assert_num_queries(4):
        selectors.status_counts(indicators)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the skip scan is PostgreSQL's")
def test_on_postgresql_the_ends_come_from_the_series_index(goal: Goal) -> None:
    indicator = _many_kinds_of_series(goal)[1]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN " + selectors._SKIP_SCAN_SQL.format(table=Observation._meta.db_table),
            [[indicator.pk]],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "observation_series_idx" in plan


points = st.lists(
    st.tuples(
        st.integers(min_value=2010, max_value=2035),
        st.one_of(st.none(), st.floats(min_value=-50, max_value=500, allow_nan=False)),
    ),
    max_size=6,
    unique_by=lambda item: item[0],
)


@given(
    points,
    st.sampled_from(list(assessment.Method)),
    st.sampled_from(list(assessment.Direction)),
    st.booleans(),
)
@settings(max_examples=200, deadline=None)
def test_without_explanations_the_status_and_inputs_are_the_same(
    values: list[tuple[int, float | None]],
    method: assessment.Method,
    direction: assessment.Direction,
    with_target: bool,
) -> None:
    series = [assessment.SeriesPoint(year=year + 0.5, value=value) for year, value in values]
    target = assessment.Target(year=2030.5, value=80.0) if with_target else None
    options = {"method": method, "direction": direction}

    told = assessment.assess(series, target, **options)
    counted = assessment.assess(series, target, explain=False, **options)

    assert counted.status == told.status
    assert counted.inputs == told.inputs
    assert counted.reason_code == told.reason_code
    if told.status is not assessment.Status.CANNOT_ASSESS:
        assert counted.explanation_nb == counted.explanation_en == ""


finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)
# Mostly values near the target, so that every status turns up, and now and then odd ones.
plain = st.floats(min_value=1, max_value=100, allow_nan=False)
maybe_value = st.one_of(st.none(), plain, plain, plain, finite, st.sampled_from([0.0, 50.0, 80.0]))


@st.composite
def judged_series(draw: st.DrawFn) -> tuple:
    years = draw(st.lists(st.integers(2010, 2035), max_size=5))
    series = [
        assessment.SeriesPoint(
            year=year + draw(st.sampled_from([0.0, 0.5])), value=draw(maybe_value)
        )
        for year in years
    ]
    target = draw(
        st.one_of(
            st.none(),
            st.builds(
                assessment.Target,
                year=st.sampled_from([2012.5, 2030.5, 2040.5]),
                value=maybe_value.filter(lambda v: v is not None),
            ),
        )
    )
    baseline = draw(
        st.one_of(
            st.none(),
            st.builds(
                assessment.SeriesPoint, year=st.sampled_from([2009.5, 2015.5]), value=maybe_value
            ),
        )
    )
    limits = sorted(draw(st.lists(st.floats(-1, 2), min_size=3, max_size=3)), reverse=True)
    options = {
        "method": draw(st.sampled_from(list(assessment.Method))),
        "direction": draw(st.sampled_from(list(assessment.Direction))),
        "baseline": baseline,
        "thresholds": draw(
            st.sampled_from([assessment.DEFAULT_THRESHOLDS, assessment.Thresholds(*limits)])
        ),
        "tolerance": draw(st.sampled_from([0.0, 0.05, 0.5])),
    }
    return series, target, options


@given(judged_series())
@settings(max_examples=1500, deadline=None)
def test_status_of_agrees_with_assess(case: tuple) -> None:
    series, target, options = case
    assert assessment.status_of(series, target, **options) == (
        assessment.assess(series, target, **options).status
    )


def test_status_of_agrees_with_assess_in_every_status_of_every_method() -> None:
    target = assessment.Target(year=2030.5, value=80.0)
    seen: set[tuple[assessment.Method, assessment.Status]] = set()
    for method in assessment.Method:
        for latest in (20.0, 49.0, 50.5, 52.0, 55.0, 58.0, 62.0, 70.0, 85.0):
            for direction in assessment.Direction:
                series = [
                    assessment.SeriesPoint(year=2020.5, value=50.0),
                    assessment.SeriesPoint(year=2024.5, value=latest),
                ]
                options = {"method": method, "direction": direction}
                for goal in (target, None):
                    told = assessment.assess(series, goal, **options).status
                    assert assessment.status_of(series, goal, **options) == told
                    seen.add((method, told))
    for method in (assessment.Method.CAGR_RATIO, assessment.Method.LINEAR_TRAJECTORY):
        assert {status for m, status in seen if m is method} >= set(assessment.Status) - {
            assessment.Status.CANNOT_ASSESS
        }, method
