"""People and records for the alignment tests, from the real default dataset."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from retning.actors.models import Organisation
from retning.alignment.models import ActorPlan, PlanItem, PlanItemGoalLink, Strength
from retning.strategy.models import Goal, Strategy, SubGoal

PASSWORD = "et-langt-passord-123"


@dataclass
class People:
    secretariat: Any
    reporter_own: Any
    reporter_other: Any
    plain: Any

    def by_role(self, role: str) -> Any:
        return None if role == "anonymous" else getattr(self, role)


@dataclass
class Orgs:
    own: Organisation
    other: Organisation


@pytest.fixture
def orgs(seeded: None) -> Orgs:
    return Orgs(
        own=Organisation.objects.get(slug="helse-vest-rhf"),
        other=Organisation.objects.get(slug="hdir"),
    )


@pytest.fixture
def people(orgs: Orgs, django_user_model: Any) -> People:
    def make(username: str, **roles: Any) -> Any:
        return django_user_model.objects.create_user(
            username=username,
            password=PASSWORD,
            email=f"{username}@example.no",
            first_name=username.capitalize(),
            last_name="Testesen",
            **roles,
        )

    own = make("rapportor")
    own.reporter_for.add(orgs.own)
    other = make("annenrapportor")
    other.reporter_for.add(orgs.other)
    return People(
        secretariat=make("sekretariat", is_secretariat=True),
        reporter_own=own,
        reporter_other=other,
        plain=make("vanlig"),
    )


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def subgoal(code: str) -> SubGoal:
    return SubGoal.objects.get(strategy=Strategy.current(), code=code)


def goal(number: int) -> Goal:
    return Goal.objects.get(strategy=Strategy.current(), number=number)


def make_plan(
    organisation: Organisation,
    *links: tuple[str, str],
    title: str = "Utviklingsplan",
    status: str = ActorPlan.Status.ADOPTED,
) -> tuple[ActorPlan, PlanItem]:
    """A plan with one item linked to the sub-goals given as (code, strength)."""
    plan = ActorPlan.objects.create(
        organisation=organisation, title=title, period_start=2024, period_end=2027, status=status
    )
    item = PlanItem.objects.create(plan=plan, kind=PlanItem.Kind.GOAL, title=f"Punkt i {title}")
    for code, strength in links:
        PlanItemGoalLink.objects.create(item=item, subgoal=subgoal(code), strength=strength)
    return plan, item


DIRECT, SUPPORT, RELATED = Strength.DIRECT, Strength.SUPPORT, Strength.RELATED
