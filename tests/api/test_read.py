"""Read endpoints give the published data: the seeded strategy, indicators and roadmap."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from retning.actors.models import Organisation
from retning.alignment.models import RelatedDocument
from retning.indicators.models import Indicator, Target
from retning.roadmap.models import Delivery, Initiative
from retning.strategy.models import Goal, SubGoal, Theme

from .conftest import API


def get_json(api: Client, url: str, **headers: str) -> Any:
    response = api.get(url, **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def every_item(api: Client, url: str) -> list[dict[str, Any]]:
    """Follow the `next` links to the end."""
    items: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        page = get_json(api, next_url)
        items.extend(page["items"])
        next_url = page["next"]
    return items


def test_the_index_links_to_every_collection_and_each_answers(seeded: None, api: Client) -> None:
    index = get_json(api, f"{API}/")
    assert index["openapi"].endswith("/api/v1/openapi.json")
    for url in index["resources"].values():
        assert api.get(url).status_code == 200, url


def test_the_strategy_has_its_vision_period_and_five_goals(seeded: None, api: Client) -> None:
    strategy = get_json(api, f"{API}/strategy")
    assert strategy["period_start"] == 2023 and strategy["period_end"] == 2030
    assert "helhetlige, trygge og nyskapende tjenester" in strategy["vision"]
    assert [g["number"] for g in strategy["goals"]] == [1, 2, 3, 4, 5]


def test_the_goals_are_the_five_seeded_goals_with_their_subgoals(seeded: None, api: Client) -> None:
    page = get_json(api, f"{API}/goals")
    assert page["count"] == Goal.objects.count() == 5
    for item in page["items"]:
        goal = Goal.objects.get(number=item["number"])
        assert item["title"] == goal.title
        assert item["url"].endswith(f"/api/v1/goals/{goal.number}")
        assert [s["code"] for s in item["subgoals"]] == list(
            goal.subgoals.order_by("code").values_list("code", flat=True)
        )


def test_a_goal_lists_its_indicators(seeded: None, api: Client) -> None:
    goal = get_json(api, f"{API}/goals/1")
    expected = set(Indicator.objects.filter(goal__number=1).values_list("code", flat=True))
    assert {i["code"] for i in goal["indicators"]} == expected
    assert goal["web_url"].endswith("/mal/1/")


def test_the_twenty_subgoals_come_with_benefit_objectives_and_groupings(
    seeded: None, api: Client
) -> None:
    page = get_json(api, f"{API}/subgoals")
    assert page["count"] == SubGoal.objects.count() == 20
    for item in page["items"]:
        subgoal = SubGoal.objects.get(code=item["code"])
        assert item["benefit_objectives"] == [b.text for b in subgoal.benefit_objectives.all()]
        assert [g["title"] for g in item["groupings"]] == [g.title for g in subgoal.groupings.all()]
    assert any(item["benefit_objectives"] for item in page["items"])
    assert any(item["groupings"] for item in page["items"])


def test_a_subgoal_is_found_by_its_code_in_any_case(seeded: None, api: Client) -> None:
    subgoal = get_json(api, f"{API}/subgoals/2b")
    assert subgoal["code"] == "2B"
    active = Initiative.objects.filter(subgoal__code="2B", retired_in__isnull=True).count()
    assert subgoal["initiative_count"] == active


def test_all_263_initiatives_come_page_by_page_without_repeats(seeded: None, api: Client) -> None:
    items = every_item(api, f"{API}/initiatives?limit=100")
    ids = [i["external_id"] for i in items]
    assert len(ids) == len(set(ids)) == 263
    assert set(ids) == set(
        Initiative.objects.filter(retired_in__isnull=True).values_list("external_id", flat=True)
    )


def test_pages_link_to_their_neighbours_in_body_and_header(seeded: None, api: Client) -> None:
    response = api.get(f"{API}/initiatives?limit=100&offset=100&status=planned")
    page = response.json()
    assert page["offset"] == 100 and page["limit"] == 100
    assert "offset=200" in page["next"] and "status=planned" in page["next"]
    assert "offset=0" in page["previous"]
    assert f'<{page["next"]}>; rel="next"' in response["Link"]
    assert f'<{page["previous"]}>; rel="prev"' in response["Link"]
    last = get_json(api, f"{API}/initiatives?limit=100&offset=200")
    assert last["next"] is None and len(last["items"]) == 63


@pytest.mark.parametrize(
    "query",
    [
        "",
        "mal=2",
        "delmal=1A",
        "fase=4",
        "status=tentative",
        "mal=2&fase=4&status=planned",
        "q=helsenorge",
        "q=ØVRIGE",
        "tema=digital-sikkerhet",
    ],
)
def test_the_filters_give_the_same_initiatives_in_the_same_order_as_the_roadmap_page(
    seeded: None, api: Client, query: str
) -> None:
    page = api.get(f"/veikart/?{query}")
    expected = [i.external_id for i in page.context["page_obj"].paginator.object_list]
    items = every_item(api, f"{API}/initiatives?limit=200&{query}")
    assert [i["external_id"] for i in items] == expected


def test_owner_and_user_group_filters_match_the_roadmap_page(seeded: None, api: Client) -> None:
    owner = Organisation.objects.filter(initiatives__isnull=False).order_by("key").first()
    group = Initiative.user_groups.through.objects.first().usergroup  # type: ignore[union-attr]
    for query in (f"eier={owner.slug}", f"brukergruppe={group.slug}"):  # type: ignore[union-attr]
        expected = [
            i.external_id
            for i in api.get(f"/veikart/?{query}").context["page_obj"].paginator.object_list
        ]
        items = every_item(api, f"{API}/initiatives?limit=200&{query}")
        assert expected and [i["external_id"] for i in items] == expected


def test_an_initiative_has_its_owners_and_deliveries(
    seeded: None, api: Client, owned_initiative: Initiative
) -> None:
    Delivery.objects.create(
        initiative=owned_initiative, title="Pilot i to kommuner", kind=Delivery.Kind.PROVISIONAL
    )
    detail = get_json(api, f"{API}/initiatives/{owned_initiative.external_id}")
    assert detail["external_id"] == owned_initiative.external_id
    assert {o["slug"] for o in detail["owners"]} == set(
        owned_initiative.owners.values_list("slug", flat=True)
    )
    [delivery] = detail["deliveries"]
    assert delivery["title"] == "Pilot i to kommuner"
    assert delivery["url"].endswith(
        f"/initiatives/{owned_initiative.external_id}/deliveries/{delivery['id']}"
    )
    assert get_json(api, delivery["url"])["version"] == 1


def test_indicators_mark_example_figures_so_they_cannot_pass_for_published_ones(
    seeded: None, api: Client
) -> None:
    example = Target.objects.filter(is_example=True).select_related("indicator").first()
    assert example is not None
    detail = get_json(api, f"{API}/indicators/{example.indicator.code}")
    assert detail["example_data"] is True
    assert "eksempeldata" in detail["example_data_notice"]
    target = next(t for t in detail["targets"] if t["period"] == example.period)
    assert target["is_example"] is True
    assert target["value"] == float(example.value)
    listing = get_json(api, f"{API}/indicators?limit=200")
    assert listing["example_data"] is True
    flagged = {i["code"] for i in listing["items"] if i["example_data"]}
    assert flagged == set(
        Indicator.objects.filter(targets__is_example=True).values_list("code", flat=True)
    )


def test_an_indicator_without_example_figures_says_so(seeded: None, api: Client) -> None:
    indicator = (
        Indicator.objects.exclude(targets__is_example=True)
        .filter(baseline_is_example=False)
        .first()
    )
    assert indicator is not None
    detail = get_json(api, f"{API}/indicators/{indicator.code}")
    assert detail["example_data"] is False
    assert detail["example_data_notice"] is None
    assert len(detail["observations"]) == indicator.observations.count()


def test_an_observation_and_a_target_can_be_fetched_on_their_own(
    seeded: None, api: Client, hdir_indicator: Indicator
) -> None:
    detail = get_json(api, f"{API}/indicators/{hdir_indicator.code}")
    observation = detail["observations"][0]
    assert get_json(api, observation["url"]) == observation
    target = detail["targets"][0]
    assert get_json(api, target["url"]) == target


def test_organisations_themes_and_documents_are_all_there(seeded: None, api: Client) -> None:
    assert get_json(api, f"{API}/organisations")["count"] == Organisation.objects.count()
    assert get_json(api, f"{API}/themes")["count"] == Theme.objects.count()
    assert get_json(api, f"{API}/documents")["count"] == RelatedDocument.objects.count()


def test_an_organisation_lists_what_it_owns_and_answers_for(
    seeded: None, api: Client, hdir: Organisation
) -> None:
    detail = get_json(api, f"{API}/organisations/{hdir.slug}")
    owned = Initiative.objects.filter(owners=hdir, retired_in__isnull=True)
    assert len(detail["initiatives"]) == owned.count() > 0
    assert {i["code"] for i in detail["indicators"]} == set(
        Indicator.objects.filter(responsible=hdir).values_list("code", flat=True)
    )


def test_a_theme_lists_the_subgoals_and_initiatives_it_applies_to(
    seeded: None, api: Client
) -> None:
    theme = Theme.objects.filter(subgoals__isnull=False).first()
    assert theme is not None
    detail = get_json(api, f"{API}/themes/{theme.slug}")
    assert {s["code"] for s in detail["subgoals"]} == set(
        theme.subgoals.values_list("code", flat=True)
    )


@pytest.mark.parametrize("collection", ["initiatives", "indicators", "subgoals", "organisations"])
def test_the_number_of_queries_does_not_grow_with_the_page_size(
    seeded: None, api: Client, collection: str
) -> None:
    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(f"{API}/{collection}?limit={limit}").status_code == 200
        return len(captured)

    assert queries(2) == queries(200)
