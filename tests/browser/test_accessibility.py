"""WCAG 2.1 A/AA checks with axe-core on every kind of public page, plus reflow and keyboard checks.

The axe checks visit all pages of one language in a single test: pytest-django empties the database
after every live-server test, and loading the dataset again costs more than checking ten pages.
"""

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from retning.actors.models import Organisation
from retning.indicators.models import Indicator
from retning.roadmap.models import Initiative
from retning.strategy.models import Theme
from tests.browser.support import AXE_OPTIONS

AXE = Axe()

PAGES: dict[str, Callable[[], str]] = {
    "front page": lambda: "/",
    "goal": lambda: "/mal/1/",
    "enabling goal": lambda: "/mal/4/",
    "sub-goal": lambda: "/delmal/1A/",
    "indicator list": lambda: "/indikatorer/",
    "indicator": lambda: "/indikatorer/INNB-DIGITAL-CONTACT/",
    "indicator without observations": lambda: (
        f"/indikatorer/{Indicator.objects.filter(observations=None).order_by('code')[0].code}/"
    ),
    "roadmap": lambda: "/veikart/",
    "roadmap filtered": lambda: "/veikart/?mal=2&fase=4&status=planned",
    "roadmap timeline": lambda: "/veikart/?visning=tidslinje",
    "roadmap with no results": lambda: "/veikart/?q=ingen-slike-initiativer",
    "roadmap with an invalid filter": lambda: "/veikart/?fase=99",
    "initiative": lambda: f"/veikart/{Initiative.objects.order_by('external_id')[0].external_id}/",
    "organisations": lambda: "/aktorer/",
    "organisation": lambda: f"/aktorer/{Organisation.objects.get(key='HDIR').slug}/",
    "themes": lambda: "/temaer/",
    "theme": lambda: f"/temaer/{Theme.objects.order_by('slug')[0].slug}/",
    "documents": lambda: "/dokumenter/",
    "search with results": lambda: "/sok/?q=legemiddelliste",
    "search without results": lambda: "/sok/?q=ingen-slike-treff",
    "not found": lambda: "/finnes-ikke/",
    # Timelines and dependencies (issue 5).
    "goal timeline": lambda: "/mal/1/tidslinje/",
    "organisation timeline": lambda: (
        f"/aktorer/{Organisation.objects.get(key='HDIR').slug}/tidslinje/"
    ),
    "goal dependencies": lambda: "/mal/1/avhengigheter/",
}
# Pages that must show the "no results" box; the other pages must not, so the check covers both.
EMPTY_PAGES = {"roadmap with no results", "search without results"}

REFLOW_PAGES = ["/", "/veikart/", "/delmal/1A/"]
STICKING_OUT_JS = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getClientRects().length > 0)
    .filter(e => !e.closest('.retning-scroll-x, .retning-table-scroll, .visually-hidden'))
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`)"""


# Violations that need a change outside the templates, each with a marker of the element it is on.
# Empty now; keep the mechanism so a future exemption is explicit and reviewed.
KNOWN_ISSUES: dict[str, str] = {}


def _is_known_issue(rule: str, node: dict[str, object], known_issues: dict[str, str]) -> bool:
    marker = known_issues.get(rule)
    return marker is not None and marker in str(node["html"])


def _axe_violations(page: Page, *, known_issues: dict[str, str] = KNOWN_ISSUES) -> list[str]:
    """One readable line per failing element: rule id, what it means, and where."""
    results = AXE.run(page, options=AXE_OPTIONS)
    lines = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            if _is_known_issue(violation["id"], node, known_issues):
                continue
            target = " > ".join(str(selector) for selector in node["target"])
            lines.append(f"{violation['id']}: {violation['help']} — {target}")
    return lines


@pytest.mark.parametrize("language", ["", "/en"], ids=["nb", "en"])
def test_every_public_page_has_no_wcag_violations(page: Page, language: str) -> None:
    found: list[str] = []
    for name, url in PAGES.items():
        address = language + url()
        response = page.goto(address)
        assert response is not None
        expected_status = 404 if name == "not found" else 200
        assert response.status == expected_status, f"{address} answered {response.status}"
        expect(page.locator(".retning-empty")).to_have_count(1 if name in EMPTY_PAGES else 0)
        found += [f"{name} ({address}): {line}" for line in _axe_violations(page)]
    assert not found, f"{len(found)} WCAG violations:\n" + "\n".join(found)


def test_the_timeline_does_not_hide_its_links_inside_an_image(page: Page) -> None:
    page.goto("/delmal/1A/")
    assert page.locator('svg.retning-chart[role="group"] a').count() > 0
    assert _axe_violations(page, known_issues={}) == []


def test_pages_reflow_at_320_css_pixels_without_horizontal_scrolling(page: Page) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    problems: list[str] = []
    for url in REFLOW_PAGES:
        page.goto(url)
        # Closed <details> leave their content out of layout; open them so it is measured too.
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > inner_width:
            problems.append(f"{url} is {scroll_width} px wide in a {inner_width} px window")
        # Content can also be cut off without a scroll bar; only tables and timelines may scroll.
        sticking_out = page.evaluate(STICKING_OUT_JS)
        if sticking_out:
            problems.append(f"{url}: past the right edge: {', '.join(sticking_out[:10])}")
    assert not problems, "\n".join(problems)


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Hopp til hovedinnholdet")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box is not None and box["width"] > 1 and box["y"] >= 0, "a focused skip link must show"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
