"""Accounts fixtures: users with a known password, and Retning pointed at the test OIDC provider."""

import os
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from retning.accounts.models import User
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET
from tests.oidc_provider.server import RunningProvider, running_provider

PASSWORD = "riktig-hest-batteri-stift"
OIDC_BACKEND = "retning.accounts.oidc.RetningOIDCBackend"
OIDC_LABEL = "Logg inn med Testleverandøren"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str = "kari", **fields: Any) -> User:
        fields.setdefault("email", f"{username}@example.no")
        return User.objects.create_user(username=username, password=PASSWORD, **fields)

    return make


def use_provider(settings: SettingsWrapper, provider: RunningProvider) -> None:
    """Configure Retning for the provider the way an operator would, through settings only."""
    discovery = provider.discovery
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
    settings.OIDC_OP_ISSUER = discovery["issuer"]
    settings.RETNING_OIDC_LABEL = OIDC_LABEL
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, OIDC_BACKEND]


@pytest.fixture(scope="session")
def oidc_provider(
    live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningProvider]:
    """The provider with Retning's live-server callback registered as the client's redirect URI."""
    callback = f"{live_server.url}/oidc/callback/"
    with running_provider(tmp_path_factory.mktemp("oidc-provider"), callback) as provider:
        yield provider


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    # Module scope, so this Playwright has stopped before tests/browser starts its own (the root
    # conftest runs browser tests last, in collection order).
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("RETNING_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        warnings.warn(reason, stacklevel=1)
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in this thread; the ORM calls between browser
    # steps use their own connection, so Django's async guard is a false alarm here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--no-sandbox", "--disable-background-networking", "--no-first-run"],
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def account_page(chromium: Browser, live_server: LiveServer, seeded: None) -> Iterator[Page]:
    context = chromium.new_context(locale="nb-NO", base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()
