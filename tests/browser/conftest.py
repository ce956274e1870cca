"""Browser fixtures: one Chromium per session (Debian's, never a downloaded one), a fresh context per test.

Every test here is marked `browser`; the root conftest runs those last because pytest-django's
live server empties the database after each of them, and the `seeded` fixture loads it again.
"""

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HERE = Path(__file__).parent
_skip_reasons: list[str] = []


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # tryfirst: the marker must be on the items before the root conftest sorts by it.
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for reason in _skip_reasons:
        terminalreporter.write_line(
            f"WARNING: browser tests skipped: {reason}", yellow=True, bold=True
        )


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # Playwright's sync API keeps an asyncio event loop running in the test thread, and Django
    # refuses ORM calls from a thread with a running loop. The tests use the database only between
    # browser steps, never from inside the loop, so the check is a false alarm here. The variable is
    # set only while Playwright runs (browser tests run last): set at import time it would leak into
    # every subprocess of the session, and `check --deploy` rightly rejects it (async.E001).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as driver:
            yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = (
            f"{CHROMIUM} is missing, so the browser tests did NOT run. "
            "Install Debian's package: apt-get install chromium"
        )
        if os.environ.get("RETNING_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (RETNING_REQUIRE_BROWSER=1 forbids skipping)")
        _skip_reasons.append(reason)
        warnings.warn(reason, stacklevel=1)
        pytest.skip(reason)
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def site(live_server: LiveServer, seeded: None) -> str:
    """The live server's address, with the default dataset loaded."""
    return live_server.url


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    context = browser.new_context(locale="nb-NO", base_url=site)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    """Browser contexts a test opens (``support.signed_in``), closed when it ends."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()
