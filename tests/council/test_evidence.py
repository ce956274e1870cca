"""The evidence sent with the notice is frozen: later edits to the data do not change it."""

import datetime
from decimal import Decimal

import pytest

from retning.council import services
from retning.council.models import Body, EvidenceSnapshot
from retning.editing.services import versioned_save
from retning.indicators.models import Observation
from retning.roadmap.phases import Phase

from .conftest import Plan, meeting_on, propose

pytestmark = pytest.mark.django_db


def _convened_case(nuit: Body, plan: Plan) -> EvidenceSnapshot:
    meeting = meeting_on(nuit, datetime.date(2026, 9, 10))
    case = propose(
        nuit,
        goals=[plan.subgoal.goal],
        subgoals=[plan.subgoal],
        indicators=[plan.indicator],
        initiatives=[plan.initiative],
    )
    services.case_schedule(case=case, meeting=meeting)
    services.meeting_convene(meeting=meeting)
    return EvidenceSnapshot.objects.get(case=case, meeting=meeting)


def test_convening_freezes_the_linked_records_as_they_are(nuit: Body, plan: Plan) -> None:
    snapshot = _convened_case(nuit, plan)
    latest = (
        plan.indicator.observations.filter(breakdown_dimension="").order_by("-period_start").first()
    )
    assert latest is not None
    [indicator] = snapshot.data["indicators"]
    assert indicator["code"] == plan.indicator.code
    assert indicator["latest"]["period"] == latest.period
    assert Decimal(indicator["latest"]["value"]) == latest.value
    assert [t["period"] for t in indicator["targets"]] == list(
        plan.indicator.targets.order_by("period").values_list("period", flat=True)
    )
    assert all("is_example" in t for t in indicator["targets"])
    [initiative] = snapshot.data["initiatives"]
    assert initiative["planning_status"] == plan.initiative.planning_status
    assert initiative["phase_first"] == plan.initiative.phase_first
    assert plan.initiative.start_date is not None
    assert initiative["start_date"] == plan.initiative.start_date.isoformat()
    assert snapshot.data["subgoals"][0]["title"] == plan.subgoal.title
    assert snapshot.data["goals"][0]["title"] == plan.subgoal.goal.title


def test_changing_the_data_after_convening_leaves_the_snapshot_unchanged(
    nuit: Body, plan: Plan
) -> None:
    snapshot = _convened_case(nuit, plan)
    frozen = EvidenceSnapshot.objects.get(pk=snapshot.pk).data

    latest = (
        Observation.objects.filter(indicator=plan.indicator, breakdown_dimension="")
        .order_by("-period_start")
        .first()
    )
    assert latest is not None
    latest.value = (latest.value or Decimal(0)) + Decimal("17.5")
    versioned_save(latest, expected_version=latest.version)
    Observation.objects.create(indicator=plan.indicator, period="2030", value=Decimal("99"))
    initiative = plan.initiative
    initiative.phase_first = initiative.phase_last = Phase.IN_USE
    initiative.title = "Et nytt navn"
    versioned_save(initiative, expected_version=initiative.version)

    assert EvidenceSnapshot.objects.get(pk=snapshot.pk).data == frozen
    fresh = services.case_evidence(snapshot.case)
    assert fresh != frozen  # the live data did change, so the test would notice a live view
    assert fresh["initiatives"][0]["title"] == "Et nytt navn"


def test_withdrawn_cases_get_no_snapshot(nuit: Body, plan: Plan) -> None:
    meeting = meeting_on(nuit, datetime.date(2026, 9, 10))
    kept = services.case_schedule(case=propose(nuit), meeting=meeting)
    dropped = services.case_schedule(case=propose(nuit, "Trukket sak"), meeting=meeting)
    services.case_withdraw(case=dropped)
    services.meeting_convene(meeting=meeting)
    assert list(
        EvidenceSnapshot.objects.filter(meeting=meeting).values_list("case", flat=True)
    ) == [kept.pk]
