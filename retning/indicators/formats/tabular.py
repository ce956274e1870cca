"""Read indicator data in long format from CSV and Excel (XLSX) files.

One row per observation: a period column, a value column, optional breakdown columns and an
optional status column, as named in the :class:`Mapping`. Filters keep only the rows whose column
holds a given text (for a file that covers several indicators).

CSV files are read as a stream: UTF-8 with or without a byte order mark, comma or semicolon
(detected from the header line), any line endings. Whether a number uses a decimal comma or a
decimal point is decided once per file from the values that settle it ("1,5" or "1 234,5" against
"1.5"); a file holding only undecided values such as "1,234" follows its delimiter (semicolon files
come from Norwegian spreadsheets, so the comma is decimal; in comma files the point is decimal).
Spaces, no-break spaces and thin spaces are thousands separators; "−" counts as a minus sign and a
trailing "%" is ignored. A value cell holding one of Statistics Norway's symbols ("..", ":", …)
counts as a missing value with that status.

XLSX files are opened with openpyxl in read-only mode with cached values only: formulas are never
calculated, and a formula cell that has no saved result is a problem, not a value. Before openpyxl
sees a file, the sizes stored in the zip archive are checked against the limits below, which stops
"zip bombs" (a small file that unpacks to gigabytes). Python's zip reader never returns more bytes
than a member's stored size, so the stored sizes are a real bound.
"""

import contextlib
import csv
import io
import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from itertools import chain, zip_longest
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .. import periods
from .common import (
    MISSING_VALUE_STATUSES,
    STATUS_NORMAL,
    STATUS_NOT_AVAILABLE,
    STATUS_SYMBOLS,
    BreakdownKind,
    BreakdownMapping,
    CategoryInfo,
    DimensionInfo,
    Mapping,
    ObservationRow,
    ParseResult,
    ProblemList,
    RowStream,
    status_from_symbol,
    status_from_text,
)

# Streaming keeps memory flat, so these only bound the time a single file may take.
MAX_ROWS = 2_000_000
MAX_COLUMNS = 200
MAX_CELLS = 20_000_000
# Distinct values listed per column in the result's dimension descriptions.
MAX_CATEGORIES_LISTED = 50

MAX_XLSX_BYTES = 20 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_XLSX_MEMBERS = 1_000
# Spreadsheet XML compresses around 10–30 times; a few hundred means a crafted archive.
MAX_XLSX_COMPRESSION_RATIO = 200
# Tiny members (styles, empty sheets) compress very well without harm; only judge larger ones.
RATIO_CHECK_MIN_BYTES = 1024 * 1024

_EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!"}
_SPACES = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009](?=\d)")
_INTEGER = re.compile(r"^-?\d+$")
_COMMA_DECIMAL = re.compile(r"^-?\d+,\d+$")
_POINT_DECIMAL = re.compile(r"^-?\d+\.\d+$")
_POINT_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_COMMA_GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_UNDECIDED = re.compile(r"^-?[1-9]\d{0,2}[.,]\d{3}$")


class _UncachedFormula:
    """A formula cell whose result was never saved in the file."""


UNCACHED_FORMULA = _UncachedFormula()


def parse_csv(source: bytes | IO[bytes], mapping: Mapping | None = None) -> ParseResult:
    """Read a CSV file in long format into rows, or into problems explaining why it cannot be read."""
    return stream_csv(source, mapping).collect()


def stream_csv(source: bytes | IO[bytes], mapping: Mapping | None = None) -> RowStream:
    """Read a CSV file in long format as a :class:`RowStream`, one row in memory at a time."""
    stream: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else source
    if _starts_like_zip(stream):
        return RowStream.failed(
            _only(
                "Filen ser ut til å være en Excel-fil. Last den opp som Excel (.xlsx) i stedet "
                "for CSV."
            )
        )
    return RowStream(lambda out: _csv_rows(stream, mapping, out))


def _csv_rows(
    stream: IO[bytes], mapping: Mapping | None, out: RowStream
) -> Iterator[ObservationRow]:
    problems = out.problems
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
        while first and not first.strip():
            first = text.readline()
        if not first:
            problems.add("Filen er tom.")
            return
        delimiter = _detect_delimiter(first)
        if delimiter is None:
            problems.add(
                "Fant ikke skilletegnet mellom kolonnene i overskriftsraden. Bruk komma eller "
                "semikolon mellom kolonnene."
            )
            return
        reader = csv.reader(chain([first], text), delimiter=delimiter, strict=True)

        def records() -> Iterator[tuple[int, Sequence[Any]]]:
            number = 0
            try:
                for number, record in enumerate(reader, start=1):
                    yield number, record
            except csv.Error as error:
                raise _ReadError(
                    f"Rad {number + 1} kan ikke leses som CSV ({_csv_error_nb(error)})."
                ) from error

        yield from _table_rows(records(), mapping, out, undecided_decimal=delimiter == ";")
    except _ReadError as error:
        _replace_problems(out, str(error))
    except UnicodeDecodeError:
        _replace_problems(
            out,
            "Filen er ikke lagret som UTF-8. Lagre den på nytt som «CSV UTF-8» (i Excel: "
            "Lagre som → CSV UTF-8 (kommadelt)).",
        )
    finally:
        # Leave the caller's file open; closing the wrapper would close it. When an aborted import
        # drops the stream unread, the garbage collector may already have closed the wrapper (and
        # the file under it) before this runs; then there is nothing left to detach.
        with contextlib.suppress(ValueError):
            text.detach()


def _replace_problems(out: RowStream, message: str) -> None:
    """A file that cannot be read at all: its one problem replaces whatever was found before."""
    out.problems = _only(message)
    out.dimensions = ()


class _ReadError(Exception):
    pass


def _only(message: str) -> ProblemList:
    problems = ProblemList()
    problems.add(message)
    return problems


def _csv_error_nb(error: csv.Error) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        return "en celle er urimelig lang"
    return "feil bruk av anførselstegn"


def _detect_delimiter(header: str) -> str | None:
    counts = {
        delimiter: len(next(csv.reader([header], delimiter=delimiter))) for delimiter in (";", ",")
    }
    best = max(counts.values())
    winners = [delimiter for delimiter, count in counts.items() if count == best]
    return winners[0] if best > 1 and len(winners) == 1 else None


def _starts_like_zip(stream: IO[bytes]) -> bool:
    if not stream.seekable():
        return False
    start = stream.tell()
    head = stream.read(4)
    stream.seek(start)
    return head == b"PK\x03\x04"


def parse_xlsx(source: bytes | IO[bytes], mapping: Mapping | None = None) -> ParseResult:
    """Read the first sheet (or ``mapping.sheet``) of an XLSX file in long format."""
    return stream_xlsx(source, mapping).collect()


def stream_xlsx(source: bytes | IO[bytes], mapping: Mapping | None = None) -> RowStream:
    """The rows of an XLSX sheet as a :class:`RowStream`.

    openpyxl's read-only mode parses the sheet XML as it goes, so only the file itself (at most
    :data:`MAX_XLSX_BYTES`) and one row at a time are held in memory.
    """
    data = source if isinstance(source, bytes) else source.read(MAX_XLSX_BYTES + 1)
    if len(data) > MAX_XLSX_BYTES:
        return RowStream.failed(_only(f"Filen er større enn {MAX_XLSX_BYTES // (1024 * 1024)} MB."))
    archive_problem = check_xlsx_archive(data)
    if archive_problem:
        return RowStream.failed(_only(archive_problem))
    return RowStream(lambda out: _xlsx_sheet_rows(data, mapping, out))


def _xlsx_sheet_rows(
    data: bytes, mapping: Mapping | None, out: RowStream
) -> Iterator[ObservationRow]:
    problems = out.problems
    try:
        values_book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas_book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors for damaged files.
        problems.add(
            "Filen kunne ikke åpnes som Excel-fil (.xlsx). Den kan være skadet eller i et annet "
            "format; lagre den på nytt som Excel-arbeidsbok (.xlsx)."
        )
        return
    try:
        sheet_name = (mapping.sheet if mapping else "") or values_book.sheetnames[0]
        if sheet_name not in values_book.sheetnames:
            problems.add(
                f"Arket «{sheet_name}» finnes ikke i filen. Arkene er "
                + ", ".join(f"«{name}»" for name in values_book.sheetnames)
                + "."
            )
            return
        values_sheet = values_book[sheet_name]
        formulas_sheet = formulas_book[sheet_name]
        # The stored sheet size can be wrong or inflated (A1:XFD1048576); read only cells present.
        values_sheet.reset_dimensions()
        formulas_sheet.reset_dimensions()
        rows = _xlsx_rows(
            values_sheet.iter_rows(min_row=1, min_col=1, values_only=True),
            formulas_sheet.iter_rows(min_row=1, min_col=1, values_only=True),
        )
        try:
            yield from _table_rows(rows, mapping, out, undecided_decimal=True)
        except Exception:  # A sheet can be damaged further in than the workbook header.
            _replace_problems(
                out,
                "Arket kunne ikke leses helt; filen er trolig skadet. Lagre den på nytt som "
                "Excel-arbeidsbok (.xlsx).",
            )
    finally:
        values_book.close()
        formulas_book.close()


def check_xlsx_archive(data: bytes) -> str | None:
    """Why an XLSX file must not be opened (as a Norwegian message), or None if it looks sane."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return (
            "Filen er ikke en gyldig Excel-fil (.xlsx). Eldre .xls-filer og passordbeskyttede "
            "filer kan ikke leses; lagre filen som .xlsx uten passord."
        )
    with archive:
        members = archive.infolist()
    if len(members) > MAX_XLSX_MEMBERS:
        return f"Filen består av {len(members)} deler, mer enn en vanlig Excel-fil. Den avvises."
    total = sum(member.file_size for member in members)
    if total > MAX_XLSX_UNCOMPRESSED_BYTES:
        return (
            f"Filen pakker seg ut til {total // (1024 * 1024)} MB, mer enn grensen på "
            f"{MAX_XLSX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB. Del opp dataene i mindre filer."
        )
    for member in members:
        if (
            member.file_size > RATIO_CHECK_MIN_BYTES
            and member.file_size > MAX_XLSX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            return (
                f"Delen «{member.filename}» i filen er komprimert mistenkelig hardt (over "
                f"{MAX_XLSX_COMPRESSION_RATIO} ganger). Filen avvises av sikkerhetshensyn."
            )
    return None


def _xlsx_rows(
    values: Iterator[tuple[Any, ...]], formulas: Iterator[tuple[Any, ...]]
) -> Iterator[tuple[int, Sequence[Any]]]:
    # The formula view of the same sheet tells an empty cell from a formula without a saved result.
    for number, (value_row, formula_row) in enumerate(
        zip_longest(values, formulas, fillvalue=()), start=1
    ):
        cells = list(value_row)
        for k, formula in enumerate(formula_row):
            if formula is not None and (k >= len(cells) or cells[k] is None):
                cells.extend([None] * (k + 1 - len(cells)))
                cells[k] = UNCACHED_FORMULA
        yield number, cells


@dataclass
class _Columns:
    time: int
    value: int
    status: int | None
    breakdowns: list[tuple[int, BreakdownMapping]]
    filters: list[tuple[int, str]]
    # Worked out once per file rather than per row.
    used: tuple[int, ...] = ()
    value_letter: str = ""

    def __post_init__(self) -> None:
        used = [self.time, self.value, *(k for k, _ in self.breakdowns)]
        used += [k for k, _ in self.filters] + ([self.status] if self.status is not None else [])
        self.used = tuple(used)
        self.value_letter = get_column_letter(self.value + 1)


@dataclass
class _Pending:
    row: int
    period: str
    value: Any
    value_cell: str
    status: str | None
    source_status: str
    breakdown: tuple[tuple[str, str], ...]


def _table_rows(
    rows: Iterator[tuple[int, Sequence[Any]]],
    mapping: Mapping | None,
    out: RowStream,
    *,
    undecided_decimal: bool,
) -> Iterator[ObservationRow]:
    problems = out.problems
    header: list[str] = []
    header_row = 0
    columns: _Columns | None = None
    categories: list[dict[str, None]] = []
    decimals = _DecimalMark(undecided_decimal, problems)
    matched = 0
    data_rows = 0
    cells_read = 0
    for number, all_cells in rows:
        # Counted before anything else so that very wide or very long sheets stop early.
        cells_read += len(all_cells)
        cells = all_cells[: len(header)] if header else all_cells
        if all(_is_empty(cell) for cell in cells):
            if cells_read > MAX_CELLS:
                break
            continue
        if not header:
            header = [_text(cell) for cell in cells]
            while header and not header[-1]:
                header.pop()
            header_row = number
            if len(header) > MAX_COLUMNS:
                problems.add(f"Filen har {len(header)} kolonner; grensen er {MAX_COLUMNS}.")
                return
            columns = _resolve_columns(header, mapping or Mapping(), problems, header_row)
            categories = [{} for _ in header]
            out.dimensions = _dimensions(header, categories, columns)
            continue
        data_rows += 1
        if data_rows > MAX_ROWS or cells_read > MAX_CELLS:
            break
        for k, cell in enumerate(cells):
            if len(categories[k]) < MAX_CATEGORIES_LISTED and not _is_empty(cell):
                categories[k].setdefault(_text(cell), None)
        if columns is not None:
            row = _read_row(number, cells, columns, problems)
            if row is not None:
                matched += 1
                yield from decimals.feed(row)
    if not header:
        problems.add("Filen er tom.")
        return
    out.dimensions = _dimensions(header, categories, columns)
    if data_rows > MAX_ROWS or cells_read > MAX_CELLS:
        problems.add(
            f"Filen har mer enn {MAX_ROWS} rader eller {MAX_CELLS} celler. Del den opp i "
            "mindre filer."
        )
        return
    if columns is None or problems:
        return
    if not matched and columns.filters:
        wanted = " og ".join(f"«{code}» i kolonnen «{header[k]}»" for k, code in columns.filters)
        problems.add(f"Ingen rader har {wanted}.")
        return
    yield from decimals.flush()


def _resolve_columns(
    header: list[str], mapping: Mapping, problems: ProblemList, header_row: int
) -> _Columns | None:
    known = ", ".join(f"«{name}»" for name in header if name)

    def find(name: str, use: str) -> int | None:
        exact = [k for k, column in enumerate(header) if column == name.strip()]
        folded = [
            k for k, column in enumerate(header) if column.casefold() == name.strip().casefold()
        ]
        matches = exact or folded
        if len(matches) == 1:
            return matches[0]
        if matches:
            problems.add(
                f"Det finnes flere kolonner som heter «{name}». Gi kolonnene ulike navn.",
                row=header_row,
            )
        else:
            problems.add(
                f"Kolonnen «{name}» ({use}) finnes ikke. Kolonnene i filen er {known}.",
                row=header_row,
            )
        return None

    if not mapping.time:
        problems.add("Velg hvilken kolonne som inneholder perioden.")
    if not mapping.value:
        problems.add("Velg hvilken kolonne som inneholder verdien.")
    time = find(mapping.time, "periode") if mapping.time else None
    value = find(mapping.value, "verdi") if mapping.value else None
    status = find(mapping.status, "status") if mapping.status else None
    breakdowns = [(find(b.source, "inndeling"), b) for b in mapping.breakdowns]
    filters = [(find(column, "filter"), code) for column, code in mapping.filters]
    if problems or time is None or value is None:
        return None
    return _Columns(
        time=time,
        value=value,
        status=status,
        breakdowns=[(k, breakdown) for k, breakdown in breakdowns if k is not None],
        filters=[(k, code) for k, code in filters if k is not None],
    )


def _read_row(
    number: int, cells: Sequence[Any], columns: _Columns, problems: ProblemList
) -> _Pending | None:
    def cell(k: int) -> Any:
        return cells[k] if k < len(cells) else None

    def at(k: int) -> str:
        return f"{get_column_letter(k + 1)}{number}"

    uncached = [k for k in columns.used if cell(k) is UNCACHED_FORMULA]
    for k in uncached:
        problems.add(
            "Cellen inneholder en formel uten lagret resultat. Åpne filen i Excel og lagre den på "
            "nytt, eller lim inn verdiene i stedet for formelen.",
            row=number,
            cell=at(k),
        )
    if uncached:
        return None
    for k, code in columns.filters:
        if _text(cell(k)) != code.strip():
            return None

    try:
        period = _period(cell(columns.time))
    except periods.PeriodError as error:
        problems.add(str(error), row=number, cell=at(columns.time))
        return None

    status: str | None = None
    if columns.status is not None and not _is_empty(cell(columns.status)):
        status_text = _text(cell(columns.status))
        status = status_from_text(status_text)
        if status is None:
            problems.add(
                f"Statusen «{status_text}» er ukjent. Bruk for eksempel «foreløpig», «skjermet», "
                "«ikke tilgjengelig», «omtrentlig» eller et av SSBs tegn («..», «:»).",
                row=number,
                cell=at(columns.status),
            )
            return None
        source_status = status_text
    else:
        source_status = ""

    raw_value = cell(columns.value)
    if isinstance(raw_value, str) and raw_value.strip() in STATUS_SYMBOLS:
        symbol = raw_value.strip()
        source_status = source_status or symbol
        status = status if status is not None else status_from_symbol(symbol)
        raw_value = None
    if isinstance(raw_value, bool) or isinstance(raw_value, datetime | date | time | timedelta):
        problems.add(
            "Verdien må være et tall, ikke en dato eller sannhetsverdi.",
            row=number,
            cell=at(columns.value),
        )
        return None
    if isinstance(raw_value, str) and raw_value.strip() in _EXCEL_ERRORS:
        problems.add(
            f"Cellen inneholder Excel-feilen {raw_value.strip()} i stedet for et tall.",
            row=number,
            cell=at(columns.value),
        )
        return None
    if _is_empty(raw_value):
        raw_value = None
        if status is None:
            status = STATUS_NOT_AVAILABLE
        elif status not in MISSING_VALUE_STATUSES:
            problems.add(
                "Verdien mangler. En måling uten verdi må ha status «ikke tilgjengelig» eller "
                "«skjermet».",
                row=number,
                cell=at(columns.value),
            )
            return None
    elif status in MISSING_VALUE_STATUSES:
        problems.add(
            "Raden har både en verdi og en status som sier at verdien mangler eller er skjermet. "
            "Fjern verdien eller statusen.",
            row=number,
            cell=at(columns.value),
        )
        return None

    breakdown = tuple(
        sorted(
            [
                (breakdown.key, _category_code(cell(k), breakdown.kind))
                for k, breakdown in columns.breakdowns
                if not _is_empty(cell(k))
            ]
        )
    )
    return _Pending(
        row=number,
        period=period,
        value=raw_value,
        value_cell=f"{columns.value_letter}{number}",
        status=status,
        source_status=source_status,
        breakdown=breakdown,
    )


# Region numbers have a fixed width; spreadsheets turn "03" into the number 3.
_CODE_WIDTHS = {BreakdownKind.REGION_COUNTY: 2, BreakdownKind.REGION_MUNICIPALITY: 4}


def _category_code(cell: Any, kind: BreakdownKind) -> str:
    text = _text(cell)
    width = _CODE_WIDTHS.get(kind)
    return text.zfill(width) if width and text.isdigit() else text


_PERIOD_CODES: dict[str, str] = {}


def _period(cell: Any) -> str:
    """The canonical period code of a cell; raises PeriodError with a Norwegian message."""
    if isinstance(cell, str):
        # A file repeats the same few periods on every row; remember the valid ones.
        code = _PERIOD_CODES.get(cell)
        if code is None:
            code = _period_uncached(cell)
            if len(_PERIOD_CODES) < 10_000:
                _PERIOD_CODES[cell] = code
        return code
    return _period_uncached(cell)


def _period_uncached(cell: Any) -> str:
    if _is_empty(cell):
        raise periods.PeriodError("Perioden mangler.")
    if isinstance(cell, datetime | date):
        raise periods.PeriodError(
            "Perioden er en dato. Skriv perioden som kode, for eksempel 2024, 2024K1 eller "
            "2024M03 (formater cellen som tekst)."
        )
    if isinstance(cell, bool) or not isinstance(cell, str | int | float | Decimal):
        raise periods.PeriodError("Perioden kan ikke leses.")
    if isinstance(cell, float | Decimal) and (not math.isfinite(cell) or cell != int(cell)):
        raise periods.PeriodError(
            f"«{cell}» er ikke en periode. Bruk for eksempel 2024, 2024K1 eller 2024M03."
        )
    text = str(int(cell)) if isinstance(cell, int | float | Decimal) else cell
    return periods.parse_period(text).code


class _DecimalMark:
    """Decides, while the rows stream past, whether the file writes decimals with "," or ".".

    A value that settles the question ("1,5", "1.5", "1 234,5") settles it for the whole file; a
    later value settling it the other way is a problem. Values that only the answer can read (such
    as "1,234", or text that is no number at all) wait in ``held`` until the file settles the
    question or ends, when the delimiter decides. Integers and spreadsheet numbers never wait, so in
    practice only the first few rows of a file are ever held. Held rows come out later than the
    rows after them; ``RowStream.collect`` puts rows back in file order.
    """

    def __init__(self, undecided_decimal: bool, problems: ProblemList) -> None:
        self.default = "," if undecided_decimal else "."
        self.problems = problems
        self.style: str | None = None
        self.first_text: str = ""
        self.mixed = False
        self.held: list[_Pending] = []

    def feed(self, row: _Pending) -> Iterator[ObservationRow]:
        if self.mixed:
            return
        if isinstance(row.value, str):
            cleaned = _clean_number(row.value)
            style = _style_of(cleaned)
            if style is not None and self.style is None:
                self.style, self.first_text = style, row.value
                yield from self._release(self.held)
                self.held = []
            elif style is not None and style != self.style:
                comma, point = (
                    (self.first_text, row.value)
                    if self.style == ","
                    else (row.value, self.first_text)
                )
                self.problems.add(
                    f"Filen blander desimalkomma («{comma}») og desimalpunktum («{point}»). Bruk "
                    "det samme desimaltegnet i hele filen."
                )
                self.mixed = True
                self.held = []
                return
            elif self.style is None and not _INTEGER.match(cleaned):
                self.held.append(row)
                return
        yield from self._release([row])

    def flush(self) -> Iterator[ObservationRow]:
        if self.mixed:
            return
        self.style = self.style or self.default
        yield from self._release(self.held)
        self.held = []

    def _release(self, pending: list[_Pending]) -> Iterator[ObservationRow]:
        style = self.style or self.default
        for row in pending:
            value = _number(row.value, style)
            if value is None and row.value is not None:
                self.problems.add(
                    f"«{row.value}» er ikke et tall.", row=row.row, cell=row.value_cell
                )
                continue
            yield ObservationRow(
                period=row.period,
                value=value,
                status=row.status or STATUS_NORMAL,
                breakdown=row.breakdown,
                source_row=row.row,
                source_cell=row.value_cell,
                source_status=row.source_status,
            )


def _clean_number(text: str) -> str:
    cleaned = _SPACES.sub("", text.strip()).replace("\u2212", "-")
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1].rstrip()
    return cleaned


def _style_of(cleaned: str) -> str | None:
    """ "," or "." when a cleaned number text can only be read one way, else None."""
    if _INTEGER.match(cleaned) or _UNDECIDED.match(cleaned):
        return None
    if _COMMA_DECIMAL.match(cleaned) or (_POINT_GROUPED.match(cleaned) and "," in cleaned):
        return ","
    if _POINT_DECIMAL.match(cleaned) or (_COMMA_GROUPED.match(cleaned) and "." in cleaned):
        return "."
    if _POINT_GROUPED.match(cleaned):
        return ","
    if _COMMA_GROUPED.match(cleaned):
        return "."
    return None


def _number(raw: Any, style: str) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        number = Decimal(repr(raw))
        return number if number.is_finite() else None
    cleaned = _clean_number(str(raw))
    grouped, other = (_POINT_GROUPED, ".") if style == "," else (_COMMA_GROUPED, ",")
    if grouped.match(cleaned):
        cleaned = cleaned.replace(other, "")
    elif other in cleaned:
        return None
    if not re.match(r"^-?\d+([.,]\d+)?$", cleaned):
        return None
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        return None


def _is_empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    return str(cell).strip()


def _dimensions(
    header: list[str], categories: list[dict[str, None]], columns: _Columns | None
) -> tuple[DimensionInfo, ...]:
    roles: dict[int, str] = {}
    if columns is not None:
        roles = {columns.time: "time", columns.value: "value"}
        if columns.status is not None:
            roles[columns.status] = "status"
        roles.update({k: "breakdown" for k, _ in columns.breakdowns})
        roles.update({k: "filter" for k, _ in columns.filters})
    return tuple(
        DimensionInfo(
            id=name,
            label=name,
            role=roles.get(k, ""),
            categories=()
            if roles.get(k) == "value"
            else tuple(CategoryInfo(code=code, label=code) for code in categories[k]),
            size=len(categories[k]),
        )
        for k, name in enumerate(header)
        if name
    )
