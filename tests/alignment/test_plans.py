"""Registering plans and items through the pages: links, permissions and refused stale edits."""

from typing import Any

from django.urls import reverse

from retning.alignment.models import ActorPlan, PlanItem, PlanItemGoalLink
from retning.roadmap.models import Initiative

from .conftest import DIRECT, SUPPORT, Orgs, People, client_for, goal, make_plan, subgoal


def plan_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Regional utviklingsplan 2024–2027",
        "period_start": "2024",
        "period_end": "2027",
        "url": "https://example.no/plan",
        "status": "adopted",
    }
    return {**data, **overrides}


def item_data(**overrides: Any) -> dict[str, Any]:
    return {"kind": "goal", "title": "Felles journal i regionen", "description": "", **overrides}


def test_reporter_registers_a_plan_for_own_organisation(people: People, orgs: Orgs) -> None:
    client = client_for(people.reporter_own)
    response = client.post(reverse("alignment:plan_add", args=[orgs.own.slug]), plan_data())
    plan = ActorPlan.objects.get(organisation=orgs.own)
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.history.first().history_user == people.reporter_own  # type: ignore[attr-defined]


def test_reporter_may_not_register_for_another_organisation(people: People, orgs: Orgs) -> None:
    client = client_for(people.reporter_own)
    response = client.post(reverse("alignment:plan_add", args=[orgs.other.slug]), plan_data())
    assert response.status_code == 403
    assert not ActorPlan.objects.exists()


def test_bad_period_gives_a_norwegian_message_and_saves_nothing(people: People, orgs: Orgs) -> None:
    client = client_for(people.secretariat)
    response = client.post(
        reverse("alignment:plan_add", args=[orgs.own.slug]),
        plan_data(period_start="2028", period_end="2024"),
    )
    assert response.status_code == 200
    assert "Perioden kan ikke slutte før den begynner." in response.content.decode()
    assert not ActorPlan.objects.exists()


def test_item_links_to_subgoals_goal_and_initiatives(people: People, orgs: Orgs) -> None:
    plan, _item = make_plan(orgs.own)
    initiative = Initiative.objects.filter(retired_in__isnull=True).order_by("external_id")[0]
    client = client_for(people.reporter_own)
    response = client.post(
        reverse("alignment:item_add", args=[plan.pk]),
        item_data(
            **{
                f"subgoal_{subgoal('1A').pk}": DIRECT,
                f"subgoal_{subgoal('2C').pk}": SUPPORT,
                f"goal_{goal(3).pk}": "related",
                "initiatives": [initiative.pk],
            }
        ),
    )
    assert response.status_code == 302
    item = PlanItem.objects.get(title="Felles journal i regionen")
    links = {
        (link.subgoal.code if link.subgoal else f"mål {link.goal.number}", link.strength)  # type: ignore[union-attr]
        for link in item.goal_links.all()
    }
    assert links == {("1A", "direct"), ("2C", "support"), ("mål 3", "related")}
    assert list(item.initiatives.all()) == [initiative]


def test_editing_an_item_replaces_its_links(people: People, orgs: Orgs) -> None:
    _plan, item = make_plan(orgs.own, ("1A", DIRECT), ("1B", DIRECT))
    client = client_for(people.reporter_own)
    response = client.post(
        reverse("alignment:item_edit", args=[item.pk]),
        item_data(
            title=item.title, version=item.version, **{f"subgoal_{subgoal('1B').pk}": SUPPORT}
        ),
    )
    assert response.status_code == 302
    assert list(
        PlanItemGoalLink.objects.filter(item=item).values_list("subgoal__code", "strength")
    ) == [("1B", "support")]
    item.refresh_from_db()
    assert item.version == 2


def test_stale_item_edit_is_refused_and_changes_nothing(people: People, orgs: Orgs) -> None:
    _plan, item = make_plan(orgs.own, ("1A", DIRECT))
    stale_version = item.version
    PlanItem.objects.filter(pk=item.pk).update(
        title="Endret av en annen", version=stale_version + 1
    )
    response = client_for(people.secretariat).post(
        reverse("alignment:item_edit", args=[item.pk]),
        item_data(title="Min tittel", version=stale_version),
    )
    assert response.status_code == 409
    assert "Noen andre lagret endringer" in response.content.decode()
    item.refresh_from_db()
    assert item.title == "Endret av en annen"
    assert list(item.goal_links.values_list("subgoal__code", flat=True)) == ["1A"]


def test_stale_plan_edit_is_refused(people: People, orgs: Orgs) -> None:
    plan, _item = make_plan(orgs.own)
    ActorPlan.objects.filter(pk=plan.pk).update(title="Nyere tittel", version=plan.version + 1)
    response = client_for(people.reporter_own).post(
        reverse("alignment:plan_edit", args=[plan.pk]),
        plan_data(title="Eldre tittel", version=plan.version),
    )
    assert response.status_code == 409
    plan.refresh_from_db()
    assert plan.title == "Nyere tittel"


def test_organisation_page_shows_plans_and_coverage(people: People, orgs: Orgs) -> None:
    make_plan(orgs.own, ("1A", DIRECT), ("4B", SUPPORT))
    html = client_for(None).get(orgs.own.get_absolute_url()).content.decode()
    assert "Utviklingsplan" in html
    assert "dekker 2 av" in html
    assert "Registrer en plan" not in html
    html = client_for(people.reporter_own).get(orgs.own.get_absolute_url()).content.decode()
    assert "Registrer en plan" in html


def test_matrix_page_names_the_strength_in_text(orgs: Orgs) -> None:
    make_plan(orgs.own, ("1A", DIRECT))
    html = client_for(None).get(reverse("alignment:matrix")).content.decode()
    assert orgs.own.display_name in html
    assert "Direkte bidrag" in html
    assert "Slik beregnes samsvaret" in html


def test_reporter_deletes_an_item_and_a_stale_delete_is_refused(people: People, orgs: Orgs) -> None:
    _plan, item = make_plan(orgs.own, ("1A", DIRECT))
    client = client_for(people.reporter_own)
    url = reverse("alignment:item_delete", args=[item.pk])
    PlanItem.objects.filter(pk=item.pk).update(version=item.version + 1)
    response = client.post(url, {"version": item.version})
    assert "Ingenting er slettet" in response.content.decode()
    assert PlanItem.objects.filter(pk=item.pk).exists()
    assert client.post(url, {"version": item.version + 1}).status_code == 302
    assert not PlanItem.objects.filter(pk=item.pk).exists()
    assert not PlanItemGoalLink.objects.filter(item_id=item.pk).exists()
    assert client_for(people.reporter_other).post(url, {"version": 1}).status_code == 404


def test_matrix_links_to_secretariat_pages_only_for_the_secretariat(people: People) -> None:
    anonymous = client_for(None).get(reverse("alignment:matrix")).content.decode()
    assert reverse("alignment:gaps") not in anonymous
    secretariat = client_for(people.secretariat).get(reverse("alignment:matrix")).content.decode()
    for name in ("alignment:gaps", "alignment:annual_report_index", "alignment:watch_list"):
        assert reverse(name) in secretariat
