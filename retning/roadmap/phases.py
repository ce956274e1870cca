"""The five phases of the roadmap's value chain (verdikjede) and ranges of them.

The roadmap export names a phase either by its full label ("Tilpasning og utvidet utprøving"),
by a short word ("Tilpasning"), or as a combination ("Utvikling - tilpasning - innføring"),
which we read as the range from the first to the last named phase.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum
from itertools import pairwise
from typing import Self


class PhaseError(ValueError):
    """A phase value that cannot be understood. The message is meant for the user."""


class Phase(IntEnum):
    CONCEPT = 1
    DEVELOPMENT = 2
    ADAPTATION = 3
    IMPLEMENTATION = 4
    IN_USE = 5

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def short_label(self) -> str:
        return _SHORT_LABELS[self]


_LABELS: dict[Phase, str] = {
    Phase.CONCEPT: "Konsept",
    Phase.DEVELOPMENT: "Utvikling og begrenset utprøving",
    Phase.ADAPTATION: "Tilpasning og utvidet utprøving",
    Phase.IMPLEMENTATION: "Innføring",
    Phase.IN_USE: "I bruk",
}

_SHORT_LABELS: dict[Phase, str] = {
    Phase.CONCEPT: "Konsept",
    Phase.DEVELOPMENT: "Utvikling",
    Phase.ADAPTATION: "Tilpasning",
    Phase.IMPLEMENTATION: "Innføring",
    Phase.IN_USE: "I bruk",
}

# The strategy document writes phases 1 and 5 as "Konsept / mandat" and "Ny praksis i bruk".
_ALIASES: dict[str, Phase] = {
    "konsept / mandat": Phase.CONCEPT,
    "ny praksis i bruk": Phase.IN_USE,
}


def _visible(text: str) -> str:
    # Format characters (soft hyphen, zero-width space, BOM, ...) never belong in a phase name,
    # but they do turn up in exports and would make an otherwise correct value unknown.
    visible = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(unicodedata.normalize("NFC", visible).split())


def _match_key(text: str) -> str:
    key = _visible(text).casefold()
    key = re.sub(r"\s*/\s*", " / ", key)
    return " ".join(key.split())


_NAMES: dict[str, Phase] = {
    **{_match_key(label): phase for phase, label in _LABELS.items()},
    **{_match_key(label): phase for phase, label in _SHORT_LABELS.items()},
    **_ALIASES,
}

# Hyphen, en dash and em dash (and the minus sign, which word processors like to produce).
_SEPARATOR = re.compile(r"[-\u2010\u2011\u2012\u2013\u2014\u2212]")


@dataclass(frozen=True)
class PhaseRange:
    first: Phase
    last: Phase

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise ValueError(f"first phase ({self.first!r}) comes after last phase ({self.last!r})")

    @classmethod
    def single(cls, phase: Phase) -> Self:
        return cls(phase, phase)

    @property
    def phases(self) -> tuple[Phase, ...]:
        return tuple(Phase(value) for value in range(self.first, self.last + 1))

    @property
    def is_single(self) -> bool:
        return self.first == self.last

    def __contains__(self, phase: object) -> bool:
        return isinstance(phase, int) and self.first <= phase <= self.last

    def __str__(self) -> str:
        if self.is_single:
            return self.first.label
        return f"{self.first.short_label} – {self.last.short_label.lower()}"

    def to_code(self) -> str:
        if self.is_single:
            return str(int(self.first))
        return f"{int(self.first)}-{int(self.last)}"

    @classmethod
    def from_code(cls, code: str) -> Self:
        match = re.fullmatch(r"([1-5])(?:-([1-5]))?", code.strip())
        if match is None:
            raise ValueError(f"not a phase code: {code!r}")
        first = Phase(int(match[1]))
        last = Phase(int(match[2])) if match[2] else first
        return cls(first, last)


def allowed_phase_values() -> str:
    """The accepted values, worded for an error message."""
    labels = ", ".join(f"«{label}»" for label in _LABELS.values())
    return f"{labels}, eller en kombinasjon som «Tilpasning - innføring»"


def parse_phase(text: str) -> PhaseRange | None:
    """Read a phase value from the roadmap. Empty text means no phase and gives None."""
    if not _match_key(text):
        return None
    shown = _visible(text)
    phases: list[Phase] = []
    for part in _SEPARATOR.split(text):
        phase = _NAMES.get(_match_key(part))
        if phase is None:
            raise PhaseError(
                f"Ukjent veikartfase «{shown}». Gyldige verdier er {allowed_phase_values()}."
            )
        phases.append(phase)
    if any(later <= earlier for earlier, later in pairwise(phases)):
        raise PhaseError(
            f"Fasene i «{shown}» må stå i verdikjedens rekkefølge (konsept, utvikling, "
            "tilpasning, innføring, i bruk), og hver fase kan bare nevnes én gang."
        )
    return PhaseRange(phases[0], phases[-1])
