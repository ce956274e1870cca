"""The pages for deliveries and dependencies, with test-made data, pass axe and work by keyboard."""

from datetime import date

from playwright.sync_api import Page, expect

from retning.roadmap.models import Delivery, Dependency, Initiative

from .test_accessibility import _axe_violations


def _make_dependencies() -> tuple[Initiative, Initiative]:
    before, after = Initiative.objects.filter(subgoal__goal__number=1, retired_in=None).order_by(
        "external_id"
    )[:2]
    api = Delivery.objects.create(
        initiative=before,
        title="Test: API klart",
        kind="available",
        planned_date=date(2027, 1, 1),
        forecast_date=date(2027, 6, 1),
    )
    pilot = Delivery.objects.create(
        initiative=after, title="Test: pilot", kind="provisional", planned_date=date(2027, 3, 1)
    )
    Delivery.objects.create(
        initiative=after,
        title="Test: ferdig",
        kind="completed",
        planned_date=date(2025, 3, 1),
        actual_date=date(2025, 4, 1),
    )
    Dependency.objects.create(
        dependent=after, dependent_delivery=pilot, prerequisite=before, prerequisite_delivery=api
    )
    return before, after


def test_pages_with_deliveries_and_a_warning_have_no_wcag_violations(page: Page) -> None:
    before, after = _make_dependencies()
    found: list[str] = []
    for url in (
        after.get_absolute_url(),
        before.get_absolute_url(),
        "/mal/1/avhengigheter/",
        "/mal/1/tidslinje/",
        "/en/mal/1/avhengigheter/",
    ):
        response = page.goto(url)
        assert response is not None and response.status == 200
        found += [f"{url}: {line}" for line in _axe_violations(page)]
    assert not found, "\n".join(found)


def test_the_graph_links_are_reachable_by_keyboard(page: Page) -> None:
    before, _after = _make_dependencies()
    page.goto("/mal/1/avhengigheter/")
    expect(page.locator("#dependency-warnings")).to_be_visible()
    link = page.locator(f'svg.retning-chart[role="group"] a[href="{before.get_absolute_url()}"]')
    expect(link).to_have_count(1)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == (
            before.get_absolute_url()
        ) and page.evaluate("document.activeElement.closest('svg') !== null"):
            break
    else:
        raise AssertionError("the node link in the graph was never focused")
    origin = page.url.split("/mal/")[0]
    page.keyboard.press("Enter")
    expect(page).to_have_url(origin + before.get_absolute_url())
