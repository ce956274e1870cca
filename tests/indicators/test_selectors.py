"""Assessments per series read from the database, overrides, and roll-ups with fixed queries."""

import math
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from retning.indicators import selectors
from retning.indicators.assessment import Reason, Status
from retning.indicators.models import AssessmentOverride, Indicator, Observation, Target
from retning.strategy.models import Goal, SubGoal

CODE = "INNB-DIGITAL-CONTACT"


def _digital_contact() -> Indicator:
    return Indicator.objects.get(code=CODE)


def test_the_seeded_series_cannot_be_assessed_before_a_value_after_its_baseline(
    seeded: None,
) -> None:
    # Baseline 57 in 2023 is also the latest value: nothing to compare yet.
    [headline] = selectors.indicator_assessments(_digital_contact())
    assert headline.is_headline
    assert headline.status is Status.CANNOT_ASSESS
    assert headline.computed.reason_code is Reason.BASELINE_NOT_BEFORE_LATEST


def test_a_new_value_is_assessed_against_the_final_target_by_hand(seeded: None) -> None:
    indicator = _digital_contact()
    Observation.objects.create(indicator=indicator, period="2024", value=Decimal(60))
    [headline] = selectors.indicator_assessments(indicator)
    # From 57 (2023) to 60 (2024); the example target is 75 in 2030.
    observed = 60 / 57 - 1
    required = (75 / 57) ** (1 / 7) - 1
    inputs = headline.computed.inputs
    assert math.isclose(inputs["observed_rate"], observed)
    assert math.isclose(inputs["required_rate"], required)
    assert math.isclose(inputs["ratio"], observed / required)
    assert observed / required > 0.95
    assert headline.status is Status.ON_TRACK


def test_breakdown_series_are_assessed_each_from_their_own_first_value(seeded: None) -> None:
    indicator = _digital_contact()
    for year, women, men in [("2021", 40, 50), ("2023", 50, 45)]:
        Observation.objects.create(
            indicator=indicator,
            period=year,
            value=Decimal(women),
            breakdown_dimension="gender",
            breakdown_value="2",
        )
        Observation.objects.create(
            indicator=indicator,
            period=year,
            value=Decimal(men),
            breakdown_dimension="gender",
            breakdown_value="1",
        )
    series = selectors.indicator_assessments(indicator)
    assert [s.key for s in series] == [("", ""), ("gender", "1"), ("gender", "2")]
    by_key = {s.key: s for s in series}
    assert by_key[("gender", "1")].status is Status.DETERIORATION
    assert by_key[("gender", "2")].computed.inputs["base_value"] == 40
    assert selectors.breakdown_dimensions(series) == ["gender"]


def test_an_override_replaces_the_status_and_keeps_the_computed_result(seeded: None) -> None:
    indicator = _digital_contact()
    AssessmentOverride.objects.create(
        indicator=indicator, status=Status.LIMITED_PROGRESS.value, reason="Brudd i serien."
    )
    [headline] = selectors.indicator_assessments(indicator)
    assert headline.is_overridden
    assert headline.status is Status.LIMITED_PROGRESS
    assert headline.computed.status is Status.CANNOT_ASSESS


def test_a_goal_rollup_counts_every_series_once(seeded: None) -> None:
    goal = Goal.objects.get(number=1)
    rollup = selectors.rollups_by_goal([goal.pk])[goal.pk]
    expected = sum(
        len(series)
        for series in selectors.assessments_for(list(Indicator.objects.filter(goal=goal))).values()
    )
    assert rollup.total == expected > 0
    assert sum(count for _status, count in rollup.as_rows()) == expected


def test_an_override_moves_a_series_between_rollup_categories(seeded: None) -> None:
    indicator = _digital_contact()
    before = selectors.rollup_for(Indicator.objects.filter(goal=indicator.goal))
    AssessmentOverride.objects.create(
        indicator=indicator, status=Status.TARGET_MET.value, reason="Nådd etter ny definisjon."
    )
    after = selectors.rollup_for(Indicator.objects.filter(goal=indicator.goal))
    assert after.counts[Status.TARGET_MET] == before.counts[Status.TARGET_MET] + 1
    assert after.counts[Status.CANNOT_ASSESS] == before.counts[Status.CANNOT_ASSESS] - 1
    assert after.total == before.total


def _add_indicators(subgoal: SubGoal, start: int, count: int) -> None:
    for n in range(start, start + count):
        indicator = Indicator.objects.create(
            code=f"TEST-{n}", name=f"Test {n}", goal=subgoal.goal, subgoal=subgoal, unit="antall"
        )
        Target.objects.create(indicator=indicator, period="2030", value=Decimal(100))
        for year in range(2019, 2024):
            for value in ("", "a", "b"):
                Observation.objects.create(
                    indicator=indicator,
                    period=str(year),
                    value=Decimal(year - 2000),
                    breakdown_dimension="custom" if value else "",
                    breakdown_value=value,
                )


def test_rollups_take_the_same_number_of_queries_for_more_data(seeded: None) -> None:
    subgoal = SubGoal.objects.get(code="1A")
    _add_indicators(subgoal, 0, 1)
    goal_ids = list(Goal.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as before:
        selectors.rollups_by_goal(goal_ids)
        selectors.rollup_for(Indicator.objects.filter(subgoal=subgoal))
    _add_indicators(subgoal, 1, 10)
    with CaptureQueriesContext(connection) as after:
        selectors.rollups_by_goal(goal_ids)
        rollup = selectors.rollup_for(Indicator.objects.filter(subgoal=subgoal))
    assert len(after) == len(before)
    assert rollup.total >= 33


def test_cached_roll_ups_follow_every_change_to_the_data(seeded: None, settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    from retning.indicators.models import Indicator, Observation
    from retning.indicators.selectors import rollup_for

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    cache.clear()
    indicator = Indicator.objects.get(code="INNB-DIGITAL-CONTACT")
    only_this = Indicator.objects.filter(pk=indicator.pk)
    before = rollup_for(only_this)
    assert before.total == 1 and before.counts.most_common(1)[0][0].value == "cannot_assess"

    Observation.objects.create(indicator=indicator, period="2024", value=60)
    after = rollup_for(only_this)

    assert after.counts != before.counts  # the new value is assessed, not served from the cache
    cache.clear()


def test_cached_headline_statuses_agree_with_the_assessment_and_follow_changes(  # type: ignore[no-untyped-def]
    seeded: None, settings
) -> None:
    from django.core.cache import cache

    from retning.indicators.models import AssessmentOverride, Indicator, Observation
    from retning.indicators.selectors import headline_assessments, headline_statuses

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "h"}
    }
    cache.clear()
    assessed = headline_assessments(list(Indicator.objects.all()))
    statuses = headline_statuses()
    assert {pk: (s.status, s.is_overridden) for pk, s in statuses.items()} == {
        pk: (a.status, a.is_overridden) for pk, a in assessed.items()
    }

    indicator = Indicator.objects.get(code="INNB-DIGITAL-CONTACT")
    assert statuses[indicator.pk].status.value == "cannot_assess"
    Observation.objects.create(indicator=indicator, period="2024", value=60)
    with_value = headline_statuses()[indicator.pk]
    assert with_value.status.value != "cannot_assess"  # assessed anew, not served from the cache

    AssessmentOverride.objects.create(
        indicator=indicator, status="deterioration", reason="Kjent brudd i statistikken."
    )
    overridden = headline_statuses()[indicator.pk]
    assert (overridden.status.value, overridden.is_overridden) == ("deterioration", True)
    cache.clear()
