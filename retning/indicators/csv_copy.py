"""The PostgreSQL path for CSV files: the file's bytes go straight into ``COPY``; SQL does the rest.

The stream path (``services._import_stream``) reads a CSV file row by row in Python: about 50 µs a
row, which is most of an import's time. Here the bytes of the file go unchanged, a megabyte at a
time, into ``COPY … FROM STDIN (FORMAT csv, HEADER)`` into a temporary table with one text column
per column of the file, and set-based statements do what the reader does per row:

* cells are trimmed with exactly the characters Python's ``str.strip`` removes, and rows whose
  cells are all empty are skipped, as the reader skips them;
* filters keep the rows whose column holds the filter's code;
* periods, statuses and breakdown codes repeat: their *distinct* texts (a few hundred per file)
  are checked and normalised in Python by the very functions the reader uses
  (``periods.parse_period``, ``status_from_text``, the fixed width of region numbers), and the
  answers are joined back in SQL;
* numbers are read with regular expressions that mirror ``tabular._DecimalMark``: the file's
  decimal mark is settled by the values that settle it (both marks in one file is a problem),
  thousands separators are dropped, and the limits of ``Observation.value`` are checked;
* status symbols (".", "..", ":" …), missing values and their statuses, and periods the file
  repeats are checked as the reader and ``services`` check them.

The rows then land in ``copy_import``'s staging table in the order the stream would have given
them, and ``copy_import.CopyApplier.finish`` applies them, so both paths share one set of
statements that write observations and their history.

This path only ever *accepts* a file. Whenever a check finds anything wrong — or the file has a
layout this path does not read (see :func:`stage_csv`) — the work is rolled back to a savepoint and
the caller runs the stream path, which finds the same problems and words them, with row and cell,
exactly as before. A broken file therefore costs a second read, but its report is the stream
path's report by construction.
"""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, connection, transaction
from openpyxl.utils import get_column_letter

from . import periods
from .copy_import import STAGE, CopyApplier
from .formats.common import (
    MISSING_VALUE_STATUSES,
    STATUS_NOT_AVAILABLE,
    STATUS_SYMBOLS,
    BreakdownKind,
    DimensionInfo,
    Mapping,
    ProblemList,
    status_from_text,
)
from .formats.tabular import (
    MAX_CATEGORIES_LISTED,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    _category_code,
    _detect_delimiter,
    _dimensions,
    _period,
    _resolve_columns,
)

if TYPE_CHECKING:
    from .services import _Context

RAW = "retning_csv_raw"
CELLS = "retning_csv_cells"
VALUE_TEXTS = "retning_csv_value_texts"
VALUE_MAP = "retning_csv_values"
CODES = "retning_csv_codes"

COPY_BLOCK = 1 << 20
_CSV_FIELD_LIMIT = csv.field_size_limit()
# Every character Python's str.strip() removes; btrim() with these trims a cell the same way.
WHITESPACE = "".join(chr(code) for code in range(0x110000) if chr(code).isspace())
_BOM = b"\xef\xbb\xbf"
# PostgreSQL ends CSV data from STDIN at a line holding only \. — such a file is left to Python.
_END_MARKER = re.compile(rb"(?:^|\n)\\\.\r?(?:\n|$)")

# The number patterns of ``formats.tabular``, for ASCII digits (a cell with other digits is left
# to the stream path, whose \d also reads them).
_INTEGER = "^-?[0-9]+$"
_UNDECIDED = "^-?[1-9][0-9]{0,2}[.,][0-9]{3}$"
_COMMA_DECIMAL = "^-?[0-9]+,[0-9]+$"
_POINT_DECIMAL = "^-?[0-9]+\\.[0-9]+$"
_POINT_GROUPED = "^-?[0-9]{1,3}(\\.[0-9]{3})+(,[0-9]+)?$"
_COMMA_GROUPED = "^-?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]+)?$"
_PLAIN_NUMBER = "^-?[0-9]+([.,][0-9]+)?$"
_DIGIT_SPACE = "(?<=[0-9])[ \u00a0\u202f\u2009](?=[0-9])"

# Observation.value is numeric(20, 6); see services._row_problem.
_MAX_DECIMALS = 6
_MAX_INTEGER_DIGITS = 14

# Statistics kept for the benchmark and the tests: how many files each way went.
stats = {"sql": 0, "fallback": 0}


class _Fallback(Exception):
    """This file is for the stream path; raised inside the savepoint so that it rolls back."""


def stage_csv(
    data: bytes, mapping: Mapping | None, context: _Context
) -> tuple[CopyApplier, tuple[DimensionInfo, ...]] | None:
    """Stage a CSV file's rows with COPY and SQL checks; None when the stream path must read it.

    On success the rows are in ``copy_import.STAGE`` and the returned applier's ``finish`` writes
    them. None (with everything this function did rolled back) for files with any problem and for
    layouts read only by the stream path: a file that starts with blank lines, a header with
    quotes or with empty trailing names, more than one breakdown column, quotes anywhere but
    around whole cells, quoted line breaks, lone carriage returns, rows with more or fewer cells
    than the header, blank lines inside the data, lines longer than Python's csv field limit, a
    line holding only ``\\.`` (the end of COPY data), bytes that are not UTF-8, and cells with
    digits other than 0–9.
    """
    try:
        with transaction.atomic():
            result = _stage(data, mapping, context)
    except (_Fallback, DatabaseError):
        stats["fallback"] += 1
        return None
    stats["sql"] += 1
    return result


def _stage(
    data: bytes, mapping: Mapping | None, context: _Context
) -> tuple[CopyApplier, tuple[DimensionInfo, ...]]:
    body = data[len(_BOM) :] if data.startswith(_BOM) else data
    body = body.rstrip(b"\r\n")
    newline = body.find(b"\n")
    first = body if newline < 0 else body[: newline + 1]
    try:
        header_line = first.decode("utf-8")
    except UnicodeDecodeError:
        raise _Fallback from None
    if not header_line.strip() or '"' in header_line or body.startswith(b"PK\x03\x04"):
        raise _Fallback
    delimiter = _detect_delimiter(header_line)
    if delimiter is None:
        raise _Fallback
    raw_header = next(csv.reader(io.StringIO(header_line), delimiter=delimiter))
    header = [cell.strip() for cell in raw_header]
    while header and not header[-1]:
        header.pop()
    if len(header) != len(raw_header) or len(header) > MAX_COLUMNS or newline < 0:
        raise _Fallback
    problems = ProblemList()
    columns = _resolve_columns(header, mapping or Mapping(), problems, 1)
    if columns is None or problems or len(columns.breakdowns) > 1:
        raise _Fallback
    _check_bytes(body, delimiter)

    width = len(header)
    names = [f"c{k}" for k in range(width)]
    with connection.cursor() as cursor:
        # Tables of an earlier import in the same transaction (they go at commit).
        tables = (RAW, CELLS, VALUE_TEXTS, VALUE_MAP, CODES, STAGE)
        cursor.execute("DROP TABLE IF EXISTS " + ", ".join(f"pg_temp.{name}" for name in tables))
        cursor.execute(
            f"CREATE TEMPORARY TABLE {RAW} (ord bigint GENERATED ALWAYS AS IDENTITY, "
            + ", ".join(f"{name} text" for name in names)
            + ") ON COMMIT DROP"
        )
        _copy(
            cursor,
            f"COPY {RAW} ({', '.join(names)}) FROM STDIN "
            f"(FORMAT csv, HEADER true, DELIMITER '{delimiter}')",
            memoryview(body),
        )
        _stage_rows(cursor, header, columns, context, delimiter)
        dimensions = _table_dimensions(cursor, header, columns)
    applier = CopyApplier(context, create=False, checked=True)
    return applier, dimensions


def _check_bytes(body: bytes, delimiter: str) -> None:
    """Leave to Python the byte layouts where PostgreSQL's CSV and Python's csv differ."""
    if b"\r" in body and body.count(b"\r") != body.count(b"\r\n"):
        raise _Fallback
    if b"\\." in body and _END_MARKER.search(body):
        raise _Fallback
    if _has_long_line(body, _CSV_FIELD_LIMIT):
        raise _Fallback  # Python's csv refuses cells this long; PostgreSQL would take them
    if b'"' in body:
        mark = re.escape(delimiter.encode())
        whole_cells = re.compile(
            rb"(?<![^" + mark + rb'\n])"[^"\r\n]*"(?![^' + mark + rb"\r\n])", re.MULTILINE
        )
        if b'"' in whole_cells.sub(b"", body):
            raise _Fallback


def _has_long_line(body: bytes, limit: int) -> bool:
    """Whether a line is longer than ``limit`` bytes; looks at about len(body) / limit windows."""
    start = 0
    while len(body) - start > limit:
        newline = body.rfind(b"\n", start, start + limit + 1)
        if newline < 0:
            return True
        start = newline + 1
    return False


def _copy(cursor: Any, statement: str, data: memoryview | bytes) -> None:
    with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
        for start in range(0, len(data), COPY_BLOCK):
            copy.write(data[start : start + COPY_BLOCK])


def _load(cursor: Any, table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    cursor.execute(f"CREATE TEMPORARY TABLE {table} ({columns}) ON COMMIT DROP")
    if not rows:
        return
    with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _stage_rows(
    cursor: Any, header: list[str], columns: Any, context: _Context, delimiter: str
) -> None:
    width = len(header)
    ws = {"ws": WHITESPACE}
    trimmed = ", ".join(f"btrim(coalesce(c{k}, ''), %(ws)s) AS t{k}" for k in range(width))
    all_empty = " AND ".join(f"t{k} = ''" for k in range(width))
    cursor.execute(
        f"CREATE TEMPORARY TABLE {CELLS} ON COMMIT DROP AS "  # noqa: S608
        f"SELECT * FROM (SELECT ord, {trimmed} FROM {RAW}) r WHERE NOT ({all_empty})",
        ws,
    )
    keep_params: dict[str, Any] = {}
    keep = ["true"]
    for n, (k, code) in enumerate(columns.filters):
        keep.append(f"t{k} = %(filter{n})s")
        keep_params[f"filter{n}"] = code.strip()
    kept = " AND ".join(keep)
    cursor.execute(
        f"SELECT count(*), (SELECT count(*) FROM {RAW}),"  # noqa: S608
        f" count(*) FILTER (WHERE {kept} AND t{columns.time} = '') FROM {CELLS}",
        keep_params,
    )
    data_rows, records, missing_periods = cursor.fetchone()
    if data_rows > MAX_ROWS or (records + 1) * width > MAX_CELLS or missing_periods:
        raise _Fallback

    # Periods, statuses and breakdown codes: the reader's own functions on each distinct text,
    # fetched in one query and joined back from one table (kind 0, 1 and 2).
    used = {0: columns.time}
    if columns.status is not None:
        used[1] = columns.status
    breakdown_column = columns.breakdowns[0] if columns.breakdowns else None
    if breakdown_column is not None:
        used[2] = breakdown_column[0]
    cursor.execute(
        " UNION ALL ".join(
            f"SELECT DISTINCT {kind}, t{k} FROM {CELLS} WHERE {kept} AND t{k} <> ''"  # noqa: S608
            for kind, k in used.items()
        ),
        keep_params,
    )
    from .services import _MAX_CATEGORY_LENGTH, _MAX_DIMENSION_LENGTH

    codes: list[tuple[int, str, str, Any]] = []
    for kind, text in cursor.fetchall():
        if kind == 0:
            try:
                code = _period(text)
            except periods.PeriodError:
                raise _Fallback from None
            codes.append((0, text, code, periods.parse_period(code).start))
        elif kind == 1:
            status = status_from_text(text)
            if status is None:
                raise _Fallback
            codes.append((1, text, status, None))
        else:
            assert breakdown_column is not None
            code = _category_code(text, BreakdownKind(breakdown_column[1].kind))
            if len(code) > _MAX_CATEGORY_LENGTH:
                raise _Fallback
            codes.append((2, text, code, None))
    _load(cursor, CODES, "kind smallint, raw text, code text, start date", codes)

    status_join = ""
    given = "NULL::text"
    if columns.status is not None:
        status_join = f"LEFT JOIN {CODES} sm ON sm.kind = 1 AND sm.raw = c.t{columns.status}"
        given = "sm.code"

    dimension_sql = "''"
    category_sql = "''"
    category_join = ""
    params: dict[str, Any] = {**ws, **keep_params}
    if breakdown_column is not None:
        k, breakdown = breakdown_column
        if len(breakdown.key) > _MAX_DIMENSION_LENGTH:
            raise _Fallback
        category_join = f"LEFT JOIN {CODES} cm ON cm.kind = 2 AND cm.raw = c.t{k}"
        dimension_sql = f"CASE WHEN c.t{k} <> '' THEN %(dimension)s ELSE '' END"
        category_sql = "coalesce(cm.code, '')"
        params["dimension"] = breakdown.key

    symbols = list(STATUS_SYMBOLS)
    symbol_case = " ".join(
        f"WHEN %(symbol{n})s THEN %(symbol_status{n})s" for n in range(len(symbols))
    )
    for n, symbol in enumerate(symbols):
        params[f"symbol{n}"] = symbol
        params[f"symbol_status{n}"] = STATUS_SYMBOLS[symbol][0]
    params |= {
        "not_available": STATUS_NOT_AVAILABLE,
        "missing_statuses": list(MISSING_VALUE_STATUSES),
        "digit_space": _DIGIT_SPACE,
        "minus": "\u2212",
        "percent": "%",
        "integer": _INTEGER,
        "undecided": _UNDECIDED,
        "comma_decimal": _COMMA_DECIMAL,
        "point_decimal": _POINT_DECIMAL,
        "point_grouped": _POINT_GROUPED,
        "comma_grouped": _COMMA_GROUPED,
    }
    # Values, like periods, are read once per distinct text: cleaned as _clean_number cleans them,
    # and with the decimal mark each one settles (tabular._style_of).
    value = f"c.t{columns.value}"
    cleaned = "replace(regexp_replace(v, %(digit_space)s, '', 'g'), %(minus)s, '-')"
    cursor.execute(
        f"CREATE TEMPORARY TABLE {VALUE_TEXTS} ON COMMIT DROP AS "  # noqa: S608
        "SELECT x.*, (NOT x.missing AND x.num ~ %(integer)s) AS is_integer, CASE"
        "  WHEN x.missing OR x.num ~ %(integer)s OR x.num ~ %(undecided)s THEN NULL"
        "  WHEN x.num ~ %(comma_decimal)s OR (x.num ~ %(point_grouped)s AND strpos(x.num, ',') > 0)"
        "   THEN ','"
        "  WHEN x.num ~ %(point_decimal)s OR (x.num ~ %(comma_grouped)s AND strpos(x.num, '.') > 0)"
        "   THEN '.'"
        "  WHEN x.num ~ %(point_grouped)s THEN ','"
        "  WHEN x.num ~ %(comma_grouped)s THEN '.'"
        " END AS style"
        " FROM (SELECT v, (v = '' OR v IN (SELECT unnest(%(symbols)s::text[]))) AS missing,"
        f"  CASE WHEN v = '' THEN %(not_available)s ELSE CASE v {symbol_case} END END"
        "   AS symbol_status,"
        f"  CASE WHEN right({cleaned}, 1) = %(percent)s"
        f"   THEN rtrim(left({cleaned}, -1), %(ws)s) ELSE {cleaned} END AS num"
        f"  FROM (SELECT DISTINCT {value} AS v FROM {CELLS} c WHERE {kept}) d) x",
        params | {"symbols": symbols},
    )
    cursor.execute(
        f"SELECT count(DISTINCT style), min(style) FROM {VALUE_TEXTS}"  # noqa: S608
    )
    styles, style = cursor.fetchone()
    if styles > 1:
        raise _Fallback
    style = style or ("," if delimiter == ";" else ".")
    grouped, other = (_POINT_GROUPED, ".") if style == "," else (_COMMA_GROUPED, ",")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {VALUE_MAP} ON COMMIT DROP AS "  # noqa: S608
        "SELECT v, missing, symbol_status, is_integer, style, n,"
        "  CASE WHEN n ~ %(plain)s THEN replace(n, ',', '.')::numeric END AS value"
        " FROM (SELECT *, CASE WHEN missing THEN NULL WHEN num ~ %(grouped)s"
        "   THEN replace(num, %(other)s, '') WHEN strpos(num, %(other)s) > 0 THEN NULL"
        f"   ELSE num END AS n FROM {VALUE_TEXTS}) x",
        {"grouped": grouped, "other": other, "plain": _PLAIN_NUMBER},
    )
    cursor.execute(
        f"SELECT count(*) FROM {VALUE_MAP} WHERE NOT missing AND (value IS NULL"  # noqa: S608
        f"  OR length(ltrim(substring(n FROM '^-?([0-9]+)'), '0')) > {_MAX_INTEGER_DIGITS}"
        f"  OR length(rtrim(coalesce(substring(n FROM '[.,]([0-9]+)$'), ''), '0'))"
        f"   > {_MAX_DECIMALS})"
    )
    if cursor.fetchone()[0]:
        raise _Fallback

    rows_from = (
        f"FROM {CELLS} c JOIN {CODES} pm ON pm.kind = 0 AND pm.raw = c.t{columns.time}"
        f" JOIN {VALUE_MAP} vm ON vm.v = {value} {status_join} {category_join} WHERE {kept}"
    )
    cursor.execute(
        "SELECT count(*),"  # noqa: S608
        f" count(*) FILTER (WHERE vm.missing AND NOT coalesce({given}, vm.symbol_status)"
        "  = ANY(%(missing_statuses)s)),"
        f" count(*) FILTER (WHERE NOT vm.missing AND {given} = ANY(%(missing_statuses)s)),"
        " min(c.ord) FILTER (WHERE vm.style IS NOT NULL),"
        " min(c.ord) FILTER (WHERE NOT vm.missing AND vm.style IS NULL AND NOT vm.is_integer),"
        f" max(c.ord) {rows_from}",
        params,
    )
    count, missing_problems, status_problems, decider, first_undecided, last = cursor.fetchone()
    if not count or missing_problems or status_problems:
        raise _Fallback

    # Rows the reader holds back until the file settles its decimal mark come out just before the
    # row that settles it (or at the end), so the staged order is the order the stream gives.
    decider = decider if decider is not None else last + 1
    if first_undecided is not None and first_undecided < decider:
        held = "(NOT vm.missing AND vm.style IS NULL AND NOT vm.is_integer AND c.ord < %(decider)s)"
        order = (
            f"row_number() OVER (ORDER BY CASE WHEN {held} THEN %(decider)s ELSE c.ord END,"
            f" CASE WHEN {held} THEN 0 ELSE 1 END, c.ord)"
        )
    else:
        order = "c.ord"
    letter = get_column_letter(columns.value + 1)
    CopyApplier.create_stage(drop=False)
    cursor.execute(
        f"INSERT INTO {STAGE} (ord, source_row, source_cell, period, period_start, dimension,"  # noqa: S608
        " category, value, status)"
        f" SELECT {order}, c.ord + 1, %(letter)s || (c.ord + 1), pm.code, pm.start,"
        f"  {dimension_sql}, {category_sql}, vm.value,"
        f"  CASE WHEN vm.missing THEN coalesce({given}, vm.symbol_status)"
        f"   ELSE coalesce({given}, '') END {rows_from}",
        params | {"decider": decider, "letter": letter},
    )
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {STAGE} GROUP BY period, dimension, category"  # noqa: S608
        " HAVING count(*) > 1)"
    )
    if cursor.fetchone()[0]:
        raise _Fallback


def _table_dimensions(cursor: Any, header: list[str], columns: Any) -> tuple[DimensionInfo, ...]:
    """The columns as the reader describes them: the first distinct values of each, in order."""
    firsts = " UNION ALL ".join(
        f"(SELECT {k} AS k, t{k} AS t, min(ord) AS first FROM {CELLS} WHERE t{k} <> ''"  # noqa: S608
        f" GROUP BY t{k} ORDER BY min(ord) LIMIT {MAX_CATEGORIES_LISTED})"
        for k in range(len(header))
    )
    cursor.execute(f"SELECT k, t FROM ({firsts}) f ORDER BY k, first")  # noqa: S608
    categories: list[dict[str, None]] = [{} for _ in header]
    for k, text in cursor.fetchall():
        categories[k][text] = None
    return _dimensions(header, categories, columns)
