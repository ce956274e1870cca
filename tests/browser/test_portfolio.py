"""The portfolio report and the round's spreadsheet in a real browser: accessible pages, the PDF
download, and a bulk update by uploading an edited sheet."""

import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Browser, BrowserContext, Page, expect

from retning.reporting import spreadsheet
from retning.reporting.models import StatusReport
from tests.reporting.portfolio_support import (
    add_report,
    download_portfolio_pdf_text,
    make_round,
    owned_initiatives,
    owner_of,
    pdf_text,
)

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def _violations(page: Page) -> list[str]:
    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']}: {node['target']}"
        for v in results.response["violations"]
        for node in v["nodes"]
    ]


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def _signed_in(browser: Browser, site: str, user: Any, opened: list[BrowserContext]) -> Page:
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="nb-NO", base_url=site, accept_downloads=True)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site,
            }
        ]
    )
    opened.append(context)
    return context.new_page()


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
    page = _signed_in(browser, site, reporter, contexts)
    page.goto(reverse("reporting:portfolio", args=[reporting_round.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Porteføljerapport 2026 T3")
    assert _violations(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned rapportene som Excel-ark").click()
    book = load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    ws = book[spreadsheet.SHEET_TITLE]
    assert ws.cell(2, 1).value == report.pk
    ws.cell(2, spreadsheet.COLUMN_INDEX["overall"] + 1).value = "Gul"
    edited = io.BytesIO()
    book.save(edited)

    page.get_by_role("link", name="Last opp utfylt Excel-ark").click()
    assert _violations(page) == []
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
    assert _violations(page) == []
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
    assert _violations(page) == []

    # The secretariat approves; the PDF shows the initiative's status.
    StatusReport.objects.filter(pk=report.pk).update(state=StatusReport.State.APPROVED)
    office = _signed_in(browser, site, secretariat, contexts)
    office.goto(reverse("reporting:portfolio", args=[reporting_round.pk]))
    expect(office.locator("main")).to_contain_text(initiative.title)
    with office.expect_download() as download_info:
        office.get_by_role("link", name="Last ned som PDF").click()
    text = " ".join(pdf_text(download_info.value.path().read_bytes()).split())
    assert f"{initiative.title} ({owner.short_name or owner.name}): Gul" in text
    # The helper the reporting journey can use gives the same text.
    same = " ".join(download_portfolio_pdf_text(office, site, reporting_round.pk).split())
    assert f"{initiative.title} ({owner.short_name or owner.name}): Gul" in same
