"""Follow-up actions are tracked until done; the annual cycle gathers every body's year."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from retning.council import services
from retning.council.annual import annual_cycle
from retning.council.models import Body, FollowUpAction, Meeting, Membership

from .conftest import held_meeting_with_cases, meeting_on

pytestmark = pytest.mark.django_db


def test_actions_are_open_until_done_and_locked_with_the_minutes(
    nuit: Body, secretary: Any
) -> None:
    meeting, [case] = held_meeting_with_cases(nuit, "Oppfølging")
    decision = services.decision_record(case=case, text="Sekretariatet følger opp.")
    with pytest.raises(ValidationError):
        services.follow_up_create(decision=decision, description="Uten eier")
    action = services.follow_up_create(
        decision=decision,
        description="Lag plan for innføring",
        owner_person="Kari Nordmann",
        due_date=datetime.date(2026, 12, 1),
    )
    client = Client()
    client.force_login(secretary)
    listing = client.get(reverse("council:follow_up_list")).content.decode()
    assert "Lag plan for innføring" in listing and "Kari Nordmann" in listing

    response = client.post(
        reverse("council:follow_up_status", args=[action.pk]),
        {"done": "1", "version": action.version},
    )
    assert response.status_code == 302
    assert FollowUpAction.objects.get(pk=action.pk).status == FollowUpAction.Status.DONE
    assert (
        "Lag plan for innføring"
        not in client.get(reverse("council:follow_up_list")).content.decode()
    )
    # A stale form changes nothing.
    client.post(
        reverse("council:follow_up_status", args=[action.pk]),
        {"done": "0", "version": action.version},
    )
    assert FollowUpAction.objects.get(pk=action.pk).status == FollowUpAction.Status.DONE

    services.minutes_approve(meeting=meeting)
    with pytest.raises(ValidationError):
        services.follow_up_create(decision=decision, description="For sent", owner_person="X")


def test_attendance_is_recorded_in_the_minutes(nuit: Body, nufa: Body, secretary: Any) -> None:
    meeting, [case] = held_meeting_with_cases(nuit, "Sak")
    present = Membership.objects.create(body=nuit, person_name="Til Stede")
    Membership.objects.create(body=nuit, person_name="Ikke Her")
    elsewhere = Membership.objects.create(body=nufa, person_name="Annet Utvalg")
    with pytest.raises(ValidationError):
        services.attendance_set(meeting=meeting, memberships=[elsewhere])
    client = Client()
    client.force_login(secretary)
    response = client.post(
        reverse("council:minutes_edit", args=[meeting.pk]),
        {
            "minutes": "Møtet ble åpnet.",
            "attendees": [present.pk],
            "version": Meeting.objects.get(pk=meeting.pk).version,
        },
    )
    assert response.status_code == 302
    services.minutes_approve(meeting=meeting)
    minutes = Client().get(reverse("council:minutes_html", args=[meeting.pk])).content.decode()
    assert "Til Stede" in minutes and "Ikke Her" not in minutes and "Møtet ble åpnet." in minutes


def test_the_annual_cycle_has_meetings_deadlines_report_and_roadmap(nuit: Body, nufa: Body) -> None:
    from retning.reporting.models import ReportingRound

    meeting_on(nuit, datetime.date(2026, 2, 10))
    meeting_on(nufa, datetime.date(2026, 2, 20))
    meeting_on(nufa, datetime.date(2027, 1, 5))
    ReportingRound.objects.create(
        label="2026 T2", opens_on=datetime.date(2026, 4, 1), deadline=datetime.date(2026, 5, 15)
    )
    months = annual_cycle(2026)
    titles = {m.number: [e.title for e in m.events] for m in months}
    assert titles[2] == ["NUIT Møte 1/2026", "NUFA Møte 1/2026"]
    assert titles[5] == ["Frist for rapporteringsrunde 2026 T2"]
    assert any("statusrapport" in t for t in titles[3])
    assert titles[1] == [] and len(months) == 12
    from retning.roadmap.models import RoadmapVersion

    imported = RoadmapVersion.objects.order_by("imported_at").first()
    roadmap_titles = [
        e.title
        for m in annual_cycle(imported.imported_at.year)
        for e in m.events
        if e.kind == "roadmap"
    ]
    assert f"Veikartet oppdatert ({imported.label})" in roadmap_titles
