from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retning.indicators.periods import PeriodError, PeriodKind, make_period, parse_period


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024H2", date(2024, 7, 1), date(2024, 12, 31)),
        ("2024T2", date(2024, 5, 1), date(2024, 8, 31)),
        ("2024K1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2024M02", date(2024, 2, 1), date(2024, 2, 29)),
    ],
)
def test_it_knows_where_each_kind_of_period_starts_and_ends(
    code: str, start: date, end: date
) -> None:
    period = parse_period(code)
    assert (period.start, period.end, period.code) == (start, end, code)


@pytest.mark.parametrize(
    ("text", "code"),
    [("2024Q3", "2024K3"), ("2024-03", "2024M03"), (" 2024k1 ", "2024K1"), ("2024M3", "2024M03")],
)
def test_it_writes_accepted_variants_canonically(text: str, code: str) -> None:
    assert parse_period(text).code == code


@pytest.mark.parametrize(
    "text",
    ["", "24", "2024K5", "2024M13", "2024M00", "2024T4", "2024H3", "2024X1", "1800", "2024-13"],
)
def test_it_rejects_impossible_periods_with_a_norwegian_message(text: str) -> None:
    with pytest.raises(PeriodError) as error:
        parse_period(text)
    assert (
        "periode" in str(error.value)
        or "finnes ikke" in str(error.value)
        or "utenfor" in str(error.value)
    )


def test_labels_are_written_for_people() -> None:
    assert parse_period("2024K1").label("nb") == "1. kvartal 2024"
    assert parse_period("2024M03").label("nb") == "mars 2024"
    assert parse_period("2024M03").label("en") == "March 2024"


periods_strategy = st.builds(
    lambda year, kind, data: make_period(
        year, kind, data.draw(st.integers(1, kind.parts_per_year))
    ),
    st.integers(1950, 2090),
    st.sampled_from(list(PeriodKind)),
    st.data(),
)


@given(periods_strategy)
def test_every_period_round_trips_through_its_code(period) -> None:  # type: ignore[no-untyped-def]
    assert parse_period(period.code) == period


@given(periods_strategy, periods_strategy)
def test_ordering_follows_the_start_date(a, b) -> None:  # type: ignore[no-untyped-def]
    if a.start < b.start:
        assert a < b
    assert a.start <= a.end
    assert a.year <= a.midpoint_year < a.year + 1
