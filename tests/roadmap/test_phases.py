import pytest
from hypothesis import given
from hypothesis import strategies as st

from retning.roadmap.phases import Phase, PhaseError, PhaseRange, parse_phase

phase_ranges = st.tuples(st.sampled_from(Phase), st.sampled_from(Phase)).map(
    lambda pair: PhaseRange(min(pair), max(pair))
)


def span(first: Phase, last: Phase | None = None) -> PhaseRange:
    return PhaseRange(first, last if last is not None else first)


def test_phases_are_numbered_in_value_chain_order() -> None:
    assert [int(phase) for phase in Phase] == [1, 2, 3, 4, 5]
    assert Phase.CONCEPT < Phase.DEVELOPMENT < Phase.ADAPTATION < Phase.IMPLEMENTATION
    assert Phase.IMPLEMENTATION < Phase.IN_USE


def test_phases_have_the_roadmaps_norwegian_labels() -> None:
    assert [phase.label for phase in Phase] == [
        "Konsept",
        "Utvikling og begrenset utprøving",
        "Tilpasning og utvidet utprøving",
        "Innføring",
        "I bruk",
    ]
    assert [phase.short_label for phase in Phase] == [
        "Konsept",
        "Utvikling",
        "Tilpasning",
        "Innføring",
        "I bruk",
    ]


def test_a_range_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError):
        PhaseRange(Phase.IMPLEMENTATION, Phase.CONCEPT)


def test_a_range_lists_every_phase_it_covers() -> None:
    assert span(Phase.DEVELOPMENT, Phase.IMPLEMENTATION).phases == (
        Phase.DEVELOPMENT,
        Phase.ADAPTATION,
        Phase.IMPLEMENTATION,
    )
    assert span(Phase.IN_USE).phases == (Phase.IN_USE,)


def test_a_range_knows_whether_it_is_a_single_phase() -> None:
    assert span(Phase.CONCEPT).is_single
    assert not span(Phase.CONCEPT, Phase.DEVELOPMENT).is_single


def test_a_range_supports_membership_checks() -> None:
    covered = span(Phase.DEVELOPMENT, Phase.ADAPTATION)
    assert Phase.ADAPTATION in covered
    assert Phase.IN_USE not in covered


def test_a_single_phase_is_shown_with_its_full_label() -> None:
    assert str(span(Phase.ADAPTATION)) == "Tilpasning og utvidet utprøving"


def test_a_range_is_shown_with_short_labels_joined_by_a_dash() -> None:
    assert str(span(Phase.DEVELOPMENT, Phase.IMPLEMENTATION)) == "Utvikling – innføring"
    assert str(span(Phase.CONCEPT, Phase.IN_USE)) == "Konsept – i bruk"


def test_a_range_is_stored_as_a_short_code() -> None:
    assert span(Phase.DEVELOPMENT, Phase.IMPLEMENTATION).to_code() == "2-4"
    assert span(Phase.IMPLEMENTATION).to_code() == "4"
    assert PhaseRange.from_code("2-4") == span(Phase.DEVELOPMENT, Phase.IMPLEMENTATION)
    assert PhaseRange.from_code(" 4 ") == span(Phase.IMPLEMENTATION)


@pytest.mark.parametrize("code", ["", "0", "6", "4-2", "2-", "1-2-3", "x", "٢"])
def test_it_rejects_a_malformed_code(code: str) -> None:
    with pytest.raises(ValueError):
        PhaseRange.from_code(code)


@pytest.mark.parametrize("phase", list(Phase))
def test_it_reads_the_full_and_short_names(phase: Phase) -> None:
    assert parse_phase(phase.label) == span(phase)
    assert parse_phase(phase.short_label) == span(phase)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tilpasning - innføring", span(Phase.ADAPTATION, Phase.IMPLEMENTATION)),
        ("Utvikling - tilpasning - innføring", span(Phase.DEVELOPMENT, Phase.IMPLEMENTATION)),
        ("Konsept - utvikling", span(Phase.CONCEPT, Phase.DEVELOPMENT)),
        ("Utvikling - innføring", span(Phase.DEVELOPMENT, Phase.IMPLEMENTATION)),
        ("Utvikling – innføring", span(Phase.DEVELOPMENT, Phase.IMPLEMENTATION)),
        ("Utvikling—Tilpasning", span(Phase.DEVELOPMENT, Phase.ADAPTATION)),
        ("  TILPASNING   -   i  bruk ", span(Phase.ADAPTATION, Phase.IN_USE)),
        ("innføring", span(Phase.IMPLEMENTATION)),
        (
            "Utvikling og begrenset utprøving - Innføring",
            span(Phase.DEVELOPMENT, Phase.IMPLEMENTATION),
        ),
    ],
)
def test_it_reads_combined_values_as_a_range(text: str, expected: PhaseRange) -> None:
    assert parse_phase(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Konsept / mandat", Phase.CONCEPT),
        ("KONSEPT/MANDAT", Phase.CONCEPT),
        ("Ny praksis i bruk", Phase.IN_USE),
        ("NY PRAKSIS I BRUK", Phase.IN_USE),
    ],
)
def test_it_accepts_the_strategy_documents_names_as_aliases(text: str, expected: Phase) -> None:
    assert parse_phase(text) == span(expected)


def test_it_ignores_invisible_characters() -> None:
    text = "\ufeffTil\u00adpasning\u200b \u200c- Inn\u2060før\u200ding"
    assert parse_phase(text) == span(Phase.ADAPTATION, Phase.IMPLEMENTATION)


def test_the_error_shows_the_value_without_invisible_characters() -> None:
    with pytest.raises(PhaseError, match="«Pilotering»"):
        parse_phase("Pilo\u00adtering\u200b")


@pytest.mark.parametrize("text", ["", "   ", "\u200b", "\u00ad \n"])
def test_an_empty_value_means_no_phase(text: str) -> None:
    assert parse_phase(text) is None


def test_an_unknown_value_is_named_in_a_norwegian_error() -> None:
    with pytest.raises(PhaseError) as error:
        parse_phase("Pilotering")
    message = str(error.value)
    assert "«Pilotering»" in message
    assert "Ukjent veikartfase" in message
    for phase in Phase:
        assert phase.label in message


def test_a_phase_error_is_a_value_error() -> None:
    assert issubclass(PhaseError, ValueError)


@pytest.mark.parametrize(
    "text",
    ["Innføring - konsept", "Tilpasning - utvikling - innføring", "Innføring - innføring"],
)
def test_it_rejects_phases_out_of_value_chain_order(text: str) -> None:
    with pytest.raises(PhaseError, match="rekkefølge"):
        parse_phase(text)


@pytest.mark.parametrize("text", ["Konsept -", "- Innføring", "Konsept - - Innføring"])
def test_it_rejects_a_combination_with_an_empty_part(text: str) -> None:
    with pytest.raises(PhaseError):
        parse_phase(text)


@given(phase_ranges)
def test_a_range_survives_a_round_trip_through_its_code(phase_range: PhaseRange) -> None:
    assert PhaseRange.from_code(phase_range.to_code()) == phase_range


@given(phase_ranges)
def test_a_range_survives_a_round_trip_through_its_label(phase_range: PhaseRange) -> None:
    assert parse_phase(str(phase_range)) == phase_range


@given(st.text())
def test_parsing_any_text_gives_a_range_none_or_a_phase_error(text: str) -> None:
    try:
        result = parse_phase(text)
    except PhaseError:
        return
    assert result is None or isinstance(result, PhaseRange)
