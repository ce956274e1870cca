"""Arbitrary input never crashes a parser: it reads rows, or explains in Norwegian why it cannot.

Covers what the parsers' own tests do not: those check that well-formed files round-trip
(tests/indicators/test_tabular.py, test_jsonstat.py, test_streaming_import.py) and that the
roadmap CSV reader survives arbitrary text and bytes (tests/roadmap/test_roadmap_csv.py). Here
the observation readers get arbitrary bytes, near-miss CSV, near-miss XLSX archives and arbitrary
JSON, and period codes get arbitrary text.
"""

import io
import json
import re
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retning.indicators.formats import (
    Mapping,
    ParseResult,
    parse_csv,
    parse_jsonstat,
    parse_xlsx,
    stream_csv,
    stream_jsonstat,
    stream_xlsx,
)
from retning.indicators.periods import PeriodError, is_valid_period, parse_period

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CSV_MAPPING = Mapping(time="periode", value="verdi", status="status")
# Words and letters that only a Norwegian message has; an English or internal message has none.
NORWEGIAN = re.compile(
    r"[æøåÆØÅ«»]|\b(ikke|er|kan|har|men|med|fra|eller|ingen|mangler|som|til|en|et|og|Filen|filen"
    r"|Feltet|Rad|rad|verdi|kolonne\w*|dimensjon\w*|periode\w*|ugyldig\w*)\b"
)
INTERNALS = re.compile(r"Traceback|Error\(|Exception\b|<[a-z_.]+ object at")


def _explains(result: ParseResult) -> None:
    """Either rows or problems, and every problem is a readable Norwegian sentence."""
    assert isinstance(result, ParseResult)
    assert result.rows or result.problems or result.ok
    for problem in result.problems:
        assert isinstance(problem.message_nb, str) and problem.message_nb.strip()
        assert NORWEGIAN.search(problem.message_nb), problem.message_nb
        assert not INTERNALS.search(problem.message_nb), problem.message_nb
    for row in result.rows:
        assert isinstance(row.period, str) and is_valid_period(row.period)
        assert row.value is None or isinstance(row.value, Decimal)


# --- CSV -----------------------------------------------------------------------------------------

CSV_ALPHABET = ';,"\n\r\t .-=+@0123456789abcdefABCDEF\u00a0\u2212æøå\ufeffperiodvrstau'


@FAST
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_as_csv_give_rows_or_a_norwegian_explanation(data: bytes) -> None:
    _explains(parse_csv(data, CSV_MAPPING))
    _explains(parse_csv(data, None))


@FAST
@given(
    st.lists(st.text(alphabet=CSV_ALPHABET, max_size=30), max_size=12),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_near_miss_csv_under_a_real_header_never_raises(lines: list[str], encoding: str) -> None:
    text = "periode;verdi;status\n" + "\n".join(lines)
    data = text.encode(encoding, errors="replace")
    _explains(parse_csv(data, CSV_MAPPING))
    # The streaming reader the import uses must agree: it also only yields rows or problems.
    stream = stream_csv(data, CSV_MAPPING)
    rows = list(stream)
    collected = stream.collect() if not rows else None
    if collected is not None:
        _explains(collected)


# --- XLSX ----------------------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@FAST
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_as_xlsx_give_a_norwegian_explanation(data: bytes) -> None:
    _explains(parse_xlsx(data, CSV_MAPPING))
    _explains(parse_xlsx(b"PK\x03\x04" + data, CSV_MAPPING))


XLSX_MEMBERS = st.dictionaries(
    st.sampled_from(
        [
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/worksheets/sheet1.xml",
            "xl/sharedStrings.xml",
            "xl/styles.xml",
            "../../etc/passwd",
        ]
    ),
    st.one_of(
        st.binary(max_size=300),
        st.text(alphabet='<>/="?xml version sheetData row c v t s r A1 1 2 &;!', max_size=300).map(
            str.encode
        ),
    ),
    max_size=8,
)


@FAST
@given(XLSX_MEMBERS)
def test_a_zip_with_broken_spreadsheet_parts_gives_a_norwegian_explanation(
    members: dict[str, bytes],
) -> None:
    data = _zip(members)
    _explains(parse_xlsx(data, CSV_MAPPING))
    _explains(stream_xlsx(data, CSV_MAPPING).collect())


# --- JSON-stat -----------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(
            ["version", "class", "id", "size", "value", "status", "dimension", "category",
             "index", "label", "role", "time", "metric", "Tid", "ContentsCode", "link", "item"]
        )
        | st.text(max_size=6),
        children,
        max_size=6,
    ),
    max_leaves=30,
)  # fmt: skip


@FAST
@given(st.binary(max_size=1500))
def test_arbitrary_bytes_as_jsonstat_give_a_norwegian_explanation(data: bytes) -> None:
    _explains(parse_jsonstat(data, None))


@FAST
@given(JSON_VALUES)
def test_arbitrary_json_as_jsonstat_gives_rows_or_a_norwegian_explanation(document: Any) -> None:
    text = json.dumps(document)
    _explains(parse_jsonstat(text, None))
    _explains(stream_jsonstat(text.encode(), Mapping()).collect())
    if isinstance(document, dict):
        _explains(parse_jsonstat(document, None))


@FAST
@given(
    st.fixed_dictionaries(
        {
            "version": st.just("2.0"),
            "class": st.just("dataset"),
            "id": st.lists(st.sampled_from(["Tid", "ContentsCode", "Region", "x"]), max_size=4),
            "size": st.lists(st.integers(-2, 4), max_size=4),
            "value": st.one_of(
                st.lists(
                    st.one_of(st.none(), st.integers(), st.floats(allow_nan=False)), max_size=12
                ),
                st.dictionaries(st.text(max_size=3), st.integers(), max_size=4),
            ),
            "dimension": st.dictionaries(
                st.sampled_from(["Tid", "ContentsCode", "Region", "x"]),
                st.fixed_dictionaries(
                    {
                        "category": st.fixed_dictionaries(
                            {
                                "index": st.one_of(
                                    st.lists(st.text(max_size=8), max_size=4),
                                    st.dictionaries(
                                        st.text(max_size=8), st.integers(-1, 5), max_size=4
                                    ),
                                )
                            }
                        )
                    }
                ),
                max_size=4,
            ),
        }
    )
)
def test_near_miss_jsonstat_datasets_give_rows_or_a_norwegian_explanation(
    document: dict[str, Any],
) -> None:
    _explains(parse_jsonstat(json.dumps(document), None))


# --- Period codes --------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(max_size=20),
        st.text(alphabet="0123456789HTQKMW-_ .hqkm\u00a0\u0663", max_size=10),
        st.from_regex(r"\A-?\d{1,6}([HTQKMhqkm]\d{0,3})?\Z"),
    )
)
def test_period_codes_parse_or_raise_only_the_period_error_in_norwegian(text: str) -> None:
    try:
        period = parse_period(text)
    except PeriodError as error:
        message = str(error)
        assert message.strip() and NORWEGIAN.search(message), message
        assert not INTERNALS.search(message), message
        assert not is_valid_period(text)
    else:
        assert is_valid_period(text)
        assert parse_period(period.code) == period


@pytest.mark.parametrize("text", ["", " ", "2024K5", "2024M13", "2024H0", "99999", "2024\x00"])
def test_known_bad_period_codes_are_refused_with_a_message(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)
