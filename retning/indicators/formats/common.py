"""Plain data shared by the indicator file readers: rows, problems, dimensions and the mapping.

Readers are atomic: a :class:`ParseResult` holds either rows or problems, never both, so a caller
cannot import half a file by mistake.

Every reader also comes as a stream (:class:`RowStream`): rows are produced one at a time while the
file is read, so that a large file never sits in memory as a list of rows. A stream's rows are only
valid once it has been read to the end without problems; a caller that writes rows as they come
must do so inside a transaction it can roll back (as ``indicators.services`` does).
"""

from collections.abc import Callable, Iterable, Iterator
from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

# Observation statuses; the values match ``Observation.Status`` in ``indicators.models``.
STATUS_NORMAL = ""
STATUS_APPROXIMATE = "approximate"
STATUS_PROVISIONAL = "provisional"
STATUS_NOT_AVAILABLE = "not_available"
STATUS_CONFIDENTIAL = "confidential"
STATUSES = frozenset(
    {
        STATUS_NORMAL,
        STATUS_APPROXIMATE,
        STATUS_PROVISIONAL,
        STATUS_NOT_AVAILABLE,
        STATUS_CONFIDENTIAL,
    }
)
# A row without a value must say why; these are the two reasons a value can be missing.
MISSING_VALUE_STATUSES = frozenset({STATUS_NOT_AVAILABLE, STATUS_CONFIDENTIAL})

# Status symbols as data providers write them, with what they mean. The dotted symbols and ":" are
# Statistics Norway's standard table symbols; "p" and "e" are the usual letters for provisional and
# estimated figures (Eurostat's flags), which SSB itself puts in footnotes rather than in cells.
STATUS_SYMBOLS: dict[str, tuple[str, str]] = {
    ".": (STATUS_NOT_AVAILABLE, "Tall kan ikke forekomme"),
    "..": (STATUS_NOT_AVAILABLE, "Tallgrunnlag mangler"),
    "...": (STATUS_NOT_AVAILABLE, "Oppgave mangler foreløpig"),
    ":": (STATUS_CONFIDENTIAL, "Vises ikke av konfidensialitetshensyn"),
    "p": (STATUS_PROVISIONAL, "Foreløpig tall"),
    "e": (STATUS_APPROXIMATE, "Anslått eller omtrentlig tall"),
}
# The symbol written for each status when we export; "." and "..." are read but never written.
SYMBOL_FOR_STATUS: dict[str, str] = {
    STATUS_NOT_AVAILABLE: "..",
    STATUS_CONFIDENTIAL: ":",
    STATUS_PROVISIONAL: "p",
    STATUS_APPROXIMATE: "e",
}

# Words people put in a status column, in Norwegian and English, next to our own codes.
_STATUS_WORDS: dict[str, str] = {
    "": STATUS_NORMAL,
    "ordinær": STATUS_NORMAL,
    "normal": STATUS_NORMAL,
    "approximate": STATUS_APPROXIMATE,
    "omtrentlig": STATUS_APPROXIMATE,
    "anslått": STATUS_APPROXIMATE,
    "estimert": STATUS_APPROXIMATE,
    "provisional": STATUS_PROVISIONAL,
    "foreløpig": STATUS_PROVISIONAL,
    "foreløpige tall": STATUS_PROVISIONAL,
    "foreløpig tall": STATUS_PROVISIONAL,
    "not_available": STATUS_NOT_AVAILABLE,
    "not available": STATUS_NOT_AVAILABLE,
    "ikke tilgjengelig": STATUS_NOT_AVAILABLE,
    "mangler": STATUS_NOT_AVAILABLE,
    "confidential": STATUS_CONFIDENTIAL,
    "skjermet": STATUS_CONFIDENTIAL,
    "konfidensiell": STATUS_CONFIDENTIAL,
    "konfidensielt": STATUS_CONFIDENTIAL,
}

# More problems than this only repeat the same mistake; stop listing them.
MAX_PROBLEMS = 100


def status_from_symbol(symbol: str) -> str | None:
    """Our status for a provider's status symbol, or None when the symbol is unknown."""
    known = STATUS_SYMBOLS.get(symbol.strip())
    return known[0] if known else None


def status_from_text(text: str) -> str | None:
    """Our status for the text of a status column (code, Norwegian word or symbol), or None."""
    cleaned = " ".join(text.split())
    return _STATUS_WORDS.get(cleaned.casefold(), status_from_symbol(cleaned))


@dataclass(frozen=True)
class ObservationRow:
    period: str
    value: Decimal | None
    status: str = STATUS_NORMAL
    # Sorted pairs of breakdown key and category code; empty for the total.
    breakdown: tuple[tuple[str, str], ...] = ()
    source_row: int | None = None
    source_cell: str | None = None
    # The status symbol exactly as the file had it (for example "." or ".."), so its meaning is kept.
    source_status: str = ""

    @property
    def key(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        return (self.period, self.breakdown)


@dataclass(frozen=True)
class Problem:
    row: int | None
    cell: str | None
    message_nb: str

    def __str__(self) -> str:
        parts = [f"Rad {self.row}"] if self.row is not None else []
        if self.cell:
            parts.append(f"celle {self.cell}" if parts else self.cell)
        return f"{', '.join(parts)}: {self.message_nb}" if parts else self.message_nb


@dataclass(frozen=True)
class CategoryInfo:
    code: str
    label: str
    unit: str = ""
    decimals: int | None = None


@dataclass(frozen=True)
class DimensionInfo:
    """A dimension of a JSON-stat dataset, or a column of a table.

    ``role`` is the JSON-stat role ("time", "geo", "metric") or, for tables, what the mapping uses
    the column for ("time", "value", "status", "breakdown", "filter"); empty when neither says.
    ``categories`` may be cut short for table columns with many distinct values.
    """

    id: str
    label: str
    role: str = ""
    categories: tuple[CategoryInfo, ...] = ()
    size: int = 0


@dataclass(frozen=True)
class ParseResult:
    rows: tuple[ObservationRow, ...] = ()
    problems: tuple[Problem, ...] = ()
    dimensions: tuple[DimensionInfo, ...] = ()

    def __post_init__(self) -> None:
        if self.rows and self.problems:
            raise ValueError("A parse result holds either rows or problems, never both.")

    @property
    def ok(self) -> bool:
        return not self.problems


class BreakdownKind(StrEnum):
    REGION_COUNTY = "region_county"
    REGION_MUNICIPALITY = "region_municipality"
    HEALTH_REGION = "health_region"
    ORGANISATION = "organisation"
    GENDER = "gender"
    AGE_GROUP = "age_group"
    USER_GROUP = "user_group"
    CUSTOM = "custom"

    @property
    def is_geographic(self) -> bool:
        return self in {
            BreakdownKind.REGION_COUNTY,
            BreakdownKind.REGION_MUNICIPALITY,
            BreakdownKind.HEALTH_REGION,
        }


class MappingError(ValueError):
    pass


@dataclass(frozen=True)
class BreakdownMapping:
    """A column or dimension whose categories become a breakdown of the observations."""

    source: str
    kind: BreakdownKind = BreakdownKind.CUSTOM

    @property
    def key(self) -> str:
        """The breakdown key in :attr:`ObservationRow.breakdown`: the kind, or the source name
        for custom breakdowns, so that a county split reads the same from any file."""
        return self.source if self.kind is BreakdownKind.CUSTOM else self.kind.value


@dataclass(frozen=True)
class Mapping:
    """How to read a file: which column/dimension is what. Saved as a dict and reused.

    ``time`` may be left empty for JSON-stat, whose time dimension is found by its role. ``value``,
    ``status`` and ``sheet`` only apply to tables. ``filters`` keep only the cells where a
    column/dimension has the given code (for JSON-stat: pick one metric of ``ContentsCode``).
    """

    time: str = ""
    value: str = ""
    status: str = ""
    breakdowns: tuple[BreakdownMapping, ...] = ()
    filters: tuple[tuple[str, str], ...] = ()
    sheet: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "breakdowns", tuple(self.breakdowns))
        object.__setattr__(self, "filters", tuple(sorted(tuple(pair) for pair in self.filters)))
        keys = [breakdown.key for breakdown in self.breakdowns]
        repeated_keys = sorted({key for key in keys if keys.count(key) > 1})
        if repeated_keys:
            raise MappingError(
                f"Inndelingen «{repeated_keys[0]}» er valgt for flere kolonner. "
                "Hver type inndeling kan bare brukes én gang."
            )
        uses: dict[str, str] = {}
        named = [
            (self.time, "periode"),
            (self.value, "verdi"),
            (self.status, "status"),
            *((b.source, "inndeling") for b in self.breakdowns),
            *((column, "filter") for column, _ in self.filters),
        ]
        for source, use in named:
            if not source:
                continue
            if source in uses:
                raise MappingError(
                    f"«{source}» er valgt både som {uses[source]} og som {use}. "
                    "Velg én bruk for hver kolonne."
                )
            uses[source] = use

    @property
    def filter_dict(self) -> dict[str, str]:
        return dict(self.filters)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "time": self.time,
            "value": self.value,
            "status": self.status,
            "sheet": self.sheet,
            "breakdowns": [{"source": b.source, "kind": b.kind.value} for b in self.breakdowns],
            "filters": dict(self.filters),
        }

    @classmethod
    def from_dict(cls, data: AbcMapping[str, Any]) -> "Mapping":
        if not isinstance(data, AbcMapping):
            raise MappingError("Oppsettet for innlesing må være et objekt.")
        texts = {}
        for name in ("time", "value", "status", "sheet"):
            text = data.get(name, "") or ""
            if not isinstance(text, str):
                raise MappingError(f"Feltet «{name}» i oppsettet må være tekst.")
            texts[name] = text
        breakdowns = []
        for item in data.get("breakdowns", []) or []:
            if not isinstance(item, AbcMapping) or not isinstance(item.get("source"), str):
                raise MappingError("Hver inndeling i oppsettet trenger en kilde («source»).")
            try:
                kind = BreakdownKind(item.get("kind", BreakdownKind.CUSTOM.value))
            except ValueError as error:
                raise MappingError(
                    f"«{item.get('kind')}» er ikke en kjent type inndeling. Gyldige typer: "
                    + ", ".join(kind.value for kind in BreakdownKind)
                    + "."
                ) from error
            breakdowns.append(BreakdownMapping(item["source"], kind))
        filters = data.get("filters", {}) or {}
        if not isinstance(filters, AbcMapping) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in filters.items()
        ):
            raise MappingError("Filtrene i oppsettet må være par av kolonne og kode (tekst).")
        return cls(
            breakdowns=tuple(breakdowns),
            filters=tuple(filters.items()),
            **texts,
        )


@dataclass
class ProblemList:
    """Collects problems up to :data:`MAX_PROBLEMS`, then only counts the rest."""

    limit: int = MAX_PROBLEMS
    _items: list[Problem] = field(default_factory=list)
    _dropped: int = 0

    def add(self, message_nb: str, *, row: int | None = None, cell: str | None = None) -> None:
        if len(self._items) < self.limit:
            self._items.append(Problem(row=row, cell=cell, message_nb=message_nb))
        else:
            self._dropped += 1

    def count_more(self, count: int) -> None:
        """Count ``count`` further problems that were found but not described one by one."""
        self._dropped += max(0, count)

    def __bool__(self) -> bool:
        return bool(self._items) or bool(self._dropped)

    def __len__(self) -> int:
        return len(self._items) + self._dropped

    def as_tuple(self) -> tuple[Problem, ...]:
        if not self._dropped:
            return tuple(self._items)
        more = Problem(
            row=None,
            cell=None,
            message_nb=f"… og {self._dropped} feil til av samme slag som ikke er listet opp.",
        )
        return (*self._items, more)


class RowStream:
    """Rows read lazily from a file; ``problems`` and ``dimensions`` are final once it is exhausted.

    Iterate it once. Rows that the reader has yielded may still be followed by problems (for
    example a decimal comma in the last row of a file that used points so far), so nothing read from
    a stream counts until the iteration has ended and ``problems`` is empty.
    """

    def __init__(
        self,
        produce: "Callable[[RowStream], Iterator[ObservationRow]]",
        problems: ProblemList | None = None,
        dimensions: tuple[DimensionInfo, ...] = (),
    ) -> None:
        self.problems = problems if problems is not None else ProblemList()
        self.dimensions = dimensions
        self._rows = produce(self)

    def __iter__(self) -> Iterator[ObservationRow]:
        return self._rows

    @classmethod
    def failed(
        cls, problems: ProblemList, dimensions: tuple[DimensionInfo, ...] = ()
    ) -> "RowStream":
        return cls(lambda _stream: iter(()), problems, dimensions)

    def collect(self) -> ParseResult:
        """Read the whole stream into a :class:`ParseResult` (rows in memory, duplicates checked)."""
        rows = list(self)
        # A table reader may hold back a row until the file settles its decimal mark.
        rows.sort(key=lambda row: row.source_row or 0)
        return finish(rows, self.problems, self.dimensions)


def breakdown_text(breakdown: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{key} {code}" for key, code in breakdown)


def finish(
    rows: Iterable[ObservationRow],
    problems: ProblemList,
    dimensions: tuple[DimensionInfo, ...] = (),
) -> ParseResult:
    """Check the rows as a whole and give either all of them or only the problems."""
    collected = list(rows)
    if not problems:
        seen: dict[tuple[str, tuple[tuple[str, str], ...]], ObservationRow] = {}
        for row in collected:
            first = seen.setdefault(row.key, row)
            if first is row:
                continue
            detail = f" ({breakdown_text(row.breakdown)})" if row.breakdown else ""
            problems.add(
                f"Perioden {row.period}{detail} finnes flere ganger, også i "
                f"{_where(first)}. Hver periode kan bare ha én verdi per inndeling.",
                row=row.source_row,
                cell=row.source_cell,
            )
        if not collected and not problems:
            problems.add("Fant ingen observasjoner å lese inn.")
    if problems:
        return ParseResult(problems=problems.as_tuple(), dimensions=dimensions)
    return ParseResult(rows=tuple(collected), dimensions=dimensions)


def _where(row: ObservationRow) -> str:
    if row.source_row is not None:
        return f"rad {row.source_row}"
    return row.source_cell or "en annen celle"
