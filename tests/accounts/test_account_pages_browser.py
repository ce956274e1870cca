"""The account pages in a real browser: WCAG 2.1 A/AA checks with axe-core, in their error states too."""

import pytest
from playwright.sync_api import Page, expect

from retning.accounts.models import User
from retning.actors.models import Organisation
from tests.browser.support import axe_violations

from .conftest import PASSWORD

pytestmark = pytest.mark.browser


def _submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def test_the_account_pages_pass_axe_in_their_normal_and_error_states(account_page: Page) -> None:
    page = account_page
    User.objects.create_user(username="kari", password=PASSWORD)
    reporter = User.objects.create_user(
        username="ola", password=PASSWORD, first_name="Ola", last_name="Nordmann"
    )
    reporter.reporter_for.add(Organisation.objects.get(org_number="983544622"))
    found: dict[str, list[str]] = {}

    page.goto("/konto/logg-inn/")
    found["login"] = axe_violations(page)
    _submit(page, "Logg inn")
    # The error summary takes the focus, so a screen reader starts with what went wrong.
    expect(page.locator(".ds-error-summary")).to_be_focused()
    found["login with errors"] = axe_violations(page)

    page.goto("/konto/glemt-passord/")
    page.get_by_label("E-postadresse").fill("kari@")
    _submit(page, "Send lenke")
    found["reset with errors"] = axe_violations(page)

    for attempt in range(5):
        page.goto("/konto/logg-inn/")
        page.get_by_label("Brukernavn").fill("kari")
        page.get_by_label("Passord", exact=True).fill(f"feil-{attempt}")
        _submit(page, "Logg inn")
    expect(page.get_by_role("heading", level=1)).to_have_text("Innloggingen er midlertidig stengt")
    found["locked out"] = axe_violations(page)

    # The lockout is for kari only; another user at the same address can still sign in.
    page.goto("/konto/logg-inn/?next=/konto/")
    page.get_by_label("Brukernavn").fill("ola")
    page.get_by_label("Passord", exact=True).fill(PASSWORD)
    _submit(page, "Logg inn")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ola Nordmann")
    found["min side"] = axe_violations(page)

    page.goto("/konto/passord/")
    page.get_by_label("Nytt passord").fill("kort")
    _submit(page, "Lagre nytt passord")
    found["password change with errors"] = axe_violations(page)

    assert {name: problems for name, problems in found.items() if problems} == {}
