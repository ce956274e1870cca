"""Bodies, a user and plan records for the council tests, taken from the real default dataset."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import F

from retning.council import services
from retning.council.models import Body, Case, Meeting
from retning.indicators.models import Indicator
from retning.roadmap.models import Initiative
from retning.strategy.models import SubGoal


@dataclass
class Plan:
    indicator: Indicator
    initiative: Initiative
    subgoal: SubGoal


@pytest.fixture
def nuit(seeded: None) -> Body:
    services.body_create_defaults()  # a live-server test may have emptied the tables
    return Body.objects.get(short_name="NUIT")


@pytest.fixture
def nufa(nuit: Body) -> Body:
    return Body.objects.get(short_name="NUFA")


@pytest.fixture
def secretary(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(
        username="sekretar", password="et-langt-passord-123", is_secretariat=True
    )


@pytest.fixture
def plan(seeded: None) -> Plan:
    indicator = (
        Indicator.objects.filter(targets__isnull=False, observations__isnull=False)
        .distinct()
        .order_by("code")
        .first()
    )
    initiative = (
        Initiative.objects.filter(end_date__gte=F("start_date")).order_by("external_id").first()
    )
    assert indicator is not None and initiative is not None
    return Plan(indicator, initiative, initiative.subgoal)


def propose(body: Body, title: str = "Prioritering av tiltak", **kwargs: Any) -> Case:
    return services.case_propose(
        body=body, title=title, case_type=Case.Type.RECOMMENDATION, **kwargs
    )


def meeting_on(body: Body, day: datetime.date) -> Meeting:
    return services.meeting_create(body=body, date=day, place="Oslo")


def held_meeting_with_cases(body: Body, *titles: str) -> tuple[Meeting, list[Case]]:
    meeting = meeting_on(body, datetime.date(2026, 9, 10))
    cases = [services.case_schedule(case=propose(body, t), meeting=meeting) for t in titles]
    services.meeting_convene(meeting=meeting)
    services.meeting_hold(meeting=meeting)
    return meeting, cases
