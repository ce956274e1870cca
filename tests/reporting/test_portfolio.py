"""The portfolio report of a round: its figures, the HTML page, the tagged PDF and who may see them."""

import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from retning.publishing.charts import count_bars
from retning.reporting.models import (
    DeliverySnapshot,
    ReportDelivery,
    ReportingRound,
    ReportRisk,
    StatusReport,
)
from retning.reporting.pdf import portfolio_pdf
from retning.reporting.portfolio import portfolio_report, previous_round
from retning.roadmap.models import Delivery, Initiative

from .portfolio_support import (
    Users,
    add_report,
    client_for,
    make_round,
    make_users,
    owned_initiatives,
    owner_of,
    pdf_catalog,
    pdf_is_tagged,
    pdf_text,
)

APPROVED = StatusReport.State.APPROVED
SUBMITTED = StatusReport.State.SUBMITTED
DRAFT = StatusReport.State.DRAFT


@dataclass
class Rounds:
    before: ReportingRound
    now: ReportingRound
    a: Initiative  # in both rounds, green → red, a slipped delivery, a decision and a risk
    b: Initiative  # in both rounds, reported before, only a draft now
    c: Initiative  # only in the previous round: finished
    d: Initiative  # new in this round, a roadmap delivery that slipped against the snapshot
    delivery: Delivery


@pytest.fixture
def rounds(seeded: None) -> Rounds:
    a, b, c, d = owned_initiatives(4)
    today = timezone.localdate()
    before = make_round("2026 T1", today - timedelta(days=80), opens_on=today - timedelta(days=110))
    now = make_round("2026 T2", today + timedelta(days=10), opens_on=today - timedelta(days=5))
    old_a = add_report(before, a, owner_of(a), APPROVED, "green")
    add_report(before, b, owner_of(b), APPROVED, "yellow")
    add_report(before, c, owner_of(c), SUBMITTED, "red")
    ReportDelivery.objects.create(
        report=old_a,
        title="Pilot i drift",
        planned_date=date(2026, 5, 1),
        forecast_date=date(2026, 7, 1),
    )

    new_a = add_report(
        now,
        a,
        owner_of(a),
        APPROVED,
        "red",
        schedule="red",
        decisions_needed="Rådet bes prioritere finansiering av pilot.",
    )
    add_report(now, b, owner_of(b), DRAFT, "green", decisions_needed="Ikke sendt inn ennå.")
    new_d = add_report(now, d, owner_of(d), SUBMITTED, "green")
    ReportDelivery.objects.create(
        report=new_a,
        title="Pilot i drift",
        planned_date=date(2026, 5, 1),
        forecast_date=date(2026, 9, 1),
    )
    delivery = Delivery.objects.create(
        initiative=d,
        title="Løsning tilgjengelig",
        kind=Delivery.Kind.AVAILABLE,
        planned_date=date(2026, 10, 1),
    )
    DeliverySnapshot.objects.create(
        round=before,
        delivery=delivery,
        planned_date=date(2026, 10, 1),
        forecast_date=date(2026, 11, 1),
    )
    ReportDelivery.objects.create(
        report=new_d,
        delivery=delivery,
        title=delivery.title,
        planned_date=date(2026, 10, 1),
        forecast_date=date(2026, 12, 1),
    )
    # Moved earlier: not a slip.
    ReportDelivery.objects.create(
        report=new_d,
        title="Opplæring",
        planned_date=date(2026, 12, 1),
        forecast_date=date(2026, 11, 15),
    )
    ReportRisk.objects.create(
        report=new_a, description="Leverandør leverer sent", probability=4, consequence=5
    )
    ReportRisk.objects.create(report=new_d, description="Lav bruk", probability=2, consequence=2)
    draft = StatusReport.objects.get(round=now, initiative=b)
    ReportRisk.objects.create(
        report=draft, description="Utkastrisiko", probability=5, consequence=5
    )
    return Rounds(before, now, a, b, c, d, delivery)


@pytest.fixture
def users(rounds: Rounds, django_user_model: Any) -> Users:
    other = next(
        o
        for i in Initiative.objects.filter(owners__isnull=False).order_by("external_id")
        for o in i.owners.all()
        if o != owner_of(rounds.a)
    )
    return make_users(django_user_model, owner_of(rounds.a), other)


def test_previous_round_is_the_latest_deadline_before(rounds: Rounds) -> None:
    assert previous_round(rounds.now) == rounds.before
    assert previous_round(rounds.before) is None


def test_counts_per_goal_and_owner(rounds: Rounds) -> None:
    report = portfolio_report(rounds.now)
    expected_goals = Counter(i.subgoal.goal.number for i in (rounds.a, rounds.b, rounds.d))
    assert {s.number: len(s.initiatives) for s in report.goals} == dict(expected_goals)
    assert [s.number for s in report.goals] == sorted(expected_goals)
    by_goal = {s.number: s.counts for s in report.goals}
    assert by_goal[rounds.a.subgoal.goal.number].red >= 1
    # The draft of b counts as not reported, whatever colour it has so far.
    assert by_goal[rounds.b.subgoal.goal.number].missing >= 1
    assert (report.totals.green, report.totals.yellow, report.totals.red) == (1, 0, 1)
    assert report.totals.missing == 1
    assert report.reported_count == 2

    owners = {row.label: row.counts for row in report.by_owner}
    name_a = owner_of(rounds.a).short_name or owner_of(rounds.a).name
    assert owners[name_a].red >= 1
    assert sum(row.counts.total for row in report.by_owner) == 3


def test_changes_since_previous_round(rounds: Rounds) -> None:
    report = portfolio_report(rounds.now)
    assert [r.external_id for r in report.new] == [rounds.d.external_id]
    assert [r.external_id for r in report.finished] == [rounds.c.external_id]
    # a went green → red; b is only a draft now, so its change is not counted yet.
    assert [(c.external_id, c.before, c.after, c.worse) for c in report.status_changed] == [
        (rounds.a.external_id, "green", "red", True)
    ]


def test_slipped_deliveries_against_previous_round(rounds: Rounds) -> None:
    slipped = {s.delivery: s for s in portfolio_report(rounds.now).slipped}
    assert set(slipped) == {"Pilot i drift", "Løsning tilgjengelig"}
    pilot = slipped["Pilot i drift"]
    assert pilot.previous == date(2026, 7, 1)
    assert pilot.days_since_previous == (date(2026, 9, 1) - date(2026, 7, 1)).days
    assert pilot.days_after_plan == (date(2026, 9, 1) - date(2026, 5, 1)).days
    # The snapshot taken at the end of the previous round is the baseline for a roadmap delivery.
    solution = slipped["Løsning tilgjengelig"]
    assert solution.previous == date(2026, 11, 1)
    assert solution.days_since_previous == 30
    # Sorted by the size of the slip since the previous round.
    assert [s.delivery for s in portfolio_report(rounds.now).slipped][0] == "Pilot i drift"


def test_first_round_compares_slips_with_the_plan(rounds: Rounds) -> None:
    report = portfolio_report(rounds.before)
    assert report.previous_round is None
    assert report.new == [] and report.finished == [] and report.status_changed == []
    assert [(s.delivery, s.days_since_previous, s.days_after_plan) for s in report.slipped] == [
        ("Pilot i drift", None, (date(2026, 7, 1) - date(2026, 5, 1)).days)
    ]


def test_top_risks_and_decisions_only_from_reported(rounds: Rounds) -> None:
    report = portfolio_report(rounds.now)
    assert [(r.description, r.score) for r in report.risks] == [
        ("Leverandør leverer sent", 20),
        ("Lav bruk", 4),
    ]
    assert [(d.external_id, d.text) for d in report.decisions] == [
        (rounds.a.external_id, "Rådet bes prioritere finansiering av pilot.")
    ]


def test_distribution_chart_is_the_sites_svg(rounds: Rounds) -> None:
    report = portfolio_report(rounds.now)
    svg = report.distribution_svg
    assert svg.startswith("<svg") and 'role="img"' in svg
    for section in report.goals:
        assert section.heading.split(":")[0] in svg


def test_count_bars_escapes_and_describes() -> None:
    svg = count_bars([("Mål <1>", 3), ("Mål 2", 0)], id_prefix="t", title="Fordeling")
    assert "<1>" not in svg and "Mål &lt;1&gt;" in svg
    assert "I alt: 3" in svg
    assert svg.count('class="category"') == 2
    empty = count_bars([], id_prefix="t", title="Tom")
    assert "Ingen å vise" in empty


def test_pdf_is_tagged_and_holds_statuses_and_goal_headings(rounds: Rounds) -> None:
    data = portfolio_pdf(rounds.now)
    assert data.startswith(b"%PDF-")
    assert pdf_is_tagged(data)
    catalog = pdf_catalog(data)
    assert catalog.get("/Lang") == "nb"
    text = " ".join(pdf_text(data).split())
    assert "Porteføljerapport 2026 T2" in text
    for section in portfolio_report(rounds.now).goals:
        assert section.heading.split(":")[0] in text
    assert rounds.a.title.split()[0] in text
    assert "Rød" in text and "Ikke rapportert" in text
    assert "Rådet bes prioritere finansiering av pilot." in text


def test_pdf_has_a_title_and_embedded_fonts(rounds: Rounds) -> None:
    reader = PdfReader(io.BytesIO(portfolio_pdf(rounds.now)))
    assert reader.metadata is not None and reader.metadata.title == "Porteføljerapport 2026 T2"
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
    assert names and all("DejaVu" in name for name in names)


def test_pdf_refuses_to_fetch_anything() -> None:
    import http.server
    import threading

    from retning.reporting.pdf import render_pdf

    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/x.png"
        document = (
            f'<html lang="nb"><head><title>x</title><link rel="stylesheet" href="{url}.css">'
            f'</head><body><img src="{url}" alt="x"></body></html>'
        )
        # WeasyPrint logs the refused fetches and goes on without them.
        assert render_pdf(document).startswith(b"%PDF-")
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []


def test_html_page_shows_the_report(rounds: Rounds, users: Users) -> None:
    response = client_for(users.secretariat).get(
        reverse("reporting:portfolio", args=[rounds.now.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and rounds.a.title in page
    assert reverse("reporting:portfolio_pdf", args=[rounds.now.pk]) in page


def test_pdf_download(rounds: Rounds, users: Users) -> None:
    response = client_for(users.reporter_own).get(
        reverse("reporting:portfolio_pdf", args=[rounds.now.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "Porteføljerapport" in pdf_text(response.content)


# fmt: off
MATRIX = {
    #                    anonymous plain reporter_own reporter_other council secretariat
    "portfolio":        ("login",  403,  200,         200,           200,    200),
    "portfolio_pdf":    ("login",  403,  200,         200,           200,    200),
    "sheet_export":     ("login",  403,  200,         200,           403,    200),
    "sheet_upload":     ("login",  403,  200,         200,           403,    200),
}
# fmt: on
ROLES = ("anonymous", "plain", "reporter_own", "reporter_other", "council", "secretariat")


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(rounds: Rounds, users: Users, name: str) -> None:
    url = reverse(f"reporting:{name}", args=[rounds.now.pk])
    for role, expected in zip(ROLES, MATRIX[name], strict=True):
        response = client_for(users.by_role(role)).get(url)
        if expected == "login":
            assert response.status_code == 302, role
            assert response["Location"].startswith(resolve_url(settings.LOGIN_URL)), role
        else:
            assert response.status_code == expected, (name, role, response.status_code)


def test_unknown_round_is_404_for_the_secretariat(rounds: Rounds, users: Users) -> None:
    response = client_for(users.secretariat).get(reverse("reporting:portfolio", args=[999999]))
    assert response.status_code == 404


def test_upload_after_lock_only_for_the_secretariat(rounds: Rounds, users: Users) -> None:
    rounds.now.locked_at = rounds.now.created_at
    rounds.now.save()
    url = reverse("reporting:sheet_upload", args=[rounds.now.pk])
    assert client_for(users.reporter_own).get(url).status_code == 403
    assert client_for(users.secretariat).get(url).status_code == 200


def test_grace_period_over_counts_as_locked(rounds: Rounds, users: Users) -> None:
    url = reverse("reporting:sheet_upload", args=[rounds.before.pk])
    assert rounds.before.locked_at is None and rounds.before.closes_on < timezone.localdate()
    assert client_for(users.reporter_own).get(url).status_code == 403
    assert client_for(users.secretariat).get(url).status_code == 200


def test_pdf_lists_the_largest_slips_and_says_how_many_more(
    rounds: Rounds, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retning.reporting import pdf

    monkeypatch.setattr(pdf, "PDF_SLIPPED_LIMIT", 1)
    text = " ".join(pdf_text(pdf.portfolio_pdf(rounds.now)).split())
    assert "Pilot i drift" in text  # the largest slip
    assert "Løsning tilgjengelig –" not in text
    assert "og én leveranse til med mindre forskyvning" in text
