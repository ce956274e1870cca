"""What the browser tests share: signing a user in, and axe-core's WCAG 2.1 A/AA check."""

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}


def signed_in_context(browser: Browser, site: str, user: Any, **options: Any) -> BrowserContext:
    """A fresh Norwegian browser context whose session belongs to ``user``; the caller closes it.

    ``options`` go to ``browser.new_context`` (``accept_downloads=True``, say).
    """
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="nb-NO", base_url=site, **options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site,
            }
        ]
    )
    return context


def signed_in(
    browser: Browser, site: str, user: Any, opened: list[BrowserContext], **options: Any
) -> Page:
    """A page signed in as ``user``; its context goes on ``opened`` (the ``contexts`` fixture),
    which closes it after the test."""
    context = signed_in_context(browser, site, user, **options)
    opened.append(context)
    return context.new_page()


def axe_violations(page: Page) -> list[str]:
    """One line per element that breaks a WCAG 2.1 A/AA rule: the page, the rule and where."""
    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{page.url} {violation['id']}: {' > '.join(map(str, node['target']))}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]
