"""A plan item no national initiative reflects becomes a proposed council case, once."""

from django.urls import reverse

from retning.alignment import services
from retning.council.models import Case

from .conftest import DIRECT, Orgs, People, client_for, make_plan
from .test_gap_analysis import new_subgoal


def test_secretariat_turns_an_unreflected_item_into_a_proposed_case(
    people: People, orgs: Orgs
) -> None:
    new_subgoal()
    _plan, item = make_plan(orgs.own, ("5Z", DIRECT))
    client = client_for(people.secretariat)
    page = client.get(reverse("alignment:unreflected")).content.decode()
    assert item.title in page and "Foreslå som sak" in page
    response = client.post(reverse("alignment:item_propose", args=[item.pk]))
    assert response.status_code == 302
    case = Case.objects.get(proposing_organisation=orgs.own)
    assert case.status == Case.Status.PROPOSED
    assert case.body.short_name == "NUIT"
    assert item.title in case.title
    assert [sg.code for sg in case.subgoals.all()] == ["5Z"]
    item.refresh_from_db()
    assert item.proposed_case == case


def test_an_item_is_proposed_only_once(people: People, orgs: Orgs) -> None:
    _plan, item = make_plan(orgs.own)
    client = client_for(people.secretariat)
    client.post(reverse("alignment:item_propose", args=[item.pk]))
    response = client.post(reverse("alignment:item_propose", args=[item.pk]), follow=True)
    assert "allerede foreslått" in response.content.decode()
    assert Case.objects.filter(proposing_organisation=orgs.own).count() == 1


def test_reporter_cannot_propose_and_sees_no_button(people: People, orgs: Orgs) -> None:
    _plan, item = make_plan(orgs.own)
    client = client_for(people.reporter_own)
    assert "Foreslå som sak" not in client.get(reverse("alignment:unreflected")).content.decode()
    assert client.post(reverse("alignment:item_propose", args=[item.pk])).status_code == 403
    assert not Case.objects.filter(proposing_organisation=orgs.own).exists()


def test_service_refuses_second_proposal(people: People, orgs: Orgs) -> None:
    import pytest
    from django.core.exceptions import ValidationError

    _plan, item = make_plan(orgs.own)
    services.item_propose_case(item=item, user=people.secretariat)
    with pytest.raises(ValidationError):
        services.item_propose_case(item=item, user=people.secretariat)
