"""Open-data exports of observations: CSV, XLSX and JSON-stat 2.0.

Choices, so that the files read back with ``formats.parse_csv/parse_xlsx/parse_jsonstat``:

* Long format, one row per observation, columns ``indikator;periode;verdi;status`` followed by one
  column per breakdown dimension (named by the dimension, empty for other series) and then
  ``kilde;merknad``. A headline row has every breakdown column empty.
* CSV is UTF-8 with a byte order mark, semicolon-separated with a decimal comma: that is what
  Excel set to Norwegian opens correctly by double-click, and the reader accepts it as well.
* Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
  tab or carriage return) get a leading apostrophe. Numbers are written as numbers and never
  changed, so a negative value stays negative.
* JSON-stat holds one cube per indicator and breakdown dimension: the headline series is one
  dataset, each breakdown dimension another. Several datasets travel as a JSON-stat collection
  with the datasets embedded. A cube has a cell for every combination, so a breakdown value
  without a figure for some period reads back as "not available" for that period.
* "Kan ikke forekomme" (not applicable) has no status of its own in the readers; it is written
  as Statistics Norway's symbol "." and reads back as "not available".
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook

from .formats import BreakdownKind, BreakdownMapping, Mapping, ObservationRow
from .formats import to_jsonstat as _to_jsonstat
from .formats.common import STATUS_NOT_AVAILABLE
from .models import Indicator, Observation

FIXED_COLUMNS = ("indikator", "periode", "verdi", "status")
TRAILING_COLUMNS = ("kilde", "merknad")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class ExportRow:
    indicator: str
    row: ObservationRow
    source: str = ""
    note: str = ""


def neutralise(text: str) -> str:
    """Text a spreadsheet would take for a formula, made inert with a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def observation_row(observation: Observation) -> ObservationRow:
    status, symbol = observation.status, ""
    if status == _NOT_APPLICABLE:
        status, symbol = STATUS_NOT_AVAILABLE, "."
    breakdown = (
        ((observation.breakdown_dimension, observation.breakdown_value),)
        if observation.breakdown_dimension
        else ()
    )
    return ObservationRow(
        period=observation.period,
        value=observation.value,
        status=status,
        breakdown=breakdown,
        source_status=symbol,
    )


def export_rows(indicators: QuerySet[Indicator]) -> list[ExportRow]:
    """Every observation of ``indicators`` in one query, ordered by indicator, series and time."""
    observations = (
        Observation.objects.filter(indicator__in=indicators)
        .select_related("indicator")
        .only(
            "indicator__code",
            "period",
            "period_start",
            "value",
            "status",
            "breakdown_dimension",
            "breakdown_value",
            "source",
            "note",
        )
        .order_by("indicator__code", "breakdown_dimension", "breakdown_value", "period_start")
    )
    return [ExportRow(o.indicator.code, observation_row(o), o.source, o.note) for o in observations]


def dimensions_of(rows: Iterable[ExportRow]) -> list[str]:
    return sorted({key for item in rows for key, _ in item.row.breakdown})


def reading_mapping(dimensions: Sequence[str], *, tabular: bool = True) -> Mapping:
    """The mapping that reads an export of ours back (CSV/XLSX, or JSON-stat when not tabular)."""
    kinds = {kind.value for kind in BreakdownKind}
    return Mapping(
        time="periode" if tabular else "",
        value="verdi" if tabular else "",
        status="status" if tabular else "",
        breakdowns=tuple(
            BreakdownMapping(
                dimension, BreakdownKind(dimension) if dimension in kinds else BreakdownKind.CUSTOM
            )
            for dimension in dimensions
        ),
    )


def _number_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def _records(rows: Sequence[ExportRow]) -> Iterator[list[Any]]:
    """Header and rows as cells: text already neutralised, numbers left as Decimal or None."""
    dimensions = dimensions_of(rows)
    yield [*FIXED_COLUMNS, *dimensions, *TRAILING_COLUMNS]
    for item in rows:
        breakdown = dict(item.row.breakdown)
        status = item.row.source_status or item.row.status
        yield [
            neutralise(item.indicator),
            neutralise(item.row.period),
            item.row.value,
            neutralise(status),
            *(neutralise(breakdown.get(dimension, "")) for dimension in dimensions),
            neutralise(item.source),
            neutralise(item.note),
        ]


def to_csv(rows: Sequence[ExportRow]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    records = _records(rows)
    writer.writerow(next(records))
    for record in records:
        record[2] = _number_text(record[2])
        writer.writerow(record)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Sequence[ExportRow], *, sheet_title: str = "data") -> bytes:
    # Write-only mode streams rows to the file instead of building every cell in memory.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for record in _records(rows):
        sheet.append(record)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def jsonstat_dataset(
    indicator: Indicator, rows: Iterable[ObservationRow], *, lang: str = "nb"
) -> dict[str, Any]:
    """One cube: rows that share the same breakdown keys (the headline, or one dimension)."""
    name = (lang == "en" and indicator.name_en) or indicator.name
    return _to_jsonstat(
        rows,
        label=name,
        source=indicator.data_source,
        metric_code=indicator.code,
        metric_label=name,
        unit=indicator.unit_label or indicator.unit,
        decimals=indicator.decimals,
        sparse=True,
    )


def jsonstat_datasets(
    indicators: Iterable[Indicator], rows: Iterable[ExportRow], *, lang: str = "nb"
) -> list[dict[str, Any]]:
    """One dataset per indicator and breakdown dimension (headline first)."""
    grouped: dict[tuple[str, str], list[ObservationRow]] = {}
    for item in rows:
        dimension = item.row.breakdown[0][0] if item.row.breakdown else ""
        grouped.setdefault((item.indicator, dimension), []).append(item.row)
    by_code = {indicator.code: indicator for indicator in indicators}
    return [
        jsonstat_dataset(by_code[code], cube_rows, lang=lang)
        for (code, _dimension), cube_rows in sorted(grouped.items())
        if code in by_code
    ]


def jsonstat_collection(datasets: Sequence[dict[str, Any]], *, label: str) -> dict[str, Any]:
    return {
        "version": "2.0",
        "class": "collection",
        "label": label,
        "link": {"item": list(datasets)},
    }
