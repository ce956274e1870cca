"""The people and records the editing tests use, picked from the real default dataset."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from retning.actors.models import Organisation
from retning.indicators.models import Indicator, Observation
from retning.roadmap.models import Initiative

OWNER_SLUG = "hdir"  # Helsedirektoratet owns initiatives and is responsible for indicators


@dataclass
class Scene:
    owner: Organisation
    other: Organisation
    initiative: Initiative
    foreign_initiative: Initiative
    indicator: Indicator
    observation: Observation


@dataclass
class People:
    secretariat: Any
    data_steward: Any
    reporter_own: Any
    reporter_other: Any
    plain: Any

    def by_role(self, role: str) -> Any:
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def scene(seeded: None) -> Scene:
    owner = Organisation.objects.get(slug=OWNER_SLUG)
    initiative = Initiative.objects.filter(owners=owner).order_by("external_id").first()
    indicator = (
        Indicator.objects.filter(responsible=owner, observations__isnull=False)
        .order_by("code")
        .first()
    )
    assert initiative is not None and indicator is not None
    other = (
        Organisation.objects.filter(initiatives__isnull=False)
        .exclude(pk__in=initiative.owners.values("pk"))
        .exclude(pk=owner.pk)
        .order_by("slug")
        .first()
    )
    assert other is not None
    foreign = (
        Initiative.objects.filter(owners=other)
        .exclude(owners=owner)
        .order_by("external_id")
        .first()
    )
    observation = indicator.observations.order_by("period_start").first()
    assert foreign is not None and observation is not None
    return Scene(owner, other, initiative, foreign, indicator, observation)


@pytest.fixture
def people(scene: Scene, django_user_model: Any) -> People:
    def make(username: str, **roles: Any) -> Any:
        return django_user_model.objects.create_user(
            username=username,
            password="et-langt-passord-123",
            first_name=username.capitalize(),
            last_name="Testesen",
            **roles,
        )

    reporter_own = make("rapportor")
    reporter_own.reporter_for.add(scene.owner)
    reporter_other = make("annenrapportor")
    reporter_other.reporter_for.add(scene.other)
    return People(
        secretariat=make("sekretariat", is_secretariat=True),
        data_steward=make("dataforvalter", is_data_steward=True),
        reporter_own=reporter_own,
        reporter_other=reporter_other,
        plain=make("vanlig"),
    )


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
