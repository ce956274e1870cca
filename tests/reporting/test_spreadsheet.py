"""Excel export of a round's reports and bulk update by uploading the same sheet."""

import io
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from retning.editing.services import versioned_save
from retning.reporting import spreadsheet
from retning.reporting.models import ReportEvent, ReportingRound, StatusReport
from retning.roadmap.models import Initiative

from .portfolio_support import (
    Users,
    add_report,
    client_for,
    make_round,
    make_users,
    owned_initiatives,
    owner_of,
)

PENDING = StatusReport.State.PENDING


@dataclass
class Sheet:
    round: ReportingRound
    own: list[StatusReport]  # reports of the reporter's organisation
    foreign: StatusReport  # a report of another organisation


@pytest.fixture
def sheet(seeded: None) -> Sheet:
    today = timezone.localdate()
    reporting_round = make_round(
        "2026 T3", today + timedelta(days=10), opens_on=today - timedelta(days=5)
    )
    first = owned_initiatives(1)[0]
    owner = owner_of(first)
    mine = list(
        Initiative.objects.filter(owners=owner, retired_in__isnull=True).order_by("external_id")[:3]
    )
    foreign_initiative = (
        Initiative.objects.filter(owners__isnull=False, retired_in__isnull=True)
        .exclude(owners=owner)
        .order_by("external_id")
        .first()
    )
    assert len(mine) >= 2 and foreign_initiative is not None
    own = [
        add_report(
            reporting_round,
            initiative,
            owner,
            PENDING,
            narrative=f"Status for {initiative.external_id}.\nAndre linje.",
        )
        for initiative in mine
    ]
    foreign = add_report(reporting_round, foreign_initiative, owner_of(foreign_initiative), PENDING)
    return Sheet(reporting_round, own, foreign)


@pytest.fixture
def users(sheet: Sheet, django_user_model: Any) -> Users:
    return make_users(django_user_model, sheet.own[0].organisation, sheet.foreign.organisation)


def _book(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data))


def _save(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row_of(sheet_ws: Any, report: StatusReport) -> int:
    for row in range(2, sheet_ws.max_row + 1):
        if sheet_ws.cell(row, 1).value == report.pk:
            return row
    raise AssertionError(f"report {report.pk} is not in the sheet")


def _column(name: str) -> int:
    return spreadsheet.COLUMN_INDEX[name] + 1


def _snapshot(reporting_round: ReportingRound) -> list[tuple[Any, ...]]:
    return list(
        StatusReport.objects.filter(round=reporting_round)
        .order_by("pk")
        .values_list("pk", "version", "state", "overall", "narrative", "decisions_needed")
    )


def test_reporter_exports_only_own_reports_with_hidden_id_and_version(
    sheet: Sheet, users: Users
) -> None:
    ws = _book(spreadsheet.export_workbook(sheet.round, users.reporter_own))[
        spreadsheet.SHEET_TITLE
    ]
    ids = [ws.cell(row, 1).value for row in range(2, ws.max_row + 1)]
    assert sorted(ids) == sorted(r.pk for r in sheet.own)
    assert ws.column_dimensions["A"].hidden and ws.column_dimensions["B"].hidden
    assert ws.cell(2, 2).value == 1
    everything = _book(spreadsheet.export_workbook(sheet.round, users.secretariat))[
        spreadsheet.SHEET_TITLE
    ]
    assert everything.max_row - 1 == len(sheet.own) + 1


def test_round_trip_changes_nothing(sheet: Sheet, users: Users) -> None:
    before = _snapshot(sheet.round)
    data = spreadsheet.export_workbook(sheet.round, users.secretariat)
    # Through openpyxl once more, as a spreadsheet program would save it.
    data = _save(_book(data))
    plan = spreadsheet.plan_import(sheet.round, users.secretariat, data)
    assert plan.ok and plan.changes == [] and plan.unchanged == len(sheet.own) + 1
    applied = spreadsheet.apply_import(sheet.round, users.secretariat, data)
    assert applied.applied and applied.changes == []
    assert _snapshot(sheet.round) == before
    assert not ReportEvent.objects.filter(report__round=sheet.round).exists()


def test_formula_like_text_is_neutralised_and_reads_back_unchanged(
    sheet: Sheet, users: Users
) -> None:
    report = sheet.own[0]
    report.narrative = '=HYPERLINK("http://example.invalid","klikk")'
    report.decisions_needed = "+47 er landkoden"
    report.save()
    data = spreadsheet.export_workbook(sheet.round, users.reporter_own)
    ws = load_workbook(io.BytesIO(data))[spreadsheet.SHEET_TITLE]
    row = _row_of(ws, report)
    narrative = ws.cell(row, _column("narrative"))
    assert narrative.data_type != "f"
    assert narrative.value == "'" + report.narrative
    assert ws.cell(row, _column("decisions_needed")).value == "'+47 er landkoden"
    plan = spreadsheet.plan_import(sheet.round, users.reporter_own, data)
    assert plan.ok and plan.changes == []


def test_edit_preview_then_apply(sheet: Sheet, users: Users) -> None:
    report = sheet.own[1]
    book = _book(spreadsheet.export_workbook(sheet.round, users.reporter_own))
    ws = book[spreadsheet.SHEET_TITLE]
    row = _row_of(ws, report)
    ws.cell(row, _column("overall")).value = "gul"
    ws.cell(row, _column("schedule")).value = "Rød"
    ws.cell(row, _column("narrative")).value = "Ny tekst fra regnearket."
    data = _save(book)

    plan = spreadsheet.plan_import(sheet.round, users.reporter_own, data)
    assert plan.ok, plan.problems
    assert [c.report.pk for c in plan.changes] == [report.pk]
    assert {c.field for c in plan.changes[0].changes} == {"overall", "schedule", "narrative"}
    report.refresh_from_db()
    assert report.version == 1 and report.overall == ""  # a preview changes nothing

    applied = spreadsheet.apply_import(sheet.round, users.reporter_own, data)
    assert applied.applied
    report.refresh_from_db()
    assert (report.overall, report.schedule, report.narrative) == (
        "yellow",
        "red",
        "Ny tekst fra regnearket.",
    )
    assert report.version == 2 and report.state == StatusReport.State.DRAFT
    assert report.updated_by == users.reporter_own
    event = ReportEvent.objects.get(report=report)
    assert event.action == ReportEvent.Action.SAVED and event.actor == users.reporter_own


def test_one_bad_row_imports_nothing_and_names_row_and_reason(sheet: Sheet, users: Users) -> None:
    before = _snapshot(sheet.round)
    book = _book(spreadsheet.export_workbook(sheet.round, users.reporter_own))
    ws = book[spreadsheet.SHEET_TITLE]
    good, bad = _row_of(ws, sheet.own[0]), _row_of(ws, sheet.own[1])
    ws.cell(good, _column("overall")).value = "Grønn"
    ws.cell(bad, _column("cost")).value = "Blå"
    data = _save(book)
    plan = spreadsheet.apply_import(sheet.round, users.reporter_own, data)
    assert not plan.applied
    assert len(plan.problems) == 1
    problem = plan.problems[0]
    assert f"Rad {bad}" in problem and "«Blå» er ikke en gyldig status" in problem
    assert "Kostnad" in problem
    assert _snapshot(sheet.round) == before


def test_row_of_another_organisation_is_refused(sheet: Sheet, users: Users) -> None:
    before = _snapshot(sheet.round)
    # A sheet the secretariat exported holds other organisations' reports too.
    data = spreadsheet.export_workbook(sheet.round, users.secretariat)
    plan = spreadsheet.apply_import(sheet.round, users.reporter_own, data)
    assert not plan.applied
    row = _row_of(_book(data)[spreadsheet.SHEET_TITLE], sheet.foreign)
    assert plan.problems == [
        f"Rad {row}: du rapporterer ikke for {sheet.foreign.organisation.name}, så du kan ikke "
        f"endre rapporten for «{sheet.foreign.initiative.title}»."
    ]
    assert _snapshot(sheet.round) == before


def test_stale_row_is_a_conflict_and_nothing_is_overwritten(sheet: Sheet, users: Users) -> None:
    report = sheet.own[0]
    book = _book(spreadsheet.export_workbook(sheet.round, users.reporter_own))
    ws = book[spreadsheet.SHEET_TITLE]
    ws.cell(_row_of(ws, report), _column("narrative")).value = "Min versjon"
    ws.cell(_row_of(ws, sheet.own[1]), _column("narrative")).value = "Også endret"
    data = _save(book)
    # Someone else saves the report after the sheet was downloaded.
    report.narrative = "Kollegaens versjon"
    versioned_save(report, expected_version=report.version, user=users.secretariat)
    plan = spreadsheet.apply_import(sheet.round, users.reporter_own, data)
    assert not plan.applied
    assert len(plan.problems) == 1 and "endret av noen andre" in plan.problems[0]
    report.refresh_from_db()
    assert report.narrative == "Kollegaens versjon"
    sheet.own[1].refresh_from_db()
    assert sheet.own[1].narrative != "Også endret" and sheet.own[1].version == 1


def test_conflict_between_preview_and_confirm(sheet: Sheet, users: Users, monkeypatch: Any) -> None:
    """A save that lands after validation but before the write is caught by versioned_save."""
    report = sheet.own[0]
    book = _book(spreadsheet.export_workbook(sheet.round, users.reporter_own))
    ws = book[spreadsheet.SHEET_TITLE]
    ws.cell(_row_of(ws, report), _column("narrative")).value = "Min versjon"
    data = _save(book)
    original = spreadsheet.plan_import

    def plan_then_collide(*args: Any, **kwargs: Any) -> Any:
        plan = original(*args, **kwargs)
        StatusReport.objects.filter(pk=report.pk).update(version=5, narrative="Samtidig")
        return plan

    monkeypatch.setattr(spreadsheet, "plan_import", plan_then_collide)
    plan = spreadsheet.apply_import(sheet.round, users.reporter_own, data)
    assert not plan.applied and "mens du kontrollerte arket" in plan.problems[0]
    # The whole import is rolled back (the simulated colleague's write with it, being inside
    # the same test transaction); the sheet's text was never stored.
    report.refresh_from_db()
    assert report.narrative != "Min versjon"


def test_submitted_report_cannot_be_changed_by_reporter(sheet: Sheet, users: Users) -> None:
    report = sheet.own[0]
    StatusReport.objects.filter(pk=report.pk).update(state=StatusReport.State.SUBMITTED)
    book = _book(spreadsheet.export_workbook(sheet.round, users.reporter_own))
    ws = book[spreadsheet.SHEET_TITLE]
    row = _row_of(ws, report)
    ws.cell(row, _column("overall")).value = "Rød"
    plan = spreadsheet.plan_import(sheet.round, users.reporter_own, _save(book))
    assert len(plan.problems) == 1 and plan.problems[0].startswith(f"Rad {row} (")
    assert "sendt inn" in plan.problems[0]


def test_formula_cell_in_upload_is_refused(sheet: Sheet, users: Users) -> None:
    book = _book(spreadsheet.export_workbook(sheet.round, users.reporter_own))
    ws = book[spreadsheet.SHEET_TITLE]
    row = _row_of(ws, sheet.own[0])
    ws.cell(row, _column("narrative")).value = "=1+1"
    plan = spreadsheet.plan_import(sheet.round, users.reporter_own, _save(book))
    assert len(plan.problems) == 1 and f"Rad {row}" in plan.problems[0]
    assert "formel" in plan.problems[0]


def test_added_row_and_sheet_from_other_round_are_refused(sheet: Sheet, users: Users) -> None:
    book = _book(spreadsheet.export_workbook(sheet.round, users.reporter_own))
    ws = book[spreadsheet.SHEET_TITLE]
    ws.append([None, None, "", "Et nytt initiativ", "", "", "Grønn"])
    plan = spreadsheet.plan_import(sheet.round, users.reporter_own, _save(book))
    assert len(plan.problems) == 1 and f"Rad {ws.max_row}: rapport-ID" in plan.problems[0]

    other = make_round("2026 T4", sheet.round.deadline + timedelta(days=90))
    data = spreadsheet.export_workbook(sheet.round, users.reporter_own)
    plan = spreadsheet.plan_import(other, users.reporter_own, data)
    assert plan.problems and "lastet ned for runden 2026 T3" in plan.problems[0]


def test_not_xlsx_oversized_and_zip_bomb_get_clear_messages(sheet: Sheet, users: Users) -> None:
    plan = spreadsheet.plan_import(sheet.round, users.reporter_own, b"id;versjon\n1;1\n")
    assert plan.problems and "ikke en gyldig Excel-fil" in plan.problems[0]

    with override_settings(RETNING_MAX_IMPORT_BYTES=100):
        data = spreadsheet.export_workbook(sheet.round, users.reporter_own)
        plan = spreadsheet.plan_import(sheet.round, users.reporter_own, data)
    assert plan.problems and plan.problems[0].startswith("Filen er for stor")

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    plan = spreadsheet.plan_import(sheet.round, users.reporter_own, bomb.getvalue())
    assert plan.problems and "komprimert mistenkelig hardt" in plan.problems[0]

    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("hei.txt", "ikke et regneark")
    plan = spreadsheet.plan_import(sheet.round, users.reporter_own, damaged.getvalue())
    assert plan.problems and "kunne ikke åpnes som Excel-fil" in plan.problems[0]


def test_upload_preview_confirm_through_the_views(sheet: Sheet, users: Users) -> None:
    client = client_for(users.reporter_own)
    export = client.get(reverse("reporting:sheet_export", args=[sheet.round.pk]))
    assert export.status_code == 200
    book = _book(export.content)
    ws = book[spreadsheet.SHEET_TITLE]
    report = sheet.own[0]
    ws.cell(_row_of(ws, report), _column("overall")).value = "Grønn"
    upload = io.BytesIO(_save(book))
    upload.name = "rapporter.xlsx"
    response = client.post(
        reverse("reporting:sheet_upload", args=[sheet.round.pk]), {"file": upload}
    )
    assert response.status_code == 302
    preview_url = response["Location"]
    preview = client.get(preview_url)
    assert preview.status_code == 200 and "Importer" in preview.content.decode()
    report.refresh_from_db()
    assert report.overall == ""
    token = preview_url.split("fil=")[1]
    # Another user cannot use the token.
    other = client_for(users.reporter_other).get(preview_url)
    assert other.status_code == 404
    done = client.post(reverse("reporting:sheet_preview", args=[sheet.round.pk]), {"fil": token})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.overall == "green" and report.version == 2
    # The staged file is gone after the import.
    assert client.get(preview_url).status_code == 404


def test_bad_upload_through_the_view_shows_the_reason(sheet: Sheet, users: Users) -> None:
    upload = io.BytesIO(b"not a spreadsheet")
    upload.name = "rapporter.xlsx"
    response = client_for(users.reporter_own).post(
        reverse("reporting:sheet_upload", args=[sheet.round.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert "ikke en gyldig Excel-fil" in response.content.decode()
    missing = client_for(users.reporter_own).post(
        reverse("reporting:sheet_upload", args=[sheet.round.pk]), {}
    )
    assert missing.status_code == 400 and "Velg filen" in missing.content.decode()


def test_reporter_upload_after_lock_is_refused_in_the_service(sheet: Sheet, users: Users) -> None:
    data = spreadsheet.export_workbook(sheet.round, users.reporter_own)
    sheet.round.locked_at = timezone.now()
    sheet.round.save()
    plan = spreadsheet.plan_import(sheet.round, users.reporter_own, data)
    assert plan.problems and "låst" in plan.problems[0]
    assert spreadsheet.plan_import(sheet.round, users.secretariat, data).ok
