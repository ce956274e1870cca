"""Each indicator's assessment in the API and as a status column on the public indicator list."""

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from retning.indicators import selectors
from retning.indicators.assessment import Status
from retning.indicators.models import AssessmentOverride, Indicator, Observation, Target

from .conftest import API


def get_json(api: Client, url: str) -> Any:
    response = api.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def _assessed_indicator() -> Indicator:
    """A seeded indicator given a headline series and a target that make the maths work."""
    indicator = Indicator.objects.order_by("code").first()
    assert indicator is not None
    Observation.objects.filter(indicator=indicator).delete()
    Target.objects.filter(indicator=indicator).delete()
    Target.objects.create(indicator=indicator, period="2030", value=80, is_example=True)
    for period, value in (("2020", 40), ("2024", 60)):
        Observation.objects.create(indicator=indicator, period=period, value=value)
    return indicator


def test_list_and_detail_give_the_headline_assessment_with_its_inputs(
    seeded: None, api: Client
) -> None:
    indicator = _assessed_indicator()
    expected = selectors.headline_assessment(selectors.indicator_assessments(indicator))
    assert expected is not None and expected.status is not Status.CANNOT_ASSESS

    detail = get_json(api, f"{API}/indicators/{indicator.code}")["assessment"]
    listing = get_json(api, f"{API}/indicators?limit=200")
    listed = next(item for item in listing["items"] if item["code"] == indicator.code)

    assert listed["assessment"] == detail
    assert detail["status"] == expected.status.value
    assert detail["computed_status"] == expected.computed.status.value
    assert detail["method"] == expected.computed.method.value
    assert detail["inputs"]["base_value"] == 40
    assert detail["inputs"]["latest_value"] == 60
    assert detail["overridden"] is False and detail["override_reason"] is None
    assert all(item["assessment"]["status"] in set(Status) for item in listing["items"])


def test_an_indicator_that_cannot_be_assessed_says_why(seeded: None, api: Client) -> None:
    indicator = _assessed_indicator()
    Observation.objects.filter(indicator=indicator, period="2024").delete()

    detail = get_json(api, f"{API}/indicators/{indicator.code}")["assessment"]

    assert detail["status"] == Status.CANNOT_ASSESS.value
    assert detail["reason"] and detail["reason_code"] == "too_few_points"


def test_an_override_is_shown_as_an_override_with_its_reason(seeded: None, api: Client) -> None:
    indicator = _assessed_indicator()
    AssessmentOverride.objects.create(
        indicator=indicator, status=Status.DETERIORATION.value, reason="Kjent brudd i serien."
    )

    detail = get_json(api, f"{API}/indicators/{indicator.code}")["assessment"]

    assert detail["status"] == Status.DETERIORATION.value
    assert detail["computed_status"] != detail["status"]
    assert detail["overridden"] is True and detail["override_reason"] == "Kjent brudd i serien."


def test_the_indicator_list_page_shows_each_status_in_a_fixed_number_of_queries(
    seeded: None, client: Client
) -> None:
    indicator = _assessed_indicator()
    expected = selectors.headline_assessment(selectors.indicator_assessments(indicator))
    assert expected is not None
    with CaptureQueriesContext(connection) as before:
        response = client.get("/indikatorer/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Vurdering" in page
    assert f'data-status="{expected.status.value}"' in page
    assert page.count('data-status="') == Indicator.objects.count()

    for n in range(5):
        Indicator.objects.create(
            code=f"EKSTRA-{n}",
            name=f"Ekstra indikator {n}",
            goal=indicator.goal,
            unit="prosent",
            responsible=indicator.responsible,
        )
    with CaptureQueriesContext(connection) as after:
        assert client.get("/indikatorer/").status_code == 200

    assert len(after.captured_queries) == len(before.captured_queries)
