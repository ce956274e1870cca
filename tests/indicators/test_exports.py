"""Exports read back with the project's own parsers, and spreadsheets never run exported text."""

import io
import json
from collections import Counter
from decimal import Decimal

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from retning.indicators import exports
from retning.indicators.formats import (
    ObservationRow,
    dump_jsonstat,
    parse_csv,
    parse_jsonstat,
    parse_xlsx,
)
from retning.indicators.formats.common import STATUS_NOT_AVAILABLE
from retning.indicators.models import Indicator, Observation

YEARS = st.integers(min_value=2000, max_value=2030).map(str)
VALUES = st.decimals(
    min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=3, allow_nan=False
)
# Category codes a spreadsheet would not take for a formula, so they read back unchanged.
CODES = (
    st.text(
        alphabet=st.characters(categories=("L", "N"), include_characters="æøåÆØÅ _"),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)
STATUSES = st.sampled_from(["", "provisional", "approximate"])


def _key(row: ObservationRow) -> tuple[object, ...]:
    return (row.period, row.value, row.status, row.breakdown)


def _rows(indicator: str, observation_rows: list[ObservationRow]) -> list[exports.ExportRow]:
    return [exports.ExportRow(indicator, row) for row in observation_rows]


@st.composite
def series_rows(draw: st.DrawFn) -> list[ObservationRow]:
    """A headline series and series for up to two breakdown dimensions, unique per key."""
    dimensions = draw(st.lists(st.sampled_from(["gender", "kommunegruppe"]), unique=True))
    keys = [()] + [
        ((dimension, code),)
        for dimension in dimensions
        for code in draw(st.lists(CODES, min_size=1, max_size=3, unique=True))
    ]
    rows = []
    for breakdown in keys:
        for year in draw(st.lists(YEARS, min_size=1, max_size=4, unique=True)):
            if draw(st.booleans()) and draw(st.booleans()):
                rows.append(ObservationRow(year, None, STATUS_NOT_AVAILABLE, breakdown))
            else:
                rows.append(ObservationRow(year, draw(VALUES), draw(STATUSES), breakdown))
    return rows


def _read_csv(rows: list[ObservationRow]) -> list[ObservationRow]:
    exported = _rows("X", rows)
    mapping = exports.reading_mapping(exports.dimensions_of(exported))
    result = parse_csv(exports.to_csv(exported), mapping)
    assert result.ok, result.problems
    return list(result.rows)


@given(series_rows())
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
def test_a_csv_export_reads_back_as_the_same_rows(rows: list[ObservationRow]) -> None:
    assert Counter(map(_key, _read_csv(rows))) == Counter(map(_key, rows))


@given(series_rows())
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
def test_an_xlsx_export_reads_back_as_the_same_rows(rows: list[ObservationRow]) -> None:
    exported = _rows("X", rows)
    mapping = exports.reading_mapping(exports.dimensions_of(exported))
    result = parse_xlsx(exports.to_xlsx(exported), mapping)
    assert result.ok, result.problems
    assert Counter(map(_key, result.rows)) == Counter(map(_key, rows))


@given(series_rows())
@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
def test_a_jsonstat_export_reads_back_with_only_empty_cells_added(
    rows: list[ObservationRow],
) -> None:
    indicator = Indicator(code="X", name="Eksempel", unit="antall", decimals=1)
    datasets = exports.jsonstat_datasets([indicator], _rows("X", rows))
    read: list[ObservationRow] = []
    for dataset in datasets:
        dimensions = [d for d in dataset["id"] if d not in {"ContentsCode", "Tid"}]
        text = dump_jsonstat(dataset)
        result = parse_jsonstat(text, exports.reading_mapping(dimensions, tabular=False))
        assert result.ok, result.problems
        read += result.rows
    exported = {_key(row) for row in rows}
    got = {_key(row) for row in read}
    assert exported <= got
    # A cube has a cell for every period and category; cells no row filled are "not available".
    assert all(
        value is None and status == STATUS_NOT_AVAILABLE for _p, value, status, _b in got - exported
    )


def test_the_seeded_data_round_trips_through_csv_xlsx_and_jsonstat(seeded: None) -> None:
    indicators = Indicator.objects.all()
    rows = exports.export_rows(indicators)
    assert len(rows) == Observation.objects.count()
    by_indicator: dict[str, list[ObservationRow]] = {}
    for item in rows:
        by_indicator.setdefault(item.indicator, []).append(item.row)
    for code, own in by_indicator.items():
        exported = _rows(code, own)
        mapping = exports.reading_mapping(exports.dimensions_of(exported))
        from_csv = parse_csv(exports.to_csv(exported), mapping)
        from_xlsx = parse_xlsx(exports.to_xlsx(exported), mapping)
        assert from_csv.ok and from_xlsx.ok, (code, from_csv.problems, from_xlsx.problems)
        assert Counter(map(_key, from_csv.rows)) == Counter(map(_key, own))
        assert Counter(map(_key, from_xlsx.rows)) == Counter(map(_key, own))
    datasets = exports.jsonstat_datasets(list(indicators), rows)
    assert datasets
    for dataset in datasets:
        assert parse_jsonstat(dump_jsonstat(dataset)).ok


@pytest.mark.parametrize("dangerous", ["=1+1", "+47", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe(dangerous: str) -> None:
    assert exports.neutralise(dangerous) == "'" + dangerous
    assert exports.neutralise("Oslo") == "Oslo"


def test_exported_cells_are_neutralised_but_negative_numbers_stay_numbers() -> None:
    rows = [
        exports.ExportRow(
            "X",
            ObservationRow("2024", Decimal("-3.5"), "", (("kommune", "=HYPERLINK(1)"),)),
            source="@kilde",
            note="+merknad",
        )
    ]
    text = exports.to_csv(rows).decode("utf-8-sig")
    assert text.splitlines()[1] == "X;2024;-3,5;;'=HYPERLINK(1);'@kilde;'+merknad"
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(rows))).active
    cells = [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert cells == ["X", "2024", -3.5, None, "'=HYPERLINK(1)", "'@kilde", "'+merknad"]
    assert all(cell.data_type != "f" for cell in next(sheet.iter_rows(min_row=2, max_row=2)))


def test_the_csv_starts_with_a_byte_order_mark_and_uses_decimal_commas() -> None:
    content = exports.to_csv(_rows("X", [ObservationRow("2024", Decimal("57.25"))]))
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").splitlines() == [
        "indikator;periode;verdi;status;kilde;merknad",
        "X;2024;57,25;;;",
    ]


def test_the_download_views_serve_every_format(seeded: None, client: Client) -> None:
    code = "INNB-DIGITAL-CONTACT"
    csv_response = client.get(f"/indikatorer/{code}/data.csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "INNB-DIGITAL-CONTACT;2023;57;" in csv_response.content.decode("utf-8-sig")
    xlsx = client.get(f"/indikatorer/{code}/data.xlsx")
    assert xlsx["Content-Type"] == exports_xlsx_type()
    assert parse_xlsx(xlsx.content, exports.reading_mapping([])).ok
    dataset = json.loads(client.get(f"/indikatorer/{code}/data.json").content)
    assert dataset["class"] == "dataset" and dataset["value"]
    assert client.get(f"/indikatorer/{code}/data.json?inndeling=finnes-ikke").status_code == 404
    everything = json.loads(client.get("/indikatorer/eksport.json").content)
    assert everything["class"] == "collection"
    assert (
        len(everything["link"]["item"])
        >= Indicator.objects.filter(observations__isnull=False).distinct().count()
    )
    all_csv = client.get("/indikatorer/eksport.csv").content.decode("utf-8-sig")
    assert len(all_csv.strip().splitlines()) == 1 + Observation.objects.count()
    assert client.get("/indikatorer/eksport.xlsx").status_code == 200


def exports_xlsx_type() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
