"""Builders and PDF readers for the portfolio and spreadsheet tests (models only, no services).

``pdf_text`` and ``pdf_is_tagged`` are also meant for the browser journey: download the PDF from
``reverse("reporting:portfolio_pdf", args=[round.pk])`` and check its text.
"""

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from retning.actors.models import Organisation
from retning.reporting.models import ReportingRound, StatusReport
from retning.roadmap.models import Initiative

PASSWORD = "et-langt-passord-123"


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_catalog(data: bytes) -> Any:
    return PdfReader(io.BytesIO(data)).trailer["/Root"]


def pdf_is_tagged(data: bytes) -> bool:
    catalog = pdf_catalog(data)
    mark_info = catalog.get("/MarkInfo")
    marked = bool(mark_info and mark_info.get_object().get("/Marked"))
    return marked and "/StructTreeRoot" in catalog


def make_round(label: str, deadline: date, **extra: Any) -> ReportingRound:
    opens_on = extra.pop("opens_on", date(deadline.year, deadline.month, 1))
    return ReportingRound.objects.create(label=label, opens_on=opens_on, deadline=deadline, **extra)


def add_report(
    reporting_round: ReportingRound,
    initiative: Initiative,
    organisation: Organisation | None,
    state: str = StatusReport.State.APPROVED,
    overall: str = "",
    **fields: Any,
) -> StatusReport:
    return StatusReport.objects.create(
        round=reporting_round,
        initiative=initiative,
        organisation=organisation,
        state=state,
        overall=overall,
        **fields,
    )


def owned_initiatives(count: int, *, distinct_goals: bool = True) -> list[Initiative]:
    """Initiatives with a named owner, from as many different main goals as possible."""
    chosen: list[Initiative] = []
    goals: set[int] = set()
    candidates = (
        Initiative.objects.filter(retired_in__isnull=True, owners__isnull=False)
        .select_related("subgoal__goal")
        .distinct()
        .order_by("external_id")
    )
    for initiative in candidates:
        if distinct_goals and initiative.subgoal.goal_id in goals:
            continue
        chosen.append(initiative)
        goals.add(initiative.subgoal.goal_id)
        if len(chosen) == count:
            return chosen
    for initiative in candidates:
        if initiative not in chosen:
            chosen.append(initiative)
            if len(chosen) == count:
                return chosen
    pytest.fail("The default dataset has too few owned initiatives for the test.")


def owner_of(initiative: Initiative) -> Organisation:
    owner = initiative.owners.order_by("name", "pk").first()
    assert owner is not None
    return owner


@dataclass
class Users:
    secretariat: Any
    reporter_own: Any
    reporter_other: Any
    council: Any
    plain: Any

    def by_role(self, role: str) -> Any:
        return None if role == "anonymous" else getattr(self, role)


def make_users(django_user_model: Any, own: Organisation, other: Organisation) -> Users:
    from retning.council import services as council_services
    from retning.council.models import Body, Membership

    def make(username: str, **roles: Any) -> Any:
        return django_user_model.objects.create_user(
            username=username, password=PASSWORD, email=f"{username}@example.org", **roles
        )

    reporter_own = make("pf-rapportor")
    reporter_own.reporter_for.add(own)
    reporter_other = make("pf-annen")
    reporter_other.reporter_for.add(other)
    council = make("pf-rad")
    council_services.body_create_defaults()
    body = Body.objects.order_by("pk").first()
    Membership.objects.create(body=body, user=council, person_name="Rådsmedlem Testesen")
    return Users(
        make("pf-sekretariat", is_secretariat=True),
        reporter_own,
        reporter_other,
        council,
        make("pf-vanlig"),
    )


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def download_portfolio_pdf_text(page: Any, base_url: str, round_id: int) -> str:
    """For a Playwright browser journey: fetch the round's portfolio PDF with the page's session
    (``page.request`` shares the signed-in cookies) and return its text.

    Usage: ``text = download_portfolio_pdf_text(page, live_server.url, round_.pk)``, then check
    that the initiative's title and its status word (e.g. «Grønn») are in ``text``.
    """
    from django.urls import reverse

    response = page.request.get(base_url + reverse("reporting:portfolio_pdf", args=[round_id]))
    assert response.ok, response.status
    assert response.headers.get("content-type") == "application/pdf"
    return pdf_text(response.body())
