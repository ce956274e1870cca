"""Mistakes are explained in Norwegian next to the field, listed at the top, and nothing is saved."""

import re
from datetime import date

from django.urls import reverse

from retning.actors.models import Organisation
from retning.roadmap.models import Delivery, Initiative

from .conftest import People, Scene, client_for
from .html_forms import form_data


def _field_error(html: str, field_id: str) -> str:
    """The validation message linked to the input ``field_id``, checked to be wired up for screen readers."""
    tag = re.search(rf'<(?:input|select|textarea)[^>]*id="{field_id}"[^>]*>', html)
    assert tag, f"no input {field_id}"
    assert 'aria-invalid="true"' in tag.group(0)
    described = re.search(r'aria-describedby="([^"]*)"', tag.group(0))
    assert described and f"{field_id}_error" in described.group(1).split()
    message = re.search(
        rf'<p class="ds-validation-message"[^>]*id="{field_id}_error">(.*?)</p>', html
    )
    assert message, f"no message for {field_id}"
    return message.group(1)


def _summary_links(html: str) -> list[str]:
    summary = html.split('class="ds-error-summary"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'href="#([^"]+)"', summary)


def test_an_end_date_before_the_start_date_is_explained_next_to_the_end_date(
    scene: Scene, people: People
) -> None:
    client = client_for(people.reporter_own)
    url = reverse("editing:initiative_edit", args=[scene.initiative.external_id])
    data = form_data(client.get(url).content.decode(), "edit-form")
    data.update({"start_date": ["2027-05-01"], "end_date": ["2026-01-31"], "title": ["Ny"]})

    response = client.post(url, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert _field_error(html, "id_end_date") == "Sluttdato kan ikke være før startdato."
    assert "id_end_date" in _summary_links(html)
    assert Initiative.objects.get(pk=scene.initiative.pk).title == scene.initiative.title


def test_an_invalid_organisation_number_is_explained_next_to_the_field(
    scene: Scene, people: People
) -> None:
    client = client_for(people.secretariat)
    url = reverse("editing:organisation_edit", args=[scene.owner.slug])
    data = form_data(client.get(url).content.decode(), "edit-form")
    data["org_number"] = ["983 544 623"]

    html = client.post(url, data).content.decode()

    message = _field_error(html, "id_org_number")
    assert "ikke et gyldig organisasjonsnummer" in message
    assert "kontrollsifferet stemmer ikke" in message
    assert Organisation.objects.get(pk=scene.owner.pk).org_number == scene.owner.org_number


def test_an_organisation_number_with_spaces_is_stored_as_nine_digits(
    scene: Scene, people: People
) -> None:
    client = client_for(people.secretariat)
    url = reverse("editing:organisation_edit", args=[scene.owner.slug])
    data = form_data(client.get(url).content.decode(), "edit-form")
    spaced = " ".join(
        [scene.owner.org_number[:3], scene.owner.org_number[3:6], scene.owner.org_number[6:]]
    )
    data.update({"org_number": [spaced], "description": ["Ny beskrivelse"]})

    assert client.post(url, data).status_code == 302
    assert Organisation.objects.get(pk=scene.owner.pk).org_number == scene.owner.org_number


def test_an_organisation_number_is_checked_as_soon_as_the_field_is_left(
    scene: Scene, people: People
) -> None:
    client = client_for(people.secretariat)
    url = reverse("editing:organisation_edit", args=[scene.owner.slug])
    data = form_data(client.get(url).content.decode(), "edit-form")
    data.update({"org_number": ["12345"], "_validate": ["org_number"]})

    response = client.post(url, data, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith(
        '<div class="ds-field editing-field" id="id_org_number_container"'
    )
    assert "nøyaktig ni sifre" in _field_error(html, "id_org_number")
    assert Organisation.objects.get(pk=scene.owner.pk).version == scene.owner.version


def test_an_observation_period_that_cannot_be_read_is_explained(
    scene: Scene, people: People
) -> None:
    client = client_for(people.data_steward)
    url = reverse("editing:observation_add", args=[scene.indicator.code])
    data = form_data(client.get(url).content.decode(), "edit-form")
    data.update({"period": ["2024X1"], "value": ["3"]})

    html = client.post(url, data).content.decode()

    assert "er ikke en gyldig periode" in _field_error(html, "id_period")


def test_a_second_observation_for_the_same_period_is_refused_politely(
    scene: Scene, people: People
) -> None:
    client = client_for(people.data_steward)
    url = reverse("editing:observation_add", args=[scene.indicator.code])
    data = form_data(client.get(url).content.decode(), "edit-form")
    data.update({"period": [scene.observation.period], "value": ["3"]})

    html = client.post(url, data).content.decode()

    assert "Det finnes allerede en måling for" in _field_error(html, "id_period")


def test_a_new_delivery_row_without_a_title_is_explained_in_that_row(
    scene: Scene, people: People
) -> None:
    client = client_for(people.reporter_own)
    url = reverse("editing:initiative_edit", args=[scene.initiative.external_id])
    data = form_data(client.get(url).content.decode(), "edit-form")
    data.update({"deliveries-0-kind": ["available"], "deliveries-0-planned_date": ["2027-01-01"]})

    html = client.post(url, data).content.decode()

    assert _field_error(html, "id_deliveries-0-title") == "Feltet er påkrevet."
    assert any(
        "Leveranser, rad 1" in item
        for item in re.findall(
            r'<li><a class="ds-link" href="#id_deliveries-0-title">([^<]*)', html
        )
    )
    assert not Delivery.objects.filter(initiative=scene.initiative).exists()


def test_a_reporter_cannot_change_owners_even_by_posting_them(scene: Scene, people: People) -> None:
    client = client_for(people.reporter_own)
    url = reverse("editing:initiative_edit", args=[scene.initiative.external_id])
    html = client.get(url).content.decode()
    assert 'name="owners"' not in html
    data = form_data(html, "edit-form")
    data.update({"owners": [str(scene.other.pk)], "title": ["Ny tittel"]})

    assert client.post(url, data).status_code == 302
    owners = set(Initiative.objects.get(pk=scene.initiative.pk).owners.all())
    assert owners == set(scene.initiative.owners.all())


def test_a_row_can_be_added_without_javascript(scene: Scene, people: People) -> None:
    client = client_for(people.reporter_own)
    url = reverse("editing:initiative_edit", args=[scene.initiative.external_id])
    data = form_data(client.get(url).content.decode(), "edit-form")
    data["deliveries-0-title"] = ["Første"]
    data["_add_row"] = ["deliveries"]

    response = client.post(url, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="deliveries-1-title"' in html
    assert 'value="Første"' in html
    assert not Delivery.objects.filter(initiative=scene.initiative).exists()


def test_htmx_adds_a_numbered_row_and_updates_the_row_count(scene: Scene, people: People) -> None:
    client = client_for(people.reporter_own)
    url = reverse("editing:delivery_row", args=[scene.initiative.external_id])

    html = client.get(
        url, {"deliveries-TOTAL_FORMS": "3"}, headers={"HX-Request": "true"}
    ).content.decode()

    assert 'name="deliveries-3-title"' in html
    assert re.search(r'name="deliveries-TOTAL_FORMS" value="4"[^>]*hx-swap-oob="true"', html)
    assert client.get(url, {"deliveries-TOTAL_FORMS": "x"}).status_code == 400


def test_dates_typed_the_norwegian_way_are_accepted(scene: Scene, people: People) -> None:
    client = client_for(people.reporter_own)
    url = reverse("editing:initiative_edit", args=[scene.initiative.external_id])
    data = form_data(client.get(url).content.decode(), "edit-form")
    data.update({"start_date": ["01.02.2027"], "end_date": ["31.12.2027"]})

    assert client.post(url, data).status_code == 302
    saved = Initiative.objects.get(pk=scene.initiative.pk)
    assert (saved.start_date, saved.end_date) == (date(2027, 2, 1), date(2027, 12, 31))
