"""The Gantt-like timelines per goal, owner organisation and user group."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from retning.actors.models import Organisation, UserGroup
from retning.publishing import charts, gantt
from retning.roadmap.models import Delivery, Initiative

# --- The pure drawing ---------------------------------------------------------------------------


def _row(**changes: object) -> gantt.GanttRow:
    values: dict[str, object] = {
        "title": "Test: initiativ",
        "href": "/veikart/1/",
        "phase_first": 2,
        "phase_last": 4,
        "start": date(2025, 1, 1),
        "end": date(2028, 12, 31),
        "lane": "1A Test",
        "deliveries": [
            gantt.GanttDelivery("Klar", "available", date(2026, 6, 1), date(2026, 9, 1)),
            gantt.GanttDelivery("Foreløpig", "provisional", date(2027, 6, 1)),
            gantt.GanttDelivery("Ferdig", "completed", date(2028, 6, 1), None, date(2028, 5, 1)),
        ],
    }
    values.update(changes)
    return gantt.GanttRow(**values)  # type: ignore[arg-type]


def test_milestones_sit_at_the_best_known_date_and_say_every_date() -> None:
    late = gantt.milestone_of(
        gantt.GanttDelivery("Klar", "available", date(2026, 6, 1), date(2026, 9, 1))
    )
    assert late is not None and late.when == date(2026, 9, 1)
    assert (
        late.label
        == "Klar (planlagt 01.06.2026, prognose 01.09.2026, 92 dager senere enn planlagt)"
    )
    done = gantt.milestone_of(
        gantt.GanttDelivery("Ferdig", "completed", date(2028, 6, 1), None, date(2028, 5, 1)),
        labels=gantt.ENGLISH_LABELS,
        lang="en",
    )
    assert done is not None and done.when == date(2028, 5, 1)
    assert "delivered 2028-05-01" in done.label and "31 days earlier" in done.label
    assert gantt.milestone_of(gantt.GanttDelivery("Uten dato", "available", None)) is None
    assert gantt.milestone_of(gantt.GanttDelivery("Rar", "other", date(2026, 1, 1))) is None


def test_the_chart_has_phases_tentative_today_and_three_milestone_shapes() -> None:
    svg = gantt.gantt_svg(
        [_row(), _row(title="Test: tentativ", tentative=True, deliveries=[])],
        today=date(2026, 11, 26),
        id_prefix="t",
        title="Test",
    )
    assert svg.count('class="milestone milestone-') == 3
    for kind in ("available", "provisional", "completed"):
        assert f"milestone-{kind}" in svg
        assert charts.DEFAULT_LABELS[f"milestone_{kind}"] in svg  # in the legend
    assert 'class="today"' in svg and "I dag" in svg
    assert 'class="item item-tentative"' in svg and 'stroke-dasharray="4 3"' in svg
    for phase in (2, 3, 4):
        assert charts.DEFAULT_LABELS[f"phase_{phase}"] in svg
    assert 'role="group"' in svg  # rows are links, reachable by keyboard
    assert "92 dager senere enn planlagt" in svg


def test_the_year_range_widens_to_the_data() -> None:
    rows = [
        _row(
            start=date(2021, 3, 1),
            deliveries=[gantt.GanttDelivery("x", "available", date(2033, 1, 1))],
        )
    ]
    assert gantt.year_span(rows) == (2021, 2033)
    assert gantt.year_span([], today=date(2035, 1, 1)) == (2023, 2035)
    svg = gantt.gantt_svg(rows, today=None, id_prefix="t", title="Test")
    assert ">2021<" in svg and ">2033<" in svg


# --- The pages ----------------------------------------------------------------------------------


def _links_in_table(html: str) -> set[str]:
    table = html[html.index('id="gantt-table-heading"') :]
    return set(re.findall(r'<th scope="row"[^>]*><a class="ds-link" href="([^"]+)"', table))


def test_the_goal_timeline_shows_every_active_initiative_of_the_goal(
    seeded: None, client: Client
) -> None:
    response = client.get("/mal/1/tidslinje/")
    assert response.status_code == 200
    html = response.content.decode()
    expected = Initiative.objects.filter(subgoal__goal__number=1, retired_in=None)
    assert expected.exists()
    assert _links_in_table(html) == {i.get_absolute_url() for i in expected}
    svg = html[html.index("<svg") : html.index("</svg>")]
    for initiative in expected:
        assert f'href="{initiative.get_absolute_url()}"' in svg
    assert 'class="today"' in svg
    assert timezone.localdate().strftime("%-d.%-m.%Y") in html


def test_the_organisation_timeline_shows_what_it_owns(seeded: None, client: Client) -> None:
    owner = Organisation.objects.get(key="HDIR")
    html = client.get(f"/aktorer/{owner.slug}/tidslinje/").content.decode()
    expected = Initiative.objects.filter(owners=owner, retired_in=None)
    assert expected.exists()
    assert _links_in_table(html) == {i.get_absolute_url() for i in expected}


def test_the_user_group_timeline_shows_its_initiatives(seeded: None, client: Client) -> None:
    group = UserGroup.objects.filter(initiatives__isnull=False).order_by("slug").first()
    assert group is not None
    html = client.get(f"/brukergrupper/{group.slug}/tidslinje/").content.decode()
    expected = Initiative.objects.filter(user_groups=group, retired_in=None)
    assert _links_in_table(html) == {i.get_absolute_url() for i in expected}


def test_deliveries_appear_as_milestones_and_in_the_table(seeded: None, client: Client) -> None:
    initiative = Initiative.objects.filter(subgoal__goal__number=2, retired_in=None).first()
    assert initiative is not None
    Delivery.objects.create(
        initiative=initiative,
        title="Test: tilgjengelig",
        kind="available",
        planned_date=date(2027, 6, 1),
        forecast_date=date(2027, 8, 1),
    )
    html = client.get("/mal/2/tidslinje/").content.decode()
    assert "milestone milestone-available" in html
    assert "Test: tilgjengelig (planlagt 01.06.2027, prognose 01.08.2027" in html
    table = html[html.index('id="gantt-table-heading"') :]
    assert "61 dager forsinket" in table


@pytest.mark.parametrize(
    "url", ["/mal/9/tidslinje/", "/aktorer/ukjent/tidslinje/", "/brukergrupper/ukjent/tidslinje/"]
)
def test_unknown_scopes_are_404(seeded: None, client: Client, url: str) -> None:
    assert client.get(url).status_code == 404


def test_the_timeline_renders_in_english(seeded: None, client: Client) -> None:
    html = client.get("/en/mal/1/tidslinje/").content.decode()
    assert '<html lang="en"' in html and "Today" in html


def _queries(client: Client, url: str, count_queries: type) -> int:
    with count_queries(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_query_count_is_fixed_however_many_deliveries(
    seeded: None, client: Client, count_queries: type
) -> None:
    owner = Organisation.objects.filter(initiatives__isnull=False).order_by("-pk").first()
    assert owner is not None
    urls = ["/mal/1/tidslinje/", f"/aktorer/{owner.slug}/tidslinje/"]
    before = [_queries(client, url, count_queries) for url in urls]
    for initiative in Initiative.objects.filter(retired_in=None)[:60]:
        for kind in ("available", "provisional", "completed"):
            Delivery.objects.create(
                initiative=initiative,
                title=f"Test {kind}",
                kind=kind,
                planned_date=date(2027, 1, 1),
            )
    after = [_queries(client, url, count_queries) for url in urls]
    assert after == before
    assert max(after) <= 10


def test_the_largest_timeline_renders_all_initiatives_in_few_queries(
    seeded: None, client: Client, count_queries: type
) -> None:
    """The owner with the most initiatives: every row drawn, in a bounded number of queries."""
    from django.db.models import Count

    owner = Organisation.objects.annotate(n=Count("initiatives")).order_by("-n", "slug").first()
    assert owner is not None
    url = f"/aktorer/{owner.slug}/tidslinje/"
    assert _queries(client, url, count_queries) <= 10
    html = client.get(url).content.decode()
    expected = Initiative.objects.filter(owners=owner, retired_in=None).count()
    assert len(re.findall(r'class="item( item-tentative)?"', html)) == expected
