"""What a visitor does on the public site, followed in a real browser, checked against the database."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

from django.db.models import Count, Q
from playwright.sync_api import Browser, Locator, Page, expect

from retning.actors.models import Organisation
from retning.indicators.models import Indicator
from retning.publishing.views import ROADMAP_PAGE_SIZE
from retning.roadmap.models import Initiative
from retning.strategy.models import Goal, SubGoal


def _number_on_page(text: str) -> Decimal:
    """A figure as the Norwegian page writes it ("25 600 000", "57,5") read back as a Decimal."""
    return Decimal(re.sub(r"\s", "", text).replace(",", "."))


def _initiative_ids(links: Locator) -> list[str]:
    return [
        href.strip("/").split("/")[-1]
        for href in links.evaluate_all("as => as.map(a => a.getAttribute('href'))")
    ]


def _active_initiatives(owner: Organisation, phase: int) -> list[Initiative]:
    return list(
        Initiative.objects.filter(
            owners=owner, phase_first__lte=phase, phase_last__gte=phase, retired_in=None
        ).distinct()
    )


def _owner_and_phase_that_narrow_the_roadmap() -> tuple[Organisation, int, int]:
    """An owner and a phase that narrows the owner's list, small enough for one roadmap page."""
    for owner in Organisation.objects.filter(initiatives__isnull=False).distinct().order_by("slug"):
        owned = Initiative.objects.filter(owners=owner, retired_in=None).distinct().count()
        for phase in range(1, 6):
            count = len(_active_initiatives(owner, phase))
            if 2 <= count < owned and count <= ROADMAP_PAGE_SIZE:
                return owner, phase, count
    raise AssertionError("The default dataset has no owner whose initiatives span several phases.")


def test_a_visitor_goes_from_the_front_page_to_a_goal_a_subgoal_and_an_indicator(
    page: Page,
) -> None:
    goal = Goal.objects.get(number=1)
    subgoal = SubGoal.objects.filter(goal=goal).order_by("code").first()
    assert subgoal is not None

    page.goto("/")
    page.get_by_role("link", name=goal.title, exact=True).click()
    expect(page).to_have_url(re.compile(r"/mal/1/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(goal.title)

    page.get_by_role("link", name=f"{subgoal.code} {subgoal.title}", exact=True).first.click()
    expect(page).to_have_url(re.compile(rf"/delmal/{subgoal.code}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(subgoal.title)
    timeline = page.locator(".retning-timeline svg")
    expect(timeline).to_be_visible()
    expect(timeline.locator("line.today")).to_have_count(1)
    expect(timeline).to_contain_text("I dag")
    in_db = set(
        Initiative.objects.filter(subgoal=subgoal, retired_in=None).values_list(
            "external_id", flat=True
        )
    )
    assert in_db, "the sub-goal should have initiatives in the default dataset"
    assert set(_initiative_ids(timeline.locator("a"))) == in_db

    page.go_back()
    indicator = (
        Indicator.objects.filter(goal=goal)
        .annotate(headline=Count("observations", filter=Q(observations__breakdown_dimension="")))
        .order_by("-headline", "code")
        .first()
    )
    assert indicator is not None and indicator.headline >= 2
    page.get_by_role("link", name=indicator.name, exact=True).first.click()
    expect(page).to_have_url(re.compile(rf"/indikatorer/{indicator.code}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(indicator.name)
    expect(page.locator("figure svg[role=img]")).to_be_visible()

    observations = list(
        indicator.observations.filter(breakdown_dimension="").order_by("period_start")
    )
    rows = page.locator("table tbody tr").filter(
        has=page.get_by_role("cell", name="Måling", exact=True)
    )
    expect(rows).to_have_count(len(observations))
    for row, observation in zip(rows.all(), observations, strict=True):
        cells = row.locator("th, td").all_inner_texts()
        assert cells[0] == observation.period
        if observation.value is None:
            assert cells[2] == "–"
        else:
            assert _number_on_page(cells[2]) == observation.value

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned målingene som CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"{indicator.code}.csv"
    # UTF-8 with a byte order mark and decimal commas, as Excel set to Norwegian expects.
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[:3] == ["indikator", "periode", "verdi"]
    assert [(line[0], line[1]) for line in lines] == [
        (indicator.code, o.period) for o in observations
    ]
    assert [Decimal(line[2].replace(",", ".")) if line[2] else None for line in lines] == [
        o.value for o in observations
    ]


def test_roadmap_filters_update_in_place_and_give_a_shareable_link(page: Page) -> None:
    owner, phase, expected_count = _owner_and_phase_that_narrow_the_roadmap()
    owned_count = Initiative.objects.filter(owners=owner, retired_in=None).distinct().count()
    status = page.locator("#roadmap-results [role=status]")

    page.goto("/veikart/")
    # A full page load would lose this; an htmx swap keeps it.
    page.evaluate("window.retningStillHere = true")
    page.get_by_label("Eier", exact=True).select_option(owner.slug)
    expect(status).to_have_text(re.compile(rf"^\s*{owned_count} initiativ"))
    page.get_by_label("Fase", exact=True).select_option(str(phase))
    expect(status).to_have_text(re.compile(rf"^\s*{expected_count} initiativer passer filtrene"))
    assert page.evaluate("window.retningStillHere") is True
    expect(page).to_have_url(re.compile(rf"[?&]eier={re.escape(owner.slug)}(&|$)"))
    expect(page).to_have_url(re.compile(rf"[?&]fase={phase}(&|$)"))

    listed = _initiative_ids(page.locator("#roadmap-results tbody th a"))
    assert len(listed) == expected_count
    for initiative in Initiative.objects.filter(external_id__in=listed).prefetch_related("owners"):
        assert owner in initiative.owners.all(), initiative.external_id
        assert initiative.phase_first is not None and initiative.phase_last is not None
        assert initiative.phase_first <= phase <= initiative.phase_last, initiative.external_id

    shared = page.context.new_page()
    shared.goto(page.url)
    expect(shared.locator("#roadmap-results [role=status]")).to_have_text(
        re.compile(rf"^\s*{expected_count} initiativer")
    )
    assert _initiative_ids(shared.locator("#roadmap-results tbody th a")) == listed
    shared.close()

    page.get_by_role("navigation", name="Visning").get_by_role("link", name="Tidslinje").click()
    expect(page).to_have_url(re.compile(r"[?&]visning=tidslinje(&|$)"))
    expect(page).to_have_url(re.compile(rf"[?&]eier={re.escape(owner.slug)}(&|$)"))
    timeline = page.locator("#roadmap-results .retning-timeline svg[role=group]")
    expect(timeline).to_be_visible()
    assert sorted(_initiative_ids(timeline.locator("a"))) == sorted(listed)


def test_the_language_switch_moves_between_norwegian_and_english(page: Page) -> None:
    goal = Goal.objects.get(number=1)
    assert goal.title_en, "goal 1 should have an English title in the default dataset"

    page.goto("/mal/1/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"://[^/]+/en/mal/1/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(goal.title_en)
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")

    page.get_by_role("button", name="Norsk bokmål").click()
    expect(page).to_have_url(re.compile(r"://[^/]+/mal/1/$"))
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("heading", level=1)).to_have_text(goal.title)

    # A filtered view keeps its filters in both directions.
    page.goto("/en/veikart/?fase=4")
    page.get_by_role("button", name="Norsk bokmål").click()
    expect(page).to_have_url(re.compile(r"://[^/]+/veikart/\?fase=4$"))
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"://[^/]+/en/veikart/\?fase=4$"))
    # The page is English now, labels included.
    expect(page.get_by_label("Phase", exact=True)).to_have_value("4")


def test_the_roadmap_filter_works_without_javascript(browser: Browser, site: str) -> None:
    owner, phase, expected_count = _owner_and_phase_that_narrow_the_roadmap()
    context = browser.new_context(locale="nb-NO", base_url=site, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/veikart/")
        page.get_by_label("Eier", exact=True).select_option(owner.slug)
        page.get_by_label("Fase", exact=True).select_option(str(phase))
        # No script ran, so nothing may have changed yet.
        assert "eier=" not in page.url
        page.get_by_role("button", name="Vis", exact=True).click()
        expect(page).to_have_url(re.compile(rf"[?&]eier={re.escape(owner.slug)}(&|$)"))
        expect(page).to_have_url(re.compile(rf"[?&]fase={phase}(&|$)"))
        expect(page.locator("#roadmap-results [role=status]")).to_have_text(
            re.compile(rf"^\s*{expected_count} initiativer passer filtrene")
        )
        listed = _initiative_ids(page.locator("#roadmap-results tbody th a"))
        assert sorted(listed) == sorted(i.external_id for i in _active_initiatives(owner, phase))
    finally:
        context.close()
