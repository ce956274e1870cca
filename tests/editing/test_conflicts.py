"""Two people editing the same record: the second save overwrites nothing and loses nothing."""

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from retning.editing import aggregate as aggregate_module
from retning.indicators.models import Observation
from retning.roadmap.models import Delivery, Initiative

from .conftest import People, Scene, client_for
from .html_forms import form_data


def _open(client: Client, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content.decode(), "edit-form")


def _comparison_rows(html: str) -> dict[str, tuple[str, str, bool]]:
    """Label -> (yours, stored, marked as different) from the first comparison table."""
    table = html.split('id="comparison-fields"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        header = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        if header and len(cells) == 2:
            label = re.sub(r"<.*?>.*?</span>", "", header.group(1)).strip()
            rows[label] = (cells[0].strip(), cells[1].strip(), "Ulik" in header.group(1))
    return rows


def _row_of(data: dict[str, list[str]], delivery: Delivery) -> str:
    """The form prefix of the row that edits ``delivery``, such as «deliveries-0»."""
    return next(
        key.removesuffix("-id")
        for key, value in data.items()
        if key.endswith("-id") and value == [str(delivery.pk)]
    )


def test_the_second_of_two_saves_gets_a_conflict_and_the_first_save_is_kept(
    scene: Scene, people: People
) -> None:
    url = reverse("editing:initiative_edit", args=[scene.initiative.external_id])
    first, second = client_for(people.secretariat), client_for(people.reporter_own)
    first_form, second_form = _open(first, url), _open(second, url)
    opened_at = Initiative.objects.get(pk=scene.initiative.pk).version

    first_form["title"] = ["Tittel lagret først"]
    assert first.post(url, first_form).status_code == 302

    second_form["title"] = ["Tittel lagret for sent"]
    second_form["description"] = ["Beskrivelse som ikke må gå tapt."]
    response = second.post(url, second_form)

    assert response.status_code == 409
    stored = Initiative.objects.get(pk=scene.initiative.pk)
    assert (stored.title, stored.version) == ("Tittel lagret først", opened_at + 1)
    assert stored.description != "Beskrivelse som ikke må gå tapt."
    rows = _comparison_rows(response.content.decode())
    assert rows["Tittel"] == ("Tittel lagret for sent", "Tittel lagret først", True)
    assert rows["Beskrivelse"][0] == "Beskrivelse som ikke må gå tapt."
    assert rows["Beskrivelse"][2] is True
    assert rows["Planleggingsstatus"][2] is False


def test_the_conflict_page_offers_the_users_values_on_top_of_the_stored_version(
    scene: Scene, people: People
) -> None:
    url = reverse("editing:initiative_edit", args=[scene.initiative.external_id])
    first, second = client_for(people.secretariat), client_for(people.secretariat)
    first_form, second_form = _open(first, url), _open(second, url)
    first_form["title"] = ["Først"]
    first.post(url, first_form)
    second_form["description"] = ["Min beskrivelse"]
    conflict = second.post(url, second_form)

    again = form_data(conflict.content.decode(), "edit-form")
    current = Initiative.objects.get(pk=scene.initiative.pk)
    assert again["version"] == [str(current.version)]
    assert again["description"] == ["Min beskrivelse"]
    # The user's form still says the old title; saving it now is a deliberate choice.
    again["title"] = ["Først"]
    assert second.post(url, again).status_code == 302
    saved = Initiative.objects.get(pk=scene.initiative.pk)
    assert (saved.title, saved.description) == ("Først", "Min beskrivelse")


def test_two_people_changing_the_same_delivery_do_not_overwrite_each_other(
    scene: Scene, people: People
) -> None:
    delivery = Delivery.objects.create(
        initiative=scene.initiative, title="Pilot", kind="available", planned_date=date(2027, 3, 1)
    )
    url = reverse("editing:initiative_edit", args=[scene.initiative.external_id])
    first, second = client_for(people.reporter_own), client_for(people.secretariat)
    first_form, second_form = _open(first, url), _open(second, url)
    row = _row_of(first_form, delivery)

    first_form[f"{row}-planned_date"] = ["2027-06-01"]
    assert first.post(url, first_form).status_code == 302
    second_form[f"{row}-planned_date"] = ["2028-01-01"]
    response = second.post(url, second_form)

    assert response.status_code == 409
    assert Delivery.objects.get(pk=delivery.pk).planned_date == date(2027, 6, 1)
    html = response.content.decode()
    assert "1. januar 2028" in html and "1. juni 2027" in html


def test_a_row_deleted_by_someone_else_is_shown_and_can_be_saved_again(
    scene: Scene, people: People
) -> None:
    delivery = Delivery.objects.create(initiative=scene.initiative, title="Pilot", kind="available")
    url = reverse("editing:initiative_edit", args=[scene.initiative.external_id])
    client = client_for(people.reporter_own)
    opened = _open(client, url)
    row = _row_of(opened, delivery)
    Delivery.objects.filter(pk=delivery.pk).delete()

    opened[f"{row}-title"] = ["Pilot i to kommuner"]
    response = client.post(url, opened)

    assert response.status_code == 409
    assert "Slettet av noen andre" in response.content.decode()
    again = form_data(response.content.decode(), "edit-form")
    assert client.post(url, again).status_code == 302
    assert list(scene.initiative.deliveries.values_list("title", flat=True)) == [
        "Pilot i to kommuner"
    ]


def test_a_record_deleted_during_the_save_is_reported_with_the_values_the_user_typed(
    scene: Scene, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = reverse("editing:observation_edit", args=[scene.indicator.code, scene.observation.pk])
    client = client_for(people.data_steward)
    opened = _open(client, url)
    real_is_valid = aggregate_module.Aggregate.is_valid

    def deleted_after_validation(self: Any) -> bool:
        valid = real_is_valid(self)
        Observation.objects.filter(pk=scene.observation.pk).delete()
        return valid

    monkeypatch.setattr(aggregate_module.Aggregate, "is_valid", deleted_after_validation)
    opened["note"] = ["En merknad som ikke må forsvinne"]
    response = client.post(url, opened)

    assert response.status_code == 410
    html = response.content.decode()
    assert "Oppføringen er slettet" in html
    assert "En merknad som ikke må forsvinne" in html
    assert not Observation.objects.filter(pk=scene.observation.pk).exists()


def test_deleting_an_observation_someone_changed_meanwhile_asks_again(
    scene: Scene, people: People
) -> None:
    url = reverse("editing:observation_delete", args=[scene.indicator.code, scene.observation.pk])
    client = client_for(people.reporter_own)
    opened = form_data(client.get(url).content.decode(), "delete-form")
    Observation.objects.filter(pk=scene.observation.pk).update(version=99, note="Ny merknad")

    response = client.post(url, opened)

    assert response.status_code == 409
    assert Observation.objects.filter(pk=scene.observation.pk).exists()
    again = form_data(response.content.decode(), "delete-form")
    assert again["version"] == ["99"]
    assert client.post(url, again).status_code == 302
    assert not Observation.objects.filter(pk=scene.observation.pk).exists()
