import copy
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retning.indicators.formats import (
    BreakdownKind,
    BreakdownMapping,
    Mapping,
    ObservationRow,
    dump_jsonstat,
    parse_jsonstat,
    to_jsonstat,
)
from retning.indicators.periods import PeriodKind, make_period

FIXTURES = Path(__file__).parent.parent / "fixtures" / "indicators"
COUNTY = BreakdownMapping("Region", BreakdownKind.REGION_COUNTY)
GENDER = BreakdownMapping("Kjonn", BreakdownKind.GENDER)


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def by_key(
    rows: tuple[ObservationRow, ...], *keys: str
) -> dict[tuple[str, tuple[str, ...]], ObservationRow]:
    """Rows by period and the codes of the given breakdown keys, in that order."""
    return {(row.period, tuple(dict(row.breakdown)[key] for key in keys)): row for row in rows}


COUNTY_GENDER = ("region_county", "gender")


def messages(result: Any) -> str:
    return " | ".join(problem.message_nb for problem in result.problems)


ARRAYS_MAPPING = Mapping(breakdowns=(COUNTY, GENDER), filters=(("ContentsCode", "Andel"),))


def test_it_reads_an_ssb_dataset_in_row_major_order() -> None:
    result = parse_jsonstat((FIXTURES / "ssb_arrays.json").read_bytes(), ARRAYS_MAPPING)

    assert result.ok, messages(result)
    assert len(result.rows) == 3 * 2 * 2
    rows = by_key(result.rows, *COUNTY_GENDER)
    # Position = Region × 8 + Kjonn × 4 + ContentsCode × 2 + Tid: Rogaland, women, share, 2023 → 13.
    rogaland = rows[("2023", ("11", "2"))]
    assert (rogaland.value, rogaland.status, rogaland.source_cell) == (
        Decimal("58.5"),
        "",
        "value[13]",
    )
    assert rows[("2022", ("03", "1"))].value == Decimal("50.0")
    assert rogaland.breakdown == (("gender", "2"), ("region_county", "11"))


def test_the_filter_picks_one_of_several_metrics() -> None:
    mapping = Mapping(breakdowns=(COUNTY, GENDER), filters=(("ContentsCode", "Personer"),))

    result = parse_jsonstat((FIXTURES / "ssb_arrays.json").read_bytes(), mapping)
    rows = by_key(result.rows, *COUNTY_GENDER)

    # Oslo, women, persons, 2022 → position 0 × 8 + 1 × 4 + 1 × 2 + 0 = 6.
    assert rows[("2022", ("03", "2"))].value == Decimal(1100)


def test_ssb_status_symbols_become_statuses_and_keep_their_meaning() -> None:
    persons = Mapping(breakdowns=(COUNTY, GENDER), filters=(("ContentsCode", "Personer"),))
    data = (FIXTURES / "ssb_arrays.json").read_bytes()

    share_rows = by_key(parse_jsonstat(data, ARRAYS_MAPPING).rows, *COUNTY_GENDER)
    person_rows = by_key(parse_jsonstat(data, persons).rows, *COUNTY_GENDER)

    missing = share_rows[("2023", ("46", "2"))]
    confidential = person_rows[("2022", ("11", "1"))]
    impossible = person_rows[("2023", ("03", "2"))]
    assert (missing.value, missing.status, missing.source_status) == (None, "not_available", "..")
    assert (confidential.value, confidential.status, confidential.source_status) == (
        None,
        "confidential",
        ":",
    )
    assert (impossible.status, impossible.source_status) == ("not_available", ".")


def test_it_reads_index_and_value_as_objects_in_a_sparse_cube() -> None:
    mapping = Mapping(breakdowns=(COUNTY,), filters=(("ContentsCode", "Konsultasjoner"),))

    result = parse_jsonstat((FIXTURES / "ssb_sparse_quarters.json").read_bytes(), mapping)

    assert result.ok, messages(result)
    rows = by_key(result.rows, "region_county")
    # Index objects put Trøndelag (50) first and 2023K4 first; positions are Region × 6 + Tid.
    assert rows[("2023K4", ("50",))].value == Decimal(12)
    assert (rows[("2024K1", ("50",))].value, rows[("2024K1", ("50",))].status) == (
        None,
        "not_available",
    )
    provisional = rows[("2024K2", ("50",))]
    assert (provisional.value, provisional.status, provisional.source_status) == (
        Decimal("14.5"),
        "provisional",
        "p",
    )
    assert rows[("2023K4", ("03",))].status == "not_available"  # absent from the value object
    assert rows[("2024K1", ("03",))].value == Decimal("3.25")
    assert rows[("2024K2", ("03",))].status == "confidential"


def test_the_dimensions_describe_labels_roles_and_units() -> None:
    result = parse_jsonstat((FIXTURES / "ssb_sparse_quarters.json").read_bytes(), Mapping())

    dimensions = {dimension.id: dimension for dimension in result.dimensions}
    assert [category.code for category in dimensions["Region"].categories] == ["50", "03"]
    assert dimensions["Region"].role == "geo" and dimensions["Tid"].role == "time"
    share = dimensions["ContentsCode"].categories[1]
    assert (share.code, share.label, share.unit, share.decimals) == (
        "Andel",
        "Andel (prosent)",
        "prosent",
        2,
    )
    # Without a mapping the rows are not read, but the dimensions are there to build one.
    assert not result.rows and "flere måltall" in messages(result)


def test_ssb_unit_base_is_read_as_the_unit_label() -> None:
    result = parse_jsonstat((FIXTURES / "ssb_arrays.json").read_bytes(), ARRAYS_MAPPING)

    metric = next(dimension for dimension in result.dimensions if dimension.role == "metric")
    assert [(c.unit, c.decimals) for c in metric.categories] == [("prosent", 1), ("personer", 0)]


def small_dataset() -> dict[str, Any]:
    return {
        "version": "2.0",
        "class": "dataset",
        "id": ["ContentsCode", "Tid"],
        "size": [1, 3],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
        "dimension": {
            "ContentsCode": {"category": {"label": {"Andel": "Andel"}}},
            "Tid": {"category": {"index": ["2022", "2023", "2024H1"]}},
        },
        "value": [10, 11.5, 12],
    }


def test_a_dimension_with_one_category_may_leave_out_the_index() -> None:
    result = parse_jsonstat(small_dataset())

    assert [(row.period, row.value) for row in result.rows] == [
        ("2022", Decimal(10)),
        ("2023", Decimal("11.5")),
        ("2024H1", Decimal(12)),
    ]


def test_a_status_given_as_one_string_applies_to_every_value() -> None:
    dataset = small_dataset() | {"status": "p"}

    assert {row.status for row in parse_jsonstat(dataset).rows} == {"provisional"}


def test_a_status_array_of_one_applies_to_every_value() -> None:
    dataset = small_dataset() | {"status": ["e"]}

    assert {row.status for row in parse_jsonstat(dataset).rows} == {"approximate"}


def test_a_number_sent_with_a_confidential_status_is_dropped() -> None:
    dataset = small_dataset() | {"status": {"1": ":"}}

    row = parse_jsonstat(dataset).rows[1]

    assert (row.value, row.status) == (None, "confidential")


def test_a_status_symbol_in_place_of_a_value_counts_as_missing() -> None:
    dataset = small_dataset() | {"value": [10, "..", 12]}

    row = parse_jsonstat(dataset).rows[1]

    assert (row.value, row.status, row.source_status) == (None, "not_available", "..")


def test_the_time_dimension_comes_from_the_mapping_when_no_role_says() -> None:
    dataset = small_dataset()
    del dataset["role"]

    without = parse_jsonstat(dataset)
    with_mapping = parse_jsonstat(dataset, Mapping(time="Tid"))

    assert "rollen «time»" in messages(without)
    assert len(with_mapping.rows) == 3


def test_it_accepts_a_binary_file_object() -> None:
    stream = io.BytesIO((FIXTURES / "ssb_arrays.json").read_bytes())

    assert parse_jsonstat(stream, ARRAYS_MAPPING).ok


def broken(change: Any) -> dict[str, Any]:
    dataset = fixture("ssb_arrays.json")
    change(dataset)
    return dataset


def _set(path: list[Any], value: Any) -> Any:
    def apply(dataset: dict[str, Any]) -> None:
        target = dataset
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return apply


@pytest.mark.parametrize(
    ("source", "mapping", "expected"),
    [
        (b'{"version": "2.0", ', ARRAYS_MAPPING, "ikke gyldig JSON. Feilen er på linje 1"),
        (b"[1, 2]", ARRAYS_MAPPING, "ett JSON-stat-datasett (et JSON-objekt)"),
        (b'{"value": [NaN]}', ARRAYS_MAPPING, "«NaN», som ikke er et gyldig tall"),
        ('{"label": "Trøndelag"}'.encode("cp1252"), ARRAYS_MAPPING, "ikke lagret som UTF-8"),
        (broken(lambda d: d.pop("value")), ARRAYS_MAPPING, "mangler feltet «value»"),
        (
            broken(_set(["size"], [3, 2, 2, 3])),
            ARRAYS_MAPPING,
            "«size» sier at dimensjonen «Tid» har 3 kategorier, men den har 2",
        ),
        (
            broken(lambda d: d["value"].pop()),
            ARRAYS_MAPPING,
            "«value» har 23 elementer, men dimensjonene gir 24 celler",
        ),
        (
            broken(_set(["value"], {"99": 1})),
            ARRAYS_MAPPING,
            "nøkkelen «99», som ikke er en plass mellom 0 og 23",
        ),
        (
            broken(_set(["dimension", "Tid", "category", "index"], {"2022": 0, "2023": 2})),
            ARRAYS_MAPPING,
            "Kategoriplasseringene til «Tid» må være tallene 0 til 1",
        ),
        (
            broken(_set(["dimension", "Tid", "category", "index"], ["2022", "2023U01"])),
            ARRAYS_MAPPING,
            "Tidskoden «2023U01» i dimensjonen «Tid» kan ikke leses som periode",
        ),
        (
            broken(_set(["value", 0], "mye")),
            ARRAYS_MAPPING,
            "Verdien «mye» for Region=03, Kjonn=1, ContentsCode=Andel, Tid=2022 er ikke et tall",
        ),
        (
            broken(lambda d: None),
            Mapping(breakdowns=(COUNTY, GENDER), filters=(("ContentsCode", "Ukjent"),)),
            "Kategorien «Ukjent» finnes ikke i dimensjonen «ContentsCode». Gyldige koder: "
            "Andel, Personer",
        ),
        (
            broken(lambda d: None),
            Mapping(
                breakdowns=(BreakdownMapping("Alder", BreakdownKind.AGE_GROUP), COUNTY, GENDER),
                filters=(("ContentsCode", "Andel"),),
            ),
            "dimensjonen «Alder» som inndeling, men den finnes ikke i datasettet",
        ),
        (
            broken(lambda d: None),
            Mapping(breakdowns=(COUNTY,), filters=(("ContentsCode", "Andel"),)),
            "Dimensjonen «Kjonn» har 2 kategorier (1, 2), men er verken valgt som inndeling",
        ),
        (
            broken(lambda d: None),
            Mapping(breakdowns=(COUNTY, GENDER)),
            "flere måltall i «ContentsCode» (Andel, Personer). Velg ett av dem som filter",
        ),
        (
            broken(_set(["role", "time"], [])),
            ARRAYS_MAPPING,
            "sier ikke hvilken dimensjon som er tid",
        ),
        ({"dataset": fixture("ssb_arrays.json")}, ARRAYS_MAPPING, "JSON-stat 1.x"),
        (broken(_set(["class"], "collection")), ARRAYS_MAPPING, "klassen «collection»"),
        ({"error": "Too many values selected"}, ARRAYS_MAPPING, "svarte med en feil"),
    ],
)
def test_broken_files_give_norwegian_problems_and_no_rows(
    source: Any, mapping: Mapping, expected: str
) -> None:
    result = parse_jsonstat(source, mapping)

    assert not result.ok and not result.rows
    assert expected in messages(result)


def test_one_bad_period_means_no_rows_at_all() -> None:
    dataset = small_dataset()
    dataset["dimension"]["Tid"]["category"]["index"][2] = "2024 første halvår"

    result = parse_jsonstat(dataset)

    assert result.rows == () and len(result.problems) == 1


# Writing


def test_it_writes_breakdowns_first_then_the_metric_then_time() -> None:
    rows = [
        ObservationRow("2023", Decimal("1.5"), breakdown=(("region_county", "03"),)),
        ObservationRow("2022", None, "confidential", breakdown=(("region_county", "03"),)),
    ]

    dataset = to_jsonstat(rows, metric_code="Andel", unit="prosent", decimals=1, label="Test")

    assert dataset["id"] == ["region_county", "ContentsCode", "Tid"]
    assert dataset["size"] == [1, 1, 2]
    assert dataset["role"] == {
        "time": ["Tid"],
        "geo": ["region_county"],
        "metric": ["ContentsCode"],
    }
    assert dataset["dimension"]["Tid"]["category"]["index"] == ["2022", "2023"]
    assert dataset["dimension"]["ContentsCode"]["category"]["unit"] == {
        "Andel": {"label": "prosent", "decimals": 1}
    }
    assert dataset["value"] == [None, Decimal("1.5")]
    assert dataset["status"] == {"0": ":"}


def test_dumping_keeps_every_digit_of_a_decimal() -> None:
    rows = [ObservationRow("2024M03", Decimal("12345678901234.123456"))]

    text = dump_jsonstat(to_jsonstat(rows))

    assert "12345678901234.123456" in text
    assert parse_jsonstat(text).rows[0].value == Decimal("12345678901234.123456")


def test_writing_rows_with_different_breakdowns_is_refused() -> None:
    rows = [
        ObservationRow("2023", Decimal(1), breakdown=(("gender", "1"),)),
        ObservationRow("2023", Decimal(1)),
    ]

    with pytest.raises(ValueError, match="same breakdown keys"):
        to_jsonstat(rows)


period_codes = st.builds(
    lambda year, kind, data: (
        make_period(year, kind, data.draw(st.integers(1, kind.parts_per_year))).code
    ),
    st.integers(2000, 2040),
    st.sampled_from(list(PeriodKind)),
    st.data(),
)
codes = (
    st.text(alphabet="0123456789ABCÆØÅabc -_", min_size=1, max_size=6).map(str.strip).filter(bool)
)
measurements = st.one_of(
    st.tuples(
        st.decimals(min_value=-(10**13), max_value=10**13, places=6),
        st.sampled_from(["", "provisional", "approximate"]),
    ),
    st.tuples(st.none(), st.sampled_from(["not_available", "confidential"])),
)
BREAKDOWN_KEYS = ["region_county", "gender", "tjenesteområde"]


@st.composite
def row_sets(draw: st.DrawFn) -> list[ObservationRow]:
    keys = draw(st.lists(st.sampled_from(BREAKDOWN_KEYS), unique=True, max_size=2))
    cells = st.tuples(period_codes, *(codes for _ in keys))
    chosen = draw(st.lists(cells, min_size=1, max_size=12, unique=True))
    rows = []
    for period, *categories in chosen:
        value, status = draw(measurements)
        breakdown = tuple(sorted(zip(keys, categories, strict=True)))
        rows.append(ObservationRow(period, value, status, breakdown))
    return rows


def mapping_for(rows: list[ObservationRow]) -> Mapping:
    breakdowns = []
    for key, _ in rows[0].breakdown:
        kind = BreakdownKind(key) if key in {"region_county", "gender"} else BreakdownKind.CUSTOM
        breakdowns.append(BreakdownMapping(key, kind))
    return Mapping(breakdowns=tuple(breakdowns))


@given(row_sets(), st.sampled_from([None, True, False]))
def test_rows_written_as_jsonstat_read_back_the_same(
    rows: list[ObservationRow], sparse: bool | None
) -> None:
    text = dump_jsonstat(to_jsonstat(rows, metric_code="X", sparse=sparse))

    result = parse_jsonstat(text.encode(), mapping_for(rows))

    assert result.ok, messages(result)
    read = {row.key: (row.value, row.status) for row in result.rows}
    written = {row.key: (row.value, row.status) for row in rows}
    assert {key: read[key] for key in written} == written
    # Cells of the cube that had no row come back as values that do not exist.
    assert all(read[key] == (None, "not_available") for key in read.keys() - written.keys())


def test_a_mapping_survives_a_round_trip_through_a_dict() -> None:
    mapping = Mapping(
        time="Tid",
        breakdowns=(COUNTY, BreakdownMapping("Tjeneste")),
        filters=(("ContentsCode", "Andel"),),
    )

    stored = json.loads(json.dumps(mapping.to_dict()))

    assert Mapping.from_dict(copy.deepcopy(stored)) == mapping
