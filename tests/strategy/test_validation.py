"""Model-level validation gives clear Norwegian messages (what the admin and later forms show)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from retning.actors.models import Organisation
from retning.indicators.models import Indicator, Target
from retning.roadmap.models import Initiative
from retning.strategy.models import Strategy, SubGoal


def messages(error: ValidationError) -> str:
    return " ".join(m for ms in error.message_dict.values() for m in ms)


def test_an_invalid_organisation_number_is_refused(seeded: None) -> None:
    organisation = Organisation(key="X", slug="x", name="X", kind="other", org_number="983544623")
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "kontrollsifferet stemmer ikke" in messages(error.value)


def test_a_real_organisation_number_is_accepted(seeded: None) -> None:
    organisation = Organisation(key="X", slug="x", name="X", kind="other", org_number="983 544 622")
    Organisation.objects.filter(org_number="983544622").update(org_number="")
    organisation.full_clean()
    assert organisation.org_number == "983544622"


def test_a_duplicate_subgoal_code_is_refused(seeded: None) -> None:
    existing = SubGoal.objects.get(code="1A")
    duplicate = SubGoal(strategy=existing.strategy, goal=existing.goal, code="1a", title="Kopi")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "Det finnes allerede et delmål med denne koden." in messages(error.value)


def test_a_subgoal_code_must_start_with_its_goal_number(seeded: None) -> None:
    existing = SubGoal.objects.get(code="1A")
    wrong = SubGoal(strategy=existing.strategy, goal=existing.goal, code="2Q", title="Feil")
    with pytest.raises(ValidationError) as error:
        wrong.full_clean()
    assert "Koden må begynne med nummeret" in messages(error.value)


def test_an_end_date_before_the_start_date_is_refused(seeded: None) -> None:
    initiative = Initiative.objects.exclude(import_warnings__gt="").first()
    assert initiative is not None
    initiative.start_date = date(2027, 1, 1)
    initiative.end_date = date(2026, 1, 1)
    with pytest.raises(ValidationError) as error:
        initiative.full_clean()
    assert "Sluttdato kan ikke være før startdato." in messages(error.value)


def test_a_target_period_outside_the_strategy_is_refused(seeded: None) -> None:
    strategy = Strategy.current()
    assert strategy is not None and (strategy.period_start, strategy.period_end) == (2023, 2030)
    indicator = Indicator.objects.first()
    target = Target(indicator=indicator, period="2035", value=10)
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "utenfor strategiperioden 2023–2030" in messages(error.value)


def test_a_target_with_an_invalid_period_code_is_refused(seeded: None) -> None:
    target = Target(indicator=Indicator.objects.first(), period="2030K9", value=10)
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "finnes ikke" in messages(error.value)
