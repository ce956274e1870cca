"""Read Helsedirektoratet's roadmap export (veikart CSV) into plain values.

The export is semicolon-separated UTF-8 with a header row; descriptions may span several lines
inside quotes. Files that have passed through spreadsheets and word processors also carry a
byte-order mark, CRLF line endings, soft hyphens and zero-width characters, so every value is
cleaned before it is checked.

Parsing never raises for bad content: every problem found is collected and returned, so the user
can fix the whole file in one go. Row numbers are counted the way a spreadsheet shows them (the
header is row 1, the first delivery row 2). They count CSV records, not physical lines, because a
quoted description with line breaks is still a single row in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from retning.roadmap.phases import PhaseError, PhaseRange, parse_phase

COLUMN_TITLE = "Leveransenavn i veikartet"
COLUMN_DESCRIPTION = "Beskrivelse av leveranse gant"
COLUMN_PHASE = "Veikartfase"
COLUMN_START = "Startdato"
COLUMN_SUBGOAL = "Strategisk delmål"
COLUMN_GROUPING = "Strategi gruppering"
COLUMN_END = "Sluttdato"
COLUMN_PLANNING_STATUS = "Planleggingsstatus"
COLUMN_EXTERNAL_ID = "Leveranse-ID"
COLUMN_VERSION = "Versjon"

# In the order the export writes them.
COLUMNS: tuple[str, ...] = (
    COLUMN_TITLE,
    COLUMN_DESCRIPTION,
    COLUMN_PHASE,
    COLUMN_START,
    COLUMN_SUBGOAL,
    COLUMN_GROUPING,
    COLUMN_END,
    COLUMN_PLANNING_STATUS,
    COLUMN_EXTERNAL_ID,
    COLUMN_VERSION,
)

DELIMITER = ";"
DATE_FORMAT_HINT = "dd.mm.åååå, for eksempel 01.07.2026"

# Soft hyphen, zero-width space/non-joiner/joiner, word joiner and byte-order mark.
INVISIBLE_CHARACTERS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_REMOVE_INVISIBLE = str.maketrans("", "", INVISIBLE_CHARACTERS)

_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_EXTERNAL_ID = re.compile(r"[0-9]{17}")
_SUBGOAL = re.compile(r"([1-9][A-Za-z])(?:(?:\s*[-\u2010-\u2014\u2212:]\s*|\s+)(.*))?", re.DOTALL)


class PlanningStatus(StrEnum):
    PLANNED = "planned"
    TENTATIVE = "tentative"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS: dict[PlanningStatus, str] = {
    PlanningStatus.PLANNED: "Planlagt",
    PlanningStatus.TENTATIVE: "Tentativ",
}
_STATUS_BY_NAME: dict[str, PlanningStatus] = {
    label.casefold(): status for status, label in _STATUS_LABELS.items()
}


@dataclass(frozen=True)
class RoadmapRow:
    row_number: int
    external_id: str
    title: str
    description: str
    phase: PhaseRange | None
    start: date | None
    end: date | None
    subgoal_code: str
    subgoal_title: str
    grouping: str
    planning_status: PlanningStatus
    version: str


@dataclass(frozen=True)
class RowProblem:
    row_number: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row_number is not None:
            where.append(f"Rad {self.row_number}")
        if self.column is not None:
            where.append(f"kolonne «{self.column}»" if where else f"Kolonne «{self.column}»")
        if not where:
            return self.message
        return f"{', '.join(where)}: {self.message}"


@dataclass
class RoadmapParseResult:
    """Rows that passed every check, all problems found, and warnings.

    A row with a problem of its own is left out of ``rows``. Problems that concern the file as a
    whole (encoding, header, mixed versions) do not remove rows, so check ``ok`` before importing.
    Warnings point at odd but importable content (an end date before the start date) and never
    make the result fail.
    """

    rows: list[RoadmapRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    version: str | None = None
    warnings: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def clean_text(value: str) -> str:
    """Remove invisible characters, unify line endings, NFC-normalise and trim."""
    text = value.translate(_REMOVE_INVISIBLE).replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).strip()


def clean_line(value: str) -> str:
    """Like clean_text, for one-line values: any run of whitespace becomes a single space."""
    return " ".join(clean_text(value).split())


def parse_roadmap_csv(
    data: bytes | str, *, known_subgoals: Collection[str] | None = None
) -> RoadmapParseResult:
    """Parse a roadmap export. Bad content is reported in the result, never raised.

    ``known_subgoals`` (codes such as "1A") turns on a check that every row's sub-goal exists.
    ``version`` in the result is the file's single ``Versjon`` value, or None if it has several.
    """
    result = RoadmapParseResult()
    text = _decode(data, result)
    if text is None:
        return result
    if not clean_text(text):
        result.problems.append(RowProblem(None, None, "Filen er tom."))
        return result

    records = _records(text, result)
    header = next(records, None)
    if header is None:
        # Only reachable when the reader failed on the first row, which it has reported.
        return result
    positions = _column_positions(header, result)
    if positions is None:
        return result

    known = None if known_subgoals is None else {clean_line(c).upper() for c in known_subgoals}
    reader = _RowReader(header_width=len(header), positions=positions, known_subgoals=known)
    for row_number, record in enumerate(records, start=2):
        row = reader.read(row_number, record)
        if row is not None:
            result.rows.append(row)
    result.problems.extend(reader.problems)
    result.problems.extend(reader.file_problems)
    result.warnings.extend(reader.warnings)

    if not reader.seen_any_row and not result.problems:
        result.problems.append(
            RowProblem(None, None, "Filen har en overskriftsrad, men ingen leveranser.")
        )
    if len(reader.versions) == 1:
        result.version = next(iter(reader.versions))
    result.problems.sort(key=lambda problem: problem.row_number or 0)
    return result


def _decode(data: bytes | str, result: RoadmapParseResult) -> str | None:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        result.problems.append(
            RowProblem(
                None,
                None,
                f"Filen er ikke lagret som UTF-8 (ukjent tegn på linje {line}). "
                "Lagre filen på nytt med tegnkodingen UTF-8 og last den opp igjen.",
            )
        )
        return None


def _records(text: str, result: RoadmapParseResult) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITER)
    record_number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            # The reader cannot recover its position after this, so the rest is not read.
            result.problems.append(
                RowProblem(
                    record_number + 1,
                    None,
                    "Raden kunne ikke leses, og resten av filen er ikke kontrollert. "
                    "Sjekk at anførselstegnene i raden står i par.",
                )
            )
            return
        record_number += 1
        yield record


def _column_positions(header: list[str], result: RoadmapParseResult) -> dict[str, int] | None:
    names = [clean_line(name) for name in header]
    only = clean_text(header[0]) if len(header) == 1 else ""
    if "," in only or "\t" in only:
        used = "tabulator" if only.count("\t") > only.count(",") else "komma"
        result.problems.append(
            RowProblem(
                1,
                None,
                f"Filen ser ut til å bruke {used} som skilletegn. Filen må være "
                "semikolonseparert (;), slik eksporten fra veikartet er.",
            )
        )
        return None

    found = {
        column: [i for i, name in enumerate(names) if name.casefold() == column.casefold()]
        for column in COLUMNS
    }
    if not any(found.values()):
        # Ten "missing column" messages would hide the real issue: this is not the export.
        expected = ", ".join(f"«{column}»" for column in COLUMNS)
        result.problems.append(
            RowProblem(
                1,
                None,
                "Første rad har ingen av kolonnene fra veikarteksporten. Første rad skal være "
                f"overskriftsraden med kolonnene {expected}.",
            )
        )
        return None
    header_problems = [
        RowProblem(1, None, f"Kolonnen «{column}» mangler i overskriftsraden.")
        if not indexes
        else RowProblem(1, None, f"Kolonnen «{column}» finnes {len(indexes)} ganger.")
        for column, indexes in found.items()
        if len(indexes) != 1
    ]
    if header_problems:
        result.problems.extend(header_problems)
        return None
    return {column: indexes[0] for column, indexes in found.items()}


class _RowReader:
    """Turns one record at a time into a RoadmapRow, remembering what it needs across rows."""

    def __init__(
        self,
        *,
        header_width: int,
        positions: dict[str, int],
        known_subgoals: set[str] | None,
    ) -> None:
        self.header_width = header_width
        self.positions = positions
        self.known_subgoals = known_subgoals
        self.problems: list[RowProblem] = []
        # Kept apart because they describe the file, so they must not drop the row they point at.
        self.file_problems: list[RowProblem] = []
        self.warnings: list[RowProblem] = []
        self.seen_any_row = False
        self.rows_by_id: dict[str, int] = {}
        self.versions: dict[str, int] = {}

    def read(self, row_number: int, record: list[str]) -> RoadmapRow | None:
        if all(not clean_text(value) for value in record):
            # Blank lines and rows of bare separators are what spreadsheets leave behind.
            return None
        self.seen_any_row = True
        if len(record) != self.header_width:
            self._problem(
                row_number,
                None,
                f"Raden har {len(record)} felt, men overskriftsraden har {self.header_width}. "
                "Tekst som inneholder semikolon eller linjeskift må stå i anførselstegn.",
            )
            return None

        problems_before = len(self.problems)
        values = {column: record[index] for column, index in self.positions.items()}

        external_id = self._external_id(row_number, values[COLUMN_EXTERNAL_ID])
        title = clean_line(values[COLUMN_TITLE])
        if not title:
            self._problem(row_number, COLUMN_TITLE, "Leveransenavnet mangler.")
        phase = self._phase(row_number, values[COLUMN_PHASE])
        start = self._date(row_number, COLUMN_START, values[COLUMN_START])
        end = self._date(row_number, COLUMN_END, values[COLUMN_END])
        if start is not None and end is not None and end < start:
            # The published export itself has such rows, so this must not stop an import.
            self.warnings.append(
                RowProblem(
                    row_number,
                    COLUMN_END,
                    f"Sluttdatoen {end:%d.%m.%Y} er før startdatoen {start:%d.%m.%Y}. "
                    "Raden er lest inn med datoene slik de står.",
                )
            )
        subgoal_code, subgoal_title = self._subgoal(row_number, values[COLUMN_SUBGOAL])
        status = self._planning_status(row_number, values[COLUMN_PLANNING_STATUS])
        version = self._version(row_number, values[COLUMN_VERSION])

        if status is None or len(self.problems) > problems_before:
            return None
        return RoadmapRow(
            row_number=row_number,
            external_id=external_id,
            title=title,
            description=clean_text(values[COLUMN_DESCRIPTION]),
            phase=phase,
            start=start,
            end=end,
            subgoal_code=subgoal_code,
            subgoal_title=subgoal_title,
            grouping=clean_line(values[COLUMN_GROUPING]),
            planning_status=status,
            version=version,
        )

    def _problem(self, row_number: int | None, column: str | None, message: str) -> None:
        self.problems.append(RowProblem(row_number, column, message))

    def _external_id(self, row_number: int, raw: str) -> str:
        value = clean_line(raw)
        if not value:
            self._problem(row_number, COLUMN_EXTERNAL_ID, "Leveranse-ID mangler.")
        elif not _EXTERNAL_ID.fullmatch(value):
            message = f"Leveranse-ID «{value}» er ugyldig. Den skal bestå av nøyaktig 17 siffer."
            if "e+" in value.casefold():
                message += (
                    " Regnearket har trolig gjort ID-en om til et tall; formater kolonnen "
                    "som tekst og eksporter på nytt."
                )
            self._problem(row_number, COLUMN_EXTERNAL_ID, message)
        elif value in self.rows_by_id:
            self._problem(
                row_number,
                COLUMN_EXTERNAL_ID,
                f"Leveranse-ID {value} finnes også i rad {self.rows_by_id[value]}. "
                "Hver leveranse skal ha sin egen ID.",
            )
        else:
            self.rows_by_id[value] = row_number
        return value

    def _phase(self, row_number: int, raw: str) -> PhaseRange | None:
        try:
            return parse_phase(clean_text(raw))
        except PhaseError as error:
            self._problem(row_number, COLUMN_PHASE, str(error))
            return None

    def _date(self, row_number: int, column: str, raw: str) -> date | None:
        value = clean_line(raw)
        if not value:
            return None
        match = _DATE.fullmatch(value)
        if match is None:
            self._problem(
                row_number,
                column,
                f"«{value}» er ikke en dato. Skriv datoen som {DATE_FORMAT_HINT}.",
            )
            return None
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            self._problem(row_number, column, f"Datoen «{value}» finnes ikke.")
            return None

    def _subgoal(self, row_number: int, raw: str) -> tuple[str, str]:
        value = clean_line(raw)
        if not value:
            self._problem(row_number, COLUMN_SUBGOAL, "Strategisk delmål mangler.")
            return "", ""
        match = _SUBGOAL.fullmatch(value)
        if match is None:
            self._problem(
                row_number,
                COLUMN_SUBGOAL,
                f"«{value}» begynner ikke med en delmålkode. Skriv delmålet som kode og "
                "tittel, for eksempel «1A - Innbygger skal ha mulighet for …».",
            )
            return "", ""
        code = match[1].upper()
        if self.known_subgoals is not None and code not in self.known_subgoals:
            known = ", ".join(sorted(self.known_subgoals)) or "ingen"
            self._problem(
                row_number,
                COLUMN_SUBGOAL,
                f"Delmålet {code} finnes ikke i strategien. Kjente delmål er: {known}.",
            )
        return code, match[2] or ""

    def _planning_status(self, row_number: int, raw: str) -> PlanningStatus | None:
        value = clean_line(raw)
        allowed = " og ".join(f"«{label}»" for label in _STATUS_LABELS.values())
        if not value:
            self._problem(
                row_number,
                COLUMN_PLANNING_STATUS,
                f"Planleggingsstatus mangler. Gyldige verdier er {allowed}.",
            )
            return None
        status = _STATUS_BY_NAME.get(value.casefold())
        if status is None:
            self._problem(
                row_number,
                COLUMN_PLANNING_STATUS,
                f"Ukjent planleggingsstatus «{value}». Gyldige verdier er {allowed}.",
            )
        return status

    def _version(self, row_number: int, raw: str) -> str:
        value = clean_line(raw)
        if not value:
            self._problem(row_number, COLUMN_VERSION, "Versjon mangler.")
            return value
        if value not in self.versions:
            if self.versions:
                first, first_row = next(iter(self.versions.items()))
                # Reported once per extra version, not on every row that carries it.
                self.file_problems.append(
                    RowProblem(
                        row_number,
                        COLUMN_VERSION,
                        f"Versjonen «{value}» er en annen enn «{first}» i rad {first_row}. "
                        "En fil kan bare inneholde én versjon av veikartet.",
                    )
                )
            self.versions[value] = row_number
        return value
