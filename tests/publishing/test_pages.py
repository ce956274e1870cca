"""Every public page renders from the default dataset, in both languages, with a fixed query count."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from retning.actors.models import Organisation
from retning.indicators.models import Indicator, Observation, Target
from retning.roadmap.models import Initiative
from retning.strategy.models import Goal, Grouping, SubGoal, Theme

PAGES: dict[str, Callable[[], str]] = {
    "home": lambda: "/",
    "goal": lambda: "/mal/1/",
    "enabling goal": lambda: "/mal/4/",
    "subgoal": lambda: "/delmal/1A/",
    "indicator list": lambda: "/indikatorer/",
    "indicator": lambda: f"/indikatorer/{Indicator.objects.order_by('code').first().code}/",
    "roadmap": lambda: "/veikart/",
    "roadmap timeline": lambda: "/veikart/?visning=tidslinje",
    "roadmap filtered": lambda: "/veikart/?mal=2&fase=4&status=planned",
    "initiative": lambda: (
        f"/veikart/{Initiative.objects.order_by('external_id').first().external_id}/"
    ),
    "organisations": lambda: "/aktorer/",
    "organisation": lambda: f"/aktorer/{Organisation.objects.get(key='HDIR').slug}/",
    "themes": lambda: "/temaer/",
    "theme": lambda: f"/temaer/{Theme.objects.order_by('slug').first().slug}/",
    "documents": lambda: "/dokumenter/",
    "search": lambda: "/sok/?q=legemiddelliste",
}


@pytest.mark.parametrize("language", ["", "/en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_public_page_renders(seeded: None, client: Client, page: str, language: str) -> None:
    response = client.get(language + PAGES[page]())
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{"en" if language else "nb"}"' in html
    assert "<main" in html


def test_the_front_page_shows_the_vision_and_five_goals(seeded: None, client: Client) -> None:
    html = client.get("/").content.decode()
    assert "Sammen om helhetlige, trygge og nyskapende tjenester" in html
    for goal in Goal.objects.all():
        assert goal.get_absolute_url() in html
    assert html.count('role="img"') >= 5  # a value-chain picture per goal


def test_a_subgoal_page_has_a_timeline_with_today_marked(seeded: None, client: Client) -> None:
    html = client.get("/delmal/1A/").content.decode()
    assert "<svg" in html
    assert "I dag" in html
    for initiative in Initiative.objects.filter(subgoal__code="1A")[:5]:
        assert initiative.get_absolute_url() in html


def test_example_figures_are_labelled_on_the_indicator_page(seeded: None, client: Client) -> None:
    example = Target.objects.filter(is_example=True).select_related("indicator").first()
    assert example is not None
    html = client.get(example.indicator.get_absolute_url()).content.decode()
    assert "Eksempeldata" in html


def test_the_indicator_csv_holds_every_observation(seeded: None, client: Client) -> None:
    indicator = Indicator.objects.get(code="INNB-DIGITAL-CONTACT")
    response = client.get(f"/indikatorer/{indicator.code}/data.csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().strip().splitlines()
    assert len(lines) == 1 + indicator.observations.count()
    assert "INNB-DIGITAL-CONTACT;2023;57;" in response.content.decode()


def test_the_roadmap_filters_by_owner_and_phase(seeded: None, client: Client) -> None:
    owner = Organisation.objects.filter(initiatives__phase_first=4).distinct().first()
    assert owner is not None
    response = client.get(f"/veikart/?eier={owner.slug}&fase=4")
    expected = Initiative.objects.filter(
        owners=owner, phase_first__lte=4, phase_last__gte=4, retired_in=None
    )
    assert response.context["page_obj"].paginator.count == expected.count()
    for initiative in expected[:10]:
        assert initiative.get_absolute_url() in response.content.decode()


def test_free_text_search_ignores_case_of_norwegian_letters(seeded: None, client: Client) -> None:
    response = client.get("/veikart/?q=ØVRIGE")
    titles = [i.title.casefold() for i in response.context["page_obj"].object_list]
    assert titles and all(
        "øvrige" in (i.title + i.description).casefold()
        for i in response.context["page_obj"].object_list
    )


@pytest.mark.parametrize(
    "url",
    [
        "/mal/9/",
        "/delmal/9Z/",
        "/indikatorer/FINNES-IKKE/",
        "/veikart/123/",
        "/aktorer/ukjent/",
        "/temaer/ukjent/",
        "/finnes-ikke/",
    ],
)
def test_unknown_codes_give_a_norwegian_404(seeded: None, client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert "Fant ikke siden" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "fase=abc",
        "mal=99",
        "page=xyz",
        "page=-1",
        "page=999999999999",
        "eier=%3Cscript%3E",
        "delmal=1A&delmal=2B",
        "visning=pdf",
        "q=" + "x" * 500,
        "status=%00",
        "tema=%F0%9F%92%A9",
    ],
)
def test_malformed_roadmap_parameters_never_give_a_server_error(
    seeded: None, client: Client, query: str
) -> None:
    response = client.get(f"/veikart/?{query}")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</header>", 1)[1]


def test_search_finds_goals_subgoals_indicators_and_initiatives(
    seeded: None, client: Client
) -> None:
    results = client.get("/sok/?q=helsenorge").context["results"]
    assert results["subgoals"] and results["initiatives"] and results["indicators"]


def _add_more_data(scale: int, start: int = 0) -> None:
    """Grow every collection the pages show, to prove the query count does not follow it."""
    subgoal = SubGoal.objects.get(code="1A")
    grouping = Grouping.objects.filter(subgoal=subgoal).first()
    owners = list(Organisation.objects.all()[:3])
    theme = Theme.objects.first()
    for n in range(start, start + scale):
        initiative = Initiative.objects.create(
            external_id=f"{99000000000000000 + n}",
            title=f"Ekstra initiativ {n}",
            subgoal=subgoal,
            grouping=grouping,
            phase_first=2,
            phase_last=4,
            start_date=date(2025, 1, 1),
        )
        initiative.owners.set(owners)
        initiative.themes.add(theme)
        indicator = Indicator.objects.create(
            code=f"EKSTRA-{n}",
            name=f"Ekstra {n}",
            goal=subgoal.goal,
            subgoal=subgoal,
            unit="percent",
            responsible=owners[0],
        )
        indicator.themes.add(theme)
        Target.objects.create(
            indicator=indicator, period="2030", value=Decimal(90), is_example=True
        )
        for year in range(2015, 2025):
            Observation.objects.create(
                indicator=indicator, period=str(year), value=Decimal(year - 2000)
            )


@pytest.mark.parametrize("page", PAGES)
def test_the_number_of_queries_does_not_grow_with_the_data(
    seeded: None, client: Client, page: str
) -> None:
    url = PAGES[page]()
    # One of everything first, so that "before" already walks every relation the page shows.
    _add_more_data(scale=1)
    client.get(url)  # warm caches such as content types
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    _add_more_data(scale=15, start=1)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before), [q["sql"] for q in after.captured_queries]


def test_norwegian_only_data_is_marked_as_norwegian_on_english_pages(
    seeded: None, client: Client
) -> None:
    goal = Goal.objects.get(number=1)
    english = client.get("/en/mal/1/").content.decode()
    norwegian = client.get("/mal/1/").content.decode()
    client.get("/")  # leave the test client in Norwegian for the tests after this one
    assert f' lang="nb">{goal.description}' in english
    assert f' lang="nb">{goal.description}' not in norwegian


def test_the_roadmap_filter_names_goals_in_the_page_language(seeded: None, client: Client) -> None:
    goal = Goal.objects.get(number=1)
    english = client.get("/en/veikart/").content.decode()
    client.get("/")  # back to Norwegian for the tests after this one
    assert f"1. {goal.title_en}</option>" in english.replace("&#x27;", "'")
