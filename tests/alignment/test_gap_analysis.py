"""Each gap rule read from the database: a record appears when it has the gap and goes when fixed."""

from typing import Any

from retning.alignment import selectors
from retning.alignment.models import ActorPlan, IndicatorInitiativeLink
from retning.indicators.models import AssessmentOverride, Indicator
from retning.roadmap.models import Initiative
from retning.strategy.models import Strategy, SubGoal

from .conftest import DIRECT, Orgs, goal, make_plan


def new_subgoal(code: str = "5Z", title: str = "Delmål uten initiativer") -> SubGoal:
    return SubGoal.objects.create(strategy=Strategy.current(), goal=goal(5), code=code, title=title)


def test_subgoal_without_active_initiative(seeded: None) -> None:
    lonely = new_subgoal()
    assert lonely in selectors.gap_analysis().subgoals
    covered = SubGoal.objects.get(code="1A")
    assert covered not in selectors.gap_analysis().subgoals


def test_subgoal_whose_only_initiative_is_retired(seeded: None) -> None:
    subgoal = SubGoal.objects.get(code="5C")
    retired = list(Initiative.objects.filter(subgoal=subgoal, retired_in__isnull=True))
    version = Initiative.objects.exclude(roadmap_version=None).first().roadmap_version  # type: ignore[union-attr]
    Initiative.objects.filter(pk__in=[i.pk for i in retired]).update(retired_in=version)
    assert subgoal in selectors.gap_analysis().subgoals


def test_indicator_off_track_without_initiative(seeded: None, django_user_model: Any) -> None:
    indicator = Indicator.objects.order_by("code").first()
    assert indicator is not None
    AssessmentOverride.objects.create(
        indicator=indicator, status="deterioration", reason="Test: feil retning"
    )
    gap_ids = {g.indicator.pk for g in selectors.gap_analysis().indicators}
    assert indicator.pk in gap_ids
    initiative = Initiative.objects.filter(retired_in__isnull=True).first()
    IndicatorInitiativeLink.objects.create(indicator=indicator, initiative=initiative)
    assert indicator.pk not in {g.indicator.pk for g in selectors.gap_analysis().indicators}


def test_indicator_on_track_is_no_gap(seeded: None) -> None:
    indicator = Indicator.objects.order_by("code").first()
    assert indicator is not None
    AssessmentOverride.objects.create(indicator=indicator, status="on_track", reason="Test: i rute")
    assert indicator.pk not in {g.indicator.pk for g in selectors.gap_analysis().indicators}


def test_initiative_without_indicator(seeded: None) -> None:
    initiative = Initiative.objects.filter(retired_in__isnull=True).order_by("external_id")[0]
    assert initiative in selectors.gap_analysis().initiatives
    IndicatorInitiativeLink.objects.create(
        indicator=Indicator.objects.first(), initiative=initiative
    )
    assert initiative not in selectors.gap_analysis().initiatives


def test_organisation_without_aligned_plan(orgs: Orgs) -> None:
    assert orgs.own in selectors.gap_analysis().organisations
    plan, item = make_plan(orgs.own)  # a plan, but no item linked to the strategy
    assert orgs.own in selectors.gap_analysis().organisations
    item.goal_links.create(subgoal=SubGoal.objects.get(code="2A"), strength=DIRECT)
    assert orgs.own not in selectors.gap_analysis().organisations
    ActorPlan.objects.filter(pk=plan.pk).update(status=ActorPlan.Status.EXPIRED)
    assert orgs.own in selectors.gap_analysis().organisations


def test_patient_organisations_are_not_expected_to_have_plans(orgs: Orgs) -> None:
    kinds = {o.kind for o in selectors.gap_analysis().organisations}
    assert "patient_organisation" not in kinds and "rhf" in kinds
