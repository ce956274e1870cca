"""Editing delivery dates and dependencies: conflicts, permissions and bad input change nothing."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from retning.roadmap.models import Delivery, Dependency, Initiative

from .conftest import People, Scene, client_for
from .html_forms import form_data


@pytest.fixture
def delivery(scene: Scene) -> Delivery:
    return Delivery.objects.create(
        initiative=scene.initiative,
        title="Test: pilot",
        kind="available",
        planned_date=date(2027, 6, 1),
    )


def _open(client: Client, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content.decode(), "edit-form")


def test_the_owner_sets_a_forecast_and_the_initiative_page_shows_the_slippage(
    delivery: Delivery, people: People, scene: Scene
) -> None:
    client = client_for(people.reporter_own)
    url = reverse("editing:delivery_schedule", args=[delivery.pk])
    data = _open(client, url)
    data["forecast_date"] = ["2027-07-01"]
    response = client.post(url, data)
    assert response.status_code == 302
    stored = Delivery.objects.get(pk=delivery.pk)
    assert stored.forecast_date == date(2027, 7, 1) and stored.version == delivery.version + 1
    assert stored.planned_date == date(2027, 6, 1)  # the plan stays the plan
    page = client.get(scene.initiative.get_absolute_url()).content.decode()
    assert "30 dager forsinket" in page
    assert url in page  # the owner gets a link to change the dates


def test_a_stale_version_gives_a_conflict_and_keeps_the_first_save(
    delivery: Delivery, people: People
) -> None:
    url = reverse("editing:delivery_schedule", args=[delivery.pk])
    first, second = client_for(people.secretariat), client_for(people.reporter_own)
    first_form, second_form = _open(first, url), _open(second, url)
    first_form["forecast_date"] = ["2027-08-01"]
    assert first.post(url, first_form).status_code == 302
    second_form["forecast_date"] = ["2027-12-01"]
    response = second.post(url, second_form)
    assert response.status_code == 409
    assert "Endringene dine er ikke lagret ennå" in response.content.decode()
    assert Delivery.objects.get(pk=delivery.pk).forecast_date == date(2027, 8, 1)


def test_a_deleted_delivery_is_not_found_and_nothing_is_written(
    delivery: Delivery, people: People
) -> None:
    client = client_for(people.reporter_own)
    url = reverse("editing:delivery_schedule", args=[delivery.pk])
    data = _open(client, url)
    Delivery.objects.filter(pk=delivery.pk).delete()
    data["forecast_date"] = ["2027-08-01"]
    assert client.post(url, data).status_code == 404


def test_an_actual_date_in_the_future_is_refused(delivery: Delivery, people: People) -> None:
    client = client_for(people.reporter_own)
    url = reverse("editing:delivery_schedule", args=[delivery.pk])
    data = _open(client, url)
    data["actual_date"] = [(timezone.localdate() + timedelta(days=3)).isoformat()]
    data["forecast_date"] = ["2027-07-01"]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Faktisk dato kan ikke være fram i tid" in response.content.decode()
    stored = Delivery.objects.get(pk=delivery.pk)
    assert stored.actual_date is None and stored.forecast_date is None  # nothing saved


def test_a_reporter_for_another_organisation_gets_403_and_changes_nothing(
    delivery: Delivery, people: People, scene: Scene
) -> None:
    other = client_for(people.reporter_other)
    url = reverse("editing:delivery_schedule", args=[delivery.pk])
    response = other.post(url, {"forecast_date": "2029-01-01", "version": delivery.version})
    assert response.status_code == 403
    assert Delivery.objects.get(pk=delivery.pk).forecast_date is None
    add = reverse("editing:dependency_list", args=[scene.initiative.external_id])
    response = other.post(add, {"prerequisite": scene.foreign_initiative.external_id})
    assert response.status_code == 403
    assert not Dependency.objects.exists()
    # The initiative page offers neither link to them.
    page = other.get(scene.initiative.get_absolute_url()).content.decode()
    assert url not in page and add not in page


# --- Dependencies -------------------------------------------------------------------------------


def _add(client: Client, initiative: Initiative, **values: str) -> tuple[int, str]:
    url = reverse("editing:dependency_list", args=[initiative.external_id])
    data = {"prerequisite": "", "prerequisite_delivery": "", "dependent_delivery": "", "note": ""}
    data.update(values)
    response = client.post(url, data, follow=False)
    return response.status_code, response.content.decode()


def test_the_owner_adds_a_dependency_and_it_shows_on_both_pages(
    scene: Scene, people: People, delivery: Delivery
) -> None:
    client = client_for(people.reporter_own)
    status, _html = _add(
        client,
        scene.initiative,
        prerequisite=scene.foreign_initiative.external_id,
        dependent_delivery=str(delivery.pk),
        note="Test: trenger felles API",
    )
    assert status == 302
    dependency = Dependency.objects.get()
    assert dependency.dependent == scene.initiative
    assert dependency.prerequisite == scene.foreign_initiative
    assert dependency.dependent_delivery == delivery
    needs = client.get(scene.initiative.get_absolute_url()).content.decode()
    needed_by = client.get(scene.foreign_initiative.get_absolute_url()).content.decode()
    assert scene.foreign_initiative.get_absolute_url() in needs
    assert scene.initiative.get_absolute_url() in needed_by


def test_a_dependency_that_would_close_a_cycle_is_refused(scene: Scene, people: People) -> None:
    Dependency.objects.create(dependent=scene.foreign_initiative, prerequisite=scene.initiative)
    status, html = _add(
        client_for(people.secretariat),
        scene.initiative,
        prerequisite=scene.foreign_initiative.external_id,
    )
    assert status == 400
    assert "ville gått i ring" in html and 'class="ds-error-summary"' in html
    assert Dependency.objects.count() == 1


def test_a_delivery_of_another_initiative_is_refused(
    scene: Scene, people: People, delivery: Delivery
) -> None:
    third = Initiative.objects.exclude(pk__in=[scene.initiative.pk, scene.foreign_initiative.pk])[0]
    elsewhere = Delivery.objects.create(initiative=third, title="Test: annet", kind="available")
    status, html = _add(
        client_for(people.secretariat),
        scene.initiative,
        prerequisite=scene.foreign_initiative.external_id,
        prerequisite_delivery=str(elsewhere.pk),
    )
    assert status == 400
    assert "hører til et annet initiativ" in html
    assert not Dependency.objects.exists()


def test_a_duplicate_and_a_dependency_on_itself_are_refused(scene: Scene, people: People) -> None:
    client = client_for(people.secretariat)
    target = scene.foreign_initiative.external_id
    assert _add(client, scene.initiative, prerequisite=target)[0] == 302
    status, html = _add(client, scene.initiative, prerequisite=target)
    assert status == 400 and "allerede registrert" in html
    status, html = _add(client, scene.initiative, prerequisite=scene.initiative.external_id)
    assert status == 400  # not among the choices
    assert Dependency.objects.count() == 1


def test_the_owner_removes_a_dependency_and_a_second_removal_finds_nothing(
    scene: Scene, people: People
) -> None:
    dependency = Dependency.objects.create(
        dependent=scene.initiative, prerequisite=scene.foreign_initiative
    )
    url = reverse("editing:dependency_delete", args=[dependency.pk])
    assert client_for(people.reporter_other).post(url).status_code == 403
    assert Dependency.objects.filter(pk=dependency.pk).exists()
    client = client_for(people.reporter_own)
    assert client.post(url).status_code == 302
    assert not Dependency.objects.filter(pk=dependency.pk).exists()
    assert client.post(url).status_code == 404
