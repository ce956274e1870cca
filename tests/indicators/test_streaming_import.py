"""Streamed reading and chunked importing: same results as reading whole files, flat memory, and
the PostgreSQL COPY path giving exactly what the ORM path gives."""

import gc
import tracemalloc
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retning.actors.models import Organisation
from retning.indicators import exports, services
from retning.indicators.formats import (
    BreakdownKind,
    BreakdownMapping,
    Mapping,
    ObservationRow,
    parse_csv,
    stream_csv,
)
from retning.indicators.models import ImportBatch, Indicator, Observation
from retning.indicators.services import indicator_observations_import
from retning.strategy.models import Goal

from .test_exports import series_rows

MAPPING = Mapping(
    time="periode",
    value="verdi",
    status="status",
    breakdowns=(BreakdownMapping("kommune", BreakdownKind.REGION_MUNICIPALITY),),
)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the COPY path exists only on PostgreSQL"
)


def _key(row: ObservationRow) -> tuple[object, ...]:
    return (row.period, row.value, row.status, row.breakdown, row.source_row)


# Streamed readers


@given(series_rows(), st.booleans())
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_a_streamed_csv_gives_the_rows_of_the_whole_file_read(
    rows: list[ObservationRow], with_bom: bool
) -> None:
    exported = [exports.ExportRow("X", row) for row in rows]
    data = exports.to_csv(exported)
    data = data if with_bom else data.removeprefix(b"\xef\xbb\xbf")
    mapping = exports.reading_mapping(exports.dimensions_of(exported))

    whole = parse_csv(data, mapping)
    stream = stream_csv(data, mapping)
    streamed = list(stream)

    assert whole.ok and not stream.problems, (whole.problems, stream.problems.as_tuple())
    assert Counter(map(_key, streamed)) == Counter(map(_key, whole.rows))
    assert stream.dimensions == whole.dimensions
    assert len(streamed) == len(rows)


def test_rows_waiting_for_the_decimal_mark_are_read_with_the_mark_the_file_settles() -> None:
    # "1,234" reads as 1234 or 1.234 depending on the file; the semicolon alone would say 1.234,
    # but the later "2.5" settles that this file uses decimal points.
    data = b"p;v\n2021;1,234\n2022;7\n2023;2.5\n"

    stream = stream_csv(data, Mapping(time="p", value="v"))
    streamed = {row.period: row.value for row in stream}

    assert not stream.problems
    assert streamed == {"2021": Decimal(1234), "2022": Decimal(7), "2023": Decimal("2.5")}
    assert [row.period for row in parse_csv(data, Mapping(time="p", value="v")).rows] == [
        "2021",
        "2022",
        "2023",
    ]


def test_a_stream_that_mixes_decimal_marks_late_ends_with_a_problem() -> None:
    data = b'p,v\n2021,1.5\n2022,2\n2023,"3,5"\n'

    stream = stream_csv(data, Mapping(time="p", value="v"))
    list(stream)

    assert "blander desimalkomma" in str(stream.problems.as_tuple()[0])


# The import service


@pytest.fixture
def goal(seeded: None) -> Goal:
    return Goal.objects.order_by("number").first()


def _indicator(goal: Goal, code: str) -> Indicator:
    return Indicator.objects.create(
        code=code,
        name=f"Strømmetest {code}",
        goal=goal,
        unit="prosent",
        responsible=Organisation.objects.order_by("pk").first(),
    )


def _csv(rows: int, *, offset: int = 0, every: int = 0) -> bytes:
    """``rows`` observations: 100 municipalities × months; every ``every``-th value shifted."""
    lines = ["periode;kommune;verdi;status"]
    for n in range(rows):
        year, month = 2000 + (n // 100) // 12, (n // 100) % 12 + 1
        value = Decimal(n % 997) / 10 + (offset if every and n % every == 0 else 0)
        status = "" if n % 13 else "foreløpig"
        if n % 29 == 0:
            lines.append(f"{year}M{month:02d};{3000 + n % 100};..;")
        else:
            lines.append(
                f"{year}M{month:02d};{3000 + n % 100};{str(value).replace('.', ',')};{status}"
            )
    return ("\n".join(lines) + "\n").encode()


def _import(indicator: Indicator, data: bytes, **options: Any) -> services.ImportReport:
    return indicator_observations_import(
        indicator=indicator, data=data, filename="data.csv", mapping=MAPPING, **options
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
            "breakdown_value",
            "value",
            "status",
            "version",
            "history_type",
            "history_change_reason",
            "history_user_id",
        )
    )


def test_a_file_larger_than_a_chunk_is_imported_in_chunks_and_all_at_once(
    goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "CHUNK_ROWS", 700)
    monkeypatch.setattr(services, "REPORT_ROWS", 50)
    indicator = _indicator(goal, "STREAM-CHUNKS")

    first = _import(indicator, _csv(3000))
    again = _import(indicator, _csv(3000))
    changed = _import(indicator, _csv(3000, offset=5, every=7))

    assert (first.created_count, first.changed_count, first.unchanged_count) == (3000, 0, 0)
    assert len(first.created) == 50
    assert (again.created_count, again.changed_count, again.unchanged_count) == (0, 0, 3000)
    # Every 7th row is shifted, except the rows without a value (every 29th).
    shifted = sum(1 for n in range(3000) if n % 7 == 0 and n % 29 != 0)
    assert (changed.changed_count, changed.unchanged_count) == (shifted, 3000 - shifted)
    assert Observation.objects.filter(indicator=indicator).count() == 3000
    assert Observation.history.filter(indicator_id=indicator.pk).count() == 3000 + shifted
    batch = ImportBatch.objects.get(pk=changed.batch_id)
    assert (batch.created_count, batch.changed_count) == (0, shifted)


def test_a_problem_in_the_last_chunk_leaves_the_earlier_chunks_unwritten(
    goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "CHUNK_ROWS", 500)
    indicator = _indicator(goal, "STREAM-ATOMIC")
    data = _csv(2000) + b"2030M13;3001;1;\n"

    report = _import(indicator, data)

    assert not report.ok
    assert not Observation.objects.filter(indicator=indicator).exists()
    assert not ImportBatch.objects.filter(indicator=indicator).exists()


def test_a_period_repeated_chunks_apart_is_a_problem(
    goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "CHUNK_ROWS", 500)
    indicator = _indicator(goal, "STREAM-REPEAT")
    data = _csv(2000) + b"2000M01;3005;9;\n"

    report = _import(indicator, data)

    assert not report.ok and report.read_failed
    assert "2000M01 (region_municipality 3005) finnes flere ganger" in str(report.problems[0])
    assert report.problems[0].row == 2002
    assert not Observation.objects.filter(indicator=indicator).exists()


def test_a_dry_run_counts_every_problem_but_lists_only_the_first(goal: Goal) -> None:
    indicator = _indicator(goal, "STREAM-PROBLEMS")
    lines = ["periode;kommune;verdi;status"] + [f"{1800 + n % 200}M13;3001;1;" for n in range(500)]

    report = _import(indicator, "\n".join(lines).encode(), dry_run=True)

    assert report.problem_count == 500
    assert len(report.problems) == 101 and "400 feil til" in str(report.problems[-1])
    assert "500 feil" in report.summary_nb()


# Memory

# Flat memory means the peak does not grow with the file: a file five times longer must not
# need much more memory than the short one. The chunk size is lowered so that both files span
# many chunks and the test stays quick; with every row held at once (one chunk for the whole
# file, the second case below) the long file's peak grows with its rows and the check fails.
MEMORY_CHUNK_ROWS = 1_000
MEMORY_SHORT_ROWS = 4_000
MEMORY_LONG_ROWS = 5 * MEMORY_SHORT_ROWS
# Measured on SQLite, Python 3.12: peaks of 4.5 MB for both files in chunks, 9.5 MB and 39 MB
# with each file in one chunk; a growth bound of 3 MB sits between with room for noise.
MEMORY_GROWTH_BOUND = 3 * 1024 * 1024


def _import_peak(goal: Goal, code: str, rows: int) -> int:
    indicator = _indicator(goal, code)
    lines = ["periode;kommune;verdi;status"]
    lines += [
        f"{2000 + (n // 357) // 12}M{(n // 357) % 12 + 1:02d};{3000 + n % 357};{n % 1000},{n % 7};"
        for n in range(rows)
    ]
    data = ("\n".join(lines) + "\n").encode()
    del lines
    gc.collect()
    tracemalloc.start()
    try:
        report = _import(indicator, data, fast_path=False)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.ok, report.problems
    assert report.created_count == rows
    return peak


def _growth(goal: Goal, suffix: str) -> int:
    short = _import_peak(goal, f"STREAM-MEM-S{suffix}", MEMORY_SHORT_ROWS)
    long = _import_peak(goal, f"STREAM-MEM-L{suffix}", MEMORY_LONG_ROWS)
    print(f"tracemalloc peaks: {short / 1e6:.1f} MB and {long / 1e6:.1f} MB")
    return long - short


def test_importing_a_longer_file_needs_no_more_memory(
    goal: Goal, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.RETNING_MAX_IMPORT_BYTES = 50 * 1024 * 1024
    monkeypatch.setattr(services, "CHUNK_ROWS", MEMORY_CHUNK_ROWS)
    growth = _growth(goal, "1")
    assert growth < MEMORY_GROWTH_BOUND, f"the peak grew by {growth / 1e6:.1f} MB"


def test_the_memory_check_notices_a_whole_file_held_at_once(
    goal: Goal, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above can fail: with one chunk for the whole file the peak grows with the file."""
    settings.RETNING_MAX_IMPORT_BYTES = 50 * 1024 * 1024
    monkeypatch.setattr(services, "CHUNK_ROWS", 10 * MEMORY_LONG_ROWS)
    assert _growth(goal, "2") > MEMORY_GROWTH_BOUND


# PostgreSQL: COPY path against the ORM path


@on_postgresql
@pytest.mark.django_db(transaction=False)
def test_the_copy_path_and_the_orm_path_give_identical_results(
    goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "CHUNK_ROWS", 900)
    user = get_user_model().objects.create_user(username="strommer", is_data_steward=True)
    by_path = {True: _indicator(goal, "STREAM-COPY"), False: _indicator(goal, "STREAM-ORM")}
    files = [_csv(2500), _csv(2500), _csv(2600, offset=3, every=5)]
    reports: dict[bool, list[tuple[object, ...]]] = {True: [], False: []}

    for data in files:
        for fast, indicator in by_path.items():
            report = _import(indicator, data, fast_path=fast, user=user, source_name="kilde")
            assert report.ok, report.problems
            reports[fast].append(
                (
                    report.created_count,
                    report.changed_count,
                    report.unchanged_count,
                    report.created[:20],
                    report.changed[:20],
                )
            )

    assert reports[True] == reports[False]
    assert _stored(by_path[True]) == _stored(by_path[False])
    assert _history(by_path[True]) == _history(by_path[False])
    batches = {
        fast: list(
            ImportBatch.objects.filter(indicator=indicator)
            .order_by("pk")
            .values_list("created_count", "changed_count", "unchanged_count", "sha256")
        )
        for fast, indicator in by_path.items()
    }
    assert batches[True] == batches[False]
    assert len(batches[True]) == 2  # the unchanged second file made no batch


@on_postgresql
def test_the_copy_path_reports_repeated_periods_like_the_orm_path(goal: Goal) -> None:
    data = _csv(600) + b"2000M01;3005;9;\n2000M02;3006;9;\n"
    results = []
    for fast in (True, False):
        indicator = _indicator(goal, f"STREAM-DUP-{fast}")
        report = _import(indicator, data, fast_path=fast)
        results.append([str(problem) for problem in report.problems])
        assert not Observation.objects.filter(indicator=indicator).exists()

    assert results[0] == results[1] and len(results[0]) == 2


# Re-assessing every series from one aggregated query


def test_status_counts_from_series_ends_match_assessing_every_point(goal: Goal) -> None:
    from retning.indicators import selectors
    from retning.indicators.models import Target

    indicator = _indicator(goal, "STREAM-ASSESS")
    Target.objects.create(indicator=indicator, period="2030", value=90, is_example=True)
    assert _import(indicator, _csv(1500)).ok
    # A series mixing years and quarters is read whole; one with a single value cannot be judged.
    for period, value in (("2019", 40), ("2020K2", 44), ("2021", 41)):
        Observation.objects.create(indicator=indicator, period=period, value=value)
    Observation.objects.create(
        indicator=indicator,
        period="2022",
        value=5,
        breakdown_dimension="gender",
        breakdown_value="1",
    )
    indicators = list(Indicator.objects.all())

    expected = {
        indicator_id: Counter(item.status for item in series)
        for indicator_id, series in selectors.assessments_for(indicators).items()
    }

    assert selectors.status_counts(indicators) == expected
    assert sum(expected[indicator.pk].values()) == 100 + 2
