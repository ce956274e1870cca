"""Rows of the official export that end before they start stay editable, but no one can make new ones."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F

from retning.roadmap.models import Initiative

pytestmark = pytest.mark.django_db


def _published_backwards() -> Initiative:
    initiative = Initiative.objects.filter(end_date__lt=F("start_date")).first()
    assert initiative is not None, (
        "the default dataset keeps the export's rows with end before start"
    )
    return initiative


def test_an_unchanged_published_date_pair_passes_validation(seeded: None) -> None:
    initiative = _published_backwards()
    initiative.description = "Beskrivelse endret uten å røre datoene."
    initiative.full_clean()  # does not raise


def test_changing_such_dates_to_another_backwards_pair_is_refused(seeded: None) -> None:
    initiative = _published_backwards()
    initiative.end_date -= timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        initiative.full_clean()
    assert "end_date" in refused.value.error_dict


def test_a_new_initiative_that_ends_before_it_starts_is_refused(seeded: None) -> None:
    template = _published_backwards()
    new = Initiative(
        external_id="ny-test-1",
        title="Nytt initiativ",
        subgoal=template.subgoal,
        start_date=template.start_date,
        end_date=template.start_date - timedelta(days=30),
    )
    with pytest.raises(ValidationError) as refused:
        new.full_clean()
    assert "end_date" in refused.value.error_dict
