"""The API's language choice from Accept-Language: bokmål unless English is preferred."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retning.api.negotiation import preferred_language


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "nb"),
        ("", "nb"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("nb-NO,nb;q=0.9,en;q=0.8", "nb"),
        ("no,en;q=0.5", "nb"),
        ("nn", "nb"),
        ("en;q=0.4,nb;q=0.6", "nb"),
        ("nb;q=0.4,en;q=0.6", "en"),
        ("de,en;q=0.7", "en"),
        ("de,fr", "nb"),
        ("*", "nb"),
        ("en;q=0", "nb"),
        ("en;q=abc", "nb"),
        ("en;q=7", "nb"),
        ("en, nb", "en"),
        ("nb, en", "nb"),
    ],
)
def test_it_picks_the_language_the_client_ranks_highest(header: str | None, expected: str) -> None:
    assert preferred_language(header) == expected


@given(st.text())
def test_it_never_fails_and_always_answers_nb_or_en(header: str) -> None:
    assert preferred_language(header) in {"nb", "en"}


@given(
    st.floats(min_value=0.001, max_value=1.0),
    st.floats(min_value=0.001, max_value=1.0),
    st.sampled_from(["nb", "no", "nn", "nb-NO"]),
)
def test_english_wins_exactly_when_it_has_the_higher_quality(
    english: float, norwegian: float, tag: str
) -> None:
    header = f"en;q={english:.3f}, {tag};q={norwegian:.3f}"
    expected = "en" if round(english, 3) > round(norwegian, 3) else "nb"
    # On a tie the first listed (English here) wins, as the client named it first.
    if round(english, 3) == round(norwegian, 3):
        expected = "en"
    assert preferred_language(header) == expected
