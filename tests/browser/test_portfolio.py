"""The portfolio report and the round's spreadsheet in a real browser: accessible pages, the PDF
download, and a bulk update by uploading an edited sheet."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Browser, BrowserContext, expect

from retning.reporting import spreadsheet
from retning.reporting.models import StatusReport
from tests.browser.support import axe_violations, signed_in
from tests.reporting.portfolio_support import (
    add_report,
    download_portfolio_pdf_text,
    make_round,
    owned_initiatives,
    owner_of,
    pdf_text,
)

pytestmark = pytest.mark.browser


def test_portfolio_page_pdf_and_sheet_upload(
    browser: Browser, site: str, contexts: list[BrowserContext]
) -> None:
    today = timezone.localdate()
    reporting_round = make_round(
        "2026 T3", today + timedelta(days=10), opens_on=today - timedelta(days=5)
    )
    initiative = owned_initiatives(1)[0]
    owner = owner_of(initiative)
    report = add_report(
        reporting_round,
        initiative,
        owner,
        StatusReport.State.DRAFT,
        "",
        narrative="Første utkast.",
    )
    users = get_user_model().objects
    secretariat = users.create_user(
        username="pf-sek", password="x-langt-passord-1", is_secretariat=True
    )
    reporter = users.create_user(username="pf-rap", password="x-langt-passord-1")
    reporter.reporter_for.add(owner)

    # The reporter downloads the sheet, sets a status and uploads it again.
    page = signed_in(browser, site, reporter, contexts, accept_downloads=True)
    page.goto(reverse("reporting:portfolio", args=[reporting_round.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Porteføljerapport 2026 T3")
    assert axe_violations(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned rapportene som Excel-ark").click()
    book = load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    ws = book[spreadsheet.SHEET_TITLE]
    assert ws.cell(2, 1).value == report.pk
    ws.cell(2, spreadsheet.COLUMN_INDEX["overall"] + 1).value = "Gul"
    edited = io.BytesIO()
    book.save(edited)

    page.get_by_role("link", name="Last opp utfylt Excel-ark").click()
    assert axe_violations(page) == []
    page.get_by_label("Utfylt Excel-ark (.xlsx)").set_input_files(
        {
            "name": "rapporter.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": edited.getvalue(),
        }
    )
    page.get_by_role("button", name="Last opp og kontroller").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontroller importen")
    expect(page.locator("table")).to_contain_text("Gul")
    assert axe_violations(page) == []
    report.refresh_from_db()
    assert report.overall == ""
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_text("Arket er importert")).to_be_visible()
    report.refresh_from_db()
    assert report.overall == "yellow" and report.version == 2

    # A bad sheet names the problem and changes nothing.
    page.goto(reverse("reporting:sheet_upload", args=[reporting_round.pk]))
    page.get_by_label("Utfylt Excel-ark (.xlsx)").set_input_files(
        {"name": "feil.xlsx", "mimeType": "application/octet-stream", "buffer": b"ikke excel"}
    )
    page.get_by_role("button", name="Last opp og kontroller").click()
    expect(page.get_by_role("alert")).to_contain_text("ikke en gyldig Excel-fil")
    assert axe_violations(page) == []

    # The secretariat approves; the PDF shows the initiative's status.
    StatusReport.objects.filter(pk=report.pk).update(state=StatusReport.State.APPROVED)
    office = signed_in(browser, site, secretariat, contexts, accept_downloads=True)
    office.goto(reverse("reporting:portfolio", args=[reporting_round.pk]))
    expect(office.locator("main")).to_contain_text(initiative.title)
    with office.expect_download() as download_info:
        office.get_by_role("link", name="Last ned som PDF").click()
    text = " ".join(pdf_text(download_info.value.path().read_bytes()).split())
    assert f"{initiative.title} ({owner.short_name or owner.name}): Gul" in text
    # The helper the reporting journey can use gives the same text.
    same = " ".join(download_portfolio_pdf_text(office, site, reporting_round.pk).split())
    assert f"{initiative.title} ({owner.short_name or owner.name}): Gul" in same
