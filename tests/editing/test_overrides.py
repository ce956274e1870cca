"""The secretariat overrides an assessment with a reason; the page shows it as an override."""

from django.urls import reverse

from retning.indicators.models import AssessmentOverride, Observation

from .conftest import People, Scene, client_for
from .html_forms import form_data


def _url(scene: Scene) -> str:
    return reverse("editing:assessment_override", args=[scene.indicator.code])


def _form(client, url: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return form_data(client.get(url).content.decode(), "edit-form")


def test_an_override_is_saved_with_reason_and_shown_next_to_the_computed_result(
    scene: Scene, people: People
) -> None:
    client = client_for(people.secretariat)
    url = _url(scene)
    data = _form(client, url)
    data.update({"status": ["deterioration"], "reason": ["Tallene for 2024 er feilregistrert."]})

    assert client.post(url, data).status_code == 302

    override = AssessmentOverride.objects.get(indicator=scene.indicator)
    assert (override.status, override.created_by) == ("deterioration", people.secretariat)
    record = override.history.get()
    assert (record.history_user, record.history_change_reason) == (
        people.secretariat,
        "Tallene for 2024 er feilregistrert.",
    )
    html = client_for(None).get(scene.indicator.get_absolute_url()).content.decode()
    assert "Overstyrt av sekretariatet" in html
    assert "Tallene for 2024 er feilregistrert." in html
    assert "Beregnet vurdering:" in html


def test_an_override_without_a_reason_is_refused_in_norwegian(scene: Scene, people: People) -> None:
    client = client_for(people.secretariat)
    url = _url(scene)
    data = _form(client, url)
    data.update({"status": ["on_track"], "reason": ["   "]})

    response = client.post(url, data)

    assert response.status_code == 400
    assert "Skriv en begrunnelse" in response.content.decode()
    assert not AssessmentOverride.objects.filter(indicator=scene.indicator).exists()


def test_a_breakdown_series_can_be_overridden_on_its_own(scene: Scene, people: People) -> None:
    Observation.objects.create(
        indicator=scene.indicator,
        period="2023",
        value=10,
        breakdown_dimension="region_county",
        breakdown_value="03",
    )
    client = client_for(people.secretariat)
    url = _url(scene)
    data = _form(client, url)
    data.update(
        {"series": ["region_county::03"], "status": ["on_track"], "reason": ["Kjent etterslep."]}
    )

    assert client.post(url, data).status_code == 302

    override = AssessmentOverride.objects.get(indicator=scene.indicator)
    assert (override.breakdown_dimension, override.breakdown_value) == ("region_county", "03")


def test_choosing_the_computed_assessment_removes_the_override(
    scene: Scene, people: People
) -> None:
    AssessmentOverride.objects.create(indicator=scene.indicator, status="on_track", reason="Før.")
    client = client_for(people.secretariat)
    url = _url(scene)
    data = _form(client, url)
    data.update({"status": [""], "reason": ["Ikke lenger nødvendig."]})

    assert client.post(url, data).status_code == 302

    assert not AssessmentOverride.objects.filter(indicator=scene.indicator).exists()
    removal = AssessmentOverride.history.filter(history_type="-").get()
    assert removal.history_change_reason == "Ikke lenger nødvendig."


def test_only_the_secretariat_sees_the_link_to_override(scene: Scene, people: People) -> None:
    url = scene.indicator.get_absolute_url()
    link = reverse("editing:assessment_override", args=[scene.indicator.code])
    assert link in client_for(people.secretariat).get(url).content.decode()
    assert link not in client_for(people.data_steward).get(url).content.decode()
    assert link not in client_for(None).get(url).content.decode()
