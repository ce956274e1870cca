"""Phase names live in bokmål in the pure phases module; pages show them in the page's language."""

from itertools import combinations_with_replacement

from django.utils import translation

from retning.publishing.templatetags.retning_tags import phase_label, phase_tag, phase_text
from retning.roadmap.models import PHASE_LABELS, phase_range_label
from retning.roadmap.phases import Phase, PhaseRange

ALL_RANGES = [PhaseRange(first, last) for first, last in combinations_with_replacement(Phase, 2)]


def test_in_bokmal_the_names_read_as_the_phases_module_writes_them() -> None:
    with translation.override("nb"):
        assert [str(PHASE_LABELS[phase]) for phase in Phase] == [phase.label for phase in Phase]
        assert [phase_range_label(phases) for phases in ALL_RANGES] == [
            str(phases) for phases in ALL_RANGES
        ]


def test_in_english_every_phase_and_range_has_an_english_name() -> None:
    with translation.override("en"):
        english = {phases: phase_range_label(phases) for phases in ALL_RANGES}

    assert [phases for phases, name in english.items() if name == str(phases)] == []
    assert english[PhaseRange.single(Phase.CONCEPT)] == "Concept"
    assert english[PhaseRange(Phase.DEVELOPMENT, Phase.IMPLEMENTATION)] == (
        "Development – implementation"
    )


def test_the_phase_tags_of_a_page_use_the_page_language() -> None:
    with translation.override("en"):
        assert "Adaptation – implementation" in phase_tag(
            PhaseRange(Phase.ADAPTATION, Phase.IMPLEMENTATION), 3
        )
        assert "Unknown phase" in phase_tag(None, None)
        assert phase_label(5) == "In use"
        assert phase_text("A label already in words") == "A label already in words"
    with translation.override("nb"):
        assert "Tilpasning – innføring" in phase_tag(
            PhaseRange(Phase.ADAPTATION, Phase.IMPLEMENTATION), 3
        )
