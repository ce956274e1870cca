"""Dependencies and slippage on the public pages: the initiative page and the graph per goal.

The default dataset has no deliveries or dependencies, so every test makes its own on top of real
initiatives and says so in its titles.
"""

import re
from dataclasses import dataclass
from datetime import date

import pytest
from django.db import connection
from django.test import Client

from retning.reporting.models import DeliverySnapshot, ReportingRound
from retning.roadmap.models import Delivery, Dependency, Initiative


@dataclass
class Pair:
    before: Initiative  # the prerequisite
    after: Initiative  # depends on ``before``
    api: Delivery
    pilot: Delivery
    dependency: Dependency


def _initiatives(goal: int, count: int) -> list[Initiative]:
    found = list(
        Initiative.objects.filter(subgoal__goal__number=goal, retired_in=None).order_by(
            "external_id"
        )[:count]
    )
    assert len(found) == count
    return found


@pytest.fixture
def pair(seeded: None) -> Pair:
    before, after = _initiatives(1, 2)
    api = Delivery.objects.create(
        initiative=before, title="Test: API klart", kind="available", planned_date=date(2027, 1, 1)
    )
    pilot = Delivery.objects.create(
        initiative=after, title="Test: pilot", kind="provisional", planned_date=date(2027, 3, 1)
    )
    dependency = Dependency.objects.create(
        dependent=after, dependent_delivery=pilot, prerequisite=before, prerequisite_delivery=api
    )
    return Pair(before, after, api, pilot, dependency)


def _set_forecast(delivery: Delivery, when: date | None) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(forecast_date=when)


def _has_warning(html: str) -> bool:
    return 'id="dependency-warnings"' in html


def test_the_initiative_page_lists_what_it_needs_and_what_needs_it(
    pair: Pair, client: Client
) -> None:
    after = client.get(pair.after.get_absolute_url()).content.decode()
    before = client.get(pair.before.get_absolute_url()).content.decode()
    assert "Dette initiativet trenger" in after
    assert pair.before.get_absolute_url() in after and "Test: API klart" in after
    assert pair.after.get_absolute_url() in before and "Test: pilot" in before
    assert "I rute" in after and not _has_warning(after) and not _has_warning(before)


@pytest.mark.parametrize(
    ("forecast", "warns"),
    [
        (None, False),  # the plan (1 Jan) is before the pilot (1 Mar)
        (date(2027, 2, 28), False),
        (date(2027, 3, 1), False),  # same day is still in time
        (date(2027, 3, 2), True),
        (date(2027, 9, 1), True),
    ],
)
def test_the_warning_appears_exactly_when_the_forecast_is_after_the_plan(
    pair: Pair, client: Client, forecast: date | None, warns: bool
) -> None:
    _set_forecast(pair.api, forecast)
    pages = [
        pair.after.get_absolute_url(),
        pair.before.get_absolute_url(),
        "/mal/1/avhengigheter/",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert _has_warning(html) == warns, url
    graph = client.get("/mal/1/avhengigheter/").content.decode()
    assert ("edge edge-warning" in graph) == warns
    if forecast and warns:
        days = (forecast - date(2027, 3, 1)).days
        assert f"{days} dager etter planlagt dato" in graph


def test_a_delivered_prerequisite_is_judged_by_its_actual_date(pair: Pair, client: Client) -> None:
    Delivery.objects.filter(pk=pair.api.pk).update(
        forecast_date=date(2027, 9, 1), actual_date=date(2027, 2, 1)
    )
    assert not _has_warning(client.get(pair.after.get_absolute_url()).content.decode())


def test_a_whole_initiative_prerequisite_counts_its_late_deliveries(
    pair: Pair, client: Client
) -> None:
    """Without narrowing, the prerequisite's end date, pushed out by late deliveries, counts."""
    Dependency.objects.filter(pk=pair.dependency.pk).update(
        prerequisite_delivery=None, dependent_delivery=None
    )
    Initiative.objects.filter(pk=pair.before.pk).update(end_date=date(2027, 6, 1))
    Initiative.objects.filter(pk=pair.after.pk).update(end_date=date(2027, 12, 31))
    assert not _has_warning(client.get(pair.after.get_absolute_url()).content.decode())
    _set_forecast(pair.api, date(2028, 2, 1))
    assert _has_warning(client.get(pair.after.get_absolute_url()).content.decode())


def test_the_goal_graph_is_an_accessible_svg_with_a_table_of_the_same_edges(
    pair: Pair, client: Client
) -> None:
    outside = _initiatives(2, 1)[0]
    Dependency.objects.create(dependent=pair.before, prerequisite=outside, note="Test: felles")
    response = client.get("/mal/1/avhengigheter/")
    assert response.status_code == 200
    html = response.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="group"' in svg and 'aria-labelledby="deps-goal-1-title deps-goal-1-desc"' in svg
    assert "<desc" in svg and "2 avhengigheter" in svg
    for initiative in (pair.before, pair.after, outside):
        assert f'href="{initiative.get_absolute_url()}"' in svg
    assert svg.count('class="node node-external"') == 1  # the one from goal 2
    table = html[html.index('id="dependency-table"') :]
    assert table.count("<tr>") == 1 + 2
    assert "Test: felles" in table
    # Prerequisites stand left of their dependents.
    xs = {
        pk: float(re.search(rf'href="{url}"><title>[^<]*</title><rect x="([\d.]+)"', svg)[1])
        for pk, url in (
            (outside.pk, outside.get_absolute_url()),
            (pair.before.pk, pair.before.get_absolute_url()),
            (pair.after.pk, pair.after.get_absolute_url()),
        )
    }
    assert xs[outside.pk] < xs[pair.before.pk] < xs[pair.after.pk]


def test_a_goal_without_dependencies_says_so(seeded: None, client: Client) -> None:
    html = client.get("/mal/3/avhengigheter/").content.decode()
    assert "Ingen avhengigheter er registrert" in html
    assert "<svg" in html


def test_a_cycle_is_pointed_out(pair: Pair, client: Client) -> None:
    Dependency.objects.create(dependent=pair.before, prerequisite=pair.after)
    html = client.get("/mal/1/avhengigheter/").content.decode()
    assert 'id="dependency-cycle"' in html


def test_unknown_goal_is_404(seeded: None, client: Client) -> None:
    assert client.get("/mal/9/avhengigheter/").status_code == 404


def test_the_graph_page_renders_in_english(pair: Pair, client: Client) -> None:
    html = client.get("/en/mal/1/avhengigheter/").content.decode()
    assert "Prerequisite → dependent" in html


# --- Slippage over rounds -----------------------------------------------------------------------


def test_the_initiative_page_shows_slippage_and_how_it_grew_over_rounds(
    pair: Pair, client: Client
) -> None:
    first = ReportingRound.objects.create(
        label="Test 2026 T1", opens_on=date(2026, 3, 1), deadline=date(2026, 4, 1)
    )
    second = ReportingRound.objects.create(
        label="Test 2026 T2", opens_on=date(2026, 7, 1), deadline=date(2026, 8, 1)
    )
    planned = pair.pilot.planned_date
    # Stored out of order: the page must sort by the rounds' deadlines.
    DeliverySnapshot.objects.create(
        round=second, delivery=pair.pilot, planned_date=planned, forecast_date=date(2027, 3, 31)
    )
    DeliverySnapshot.objects.create(
        round=first, delivery=pair.pilot, planned_date=planned, forecast_date=date(2027, 3, 11)
    )
    _set_forecast(pair.pilot, date(2027, 4, 15))
    html = client.get(pair.after.get_absolute_url()).content.decode()
    table = html[html.index('id="delivery-slippage"') :]
    assert "45 dager forsinket" in table  # 1 March → 15 April
    steps = re.findall(r"<li>([^<]*)</li>", table[: table.index("</table>")])
    assert steps == [
        "Test 2026 T1: +10 dager",
        "Test 2026 T2: +30 dager (endring +20)",
        "Nå: +45 dager (endring +15)",
    ]
    assert "Samlet endring: +35 dager." in table


def test_an_early_delivery_is_called_early(pair: Pair, client: Client) -> None:
    Delivery.objects.filter(pk=pair.pilot.pk).update(actual_date=date(2027, 2, 20))
    html = client.get(pair.after.get_absolute_url()).content.decode()
    assert "9 dager tidlig" in html


# --- Query counts -------------------------------------------------------------------------------


def _queries(client: Client, url: str, count_queries: type) -> int:
    with count_queries(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_query_counts_do_not_grow_with_dependencies_or_rounds(
    pair: Pair, client: Client, count_queries: type
) -> None:
    initiative_url = pair.after.get_absolute_url()
    small_page = _queries(client, initiative_url, count_queries)
    small_graph = _queries(client, "/mal/1/avhengigheter/", count_queries)

    others = _initiatives(1, 12)[2:]
    for n, other in enumerate(others):
        Delivery.objects.create(
            initiative=other, title=f"Test {n}", kind="available", planned_date=date(2027, 1, 1)
        )
        Dependency.objects.create(dependent=pair.after, prerequisite=other)
        Dependency.objects.create(dependent=other, prerequisite=pair.before)
    for n in range(4):
        round_ = ReportingRound.objects.create(
            label=f"Test R{n}", opens_on=date(2026, 1 + n, 1), deadline=date(2026, 1 + n, 20)
        )
        DeliverySnapshot.objects.create(round=round_, delivery=pair.pilot, planned_date=None)
        Delivery.objects.create(initiative=pair.after, title=f"Test ekstra {n}", kind="completed")

    assert _queries(client, initiative_url, count_queries) == small_page
    assert _queries(client, "/mal/1/avhengigheter/", count_queries) == small_graph
    assert small_graph <= 8
