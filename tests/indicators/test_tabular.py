import csv
import io
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from retning.indicators.formats import (
    BreakdownKind,
    BreakdownMapping,
    Mapping,
    MappingError,
    ObservationRow,
    ParseResult,
    parse_csv,
    parse_xlsx,
    tabular,
)
from retning.indicators.periods import PeriodKind, make_period

FIXTURES = Path(__file__).parent.parent / "fixtures" / "indicators"
COUNTY = BreakdownKind.REGION_COUNTY


def messages(result: ParseResult) -> str:
    return " | ".join(str(problem) for problem in result.problems)


def simple(rows: tuple[ObservationRow, ...]) -> list[tuple[Any, ...]]:
    return [(row.period, row.value, row.status, row.breakdown) for row in rows]


def test_it_reads_a_comma_separated_file_with_decimal_points() -> None:
    mapping = Mapping(
        time="periode",
        value="verdi",
        status="status",
        breakdowns=(BreakdownMapping("fylke", COUNTY),),
    )

    result = parse_csv((FIXTURES / "long_comma.csv").read_bytes(), mapping)

    assert result.ok, messages(result)
    county = (("region_county", "03"),)
    assert simple(result.rows) == [
        ("2022", Decimal("51.5"), "", county),
        ("2023", Decimal("52.25"), "provisional", county),
        ("2022", Decimal("1234.5"), "", (("region_county", "46"),)),
        ("2023", None, "confidential", (("region_county", "46"),)),
    ]
    assert (result.rows[1].source_row, result.rows[1].source_cell) == (3, "C3")


def test_it_reads_a_semicolon_file_with_bom_crlf_and_decimal_commas() -> None:
    mapping = Mapping(
        time="Periode",
        value="Verdi",
        status="Status",
        breakdowns=(
            BreakdownMapping("Fylke", COUNTY),
            BreakdownMapping("Kjønn", BreakdownKind.GENDER),
        ),
    )

    result = parse_csv((FIXTURES / "long_semicolon_bom_crlf.csv").read_bytes(), mapping)

    assert result.ok, messages(result)
    values = [(row.period, row.value, row.status, row.source_status) for row in result.rows]
    assert values == [
        ("2024K1", Decimal("1234.5"), "", ""),  # "1 234,5" with a no-break space
        ("2024K1", Decimal("987.25"), "provisional", "foreløpig"),
        ("2024K2", None, "not_available", ".."),
        ("2024K2", Decimal(-12), "", ""),
    ]
    assert result.rows[0].breakdown == (("gender", "Kvinner"), ("region_county", "03"))


def test_column_names_match_without_regard_to_case() -> None:
    data = b"PERIODE;VERDI\n2024;5\n"

    result = parse_csv(data, Mapping(time="periode", value="verdi"))

    assert simple(result.rows) == [("2024", Decimal(5), "", ())]


@pytest.mark.parametrize(
    ("data", "values"),
    [
        # Decided by values that can only be read one way.
        (b"p;v\n2022;1,5\n2023;1.234\n", [Decimal("1.5"), Decimal(1234)]),
        (b'p,v\n2022,1.5\n2023,"1,234"\n', [Decimal("1.5"), Decimal(1234)]),
        (b'p,v\n2022,"1,5"\n2023,2\n', [Decimal("1.5"), Decimal(2)]),
        (b"p;v\n2022;1.234,5\n2023;2\n", [Decimal("1234.5"), Decimal(2)]),
        (b'p,v\n2022,"1,234.5"\n2023,2\n', [Decimal("1234.5"), Decimal(2)]),
        # Only undecided values: semicolon files use a decimal comma, comma files a point.
        (b"p;v\n2022;1,234\n", [Decimal("1.234")]),
        (b"p,v\n2022,1.234\n", [Decimal("1.234")]),
        # Spaces, minus signs and per cent signs people type.
        (
            "p;v\n2022;\u22121\u202f234,5 %\n2023;0,05\n".encode(),
            [Decimal("-1234.5"), Decimal("0.05")],
        ),
    ],
)
def test_the_decimal_mark_is_detected_per_file(data: bytes, values: list[Decimal]) -> None:
    result = parse_csv(data, Mapping(time="p", value="v"))

    assert [row.value for row in result.rows] == values, messages(result)


def test_a_file_mixing_decimal_commas_and_points_is_refused() -> None:
    result = parse_csv(b"p;v\n2022;1,5\n2023;2.5\n", Mapping(time="p", value="v"))

    assert "blander desimalkomma («1,5») og desimalpunktum («2.5»)" in messages(result)


def test_an_empty_value_without_status_is_not_available() -> None:
    result = parse_csv(b"p,v\n2022,\n2023,4\n", Mapping(time="p", value="v"))

    assert simple(result.rows)[0] == ("2022", None, "not_available", ())


def test_county_numbers_get_their_leading_zero_back() -> None:
    mapping = Mapping(time="p", value="v", breakdowns=(BreakdownMapping("fylke", COUNTY),))

    result = parse_csv(b"p,fylke,v\n2022,3,1\n2022,,7\n", mapping)

    # An empty breakdown cell is the total for that breakdown.
    assert [row.breakdown for row in result.rows] == [(("region_county", "03"),), ()]


def test_filters_keep_only_the_rows_for_one_indicator() -> None:
    data = b"indikator;p;v\nA;2022;1\nB;2022;2\nA;2023;3\n"

    result = parse_csv(data, Mapping(time="p", value="v", filters=(("indikator", "A"),)))
    nothing = parse_csv(data, Mapping(time="p", value="v", filters=(("indikator", "C"),)))

    assert [row.value for row in result.rows] == [Decimal(1), Decimal(3)]
    assert "Ingen rader har «C» i kolonnen «indikator»" in messages(nothing)


@pytest.mark.parametrize(
    ("data", "mapping", "expected"),
    [
        (b"", Mapping(time="p", value="v"), "Filen er tom"),
        (b"\n\n", Mapping(time="p", value="v"), "Filen er tom"),
        (b"periode\n2022\n", Mapping(time="p", value="v"), "Fant ikke skilletegnet"),
        (
            b"p,v\n2022,1\n",
            Mapping(time="periode", value="v"),
            "Rad 1: Kolonnen «periode» (periode) finnes ikke. Kolonnene i filen er «p», «v».",
        ),
        (b"p,v\n2022,1\n", Mapping(), "Velg hvilken kolonne som inneholder perioden"),
        (b"p,p,v\n2022,2022,1\n", Mapping(time="p", value="v"), "flere kolonner som heter «p»"),
        (
            b"p,v\n2022,1\n2022K5,2\n",
            Mapping(time="p", value="v"),
            "Rad 3, celle A3: Nummer 5 finnes ikke",
        ),
        (b"p,v\n,1\n", Mapping(time="p", value="v"), "Rad 2, celle A2: Perioden mangler"),
        (
            b"p,v\n2022,mye\n",
            Mapping(time="p", value="v"),
            "Rad 2, celle B2: «mye» er ikke et tall",
        ),
        (
            b"p,v\n2022,1\n2022,2\n",
            Mapping(time="p", value="v"),
            "Rad 3, celle B3: Perioden 2022 finnes flere ganger, også i rad 2",
        ),
        (
            b"p,v,s\n2022,,forel\xc3\xb8pig\n",
            Mapping(time="p", value="v", status="s"),
            "Verdien mangler. En måling uten verdi må ha status",
        ),
        (
            b"p,v,s\n2022,4,skjermet\n",
            Mapping(time="p", value="v", status="s"),
            "både en verdi og en status",
        ),
        (
            b"p,v,s\n2022,4,rar\n",
            Mapping(time="p", value="v", status="s"),
            "Statusen «rar» er ukjent",
        ),
        (
            b'p,v\n2022,"1\n2023,2\n',
            Mapping(time="p", value="v"),
            "kan ikke leses som CSV",
        ),
        ("p;v\n2022;Trøndelag\n".encode("cp1252"), Mapping(time="p", value="v"), "UTF-8"),
        (b"PK\x03\x04rest", Mapping(time="p", value="v"), "Excel-fil"),
    ],
)
def test_broken_csv_files_give_norwegian_problems(
    data: bytes, mapping: Mapping, expected: str
) -> None:
    result = parse_csv(data, mapping)

    assert not result.ok and not result.rows
    assert expected in messages(result)


def test_a_single_bad_row_means_no_rows_at_all() -> None:
    lines = ["p,v"] + [f"{year},{year - 2000}" for year in range(2001, 2030)] + ["2030,x"]

    result = parse_csv("\n".join(lines).encode(), Mapping(time="p", value="v"))

    assert result.rows == () and len(result.problems) == 1


def test_the_problem_list_is_capped_and_says_how_many_more() -> None:
    lines = ["p,v"] + [f"{year},x" for year in range(1901, 2051)]

    result = parse_csv("\n".join(lines).encode(), Mapping(time="p", value="v"))

    assert len(result.problems) == 101
    assert "og 50 feil til" in result.problems[-1].message_nb


def test_too_many_rows_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "MAX_ROWS", 3)

    result = parse_csv(b"p,v\n2021,1\n2022,1\n2023,1\n2024,1\n", Mapping(time="p", value="v"))

    assert "mer enn 3 rader" in messages(result)


def test_columns_are_described_even_when_the_mapping_is_incomplete() -> None:
    result = parse_csv(b"periode;fylke;verdi\n2022;03;1\n2023;11;2\n", Mapping())

    described = {
        dimension.id: [c.code for c in dimension.categories] for dimension in result.dimensions
    }
    assert described == {"periode": ["2022", "2023"], "fylke": ["03", "11"], "verdi": ["1", "2"]}


def test_the_callers_file_is_left_open() -> None:
    stream = io.BytesIO(b"p,v\n2022,1\n")

    parse_csv(stream, Mapping(time="p", value="v"))

    assert not stream.closed


# Round trip: rows written as CSV in both dialects come back unchanged.

period_codes = st.builds(
    lambda year, kind, data: (
        make_period(year, kind, data.draw(st.integers(1, kind.parts_per_year))).code
    ),
    st.integers(2000, 2040),
    st.sampled_from(list(PeriodKind)),
    st.data(),
)
categories = (
    st.text(alphabet='abcæøå ABC0189,;"-', min_size=1, max_size=8).map(str.strip).filter(bool)
)
decimal_values = st.integers(0, 6).flatmap(
    lambda places: st.decimals(min_value=-(10**12), max_value=10**12, places=places)
)
measurements = st.one_of(
    st.tuples(decimal_values, st.sampled_from(["", "provisional", "approximate"])),
    st.tuples(st.none(), st.sampled_from(["not_available", "confidential"])),
)


@st.composite
def row_lists(draw: st.DrawFn) -> list[ObservationRow]:
    cells = st.tuples(period_codes, categories)
    chosen = draw(st.lists(cells, min_size=1, max_size=15, unique=True))
    rows = []
    for period, category in chosen:
        value, status = draw(measurements)
        rows.append(ObservationRow(period, value, status, (("tjeneste", category),)))
    return rows


def norwegian_number(value: Decimal) -> str:
    """Written the way Norwegian spreadsheets write it: no-break spaces and a decimal comma."""
    text = f"{value:,f}".replace(",", "\u00a0").replace(".", ",")
    return text.replace("-", "\u2212")


def write_csv(rows: list[ObservationRow], delimiter: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["Periode", "Tjeneste", "Verdi", "Status"])
    for row in rows:
        if row.value is None:
            value = ""
        elif delimiter == ";":
            value = norwegian_number(row.value)
        else:
            value = format(row.value, "f")
        writer.writerow([row.period, row.breakdown[0][1], value, row.status])
    return ("\ufeff" if delimiter == ";" else "").encode() + out.getvalue().encode()


@given(row_lists(), st.sampled_from([",", ";"]))
def test_rows_written_as_csv_read_back_the_same(rows: list[ObservationRow], delimiter: str) -> None:
    mapping = Mapping(
        time="Periode",
        value="Verdi",
        status="Status",
        breakdowns=(BreakdownMapping("Tjeneste"),),
    )

    result = parse_csv(write_csv(rows, delimiter), mapping)

    assert result.ok, messages(result)
    assert simple(result.rows) == [
        (row.period, row.value, row.status, (("Tjeneste", row.breakdown[0][1]),)) for row in rows
    ]


# XLSX


def workbook_bytes(*rows: list[Any], title: str = "Data", extra: str = "") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if extra:
        book.create_sheet(extra).append(["tom"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX_MAPPING = Mapping(
    time="periode", value="verdi", breakdowns=(BreakdownMapping("fylke", COUNTY),)
)


def test_it_reads_numbers_text_and_county_numbers_from_xlsx() -> None:
    data = workbook_bytes(
        ["periode", "fylke", "verdi"],
        [2023, 3, 12.5],
        ["2024K1", "46", 7],
        [2024.0, 50, "1 234,5"],
    )

    result = parse_xlsx(data, XLSX_MAPPING)

    assert result.ok, messages(result)
    assert simple(result.rows) == [
        ("2023", Decimal("12.5"), "", (("region_county", "03"),)),
        ("2024K1", Decimal(7), "", (("region_county", "46"),)),
        ("2024", Decimal("1234.5"), "", (("region_county", "50"),)),
    ]
    assert result.rows[2].source_cell == "C4"


def test_a_formula_without_a_saved_result_is_a_problem_not_a_value() -> None:
    data = workbook_bytes(["periode", "fylke", "verdi"], [2023, 3, 12.5], [2024, 3, "=C2*2"])

    result = parse_xlsx(data, XLSX_MAPPING)

    assert not result.rows
    assert "Rad 3, celle C3: Cellen inneholder en formel uten lagret resultat" in messages(result)


def test_a_formula_with_a_saved_result_gives_that_result_without_calculating() -> None:
    data = workbook_bytes(["periode", "fylke", "verdi"], [2023, 3, 12.5], [2024, 3, "=C2*2"])
    # Store a result that is not what the formula would give, to show it is never recalculated.
    data = _replace_in_sheet(data, b"<f>C2*2</f><v />", b"<f>C2*2</f><v>99</v>")

    result = parse_xlsx(data, XLSX_MAPPING)

    assert [row.value for row in result.rows] == [Decimal("12.5"), Decimal(99)]


def test_formulas_in_columns_the_mapping_does_not_use_are_ignored() -> None:
    data = workbook_bytes(["periode", "fylke", "verdi", "notat"], [2023, 3, 1, "=A1"])

    assert parse_xlsx(data, XLSX_MAPPING).ok


def _replace_in_sheet(data: bytes, old: bytes, new: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert old in content
                content = content.replace(old, new)
            target.writestr(info.filename, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([[datetime(2024, 3, 1), 3, 1]], "Rad 2, celle A2: Perioden er en dato"),
        ([[2024, 3, "#DIV/0!"]], "Rad 2, celle C2: Cellen inneholder Excel-feilen #DIV/0!"),
        ([[2024, 3, True]], "Verdien må være et tall"),
        ([[2024.5, 3, 1]], "«2024.5» er ikke en periode"),
    ],
)
def test_cells_of_the_wrong_kind_give_problems(rows: list[list[Any]], expected: str) -> None:
    data = workbook_bytes(["periode", "fylke", "verdi"], *rows)

    assert expected in messages(parse_xlsx(data, XLSX_MAPPING))


def test_the_sheet_can_be_chosen_by_name() -> None:
    data = workbook_bytes(["x"], title="Forside", extra="Tall")

    assert "Arket «Data» finnes ikke i filen. Arkene er «Forside», «Tall»." in messages(
        parse_xlsx(data, Mapping(time="periode", value="verdi", sheet="Data"))
    )
    assert "Kolonnen «periode» (periode) finnes ikke" in messages(
        parse_xlsx(data, Mapping(time="periode", value="verdi", sheet="Tall"))
    )


def test_a_file_that_is_not_a_zip_archive_is_not_an_xlsx_file() -> None:
    result = parse_xlsx(b"periode;verdi\n2024;1\n", XLSX_MAPPING)

    assert "ikke en gyldig Excel-fil (.xlsx)" in messages(result)


def test_a_zip_that_is_not_a_workbook_cannot_be_opened() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hei.txt", "hei")

    assert "kunne ikke åpnes som Excel-fil" in messages(parse_xlsx(out.getvalue(), XLSX_MAPPING))


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        # 20 MB of zeros packs into about 20 kB: a ratio near 1000.
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))

    assert len(out.getvalue()) < 100_000
    assert "komprimert mistenkelig hardt" in messages(parse_xlsx(out.getvalue(), XLSX_MAPPING))


def test_a_workbook_that_unpacks_too_large_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = workbook_bytes(["periode", "fylke", "verdi"], [2023, 3, 1])
    monkeypatch.setattr(tabular, "MAX_XLSX_UNCOMPRESSED_BYTES", 1024)

    assert "pakker seg ut til" in messages(parse_xlsx(data, XLSX_MAPPING))


def test_rows_and_cells_beyond_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = workbook_bytes(["periode", "fylke", "verdi"], *([[2000 + k, 3, k] for k in range(10)]))
    monkeypatch.setattr(tabular, "MAX_CELLS", 20)

    assert "celler" in messages(parse_xlsx(data, XLSX_MAPPING))


# The mapping


def test_a_saved_mapping_with_an_unknown_breakdown_kind_is_refused() -> None:
    with pytest.raises(MappingError, match="«kommune» er ikke en kjent type inndeling"):
        Mapping.from_dict({"time": "p", "breakdowns": [{"source": "k", "kind": "kommune"}]})


def test_a_column_cannot_be_used_twice_in_a_mapping() -> None:
    with pytest.raises(MappingError, match="«verdi» er valgt både som periode og som verdi"):
        Mapping(time="verdi", value="verdi")


def test_two_columns_cannot_give_the_same_kind_of_breakdown() -> None:
    with pytest.raises(MappingError, match="Inndelingen «region_county» er valgt for flere"):
        Mapping(breakdowns=(BreakdownMapping("a", COUNTY), BreakdownMapping("b", COUNTY)))


def test_a_mapping_keeps_its_filters_in_a_stable_order() -> None:
    one = Mapping(filters=(("b", "2"), ("a", "1")))
    other = Mapping.from_dict({"filters": {"a": "1", "b": "2"}})

    assert one == other and one.to_dict()["filters"] == {"a": "1", "b": "2"}
