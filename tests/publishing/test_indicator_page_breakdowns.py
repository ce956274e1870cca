"""The indicator page with many breakdown series: a summary of all, small multiples for one page.

The page must not read every observation of an indicator: it assesses every series from its two
ends, lists the series furthest behind, and draws small multiples (and their table rows) for one
page of series at a time. The number of queries does not grow with the number of series.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from retning.indicators.models import Indicator, Observation
from retning.publishing.indicator_views import BREAKDOWN_PAGE_SIZE, WEAKEST_COUNT

CODE = "INNB-DIGITAL-CONTACT"
URL = f"/indikatorer/{CODE}/"


def _municipalities(count: int) -> None:
    """``count`` municipality series over four years; series n falls by n − 10 a year."""
    indicator = Indicator.objects.get(code=CODE)
    Observation.objects.bulk_create(
        Observation(
            indicator=indicator,
            period=str(year),
            period_start=f"{year}-01-01",
            value=Decimal(60 - (n - 10) * (year - 2020)),
            breakdown_dimension="region_municipality",
            breakdown_value=f"{3001 + n}",
        )
        for n in range(count)
        for year in range(2020, 2024)
    )


def test_the_first_page_shows_a_page_of_small_multiples_and_a_summary_of_all(
    seeded: None, client: Client
) -> None:
    _municipalities(30)
    response = client.get(f"{URL}?inndeling=region_municipality")
    html = response.content.decode()

    shown = [b["series"].breakdown_value for b in response.context["breakdown_series"]]
    assert shown == [f"{3001 + n}" for n in range(BREAKDOWN_PAGE_SIZE)]
    # The shown series are read whole for their small multiples.
    assert all(len(b["series"].rows) == 4 for b in response.context["breakdown_series"])
    assert response.context["breakdown_rollup"]["total"] == 30
    assert "Vurdering av 30 serier:" in html
    assert "Viser 1–12 av 30" in html
    assert "inndeling=region_municipality&amp;page=2" in html


def test_the_weakest_series_are_listed_worst_first(seeded: None, client: Client) -> None:
    _municipalities(30)
    response = client.get(f"{URL}?inndeling=region_municipality")
    weakest = response.context["breakdown_weakest"]

    assert len(weakest) == WEAKEST_COUNT
    # The series falling fastest (n = 29, 28, …) are furthest behind.
    assert [w["series"].breakdown_value for w in weakest[:3]] == ["3030", "3029", "3028"]
    assert {w["status"] for w in weakest} == {"deterioration"}
    assert all(w["explanation"] for w in weakest)
    assert "De 10 seriene som ligger lengst bak" in response.content.decode()


def test_a_later_page_shows_the_remaining_series(seeded: None, client: Client) -> None:
    _municipalities(30)
    response = client.get(f"{URL}?inndeling=region_municipality&page=3")

    shown = [b["series"].breakdown_value for b in response.context["breakdown_series"]]
    assert shown == [f"{3001 + n}" for n in range(24, 30)]
    assert response.context["breakdown_rollup"]["total"] == 30
    html = response.content.decode()
    assert html.count('class="retning-figure"') == 6  # the six small multiples
    assert 'aria-current="true"' in html


@pytest.mark.parametrize("page", ["99", "x"])
def test_a_page_number_out_of_range_shows_a_page_that_exists(
    seeded: None, client: Client, page: str
) -> None:
    _municipalities(30)
    response = client.get(f"{URL}?inndeling=region_municipality&page={page}")
    assert response.status_code == 200
    assert response.context["breakdown_series"]


def test_the_number_of_queries_does_not_grow_with_the_series(seeded: None, client: Client) -> None:
    _municipalities(3)
    client.get(URL)  # warm caches that are filled once
    with CaptureQueriesContext(connection) as few:
        client.get(f"{URL}?inndeling=region_municipality")
    Observation.objects.filter(indicator__code=CODE).exclude(breakdown_dimension="").delete()
    _municipalities(60)
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"{URL}?inndeling=region_municipality")

    assert response.context["breakdown_rollup"]["total"] == 60
    assert len(many) == len(few)


def test_the_english_page_summarises_the_breakdown_in_english(seeded: None, client: Client) -> None:
    _municipalities(14)
    html = client.get(f"/en{URL}?inndeling=region_municipality").content.decode()
    assert "deterioration" in html
    assert 'lang="en"' in html
