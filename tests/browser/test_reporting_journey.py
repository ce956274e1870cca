"""A reporting round in a real browser: reminder, report, return, fix, resubmit, approve."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from retning.reporting import services
from retning.reporting.models import ReportingRound, StatusReport
from retning.roadmap.models import Delivery, Initiative
from tests.browser.support import axe_violations, signed_in
from tests.reporting.portfolio_support import download_portfolio_pdf_text

pytestmark = pytest.mark.browser


def _user(username: str, **roles: Any) -> Any:
    return get_user_model().objects.create_user(
        username=username,
        password="et-langt-passord-123",
        email=f"{username}@example.org",
        first_name=username.capitalize(),
        last_name="Testesen",
        **roles,
    )


def _rate(page: Page, group: str, label: str) -> None:
    page.get_by_role("group", name=group).get_by_label(label).check()


def test_reporting_round_journey(
    browser: Browser, site: str, contexts: list[BrowserContext]
) -> None:
    initiative = (
        Initiative.objects.filter(retired_in__isnull=True, owners__isnull=False)
        .order_by("external_id")
        .first()
    )
    assert initiative is not None
    owner = initiative.owners.order_by("name", "pk").first()
    today = timezone.localdate()
    Delivery.objects.create(
        initiative=initiative,
        title="Pilot i drift",
        kind="available",
        planned_date=today + timedelta(days=120),
    )
    secretariat = _user("sekretariat", is_secretariat=True)
    reporter = _user("rapportor")
    reporter.reporter_for.add(owner)
    round_ = services.round_open(
        label="2026 T3",
        opens_on=today,
        deadline=today + timedelta(days=3),
        grace_days=7,
        initiatives=[initiative],
        user=secretariat,
    )

    # The reminder arrives with a link to the to-do list.
    with override_settings(RETNING_SITE_URL=site):
        call_command("send-reminders", now=True)
    assert [m.to for m in mail.outbox] == [[reporter.email]]
    body = mail.outbox[0].body
    assert initiative.title in body
    link = re.search(r"(http://\S+/rapportering/)", body)
    assert link is not None and link.group(1).startswith(site)

    owner_page = signed_in(browser, site, reporter, contexts)
    owner_page.goto(link.group(1))
    expect(owner_page.get_by_role("heading", level=1)).to_have_text("Statusrapporter å levere")
    assert axe_violations(owner_page) == []
    owner_page.get_by_role("link", name=initiative.title).click()

    # Fill in and submit.
    expect(owner_page.get_by_role("heading", level=1)).to_have_text(initiative.title)
    assert axe_violations(owner_page) == []
    _rate(owner_page, "Samlet status", "Gul – noe avvik")
    _rate(owner_page, "Framdrift", "Gul – noe avvik")
    _rate(owner_page, "Kostnad", "Grønn – følger planen")
    _rate(owner_page, "Omfang", "Grønn – følger planen")
    _rate(owner_page, "Gevinster", "Grønn – følger planen")
    owner_page.get_by_label("Beskrivelse av status").fill("Piloten er forsinket en måned.")
    owner_page.get_by_role("button", name="Send inn").click()
    expect(owner_page.get_by_text("Rapporten er sendt inn")).to_be_visible()

    # The secretariat returns it with a comment.
    office = signed_in(browser, site, secretariat, contexts)
    office.goto(round_.get_absolute_url())
    assert axe_violations(office) == []
    office.get_by_role("link", name=initiative.title).click()
    assert axe_violations(office) == []
    office.get_by_role("link", name="Returner med kommentar").click()
    assert axe_violations(office) == []
    office.get_by_label("Hva må rettes?").fill("Oppgi ny prognosedato for piloten.")
    office.get_by_role("button", name="Returner til eieren").click()
    expect(office.get_by_text("Rapporten er returnert")).to_be_visible()

    # The owner sees the comment, fixes the report and submits again.
    owner_page.goto("/rapportering/")
    owner_page.get_by_role("link", name=initiative.title).click()
    expect(owner_page.get_by_test_id("return-comment")).to_contain_text("Oppgi ny prognosedato")
    row = owner_page.locator("fieldset#deliveries-0")
    expect(row.get_by_label("Leveranse")).to_have_value("Pilot i drift")
    forecast = (today + timedelta(days=150)).isoformat()
    row.get_by_label("Prognosedato").fill(forecast)
    owner_page.get_by_role("button", name="Send inn").click()
    expect(owner_page.get_by_text("Rapporten er sendt inn")).to_be_visible()

    # The secretariat approves; the forecast reaches the roadmap.
    office.reload()
    office.get_by_role("button", name="Godkjenn").click()
    expect(office.get_by_text("Rapporten er godkjent")).to_be_visible()
    expect(office.get_by_test_id("events")).to_contain_text("Returnert")

    report = StatusReport.objects.get(round=round_, initiative=initiative)
    assert report.state == StatusReport.State.APPROVED
    actions = list(report.events.order_by("at", "pk").values_list("action", flat=True))
    assert actions == [
        "created",
        "saved",
        "submitted",
        "returned",
        "saved",
        "submitted",
        "approved",
    ]
    delivery = Delivery.objects.get(initiative=initiative, title="Pilot i drift")
    assert delivery.forecast_date.isoformat() == forecast
    assert (
        ReportingRound.objects.get(pk=round_.pk)
        .delivery_snapshots.filter(delivery=delivery)
        .exists()
    )

    # The portfolio report for the round, reached from the round page, carries the approved status.
    office.goto(round_.get_absolute_url())
    office.get_by_role("link", name=re.compile("Porteføljerapport")).first.click()
    expect(office.get_by_role("heading", level=1)).to_contain_text("Porteføljerapport")
    text = " ".join(download_portfolio_pdf_text(office, site, round_.pk).split())
    assert f"{initiative.title}" in text
    # Its line in the per-initiative list reads «Title (Owner): Gul. Framdrift: Gul, …».
    status = re.search(re.escape(initiative.title) + r" \([^)]*\): (\w+)\. Framdrift", text)
    assert status is not None, text
    assert status.group(1) == "Gul"
