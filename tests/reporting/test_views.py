"""The reporting pages through the test client: forms, workflow steps, conflicts and the overview."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from retning.reporting import services
from retning.reporting.models import ReportEvent, ReportingRound, StatusReport
from retning.roadmap.models import Delivery, Initiative

from .conftest import People, Scene, client_for, fill, open_round

pytestmark = pytest.mark.django_db


def edit_data(report: StatusReport, action: str = "save", **overrides: Any) -> dict[str, Any]:
    data = {
        "version": report.version,
        "overall": "green",
        "schedule": "green",
        "cost": "yellow",
        "scope": "green",
        "benefits": "green",
        "narrative": "Alt går etter planen.",
        "decisions_needed": "",
        "risks-TOTAL_FORMS": 1,
        "risks-INITIAL_FORMS": 0,
        "risks-0-description": "Mangel på fagfolk",
        "risks-0-probability": 2,
        "risks-0-consequence": 5,
        "risks-0-mitigation": "",
        "deliveries-TOTAL_FORMS": 1,
        "deliveries-INITIAL_FORMS": 0,
        "deliveries-0-title": "Første versjon",
        "deliveries-0-planned_date": "2027-02-01",
        "deliveries-0-forecast_date": "2027-03-01",
        "action": action,
    }
    data.update(overrides)
    return data


def test_todo_lists_only_the_users_organisations(
    people: People, round_: ReportingRound, scene: Scene
) -> None:
    response = client_for(people.reporter_own).get(reverse("reporting:todo"))
    assert response.status_code == 200
    page = response.content.decode()
    assert scene.initiative.title in page
    assert scene.foreign_initiative.title not in page
    assert round_.label in page


def test_edit_form_shows_rating_meanings_and_prefilled_rows(
    people: People, report: StatusReport
) -> None:
    response = client_for(people.reporter_own).get(
        reverse("reporting:report_edit", args=[report.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    for meaning in ("følger planen", "noe avvik", "alvorlig avvik"):
        assert meaning in page
    assert 'name="risks-TOTAL_FORMS"' in page and 'name="deliveries-TOTAL_FORMS"' in page


def test_save_draft_then_submit(people: People, report: StatusReport) -> None:
    client = client_for(people.reporter_own)
    url = reverse("reporting:report_edit", args=[report.pk])
    response = client.post(url, edit_data(report))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == StatusReport.State.DRAFT and report.cost == "yellow"
    assert [(r.probability, r.consequence) for r in report.risks.all()] == [(2, 5)]

    response = client.post(url, edit_data(report, action="submit"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:report_detail", args=[report.pk])
    report.refresh_from_db()
    assert report.state == StatusReport.State.SUBMITTED
    assert list(report.events.values_list("action", flat=True)) == [
        "created",
        "saved",
        "saved",
        "submitted",
    ]


def test_an_untouched_extra_row_is_skipped(people: People, report: StatusReport) -> None:
    data = edit_data(report, **{"risks-TOTAL_FORMS": 2})
    data.update({"risks-1-description": "", "risks-1-probability": "", "risks-1-consequence": ""})
    response = client_for(people.reporter_own).post(
        reverse("reporting:report_edit", args=[report.pk]), data
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.risks.count() == 1


def test_a_risk_without_probability_is_refused(people: People, report: StatusReport) -> None:
    response = client_for(people.reporter_own).post(
        reverse("reporting:report_edit", args=[report.pk]),
        edit_data(report, **{"risks-0-probability": ""}),
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.version == 1


def test_incomplete_submit_shows_the_reason_and_saves_nothing(
    people: People, report: StatusReport
) -> None:
    response = client_for(people.reporter_own).post(
        reverse("reporting:report_edit", args=[report.pk]),
        edit_data(report, action="submit", narrative=""),
    )
    assert response.status_code == 400
    assert "kan ikke sendes inn" in response.content.decode()
    report.refresh_from_db()
    assert report.state == StatusReport.State.PENDING and report.narrative == ""


def test_invalid_risk_is_shown_in_the_error_summary(people: People, report: StatusReport) -> None:
    response = client_for(people.reporter_own).post(
        reverse("reporting:report_edit", args=[report.pk]),
        edit_data(report, **{"risks-0-probability": 9}),
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    report.refresh_from_db()
    assert report.version == 1


def test_two_reporters_editing_the_same_report_see_a_conflict(
    people: People, report: StatusReport, django_user_model: Any
) -> None:
    colleague = django_user_model.objects.create_user("kollega")
    colleague.reporter_for.add(report.organisation)
    url = reverse("reporting:report_edit", args=[report.pk])
    first = edit_data(report, narrative="Kollegaens tekst")
    second = edit_data(report, narrative="Min tekst")
    assert client_for(colleague).post(url, first).status_code == 302
    response = client_for(people.reporter_own).post(url, second)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Kollegaens tekst" in page and "Min tekst" in page and "Ulik" in page
    report.refresh_from_db()
    assert report.narrative == "Kollegaens tekst"
    # The form now carries the stored version, so saving again succeeds.
    assert f'name="version" value="{report.version}"' in page


def test_submission_after_lock_gets_a_clear_message(people: People, report: StatusReport) -> None:
    services.round_lock(report.round, user=people.secretariat, force=True)
    response = client_for(people.reporter_own).post(
        reverse("reporting:report_edit", args=[report.pk]), edit_data(report, action="submit")
    )
    assert response.status_code == 400
    assert "Rapporteringsrunden er låst" in response.content.decode()
    report.refresh_from_db()
    assert report.state == StatusReport.State.PENDING and report.version == 1


def test_return_needs_a_comment_then_approve(people: People, report: StatusReport) -> None:
    saved = fill(report, people.reporter_own)
    services.report_submit(saved, expected_version=saved.version, user=people.reporter_own)
    report.refresh_from_db()
    secretariat = client_for(people.secretariat)
    url = reverse("reporting:report_return", args=[report.pk])
    response = secretariat.post(url, {"version": report.version, "comment": ""})
    assert response.status_code == 400
    assert "Skriv en kommentar" in response.content.decode()
    response = secretariat.post(url, {"version": report.version, "comment": "Oppdater kostnad"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == StatusReport.State.RETURNED

    edit = client_for(people.reporter_own).get(reverse("reporting:report_edit", args=[report.pk]))
    assert "Oppdater kostnad" in edit.content.decode()
    client_for(people.reporter_own).post(
        reverse("reporting:report_edit", args=[report.pk]), edit_data(report, action="submit")
    )
    report.refresh_from_db()
    response = secretariat.post(
        reverse("reporting:report_approve", args=[report.pk]), {"version": report.version}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == StatusReport.State.APPROVED


def test_stale_approval_is_refused(people: People, report: StatusReport) -> None:
    saved = fill(report, people.reporter_own)
    submitted = services.report_submit(
        saved, expected_version=saved.version, user=people.reporter_own
    )
    response = client_for(people.secretariat).post(
        reverse("reporting:report_approve", args=[report.pk]),
        {"version": submitted.version - 1},
        follow=True,
    )
    assert "endret etter at du åpnet" in response.content.decode()
    report.refresh_from_db()
    assert report.state == StatusReport.State.SUBMITTED


def test_report_page_shows_history_expected_and_trend(people: People, scene: Scene) -> None:
    today = timezone.localdate()
    Delivery.objects.create(
        initiative=scene.initiative,
        title="Forsinket",
        kind="available",
        planned_date=today - timedelta(days=200),
    )
    old = open_round(
        people, [scene.initiative], label="2026 T2", deadline=today + timedelta(days=5)
    )
    fill(old.reports.get(), people.reporter_own, overall="green")
    new = open_round(
        people, [scene.initiative], label="2026 T3", deadline=today + timedelta(days=60)
    )
    report = new.reports.get()
    response = client_for(people.reporter_own).get(
        reverse("reporting:report_detail", args=[report.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bak planen" in page and "200 dager" in page
    assert "avviker sterkt" in page  # prefilled green against a computed red
    assert "2026 T2" in page and "2026 T3" in page
    assert "Opprettet" in page
    assert 'data-testid="trend-chart"' in page and "<svg" in page


def test_open_round_form_defaults_to_all_and_can_deselect(people: People) -> None:
    client = client_for(people.secretariat)
    response = client.get(reverse("reporting:round_open"))
    active = list(Initiative.objects.filter(retired_in__isnull=True).values_list("pk", flat=True))
    page = response.content.decode()
    assert page.count("checked") >= len(active)
    today = timezone.localdate()
    chosen = active[:3]
    response = client.post(
        reverse("reporting:round_open"),
        {
            "label": "2027 T1",
            "opens_on": today.isoformat(),
            "deadline": (today + timedelta(days=20)).isoformat(),
            "grace_days": 5,
            "initiatives": chosen,
        },
    )
    assert response.status_code == 302
    round_ = ReportingRound.objects.get(label="2027 T1")
    assert set(round_.reports.values_list("initiative_id", flat=True)) == set(chosen)


def test_round_form_errors_change_nothing(people: People) -> None:
    today = timezone.localdate()
    response = client_for(people.secretariat).post(
        reverse("reporting:round_open"),
        {
            "label": "X",
            "opens_on": today.isoformat(),
            "deadline": (today - timedelta(days=1)).isoformat(),
            "grace_days": 5,
            "initiatives": [],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Fristen kan ikke være før" in page and "Velg minst ett" in page
    assert not ReportingRound.objects.exists()


def _overview_queries(round_: ReportingRound, user: Any) -> int:
    client = client_for(user)
    url = reverse("reporting:round_detail", args=[round_.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_overview_counts_and_no_queries_per_report(people: People, scene: Scene) -> None:
    small = open_round(people, [scene.initiative, scene.foreign_initiative], label="Liten")
    big = open_round(people, None, label="Stor")
    report = big.reports.get(initiative=scene.initiative)
    saved = fill(report, people.reporter_own)
    submitted = services.report_submit(
        saved, expected_version=saved.version, user=people.reporter_own
    )
    services.report_approve(submitted, expected_version=submitted.version, user=people.secretariat)
    assert big.reports.count() > 20 * small.reports.count() / 2
    assert _overview_queries(small, people.secretariat) == _overview_queries(
        big, people.secretariat
    )

    from retning.reporting.selectors import round_overview

    overview = round_overview(big)
    assert overview.totals.total == big.reports.count()
    assert overview.totals.approved == 1
    assert overview.totals.missing == big.reports.count() - 1
    owner_row = next(c for c in overview.by_organisation if c.label == scene.owner.name)
    assert owner_row.approved == 1
    assert sum(c.total for c in overview.by_goal) == overview.totals.total


def test_late_counts_after_the_deadline(people: People, scene: Scene) -> None:
    today = timezone.localdate()
    round_ = open_round(
        people,
        [scene.initiative, scene.foreign_initiative],
        opens_on=today - timedelta(days=10),
        deadline=today - timedelta(days=1),
    )
    report = round_.reports.get(initiative=scene.initiative)
    saved = fill(report, people.reporter_own)
    services.report_submit(saved, expected_version=saved.version, user=people.reporter_own)
    from retning.reporting.selectors import round_overview

    overview = round_overview(round_)
    assert (overview.totals.submitted, overview.totals.missing, overview.totals.late) == (1, 1, 2)
    assert ReportEvent.objects.filter(report=report, action="submitted").exists()
