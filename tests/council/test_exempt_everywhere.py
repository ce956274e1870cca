"""An exempt case (unntatt offentlighet) never reaches anyone who may not read it, on any channel:
pages, documents, attachments, the site search, the API, the iCalendar feeds and plan history."""

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from retning.council import calendar, services
from retning.council.attachments import attachment_add
from retning.council.models import Body, Case, Meeting, Membership

from .conftest import Plan

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Fortrolig sikkerhetsvurdering Nordlys"
SECRET_DECISION = "Hemmelig vedtakstekst Sørlys"
PUBLIC_TITLE = "Offentlig veikartsak Morgenrøde"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    meeting: Meeting
    exempt: Case
    public: Case
    member: Any
    outsider: Any
    secretary: Any
    attachment_url: str


@pytest.fixture
def world(
    nuit: Body, nufa: Body, plan: Plan, django_user_model: Any, settings: Any, tmp_path: Any
) -> World:
    settings.MEDIA_ROOT = tmp_path
    make = django_user_model.objects.create_user
    member = make(username="medlem", password="x" * 16)
    outsider = make(username="nufa-medlem", password="x" * 16)
    secretary = make(username="sekr", password="x" * 16, is_secretariat=True)
    Membership.objects.create(body=nuit, user=member, person_name="Medlem Medlemsen")
    Membership.objects.create(body=nufa, user=outsider, person_name="Annen Utvalgsen")
    meeting = services.meeting_create(body=nuit, date=datetime.date(2026, 5, 27), place="Oslo")
    exempt = services.case_propose(
        body=nuit,
        title=SECRET_TITLE,
        case_type="resolution",
        is_exempt=True,
        exemption_basis="offl. § 14",
        indicators=[plan.indicator],
    )
    public = services.case_propose(body=nuit, title=PUBLIC_TITLE, case_type="briefing")
    attachment = attachment_add(case=exempt, data=PDF, client_name="notat.pdf")
    for case in (exempt, public):
        services.case_schedule(case=case, meeting=meeting)
    services.meeting_convene(meeting=meeting)
    services.meeting_hold(meeting=meeting)
    target = plan.indicator.targets.order_by("period").first()
    services.decision_record(
        case=Case.objects.get(pk=exempt.pk),
        text=SECRET_DECISION,
        changes=[
            services.PlanChangeRequest(
                kind="change",
                target=target,
                field_name="value",
                new_value=target.value + Decimal(1),
            )
        ],
    )
    services.decision_record(case=Case.objects.get(pk=public.pk), text="Tatt til orientering.")
    services.minutes_approve(meeting=meeting)
    return World(
        meeting=Meeting.objects.get(pk=meeting.pk),
        exempt=Case.objects.get(pk=exempt.pk),
        public=Case.objects.get(pk=public.pk),
        member=member,
        outsider=outsider,
        secretary=secretary,
        attachment_url=reverse("council:attachment_download", args=[exempt.pk, attachment.pk]),
    )


def _client(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _text(response: Any) -> str:
    if response["Content-Type"].startswith("application/pdf"):
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    return response.content.decode()


def _pages(world: World, plan: Plan) -> list[str]:
    m = world.meeting.pk
    return [
        reverse("council:meeting_detail", args=[m]),
        reverse("council:notice_html", args=[m]),
        reverse("council:notice_pdf", args=[m]),
        reverse("council:minutes_html", args=[m]),
        reverse("council:minutes_pdf", args=[m]),
        reverse("council:plan_diff"),
        reverse("council:annual_cycle", args=[2026]),
        plan.indicator.get_absolute_url(),
        reverse("publishing:search") + "?q=Nordlys",
        reverse("publishing:search") + "?q=fortrolig",
    ]


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_the_site_hides_the_exempt_case_from_outsiders(world: World, plan: Plan, who: str) -> None:
    client = _client(None if who == "anonymous" else world.outsider)
    for url in _pages(world, plan):
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        assert SECRET_TITLE not in text and SECRET_DECISION not in text, url
        assert reverse("council:case_detail", args=[world.exempt.pk]) not in text, url
    # The public case on the same meeting is there: the filter is not simply hiding everything.
    assert PUBLIC_TITLE in _text(client.get(reverse("council:notice_pdf", args=[world.meeting.pk])))
    assert client.get(reverse("council:case_detail", args=[world.exempt.pk])).status_code == 404
    assert client.get(world.attachment_url).status_code == 404


@pytest.mark.parametrize("who", ["member", "secretary"])
def test_members_and_the_secretariat_see_the_exempt_case(world: World, who: str) -> None:
    client = _client(getattr(world, who))
    for url in (
        reverse("council:meeting_detail", args=[world.meeting.pk]),
        reverse("council:notice_pdf", args=[world.meeting.pk]),
        reverse("council:case_detail", args=[world.exempt.pk]),
    ):
        text = _text(client.get(url))
        assert SECRET_TITLE in text, url
    attachment = client.get(world.attachment_url)
    assert attachment.status_code == 200
    assert attachment["Cache-Control"] == "private, no-store"


def test_the_api_never_shows_the_exempt_case(world: World) -> None:
    client = Client()
    for path in ("council/meetings", "council/cases", "council/decisions", "council/plan-versions"):
        response = client.get(f"/api/v1/{path}")
        assert response.status_code == 200, path
        assert SECRET_TITLE not in response.content.decode(), path
        assert SECRET_DECISION not in response.content.decode(), path
    assert PUBLIC_TITLE in client.get("/api/v1/council/cases").content.decode()
    assert client.get(f"/api/v1/council/cases/{world.exempt.pk}").status_code == 404
    assert client.get(f"/api/v1/council/cases/{world.public.pk}").status_code == 200
    # Even a signed-in member's session does not widen the open API.
    assert SECRET_TITLE not in _client(world.member).get("/api/v1/council/cases").content.decode()


def test_the_feeds_never_show_the_exempt_case_to_outsiders(world: World) -> None:
    public_feed = _client(world.member).get(reverse("council:body_calendar", args=["NUIT"]))
    assert public_feed["Content-Type"].startswith("text/calendar")
    text = public_feed.content.decode()
    assert "Møte 1/2026" in text and PUBLIC_TITLE in text.replace("\r\n ", "")
    assert SECRET_TITLE not in text.replace("\r\n ", "")

    def personal(user: Any) -> str:
        url = reverse("council:personal_calendar", args=[calendar.token_for(user)])
        return Client().get(url).content.decode().replace("\r\n ", "")

    assert SECRET_TITLE in personal(world.member)
    outsider_feed = personal(world.outsider)
    assert SECRET_TITLE not in outsider_feed and "Møte 1/2026" not in outsider_feed


def test_a_forged_or_changed_calendar_token_finds_nothing(world: World) -> None:
    token = calendar.token_for(world.member)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    url = reverse("council:personal_calendar", args=[forged])
    assert Client().get(url).status_code == 404


def test_a_former_member_loses_access_when_the_term_ends(world: World, nuit: Body) -> None:
    membership = Membership.objects.get(user=world.member)
    membership.term_end = datetime.date.today() - datetime.timedelta(days=1)
    membership.save()
    client = _client(world.member)
    assert client.get(reverse("council:case_detail", args=[world.exempt.pk])).status_code == 404
    membership.term_end = None
    membership.term_start = datetime.date.today() + datetime.timedelta(days=10)
    membership.save()
    assert client.get(reverse("council:case_detail", args=[world.exempt.pk])).status_code == 404


def test_a_proposal_is_not_public_until_it_is_scheduled(nuit: Body, django_user_model: Any) -> None:
    from retning.actors.models import Organisation

    organisation = Organisation.objects.order_by("name").first()
    colleague = django_user_model.objects.create_user(username="kollega", password="x" * 16)
    colleague.reporter_for.add(organisation)
    stranger = django_user_model.objects.create_user(username="fremmed", password="x" * 16)
    proposal = services.case_propose(
        body=nuit, title="Utkast", case_type="briefing", organisation=organisation
    )
    url = reverse("council:case_detail", args=[proposal.pk])
    assert Client().get(url).status_code == 404
    assert _client(stranger).get(url).status_code == 404
    assert _client(colleague).get(url).status_code == 200
    meeting = services.meeting_create(body=nuit, date=datetime.date(2026, 10, 1), place="Oslo")
    services.case_schedule(case=proposal, meeting=meeting)
    assert Client().get(url).status_code == 200
