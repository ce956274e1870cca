"""A decision with several plan changes, entered in a real browser with the keyboard-friendly
«add a change» buttons (no script), checked for accessibility with the rows open."""

import datetime
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, expect

from retning.council import services
from retning.council.models import Body, PlanVersion
from retning.roadmap.models import Initiative
from retning.strategy.models import SubGoal
from tests.browser.support import axe_violations, signed_in_context

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _norwegian() -> Iterator[None]:
    with translation.override("nb"):
        yield


def _secretariat_context(browser: Browser, site: str) -> BrowserContext:
    user = get_user_model().objects.create_user(
        username="sekretariat-rader", password="et-langt-passord-123", is_secretariat=True
    )
    return signed_in_context(browser, site, user)


def test_a_decision_with_several_changes_entered_row_by_row(browser: Browser, site: str) -> None:
    services.body_create_defaults()
    nuit = Body.objects.get(short_name="NUIT")
    initiative = Initiative.objects.order_by("external_id").first()
    subgoal = SubGoal.objects.order_by("code").first()
    assert initiative is not None and subgoal is not None
    meeting = services.meeting_create(body=nuit, date=datetime.date(2026, 9, 1), place="Oslo")
    case = services.case_schedule(
        case=services.case_propose(body=nuit, title="Prioritering", case_type="resolution"),
        meeting=meeting,
    )
    services.meeting_convene(meeting=meeting)
    services.meeting_hold(meeting=meeting)

    context = _secretariat_context(browser, site)
    try:
        page = context.new_page()
        page.goto(f"/rad/sak/{case.pk}/vedtak/")
        page.get_by_label("Vedtak", exact=True).fill("Initiativet prioriteres høyt.")
        page.get_by_label("Type endring").select_option("initiative_priority")
        page.get_by_role("button", name="Legg til endringen").click()
        row = page.locator("fieldset", has_text="Endring 1: Endre prioritet for et initiativ")
        expect(row).to_be_visible()
        expect(row.get_by_label("Initiativ")).to_be_focused()
        row.get_by_label("Initiativ").select_option(str(initiative.pk))
        row.get_by_label("Prioritet").select_option("1")

        page.get_by_label("Type endring").select_option("subgoal_change")
        page.get_by_role("button", name="Legg til endringen").click()
        second = page.locator("fieldset", has_text="Endring 2: Endre et delmål")
        second.get_by_label("Delmål").select_option(str(subgoal.pk))
        violations = axe_violations(page)

        # Submitted half filled: refused with a summary, nothing lost.
        page.get_by_role("button", name="Registrer vedtaket").click()
        expect(page.locator("#error-summary")).to_contain_text("Endring 2")
        expect(page.get_by_label("Vedtak", exact=True)).to_have_value(
            "Initiativet prioriteres høyt."
        )
        violations += axe_violations(page)
        second = page.locator("fieldset", has_text="Endring 2: Endre et delmål")
        second.get_by_label("Ny beskrivelse").fill("Presisert etter vedtak i NUIT.")
        page.get_by_role("button", name="Registrer vedtaket").click()
        expect(page.get_by_text("Vedtaket i Sak 1/26 er registrert.")).to_be_visible()

        page.goto(f"/rad/mote/{meeting.pk}/referat/godkjenn/")
        page.get_by_role("button", name="Godkjenn referatet").click()
        version = PlanVersion.objects.get(meeting=meeting)
        expect(page.get_by_role("heading", level=1)).to_contain_text(version.label)
        expect(page.locator("#plan-diff tbody tr")).to_have_count(2)
        expect(page.locator("#plan-diff")).to_contain_text("Høy")

        page.goto(initiative.get_absolute_url())
        expect(page.locator("#initiative-priority")).to_have_text("Høy")
        expect(page.get_by_role("link", name="Sak 1/26")).to_be_visible()
        violations += axe_violations(page)
        assert violations == []
    finally:
        context.close()
