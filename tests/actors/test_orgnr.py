import pytest
from hypothesis import given
from hypothesis import strategies as st

from retning.actors import orgnr


def test_it_accepts_helsedirektoratets_number() -> None:
    assert orgnr.validate("983544622") == "983544622"


def test_it_accepts_the_number_with_spaces() -> None:
    assert orgnr.validate("983 544 622") == "983544622"


def test_it_rejects_a_wrong_check_digit() -> None:
    with pytest.raises(orgnr.InvalidOrganisationNumber, match="kontrollsifferet"):
        orgnr.validate("983544623")


@pytest.mark.parametrize("value", ["98354462", "9835446220", "98354462x", "", "٩٨٣٥٤٤٦٢٢"])
def test_it_rejects_anything_but_nine_ascii_digits(value: str) -> None:
    with pytest.raises(orgnr.InvalidOrganisationNumber, match="ni sifre"):
        orgnr.validate(value)


def test_numbers_whose_remainder_is_one_have_no_valid_check_digit() -> None:
    # Where the weighted sum leaves remainder 1, the check would be 10: no such number is issued.
    first_eight = next(
        f"{n:08d}" for n in range(10_000_000, 10_100_000) if orgnr.check_digit(f"{n:08d}") is None
    )
    assert all(not orgnr.is_valid(first_eight + str(d)) for d in range(10))


@given(st.integers(min_value=0, max_value=99_999_999))
def test_exactly_one_or_no_check_digit_completes_eight_digits(n: int) -> None:
    first_eight = f"{n:08d}"
    valid = [d for d in range(10) if orgnr.is_valid(first_eight + str(d))]
    expected = orgnr.check_digit(first_eight)
    assert valid == ([] if expected is None else [expected])


@given(st.integers(min_value=0, max_value=99_999_999), st.integers(0, 8), st.integers(1, 9))
def test_changing_one_digit_of_a_valid_number_makes_it_invalid(
    n: int, pos: int, delta: int
) -> None:
    first_eight = f"{n:08d}"
    check = orgnr.check_digit(first_eight)
    if check is None:
        return
    number = list(first_eight + str(check))
    number[pos] = str((int(number[pos]) + delta) % 10)
    assert not orgnr.is_valid("".join(number))
