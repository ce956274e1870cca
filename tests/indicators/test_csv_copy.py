"""The PostgreSQL path for CSV files (``csv_copy``) against the ORM path.

Every file goes through both paths into two indicators; the stored rows, their history, the
batches and the whole report (counts, listed rows, problems, column descriptions) must be the
same. Each case also says whether the SQL path should take the file itself or leave it to the
stream path (files with problems, and layouts only Python reads).
"""

import io
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import DataError, connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retning.actors.models import Organisation
from retning.indicators import csv_copy, services
from retning.indicators.formats import BreakdownKind, BreakdownMapping, Mapping, stream_csv
from retning.indicators.models import ImportBatch, Indicator, Observation
from retning.indicators.services import indicator_observations_import
from retning.strategy.models import Goal

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY exists only on PostgreSQL"),
]

MUNICIPALITY = Mapping(
    time="periode",
    value="verdi",
    status="status",
    breakdowns=(BreakdownMapping("kommune", BreakdownKind.REGION_MUNICIPALITY),),
)
PLAIN = Mapping(time="periode", value="verdi")
COUNTY = Mapping(
    time="år",
    value="verdi",
    breakdowns=(BreakdownMapping("fylke", BreakdownKind.REGION_COUNTY),),
    filters=(("måltall", "andel"),),
)


def _lines(*lines: str, end: str = "\n") -> bytes:
    return (end.join(lines) + end).encode()


SQL = "sql"
FALLBACK = "fallback"

# (name, file, mapping, path the file should take)
CASES: list[tuple[str, bytes, Mapping, str]] = [
    (
        "semicolon, decimal comma, status words and symbols",
        _lines(
            "periode;kommune;verdi;status",
            "2024M01;301;1,5;",
            "2024M01;3024;..;",
            "2024M02;301;2,25;foreløpig",
            "2024M02;3024;;skjermet",
            "2024M03;301;:;",
            "2024M03;3024;7;Omtrentlig",
        ),
        MUNICIPALITY,
        SQL,
    ),
    (
        "comma, decimal point, CRLF and a byte order mark",
        b"\xef\xbb\xbf" + _lines("periode,verdi", "2020,1.5", "2021,-2.75", "2022,3", end="\r\n"),
        PLAIN,
        SQL,
    ),
    (
        "comma file with quoted decimal commas",
        _lines("periode,verdi", '2020,"1,5"', '2021,"2"', '"2022","1 234,5"'),
        PLAIN,
        SQL,
    ),
    (
        "thousands separators, percent and the minus sign",
        _lines(
            "periode;verdi",
            "2020;1 234,5",
            "2021;1.234.567,25",
            "2022;\u22123,5 %",
            "2023;12\u00a0000",
            "2024;7%",
        ),
        PLAIN,
        SQL,
    ),
    (
        "values held until the file settles its decimal mark",
        _lines("periode;verdi", "2019;7", "2020;1,234", "2021;2.345", "2022;5", "2023;2,5"),
        PLAIN,
        SQL,
    ),
    (
        "only undecided values in a comma file",
        _lines("periode,verdi", '2020,"1,234"', "2021,2.345"),
        PLAIN,
        SQL,
    ),
    (
        "periods of every kind, written loosely, with padding and empty rows",
        _lines(
            "periode ; verdi ;ekstra",
            " 2024 ;1;x",
            "2024h1;2;",
            ";;",
            "2024T3;3;",
            "2024q4;4;",
            "2024-03;5;\u00a0",
            "2024K01;6;",
            "\u00a02024M11\u2003;7;",
        ),
        Mapping(time="PERIODE", value="verdi"),
        SQL,
    ),
    (
        "filter, county numbers written short, and a total row",
        _lines(
            "år;fylke;måltall;verdi",
            "2023;3;andel;10,5",
            "2023;03;antall;999",
            "2023;46;andel;20",
            "2023;;andel;30",
            "2024;3;andel;11",
        ),
        COUNTY,
        SQL,
    ),
    (
        "trailing zeros beyond six decimals",
        _lines("periode;verdi", "2020;1,50000000000", "2021;0,000"),
        PLAIN,
        SQL,
    ),
    # Files with problems: the stream path words them.
    ("an invalid period", _lines("periode;verdi", "2020;1", "2020M13;2"), PLAIN, FALLBACK),
    (
        "an unknown status",
        _lines("periode;kommune;verdi;status", "2020;301;1;kanskje"),
        MUNICIPALITY,
        FALLBACK,
    ),
    (
        "a value next to a missing status",
        _lines("periode;kommune;verdi;status", "2020;301;4;skjermet", "2021;301;;foreløpig"),
        MUNICIPALITY,
        FALLBACK,
    ),
    (
        "mixed decimal marks",
        _lines("periode;verdi", "2020;1,5", "2021;1.5"),
        PLAIN,
        FALLBACK,
    ),
    ("not a number", _lines("periode;verdi", "2020;mange", "2021;1e5"), PLAIN, FALLBACK),
    (
        "too many digits",
        _lines("periode;verdi", "2020;100000000000000000", "2021;1,1234567"),
        PLAIN,
        FALLBACK,
    ),
    ("a repeated period", _lines("periode;verdi", "2020;1", "2021;2", " 2020;3"), PLAIN, FALLBACK),
    ("a missing column", _lines("periode;tall", "2020;1"), PLAIN, FALLBACK),
    ("no rows", _lines("periode;verdi"), PLAIN, FALLBACK),
    (
        "a filter no row passes",
        _lines("år;fylke;måltall;verdi", "2023;3;antall;1"),
        COUNTY,
        FALLBACK,
    ),
    # Readable files in layouts the SQL path leaves to Python.
    ("a short row", _lines("periode;verdi;ekstra", "2020;1", "2021;2;x"), PLAIN, FALLBACK),
    ("a blank line", _lines("periode;verdi", "2020;1", "", "2021;2"), PLAIN, FALLBACK),
    ("a quote inside a cell", _lines("periode;verdi;merknad", '2020;1;sa "ja"'), PLAIN, FALLBACK),
    (
        "a cell longer than Python's csv reads",
        _lines("periode;verdi;merknad", "2020;1;" + "x" * 140_000),
        PLAIN,
        FALLBACK,
    ),
    ("not UTF-8", "periode;verdi\n2020;1\n2021;2;ø\n".encode("latin-1"), PLAIN, FALLBACK),
]


@pytest.fixture
def goal(seeded: None) -> Goal:
    return Goal.objects.order_by("number").first()


def _indicator(goal: Goal, code: str) -> Indicator:
    return Indicator.objects.create(
        code=code,
        name=f"CSV-test {code}",
        goal=goal,
        unit="prosent",
        responsible=Organisation.objects.order_by("pk").first(),
    )


def _stored(indicator: Indicator) -> list[tuple[object, ...]]:
    return sorted(
        Observation.objects.filter(indicator=indicator).values_list(
            "period",
            "period_start",
            "breakdown_dimension",
            "breakdown_value",
            "value",
            "status",
            "source",
            "version",
        )
    )


def _history(indicator: Indicator) -> Counter[tuple[object, ...]]:
    return Counter(
        Observation.history.filter(indicator_id=indicator.pk).values_list(
            "period",
            "breakdown_dimension",
            "breakdown_value",
            "value",
            "status",
            "version",
            "history_type",
            "history_change_reason",
            "history_user_id",
        )
    )


def _batches(indicator: Indicator) -> list[tuple[object, ...]]:
    return list(
        ImportBatch.objects.filter(indicator=indicator)
        .order_by("pk")
        .values_list("created_count", "changed_count", "unchanged_count", "sha256")
    )


def _comparable(report: services.ImportReport) -> tuple[object, ...]:
    return (
        report.created_count,
        report.changed_count,
        report.unchanged_count,
        report.created,
        report.changed,
        report.problems,
        report.problem_count,
        report.read_failed,
        report.dimensions,
        report.mapping_was_saved,
        report.summary_nb(),
    )


def _both_paths(
    goal: Goal, files: list[bytes], mapping: Mapping, code: str, **options: Any
) -> tuple[list[services.ImportReport], list[str]]:
    """Import ``files`` in turn through both paths; assert the same outcome. Returns the fast
    path's reports and the way each of its files went ("sql" or "fallback")."""
    user = get_user_model().objects.create_user(username=f"csv-{code}", is_data_steward=True)
    indicators = {fast: _indicator(goal, f"{code}-{fast}") for fast in (True, False)}
    fast_reports, ways = [], []
    for data in files:
        reports = {}
        for fast, indicator in indicators.items():
            before = dict(csv_copy.stats)
            reports[fast] = indicator_observations_import(
                indicator=indicator,
                data=data,
                filename="data.csv",
                mapping=mapping,
                user=user,
                source_name="kilde",
                fast_path=fast,
                **options,
            )
            if fast:
                way = [key for key in csv_copy.stats if csv_copy.stats[key] != before[key]]
                ways += way
        assert _comparable(reports[True]) == _comparable(reports[False])
        fast_reports.append(reports[True])
    assert _stored(indicators[True]) == _stored(indicators[False])
    assert _history(indicators[True]) == _history(indicators[False])
    assert _batches(indicators[True]) == _batches(indicators[False])
    return fast_reports, ways


@pytest.mark.parametrize(("name", "data", "mapping", "way"), CASES, ids=[c[0] for c in CASES])
def test_a_csv_file_gives_the_same_result_on_both_paths(
    goal: Goal, name: str, data: bytes, mapping: Mapping, way: str
) -> None:
    reports, ways = _both_paths(goal, [data, data], mapping, "CSV")

    assert ways == [way, way]
    first, again = reports
    if way == SQL:
        assert first.ok and first.created_count > 0, first.problems
        assert again.ok and again.unchanged_count == first.created_count
        assert not again.has_changes


def test_the_sql_path_reads_values_as_the_reader_does(goal: Goal) -> None:
    data = CASES[3][1]
    reports, ways = _both_paths(goal, [data], PLAIN, "VALUES")

    assert ways == [SQL]
    assert [new.value for new in reports[0].created] == [
        Decimal("1234.5"),
        Decimal("1234567.25"),
        Decimal("-3.5"),
        Decimal("12000"),
        Decimal("7"),
    ]


def test_changed_values_keep_their_history_on_the_sql_path(goal: Goal) -> None:
    lines = ["periode;kommune;verdi;status"]
    first = _lines(
        *lines, *(f"2020M{m:02d};{3000 + k};{m},{k};" for m in range(1, 13) for k in range(9))
    )
    second = _lines(
        *lines,
        *(f"2020M{m:02d};{3000 + k};{m},{k + (m == 5)};" for m in range(1, 13) for k in range(9)),
    )

    reports, ways = _both_paths(goal, [first, second, second], MUNICIPALITY, "CHANGE")

    assert ways == [SQL, SQL, SQL]
    assert [r.changed_count for r in reports] == [0, 9, 0]
    change = reports[1].changed[0]
    assert (change.old_value, change.new_value) == (Decimal("5.0"), Decimal("5.1"))


def test_a_dry_run_on_the_sql_path_stores_nothing(goal: Goal) -> None:
    reports, ways = _both_paths(goal, [CASES[0][1]], MUNICIPALITY, "DRY", dry_run=True)

    assert ways == [SQL]
    assert reports[0].ok and reports[0].dry_run and reports[0].created_count == 6
    assert not Observation.objects.filter(indicator__code__startswith="DRY").exists()


def test_a_json_file_never_takes_the_csv_path(goal: Goal) -> None:
    before = dict(csv_copy.stats)
    indicator = _indicator(goal, "JSON")
    indicator_observations_import(
        indicator=indicator, data=b"{}", filename="data.json", mapping=PLAIN, fast_path=True
    )
    assert csv_copy.stats == before


_cells = st.sampled_from(
    ["1", "1,5", "1.5", "1,234", "1.234", "-2", " 3 ", "..", ":", "", "x", "4 %", "1 000,5"]
)
_periods = st.sampled_from(
    ["2020", "2021", "2022K1", "2022q2", "2023M01", "2023-02", "2024H1", "2019T3", "1899", ""]
)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    rows=st.lists(
        st.tuples(_periods, st.sampled_from(["301", "0301", "", "46"]), _cells), max_size=8
    ),
    delimiter=st.sampled_from([";", ","]),
)
def test_generated_files_give_the_same_result_on_both_paths(
    goal: Goal, rows: list[tuple[str, str, str]], delimiter: str
) -> None:
    def quoted(cell: str) -> str:
        return f'"{cell}"' if delimiter in cell else cell

    lines = [delimiter.join(["periode", "kommune", "verdi", "status"])]
    lines += [delimiter.join([quoted(p), k, quoted(v), ""]) for p, k, v in rows]
    mapping = Mapping(
        time="periode",
        value="verdi",
        status="status",
        breakdowns=(BreakdownMapping("kommune", BreakdownKind.REGION_MUNICIPALITY),),
    )
    code = f"GEN-{Indicator.objects.count()}"
    _both_paths(goal, [_lines(*lines)], mapping, code)


def test_copy_errors_reach_the_caller_as_django_errors() -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE retning_copy_error_test (n integer)")
        with pytest.raises(DataError):
            csv_copy._copy(cursor, "COPY retning_copy_error_test FROM STDIN (FORMAT csv)", b"x\n")


def test_an_abandoned_csv_stream_closes_without_an_error() -> None:
    source = io.BytesIO(_lines("periode;verdi", "2020;1", "2021;2"))
    rows = iter(stream_csv(source, PLAIN))
    next(rows)
    source.close()  # what the garbage collector may do first when an import is aborted

    rows.close()  # type: ignore[attr-defined]
