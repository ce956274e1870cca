"""The assessment on indicator pages, roll-ups on goal pages and the methodology page."""

from decimal import Decimal

import pytest
from django.test import Client

from retning.indicators.models import AssessmentOverride, Indicator, Observation

CODE = "INNB-DIGITAL-CONTACT"


def _indicator() -> Indicator:
    return Indicator.objects.get(code=CODE)


def test_the_indicator_page_says_why_the_seeded_series_cannot_be_assessed(
    seeded: None, client: Client
) -> None:
    html = client.get(f"/indikatorer/{CODE}/").content.decode()
    assert "kan ikke vurderes" in html
    assert "Det finnes ingen måling etter utgangsverdien (2023) ennå." in html
    assert 'href="/metode/"' in html


def test_the_indicator_page_shows_a_hand_checked_assessment_and_its_inputs(
    seeded: None, client: Client
) -> None:
    Observation.objects.create(indicator=_indicator(), period="2024", value=Decimal(60))
    html = client.get(f"/indikatorer/{CODE}/").content.decode()
    # (60/57) − 1 = 5.3 % a year; (75/57)^(1/7) − 1 = 4.0 % a year; ratio 1.32 ≥ 0.95.
    assert "i rute" in html
    assert "5,3\u00a0%" in html
    assert "4,0\u00a0%" in html
    assert "1,32" in html
    assert "Eksempeldata" in html  # the target is still example data


def test_the_english_page_explains_the_assessment_in_english(seeded: None, client: Client) -> None:
    Observation.objects.create(indicator=_indicator(), period="2024", value=Decimal(60))
    html = client.get(f"/en/indikatorer/{CODE}/").content.decode()
    assert "on track" in html
    assert "The value went from 57" in html


def test_an_override_is_shown_as_an_override_with_its_reason(seeded: None, client: Client) -> None:
    AssessmentOverride.objects.create(
        indicator=_indicator(), status="needs_acceleration", reason="Ny metode fra 2024."
    )
    html = client.get(f"/indikatorer/{CODE}/").content.decode()
    assert "Overstyrt av sekretariatet" in html
    assert "Ny metode fra 2024." in html
    assert "framgang, men tempoet må økes" in html
    assert "Beregnet vurdering: kan ikke vurderes." in html


def test_breakdown_series_get_a_selector_sparklines_and_a_table(
    seeded: None, client: Client
) -> None:
    indicator = _indicator()
    for year, value in [("2021", 40), ("2023", 30)]:
        for county in ("03", "46"):
            Observation.objects.create(
                indicator=indicator,
                period=year,
                value=Decimal(value),
                breakdown_dimension="region_county",
                breakdown_value=county,
            )
    response = client.get(f"/indikatorer/{CODE}/?inndeling=region_county")
    html = response.content.decode()
    assert 'name="inndeling"' in html
    assert response.context["breakdown_chosen"] == "region_county"
    assert [b["series"].breakdown_value for b in response.context["breakdown_series"]] == [
        "03",
        "46",
    ]
    assert all(b["status"] == "deterioration" for b in response.context["breakdown_series"])
    assert html.count("<svg") >= 3


@pytest.mark.parametrize("url", ["/", "/mal/1/"])
def test_rollups_count_series_per_status_in_words(seeded: None, client: Client, url: str) -> None:
    AssessmentOverride.objects.create(
        indicator=_indicator(), status="target_met", reason="Prøve på opptelling."
    )
    html = client.get(url).content.decode()
    assert "Vurdering av" in html
    assert "målet er nådd" in html


def test_a_subgoal_page_shows_the_rollup_of_its_indicators(seeded: None, client: Client) -> None:
    indicator = Indicator.objects.filter(subgoal__isnull=False).select_related("subgoal").first()
    assert indicator is not None
    response = client.get(indicator.subgoal.get_absolute_url())
    assert response.context["assessment_rollup"]["total"] >= 1


@pytest.mark.parametrize("language", ["", "/en"])
def test_the_methodology_page_gives_the_formulas(
    seeded: None, client: Client, language: str
) -> None:
    html = client.get(f"{language}/metode/").content.decode()
    assert "CAGR" in html
    assert "1/(t<sub>" in html
    assert "eksport.csv" in html
    assert ("on track" if language else "i rute") in html
