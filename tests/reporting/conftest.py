"""People, initiatives and an open round for the reporting tests, from the real default dataset."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from retning.actors.models import Organisation
from retning.reporting import services
from retning.reporting.models import ReportingRound, StatusReport
from retning.roadmap.models import Initiative

PASSWORD = "et-langt-passord-123"


def first_owner(initiative: Initiative) -> Organisation:
    owner = initiative.owners.order_by("name", "pk").first()
    assert owner is not None
    return owner


@dataclass
class Scene:
    owner: Organisation
    other: Organisation
    initiative: Initiative
    foreign_initiative: Initiative


@dataclass
class People:
    secretariat: Any
    reporter_own: Any
    reporter_other: Any
    plain: Any

    def by_role(self, role: str) -> Any:
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def scene(seeded: None) -> Scene:
    initiatives = (
        Initiative.objects.filter(retired_in__isnull=True, owners__isnull=False)
        .distinct()
        .order_by("external_id")
    )
    initiative = initiatives.first()
    assert initiative is not None
    owner = first_owner(initiative)
    foreign = next(
        i
        for i in initiatives
        if first_owner(i) != owner and not i.owners.filter(pk=owner.pk).exists()
    )
    return Scene(owner, first_owner(foreign), initiative, foreign)


@pytest.fixture
def people(scene: Scene, django_user_model: Any) -> People:
    def make(username: str, **roles: Any) -> Any:
        return django_user_model.objects.create_user(
            username=username,
            password=PASSWORD,
            email=f"{username}@example.org",
            first_name=username.capitalize(),
            last_name="Testesen",
            **roles,
        )

    own = make("rapportor")
    own.reporter_for.add(scene.owner)
    other = make("annenrapportor")
    other.reporter_for.add(scene.other)
    return People(
        secretariat=make("sekretariat", is_secretariat=True),
        reporter_own=own,
        reporter_other=other,
        plain=make("vanlig"),
    )


def open_round(
    people: People, initiatives: list[Initiative] | None, *, label: str = "2026 T3", **dates: Any
) -> ReportingRound:
    today = timezone.localdate()
    return services.round_open(
        label=label,
        opens_on=dates.get("opens_on", today - timedelta(days=3)),
        deadline=dates.get("deadline", today + timedelta(days=5)),
        grace_days=dates.get("grace_days", 7),
        initiatives=initiatives,
        user=people.secretariat,
    )


@pytest.fixture
def round_(scene: Scene, people: People) -> ReportingRound:
    return open_round(people, [scene.initiative, scene.foreign_initiative])


@pytest.fixture
def report(round_: ReportingRound, scene: Scene) -> StatusReport:
    return StatusReport.objects.get(round=round_, initiative=scene.initiative)


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


FILLED = services.ReportFields(
    overall="yellow",
    schedule="yellow",
    cost="green",
    scope="green",
    benefits="green",
    narrative="Pilot i to regioner er i gang.",
    decisions_needed="",
)


def fill(report: StatusReport, user: Any, **changes: Any) -> StatusReport:
    fields = services.ReportFields(**{**FILLED.__dict__, **changes})
    return services.report_save(
        report,
        expected_version=report.version,
        user=user,
        fields=fields,
        risks=[services.RiskRow("Forsinket leverandør", 3, 4, "Tett oppfølging")],
        deliveries=[
            services.DeliveryRow("Pilot ferdig", date(2027, 3, 1), date(2027, 5, 1), None, None)
        ],
    )
