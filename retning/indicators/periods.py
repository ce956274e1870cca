"""Reporting periods for indicator data, written the way Statistics Norway codes them.

Canonical codes: ``2024`` (year), ``2024H1`` (half-year), ``2024T2`` (tertial), ``2024K3`` (quarter) and
``2024M03`` (month). ``Q`` is accepted for quarters and ``2024-03`` for months, then written canonically.
"""

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

MIN_YEAR = 1900
MAX_YEAR = 2100

_MONTHS_NB = (
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
)  # fmt: skip
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


class PeriodKind(StrEnum):
    YEAR = "Y"
    HALF = "H"
    TERTIAL = "T"
    QUARTER = "K"
    MONTH = "M"

    @property
    def parts_per_year(self) -> int:
        return {"Y": 1, "H": 2, "T": 3, "K": 4, "M": 12}[self.value]


class PeriodError(ValueError):
    pass


_PATTERN = re.compile(
    r"^(?P<year>\d{4})(?:(?P<kind>[HTKQM])(?P<index>\d{1,2})|-(?P<month>\d{2}))?$", re.IGNORECASE
)


@dataclass(frozen=True, order=True)
class Period:
    year: int
    # Sorting by (year, start month) keeps a year before its own parts and months in calendar order.
    start_month: int
    kind: PeriodKind
    index: int

    @property
    def code(self) -> str:
        if self.kind is PeriodKind.YEAR:
            return str(self.year)
        if self.kind is PeriodKind.MONTH:
            return f"{self.year}M{self.index:02d}"
        return f"{self.year}{self.kind.value}{self.index}"

    @property
    def months(self) -> int:
        return 12 // self.kind.parts_per_year

    @property
    def start(self) -> date:
        return date(self.year, self.start_month, 1)

    @property
    def end(self) -> date:
        last_month = self.start_month + self.months - 1
        return date(self.year, last_month, monthrange(self.year, last_month)[1])

    @property
    def midpoint_year(self) -> float:
        """Position on a continuous time axis in years; the middle of the period."""
        return self.year + (self.start_month - 1 + self.months / 2) / 12

    @property
    def start_year(self) -> float:
        return self.year + (self.start_month - 1) / 12

    def label(self, lang: str = "nb") -> str:
        english = lang.startswith("en")
        match self.kind:
            case PeriodKind.YEAR:
                return str(self.year)
            case PeriodKind.HALF:
                return (
                    f"H{self.index} {self.year}" if english else f"{self.index}. halvår {self.year}"
                )
            case PeriodKind.TERTIAL:
                return (
                    f"T{self.index} {self.year}"
                    if english
                    else f"{self.index}. tertial {self.year}"
                )
            case PeriodKind.QUARTER:
                return (
                    f"Q{self.index} {self.year}"
                    if english
                    else f"{self.index}. kvartal {self.year}"
                )
            case PeriodKind.MONTH:
                names = _MONTHS_EN if english else _MONTHS_NB
                return f"{names[self.index - 1]} {self.year}"

    def __str__(self) -> str:
        return self.code


def make_period(year: int, kind: PeriodKind, index: int = 1) -> Period:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"Året {year} er utenfor det som kan brukes ({MIN_YEAR}–{MAX_YEAR}).")
    if not 1 <= index <= kind.parts_per_year:
        raise PeriodError(
            f"Nummer {index} finnes ikke for denne periodetypen (1–{kind.parts_per_year})."
        )
    months = 12 // kind.parts_per_year
    return Period(year=year, start_month=(index - 1) * months + 1, kind=kind, index=index)


def parse_period(text: str) -> Period:
    cleaned = text.strip()
    match = _PATTERN.match(cleaned)
    if not match:
        raise PeriodError(
            f"«{text}» er ikke en gyldig periode. Bruk for eksempel 2024, 2024H1, 2024T2, "
            "2024K3 eller 2024M03."
        )
    year = int(match["year"])
    if match["month"]:
        return make_period(year, PeriodKind.MONTH, int(match["month"]))
    if not match["kind"]:
        return make_period(year, PeriodKind.YEAR)
    letter = match["kind"].upper()
    kind = PeriodKind.QUARTER if letter == "Q" else PeriodKind(letter)
    return make_period(year, kind, int(match["index"]))


def is_valid_period(text: str) -> bool:
    try:
        parse_period(text)
    except PeriodError:
        return False
    return True
