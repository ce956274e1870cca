"""The council journey in a real browser: a reporter's case becomes a decision that changes the
plan, and the papers the council received stay as they were when the notice went out."""

import io
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader

from retning.actors.models import Organisation
from retning.council.models import Body, Case, Meeting, PlanChange, PlanVersion
from retning.council.services import body_create_defaults
from retning.indicators.models import Indicator, Observation, Target
from retning.publishing.templatetags.retning_tags import number
from tests.browser.support import axe_violations, signed_in

pytestmark = pytest.mark.browser


def _user(username: str, **roles: Any) -> Any:
    return get_user_model().objects.create_user(
        username=username, password="et-langt-passord-123", **roles
    )


@pytest.fixture(autouse=True)
def _norwegian() -> Iterator[None]:
    # Addresses and figures are made in the test thread; an earlier test may have left it English.
    with translation.override("nb"):
        yield


def _pdf_text(page: Page, url: str) -> str:
    response = page.request.get(url)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def _indicator_with_a_2030_target() -> Indicator:
    indicator = (
        Indicator.objects.filter(targets__period="2030", observations__breakdown_dimension="")
        .distinct()
        .order_by("code")
        .first()
    )
    assert indicator is not None
    return indicator


def test_a_proposed_case_becomes_a_decision_that_changes_the_plan(
    browser: Browser, site: str, page: Page, contexts: list[BrowserContext]
) -> None:
    body_create_defaults()  # the live server empties the tables between tests
    nuit = Body.objects.get(short_name="NUIT")
    indicator = _indicator_with_a_2030_target()
    organisation = Organisation.objects.order_by("name").first()
    reporter = _user("rapportor")
    reporter.reporter_for.add(organisation)
    secretary = _user("sekretar", is_secretariat=True)
    latest = indicator.observations.filter(breakdown_dimension="").order_by("-period_start").first()
    target = Target.objects.get(indicator=indicator, period="2030")
    new_target = (target.value + Decimal("5")).quantize(Decimal(1))

    # A reporter proposes a case linked to the indicator.
    reporting = signed_in(browser, site, reporter, contexts)
    reporting.goto("/rad/sak/ny/")
    violations = axe_violations(reporting)
    reporting.get_by_label("Råd eller utvalg").select_option(str(nuit.pk))
    reporting.get_by_label("Tittel").fill("Høyere ambisjon for indikatoren")
    reporting.get_by_label("Sakstype").select_option("resolution")
    reporting.get_by_label("Bakgrunn").fill("Utviklingen går raskere enn planlagt.")
    reporting.get_by_label("Hva rådet blir bedt om").fill("Rådet bes heve målverdien for 2030.")
    reporting.get_by_label("Målindikatorer").select_option(str(indicator.pk))
    reporting.get_by_role("button", name="Meld inn saken").click()
    expect(reporting.get_by_role("heading", level=1)).to_have_text(
        "Høyere ambisjon for indikatoren"
    )
    case = Case.objects.get(title="Høyere ambisjon for indikatoren")
    assert case.proposed_by == reporter and case.number is None

    # The secretariat plans a meeting, schedules the case and sends the notice.
    secretariat = signed_in(browser, site, secretary, contexts)
    secretariat.goto("/rad/NUIT/mote/ny/")
    secretariat.get_by_label("Dato").fill("2026-05-27")
    secretariat.get_by_label("Sted").fill("Oslo")
    secretariat.get_by_role("button", name="Opprett møtet").click()
    expect(secretariat.get_by_role("heading", level=1)).to_have_text("Møte 1/2026")
    meeting = Meeting.objects.get(body=nuit)
    secretariat.get_by_role("link", name="Høyere ambisjon for indikatoren").click()
    secretariat.get_by_label("Møte").select_option(str(meeting.pk))
    secretariat.get_by_role("button", name="Sett på sakslisten").click()
    expect(secretariat.get_by_role("heading", level=1)).to_have_text(
        "Sak 1/26: Høyere ambisjon for indikatoren"
    )
    secretariat.goto(f"/rad/mote/{meeting.pk}/")
    violations += axe_violations(secretariat)
    secretariat.get_by_role("button", name="Send innkalling").click()
    expect(secretariat.get_by_text("Innkallingen er sendt.")).to_be_visible()

    notice_url = f"/rad/mote/{meeting.pk}/innkalling.pdf"
    notice = _pdf_text(secretariat, notice_url)
    assert "Sak 1/26 Høyere ambisjon for indikatoren" in notice
    assert indicator.code in notice and "Siste måling" in notice
    assert f"{latest.period} {number(latest.value, indicator.decimals)}".replace("\xa0", " ") in (
        notice.replace("\xa0", " ")
    )

    # New data for the indicator after the notice changes nothing in what the council received.
    Observation.objects.create(indicator=indicator, period="2029", value=Decimal("424242"))
    again = _pdf_text(secretariat, notice_url)
    assert again == notice and "424242" not in again.replace(" ", "").replace("\xa0", "")

    # The meeting is held, the decision raises the 2030 target, and the minutes are approved.
    secretariat.goto(f"/rad/mote/{meeting.pk}/")
    secretariat.get_by_role("button", name="Registrer møtet som avholdt").click()
    secretariat.get_by_role("link", name="Registrer vedtak i Sak 1/26").click()
    violations += axe_violations(secretariat)
    secretariat.get_by_label("Vedtak", exact=True).fill("NUIT hever målverdien for 2030.")
    target_change = secretariat.locator("#target-change")
    expect(target_change.get_by_label("Målindikator")).to_have_value(str(indicator.pk))
    target_change.get_by_label("År").select_option("2030")
    target_change.get_by_label("Ny målverdi").fill(str(new_target))
    secretariat.get_by_role("button", name="Registrer vedtaket").click()
    expect(secretariat.get_by_text("Vedtaket i Sak 1/26 er registrert.")).to_be_visible()
    secretariat.get_by_role("link", name="Godkjenn referatet").click()
    secretariat.get_by_role("button", name="Godkjenn referatet").click()

    # The plan history shows a new version whose diff holds exactly that change.
    version = PlanVersion.objects.get(meeting=meeting)
    expect(secretariat.get_by_role("heading", level=1)).to_contain_text(version.label)
    violations += axe_violations(secretariat)
    rows = secretariat.locator("#plan-diff tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(indicator.code)
    expect(rows.first).to_contain_text("(2030)")
    expect(rows.first).to_contain_text("Sak 1/26")
    assert [c.new_value for c in PlanChange.objects.filter(applied_in=version)] == [str(new_target)]
    secretariat.goto("/rad/plan/")
    expect(
        secretariat.get_by_role("row", name=re.compile(re.escape(version.label)))
    ).to_be_visible()

    # The indicator's public page shows the new target and links to the decision.
    page.goto(indicator.get_absolute_url())
    target_row = (
        page.get_by_role("row")
        .filter(has_text="Målverdi")
        .filter(has=page.get_by_role("rowheader", name="2030", exact=True))
    )
    expect(target_row).to_contain_text(number(new_target, indicator.decimals))
    page.get_by_role("link", name="Sak 1/26").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sak 1/26: Høyere ambisjon for indikatoren"
    )
    expect(page.locator("#vedtak")).to_contain_text("NUIT hever målverdien for 2030.")
    violations += axe_violations(page)
    page.goto("/rad/arshjul/2026/")
    violations += axe_violations(page)
    assert violations == []
