"""Meetings and cases: numbering, standard items, the workflow, and exemption from public access."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from retning.council import services
from retning.council.defaults import DEFAULT_BODIES
from retning.council.models import AgendaItem, Body, Case, Meeting
from retning.council.selectors import meeting_agenda

from .conftest import meeting_on, propose

pytestmark = pytest.mark.django_db


def test_the_migration_creates_the_three_bodies_of_the_council_model(nuit: Body) -> None:
    names = list(Body.objects.order_by("level", "order").values_list("name", "level"))
    assert names == [(b["name"], b["level"]) for b in DEFAULT_BODIES]
    assert names[0] == ("Nasjonalt e-helseråd", 1)


def test_meetings_are_numbered_per_body_and_year(nuit: Body, nufa: Body) -> None:
    first = meeting_on(nuit, datetime.date(2026, 2, 1))
    second = meeting_on(nuit, datetime.date(2026, 4, 1))
    other_body = meeting_on(nufa, datetime.date(2026, 4, 1))
    next_year = meeting_on(nuit, datetime.date(2027, 1, 15))
    assert [m.label for m in (first, second, other_body, next_year)] == [
        "Møte 1/2026",
        "Møte 2/2026",
        "Møte 1/2026",
        "Møte 1/2027",
    ]


def test_a_meeting_number_is_not_reused_after_the_meeting_is_deleted(nuit: Body) -> None:
    meeting_on(nuit, datetime.date(2026, 2, 1))
    deleted = meeting_on(nuit, datetime.date(2026, 3, 1))
    deleted.delete()
    assert meeting_on(nuit, datetime.date(2026, 5, 1)).label == "Møte 3/2026"


def test_a_new_meeting_has_the_standard_items_with_any_other_business_last(nuit: Body) -> None:
    meeting = meeting_on(nuit, datetime.date(2026, 2, 1))
    case = services.case_schedule(case=propose(nuit), meeting=meeting)
    agenda = meeting_agenda(meeting)
    titles = [item.title for item in agenda]
    assert titles == [
        "Godkjenning av innkalling og dagsorden",
        "Godkjenning av referat fra forrige møte",
        case.title,
        "Eventuelt",
    ]
    assert isinstance(agenda[-1], AgendaItem) and agenda[-1].kind == AgendaItem.Kind.ANY_OTHER


def test_cases_get_numbers_per_body_and_year_when_scheduled(nuit: Body, nufa: Body) -> None:
    meeting = meeting_on(nuit, datetime.date(2026, 2, 1))
    proposed = propose(nuit)
    assert proposed.number is None and proposed.label == "Sak uten nummer"
    first = services.case_schedule(case=proposed, meeting=meeting)
    second = services.case_schedule(case=propose(nuit), meeting=meeting)
    elsewhere = services.case_schedule(
        case=propose(nufa), meeting=meeting_on(nufa, datetime.date(2026, 2, 1))
    )
    next_year = services.case_schedule(
        case=propose(nuit), meeting=meeting_on(nuit, datetime.date(2027, 2, 1))
    )
    assert [c.label for c in (first, second, elsewhere, next_year)] == [
        "Sak 1/26",
        "Sak 2/26",
        "Sak 1/26",
        "Sak 1/27",
    ]
    assert first.status == Case.Status.SCHEDULED and first.meeting == meeting


def test_a_withdrawn_case_keeps_its_number_and_nobody_else_gets_it(nuit: Body) -> None:
    meeting = meeting_on(nuit, datetime.date(2026, 2, 1))
    withdrawn = services.case_withdraw(
        case=services.case_schedule(case=propose(nuit), meeting=meeting)
    )
    later = services.case_schedule(case=propose(nuit), meeting=meeting)
    assert (withdrawn.status, withdrawn.label) == (Case.Status.WITHDRAWN, "Sak 1/26")
    assert later.label == "Sak 2/26"
    assert withdrawn not in meeting_agenda(meeting)


def test_a_case_moved_to_another_meeting_keeps_its_number(nuit: Body) -> None:
    case = services.case_schedule(
        case=propose(nuit), meeting=meeting_on(nuit, datetime.date(2026, 2, 1))
    )
    later_meeting = meeting_on(nuit, datetime.date(2026, 3, 1))
    moved = services.case_schedule(case=case, meeting=later_meeting)
    assert (moved.label, moved.meeting) == ("Sak 1/26", later_meeting)


def test_the_database_refuses_two_cases_with_the_same_number(nuit: Body) -> None:
    meeting = meeting_on(nuit, datetime.date(2026, 2, 1))
    services.case_schedule(case=propose(nuit), meeting=meeting)
    other = services.case_schedule(case=propose(nuit), meeting=meeting)
    other.number = 1
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()


def test_a_withdrawn_case_cannot_be_scheduled_again(nuit: Body) -> None:
    meeting = meeting_on(nuit, datetime.date(2026, 2, 1))
    case = services.case_withdraw(case=propose(nuit))
    with pytest.raises(ValidationError, match="«trukket» kan ikke få status"):
        services.case_schedule(case=case, meeting=meeting)


def test_a_case_cannot_go_to_another_body_s_meeting(nuit: Body, nufa: Body) -> None:
    with pytest.raises(ValidationError, match="er meldt inn til NUIT"):
        services.case_schedule(
            case=propose(nuit), meeting=meeting_on(nufa, datetime.date(2026, 2, 1))
        )


def test_cases_cannot_be_added_after_the_notice_is_sent(nuit: Body) -> None:
    meeting = services.meeting_convene(meeting=meeting_on(nuit, datetime.date(2026, 2, 1)))
    with pytest.raises(ValidationError, match="Innkallingen til NUIT Møte 1/2026 er allerede"):
        services.case_schedule(case=propose(nuit), meeting=meeting)


def test_a_meeting_goes_from_planned_to_minutes_approved(nuit: Body, secretary: object) -> None:
    meeting = meeting_on(nuit, datetime.date(2026, 2, 1))
    statuses = [meeting.status]
    for step in (services.meeting_convene, services.meeting_hold, services.minutes_approve):
        step(meeting=meeting, user=secretary)
        statuses.append(Meeting.objects.get(pk=meeting.pk).status)
    assert statuses == ["planned", "convened", "held", "minutes_approved"]
    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.minutes_locked and stored.minutes_approved_at is not None
    assert stored.history.first().history_user == secretary  # type: ignore[union-attr]


def test_a_meeting_cannot_be_held_before_it_is_convened(nuit: Body) -> None:
    meeting = meeting_on(nuit, datetime.date(2026, 2, 1))
    with pytest.raises(ValidationError) as error:
        services.meeting_hold(meeting=meeting)
    assert error.value.messages == [
        "NUIT Møte 1/2026: Et møte med status «planlagt» kan ikke få status «avholdt». "
        "Neste steg er «innkalt»."
    ]
    assert Meeting.objects.get(pk=meeting.pk).status == "planned"


def test_minutes_cannot_be_approved_before_the_meeting_is_held(nuit: Body) -> None:
    meeting = services.meeting_convene(meeting=meeting_on(nuit, datetime.date(2026, 2, 1)))
    with pytest.raises(ValidationError, match="kan ikke få status «referat godkjent»"):
        services.minutes_approve(meeting=meeting)


def test_approved_minutes_are_locked(nuit: Body) -> None:
    meeting = meeting_on(nuit, datetime.date(2026, 2, 1))
    services.meeting_convene(meeting=meeting)
    services.meeting_hold(meeting=meeting)
    draft = services.meeting_minutes_write(
        meeting=Meeting.objects.get(pk=meeting.pk), text="Utkast", expected_version=3
    )
    services.minutes_approve(meeting=draft)
    stored = Meeting.objects.get(pk=meeting.pk)
    with pytest.raises(ValidationError, match="er godkjent og kan ikke endres"):
        services.meeting_minutes_write(
            meeting=stored, text="Endret", expected_version=stored.version
        )
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Utkast"


def test_an_exempt_case_needs_a_legal_basis(nuit: Body) -> None:
    with pytest.raises(ValidationError) as error:
        propose(nuit, is_exempt=True, exemption_basis="  ")
    assert "exemption_basis" in error.value.message_dict
    assert "offentleglova" in error.value.message_dict["exemption_basis"][0]
    assert not Case.objects.filter(body=nuit).exists()


def test_an_exempt_case_with_a_legal_basis_is_accepted(nuit: Body) -> None:
    case = propose(nuit, is_exempt=True, exemption_basis="offentleglova § 14 første ledd")
    assert Case.objects.get(pk=case.pk).exemption_basis == "offentleglova § 14 første ledd"


def test_the_database_also_refuses_an_exempt_case_without_basis(nuit: Body) -> None:
    case = propose(nuit)
    case.is_exempt = True
    with pytest.raises(IntegrityError), transaction.atomic():
        case.save()
