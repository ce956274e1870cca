"""Single sign-on end to end: Debian's Chromium, Retning's live server and a real OpenID provider.

Nothing in the client is mocked: mozilla-django-oidc talks HTTP to django-oauth-toolkit running in
its own process (tests/oidc_provider), verifies the RS256 ID token against the provider's JWKS and
reads the userinfo endpoint.
"""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from retning.accounts.models import User
from retning.actors.models import Organisation
from tests.oidc_provider import FAMILY_NAME, GIVEN_NAME, PASSWORD, USERNAME
from tests.oidc_provider.server import RunningProvider

from .conftest import OIDC_LABEL, use_provider

pytestmark = pytest.mark.browser

FULL_NAME = f"{GIVEN_NAME} {FAMILY_NAME}"
HELSEDIREKTORATET = "983544622"


@pytest.fixture
def provider(
    oidc_provider: RunningProvider, settings: SettingsWrapper, seeded: None
) -> RunningProvider:
    use_provider(settings, oidc_provider)
    return oidc_provider


@pytest.fixture
def page(chromium: Browser, live_server: LiveServer, provider: RunningProvider) -> Iterator[Page]:
    context = chromium.new_context(locale="nb-NO", base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


def _sign_in_at_the_provider(page: Page, provider: RunningProvider) -> None:
    expect(page).to_have_url(re.compile(re.escape(provider.issuer) + r"/login/"))
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in at the provider").click()


def test_a_user_signs_in_through_the_provider_and_reports_for_their_organisation(
    page: Page, live_server: LiveServer, provider: RunningProvider
) -> None:
    page.goto("/konto/logg-inn/?next=/konto/")
    page.get_by_role("link", name=OIDC_LABEL).click()
    _sign_in_at_the_provider(page, provider)

    expect(page).to_have_url(f"{live_server.url}/konto/")
    expect(page.get_by_role("heading", level=1)).to_have_text(FULL_NAME)
    hdir = Organisation.objects.get(org_number=HELSEDIREKTORATET)
    expect(page.locator("#roles")).to_contain_text(f"Rapportør for {hdir.name}")
    expect(page.locator("header")).to_contain_text(f"Logget inn som {FULL_NAME}")

    user = User.objects.get(oidc_subject=provider.sub)
    assert (user.first_name, user.last_name) == (GIVEN_NAME, FAMILY_NAME)
    assert list(user.reporter_for.values_list("org_number", flat=True)) == [HELSEDIREKTORATET]
    assert not user.has_usable_password()

    # Out, and in again: the provider remembers the person, and Retning finds the same user.
    page.locator("header").get_by_role("button", name="Logg ut").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("header")).not_to_contain_text(FULL_NAME)
    page.locator("header").get_by_role("link", name="Logg inn", exact=True).click()
    page.get_by_role("link", name=OIDC_LABEL).click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("header")).to_contain_text(f"Logget inn som {FULL_NAME}")
    assert User.objects.filter(oidc_subject=provider.sub).count() == 1
    assert User.objects.filter(username=user.username).count() == 1


def test_a_callback_with_a_tampered_state_signs_nobody_in(
    page: Page, live_server: LiveServer, provider: RunningProvider
) -> None:
    page.goto(f"{provider.issuer}/login/")
    _sign_in_at_the_provider(page, provider)
    # Walk the redirects by hand, with the browser's cookies, to hold on to the callback address.
    start = page.request.get(f"{live_server.url}/oidc/authenticate/", max_redirects=0)
    authorize = page.request.get(start.headers["location"], max_redirects=0)
    callback = authorize.headers["location"]
    assert callback.startswith(f"{live_server.url}/oidc/callback/?code=")

    page.goto(re.sub(r"state=[^&]+", "state=tampered", callback))
    expect(page).to_have_url(f"{live_server.url}/konto/logg-inn/")
    expect(page.get_by_role("alert")).to_contain_text(
        "Innloggingen via virksomhetens pålogging ble ikke fullført"
    )
    expect(page.locator("header").get_by_role("link", name="Logg inn", exact=True)).to_be_visible()
    assert not User.objects.filter(oidc_subject=provider.sub).exists()

    # The untouched address still works: it was the state that was refused, not the code.
    page.goto(callback)
    expect(page.locator("header")).to_contain_text(f"Logget inn som {FULL_NAME}")
    assert User.objects.filter(oidc_subject=provider.sub).count() == 1
