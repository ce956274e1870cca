"""The council pages end to end through the web client: propose, triage, convene, decide, approve."""

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from retning.actors.models import Organisation
from retning.council import services
from retning.council.models import Body, Case, Meeting, PlanChange, PlanVersion
from retning.indicators.models import Indicator, Observation, Target

from .conftest import Plan

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reporter(django_user_model: Any, plan: Plan) -> Any:
    user = django_user_model.objects.create_user(username="rapportor", password="x" * 16)
    organisation = Organisation.objects.order_by("name").first()
    user.reporter_for.add(organisation)
    return user


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _propose(client: Client, body: Body, indicator: Indicator, title: str) -> Case:
    response = client.post(
        reverse("council:case_propose"),
        {
            "body": body.pk,
            "organisation": Organisation.objects.order_by("name").first().pk,
            "title": title,
            "case_type": Case.Type.RESOLUTION,
            "background": "Utviklingen går raskere enn ventet.",
            "requested_action": "Rådet bes heve målverdien.",
            "indicators": [indicator.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Case.objects.get(title=title)


def test_a_case_goes_from_proposal_to_a_new_plan_version(
    nuit: Body, plan: Plan, reporter: Any, secretary: Any
) -> None:
    indicator = plan.indicator
    reporting, secretariat = _client(reporter), _client(secretary)
    case = _propose(reporting, nuit, indicator, "Høyere mål for indikatoren")
    assert case.proposed_by == reporter and list(case.indicators.all()) == [indicator]
    assert case.number is None

    response = secretariat.post(
        reverse("council:meeting_create", args=["NUIT"]),
        {"date": "2026-05-27", "place": "Oslo"},
    )
    meeting = Meeting.objects.get(body=nuit, date=datetime.date(2026, 5, 27))
    assert response.status_code == 302 and meeting.label == "Møte 1/2026"
    response = secretariat.post(
        reverse("council:case_triage", args=[case.pk]),
        {"action": "schedule", "meeting": meeting.pk},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.label == "Sak 1/26" and case.meeting == meeting

    page = secretariat.get(reverse("council:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Sak 1/26" in page and "Høyere mål for indikatoren" in page

    assert (
        secretariat.post(reverse("council:meeting_convene", args=[meeting.pk])).status_code == 302
    )
    notice = secretariat.get(reverse("council:notice_pdf", args=[meeting.pk]))
    assert notice["Content-Type"] == "application/pdf"
    text = _pdf_text(notice.content)
    assert "Sak 1/26" in text and "Høyere mål for indikatoren" in text
    assert indicator.code in text

    assert secretariat.post(reverse("council:meeting_hold", args=[meeting.pk])).status_code == 302
    target = Target.objects.filter(indicator=indicator, period="2030").first()
    old_value = target.value if target else None
    new_value = (old_value or Decimal("50")) + Decimal("7")
    response = secretariat.post(
        reverse("council:decision_create", args=[case.pk]),
        {
            "text": "NUIT hever målverdien for 2030.",
            "target_indicator": indicator.pk,
            "target_period": "2030",
            "target_value": str(new_value),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert PlanChange.objects.filter(decision__case=case).count() == 1

    approve_page = secretariat.get(reverse("council:minutes_approve", args=[meeting.pk]))
    assert "Planendringer som innføres" in approve_page.content.decode()
    response = secretariat.post(reverse("council:minutes_approve", args=[meeting.pk]))
    assert response.status_code == 302
    version = PlanVersion.objects.get(meeting=meeting)
    assert Target.objects.get(indicator=indicator, period="2030").value == new_value

    history = Client().get(reverse("council:plan_history")).content.decode()
    assert version.label in history
    diff = Client().get(reverse("council:plan_version", args=[version.pk]), follow=True)
    body = diff.content.decode()
    assert body.count('class="plan-change"') == 1
    assert "Sak 1/26" in body and "Møte 1/2026" in body

    public = Client().get(indicator.get_absolute_url()).content.decode()
    assert "Endret ved vedtak i" in public
    assert reverse("council:case_detail", args=[case.pk]) in public

    minutes = Client().get(reverse("council:minutes_pdf", args=[meeting.pk]))
    assert "NUIT hever målverdien for 2030." in _pdf_text(minutes.content)


def test_the_notice_keeps_the_evidence_of_the_day_it_was_sent(
    nuit: Body, plan: Plan, secretary: Any
) -> None:
    indicator = plan.indicator
    case = services.case_propose(
        body=nuit, title="Status for indikatoren", case_type="briefing", indicators=[indicator]
    )
    meeting = services.meeting_create(body=nuit, date=datetime.date(2026, 6, 1), place="Oslo")
    services.case_schedule(case=case, meeting=meeting)
    services.meeting_convene(meeting=meeting)
    client = _client(secretary)
    before_html = client.get(reverse("council:notice_html", args=[meeting.pk])).content.decode()
    before_pdf = _pdf_text(client.get(reverse("council:notice_pdf", args=[meeting.pk])).content)

    Observation.objects.create(indicator=indicator, period="2029", value=Decimal("987654"))

    after_html = client.get(reverse("council:notice_html", args=[meeting.pk])).content.decode()
    after_pdf = _pdf_text(client.get(reverse("council:notice_pdf", args=[meeting.pk])).content)
    assert before_pdf == after_pdf and "987654" not in after_pdf
    assert before_html == after_html and "987654" not in after_html


def test_conflicts_are_shown_before_approval(nuit: Body, plan: Plan, secretary: Any) -> None:
    target = plan.indicator.targets.order_by("period").first()
    meeting = services.meeting_create(body=nuit, date=datetime.date(2026, 9, 1), place="Oslo")
    cases = [
        services.case_schedule(
            case=services.case_propose(body=nuit, title=t, case_type="resolution"), meeting=meeting
        )
        for t in ("A", "B")
    ]
    services.meeting_convene(meeting=meeting)
    services.meeting_hold(meeting=meeting)
    for case, value in zip(cases, ("10", "20"), strict=True):
        services.decision_record(
            case=case,
            text="Vedtak",
            changes=[
                services.PlanChangeRequest(
                    kind="change", target=target, field_name="value", new_value=value
                )
            ],
        )
    page = _client(secretary).get(reverse("council:minutes_approve", args=[meeting.pk]))
    text = page.content.decode()
    assert "Sak 1/26" in text and "Sak 2/26" in text and "ulike verdier" in text
    assert "Godkjenn referatet</button>" not in text
    response = _client(secretary).post(reverse("council:minutes_approve", args=[meeting.pk]))
    assert response.status_code == 200 and "motstridende" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.HELD


def test_public_pages_answer(nuit: Body, plan: Plan) -> None:
    meeting = services.meeting_create(body=nuit, date=datetime.date(2026, 3, 4), place="Oslo")
    client = Client()
    for url in (
        reverse("council:body_list"),
        reverse("council:body_detail", args=["NUIT"]),
        reverse("council:meeting_list", args=["NUIT"]),
        reverse("council:meeting_detail", args=[meeting.pk]),
        reverse("council:annual_cycle", args=[2026]),
        reverse("council:plan_history"),
        reverse("council:plan_diff"),
        "/en" + reverse("council:body_list"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    wheel = client.get(reverse("council:annual_cycle", args=[2026])).content.decode()
    assert "NUIT Møte 1/2026" in wheel and "Årlig statusrapport om måloppnåelse" in wheel


def test_retiring_a_subgoal_that_is_still_in_use_is_refused_clearly(
    nuit: Body, plan: Plan, secretary: Any
) -> None:
    meeting = services.meeting_create(body=nuit, date=datetime.date(2026, 9, 1), place="Oslo")
    case = services.case_schedule(
        case=services.case_propose(body=nuit, title="Delmål utgår", case_type="resolution"),
        meeting=meeting,
    )
    services.meeting_convene(meeting=meeting)
    services.meeting_hold(meeting=meeting)
    client = _client(secretary)
    response = client.post(
        reverse("council:decision_create", args=[case.pk]),
        {"text": "Delmålet utgår.", "retire_subgoal": plan.subgoal.pk},
    )
    assert response.status_code == 302
    response = client.post(reverse("council:minutes_approve", args=[meeting.pk]))
    assert response.status_code == 200
    assert "kan ikke fjernes så lenge" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.HELD
    assert not PlanVersion.objects.filter(meeting=meeting).exists()
    assert type(plan.subgoal).objects.filter(pk=plan.subgoal.pk).exists()


def test_a_decision_can_change_a_goal_text_and_an_initiative_phase(
    nuit: Body, plan: Plan, secretary: Any
) -> None:
    from retning.roadmap.models import Initiative
    from retning.strategy.models import Goal

    goal = plan.subgoal.goal
    initiative = plan.initiative
    meeting = services.meeting_create(body=nuit, date=datetime.date(2026, 9, 1), place="Oslo")
    case = services.case_schedule(
        case=services.case_propose(body=nuit, title="Justering", case_type="resolution"),
        meeting=meeting,
    )
    services.meeting_convene(meeting=meeting)
    services.meeting_hold(meeting=meeting)
    client = _client(secretary)
    url = reverse("council:decision_create", args=[case.pk])
    # A half-filled change is refused with a message, and nothing is recorded.
    response = client.post(url, {"text": "Vedtak", "goal": goal.pk})
    assert response.status_code == 200 and "Fyll ut alle feltene" in response.content.decode()
    assert not PlanChange.objects.exists()
    response = client.post(
        url,
        {
            "text": "Vedtak",
            "goal": goal.pk,
            "goal_title": "Ny og tydeligere formulering",
            "initiative": initiative.pk,
            "phase_first": initiative.phase_first,
            "phase_last": initiative.phase_first,
        },
    )
    assert response.status_code == 302
    client.post(reverse("council:minutes_approve", args=[meeting.pk]))
    assert Goal.objects.get(pk=goal.pk).title == "Ny og tydeligere formulering"
    assert Initiative.objects.get(pk=initiative.pk).phase_last == initiative.phase_first
    page = Client().get(goal.get_absolute_url()).content.decode()
    assert "Endret ved vedtak i" in page and "Sak 1/26" in page
