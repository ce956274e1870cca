"""The observation import: all or nothing, history for every change, and no-op re-imports."""

import hashlib
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from openpyxl import Workbook

from retning.actors.models import Organisation
from retning.indicators.formats import BreakdownKind, BreakdownMapping, Mapping
from retning.indicators.models import ImportBatch, ImportMapping, Indicator, Observation
from retning.indicators.services import detect_format, indicator_observations_import
from retning.strategy.models import Goal

FIXTURES = Path(__file__).parent.parent / "fixtures" / "indicators"
# One series of the colleague's JSON-stat fixture: share (Andel) for men in Oslo.
OSLO_MEN = Mapping(filters=(("ContentsCode", "Andel"), ("Kjonn", "1"), ("Region", "03")))
BY_COUNTY = Mapping(
    breakdowns=(BreakdownMapping("Region", BreakdownKind.REGION_COUNTY),),
    filters=(("ContentsCode", "Andel"), ("Kjonn", "1")),
)
CSV_MAPPING = Mapping(time="periode", value="verdi", status="status")


@pytest.fixture
def indicator(seeded: None) -> Indicator:
    return Indicator.objects.create(
        code="TEST-IMPORT",
        name="Testindikator for import",
        goal=Goal.objects.order_by("number").first(),
        unit="prosent",
        responsible=Organisation.objects.order_by("pk").first(),
    )


@pytest.fixture
def user(db: None) -> Any:
    return get_user_model().objects.create_user(username="importor", is_data_steward=True)


def _jsonstat() -> bytes:
    return (FIXTURES / "ssb_arrays.json").read_bytes()


def _run(indicator: Indicator, data: bytes, filename: str, **options: Any) -> Any:
    options.setdefault("mapping", None)
    options.setdefault("source_name", None)
    options.setdefault("user", None)
    options.setdefault("dry_run", False)
    return indicator_observations_import(
        indicator=indicator, data=data, filename=filename, **options
    )


def _values(indicator: Indicator) -> dict[tuple[str, str], tuple[Decimal | None, str]]:
    return {
        (o.period, o.breakdown_value): (o.value, o.status)
        for o in Observation.objects.filter(indicator=indicator)
    }


def _history_count(indicator: Indicator) -> int:
    return Observation.history.filter(indicator_id=indicator.pk).count()


def test_it_imports_new_observations_from_jsonstat_with_history_and_a_batch(
    indicator: Indicator, user: Any
) -> None:
    report = _run(indicator, _jsonstat(), "ssb.json", mapping=OSLO_MEN, user=user)

    assert report.ok, report.problems
    assert report.file_format == "jsonstat"
    assert (report.created_count, report.changed_count, report.unchanged_count) == (2, 0, 0)
    assert _values(indicator) == {
        ("2022", ""): (Decimal("50.0"), ""),
        ("2023", ""): (Decimal("51.5"), ""),
    }
    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert batch.created_count == 2 and batch.imported_by == user
    assert set(
        Observation.objects.filter(indicator=indicator).values_list("import_batch", flat=True)
    ) == {batch.pk}
    assert _history_count(indicator) == 2
    assert all(
        h.history_user == user for h in Observation.history.filter(indicator_id=indicator.pk)
    )
    assert all(
        o.period_start.year == int(o.period)
        for o in Observation.objects.filter(indicator=indicator)
    )


def test_breakdowns_become_breakdown_dimension_and_value(indicator: Indicator) -> None:
    report = _run(indicator, _jsonstat(), "ssb.json", mapping=BY_COUNTY)

    assert report.ok, report.problems
    rows = Observation.objects.filter(indicator=indicator)
    assert {o.breakdown_dimension for o in rows} == {"region_county"}
    assert {o.breakdown_value for o in rows} == {"03", "11", "46"}
    assert rows.count() == 6


def test_reimporting_the_same_file_changes_nothing(indicator: Indicator, user: Any) -> None:
    _run(indicator, _jsonstat(), "ssb.json", mapping=BY_COUNTY, user=user)
    history_before = _history_count(indicator)
    batches_before = ImportBatch.objects.filter(indicator=indicator).count()

    again = _run(indicator, _jsonstat(), "ssb.json", mapping=BY_COUNTY, user=user)

    assert again.ok
    assert (again.created_count, again.changed_count, again.unchanged_count) == (0, 0, 6)
    assert not again.written
    assert _history_count(indicator) == history_before
    assert ImportBatch.objects.filter(indicator=indicator).count() == batches_before


def test_a_changed_value_keeps_the_old_one_in_history_with_user_and_checksum(
    indicator: Indicator, user: Any
) -> None:
    _run(indicator, b"periode,verdi,status\n2022,10\n2023,11\n", "a.csv", mapping=CSV_MAPPING)
    changed_file = b"periode,verdi,status\n2022,10\n2023,12,p\n2024,13\n"

    report = _run(indicator, changed_file, "b.csv", mapping=CSV_MAPPING, user=user)

    assert report.ok, report.problems
    assert (report.created_count, report.changed_count, report.unchanged_count) == (1, 1, 1)
    (change,) = report.changed
    assert (change.period, change.old_value, change.new_value) == (
        "2023",
        Decimal("11"),
        Decimal("12"),
    )
    assert (change.old_status, change.new_status) == ("", "provisional")
    current = Observation.objects.get(indicator=indicator, period="2023")
    assert current.version == 2
    records = list(current.history.order_by("history_date", "history_id"))
    assert [r.value for r in records] == [Decimal("11"), Decimal("12")]
    latest = records[-1]
    assert latest.history_user == user
    assert latest.import_batch.sha256 == report.sha256
    assert report.sha256 == hashlib.sha256(changed_file).hexdigest()


def test_missing_values_keep_their_status(indicator: Indicator) -> None:
    report = _run(
        indicator,
        (FIXTURES / "long_comma.csv").read_bytes(),
        "long.csv",
        mapping=Mapping(
            time="periode",
            value="verdi",
            status="status",
            breakdowns=(BreakdownMapping("fylke", BreakdownKind.REGION_COUNTY),),
        ),
    )

    assert report.ok, report.problems
    missing = Observation.objects.get(indicator=indicator, period="2023", breakdown_value="46")
    assert missing.value is None
    assert missing.status == "confidential"


def test_a_broken_file_imports_nothing_and_names_the_row(indicator: Indicator) -> None:
    broken = b"periode,verdi,status\n2022,10,\n2023,ti,\n2024,12,\n"

    report = _run(indicator, broken, "broken.csv", mapping=CSV_MAPPING)

    assert not report.ok
    assert any(p.row == 3 for p in report.problems), report.problems
    assert not Observation.objects.filter(indicator=indicator).exists()
    assert not ImportBatch.objects.filter(indicator=indicator).exists()


def test_a_row_that_cannot_be_stored_stops_the_whole_import(indicator: Indicator) -> None:
    too_precise = b"periode,verdi,status\n2022,10,\n2023,1.1234567,\n"

    report = _run(indicator, too_precise, "precise.csv", mapping=CSV_MAPPING)

    assert not report.ok
    assert report.problems[0].row == 3
    assert "desimaler" in report.problems[0].message_nb
    assert not Observation.objects.filter(indicator=indicator).exists()


def test_rows_with_two_breakdowns_are_refused_with_a_clear_message(indicator: Indicator) -> None:
    two = Mapping(
        breakdowns=(
            BreakdownMapping("Region", BreakdownKind.REGION_COUNTY),
            BreakdownMapping("Kjonn", BreakdownKind.GENDER),
        ),
        filters=(("ContentsCode", "Andel"),),
    )

    report = _run(indicator, _jsonstat(), "ssb.json", mapping=two)

    assert not report.ok
    assert "én inndeling" in report.problems[0].message_nb
    assert not Observation.objects.filter(indicator=indicator).exists()


def test_a_dry_run_reports_everything_and_writes_nothing(indicator: Indicator) -> None:
    report = _run(indicator, _jsonstat(), "ssb.json", mapping=BY_COUNTY, dry_run=True)

    assert report.ok and report.dry_run
    assert report.created_count == 6
    assert report.batch_id is None
    assert not Observation.objects.filter(indicator=indicator).exists()
    assert not ImportBatch.objects.filter(indicator=indicator).exists()
    assert _history_count(indicator) == 0


def test_a_saved_mapping_is_reused_for_the_next_file_from_the_same_source(
    indicator: Indicator, user: Any
) -> None:
    first = _run(indicator, _jsonstat(), "ssb.json", mapping=OSLO_MEN, source_name="SSB", user=user)
    assert first.mapping_was_saved
    stored = ImportMapping.objects.get(indicator=indicator, source_name="SSB")
    assert Mapping.from_dict(stored.mapping) == OSLO_MEN

    second = _run(indicator, _jsonstat(), "ssb.json", source_name="SSB")

    assert second.ok, second.problems
    assert second.mapping == OSLO_MEN
    assert second.unchanged_count == 2
    assert not second.mapping_was_saved


def test_without_a_mapping_a_file_with_several_dimensions_is_explained(
    indicator: Indicator,
) -> None:
    report = _run(indicator, _jsonstat(), "ssb.json")

    assert not report.ok and report.read_failed
    assert {d.id for d in report.dimensions} >= {"Region", "Kjonn", "Tid"}
    assert any("Region" in p.message_nb for p in report.problems)


def test_an_oversize_file_is_refused_in_norwegian(indicator: Indicator, settings: Any) -> None:
    settings.RETNING_MAX_IMPORT_BYTES = 100

    report = _run(indicator, _jsonstat(), "ssb.json", mapping=OSLO_MEN)

    assert not report.ok
    assert "for stor" in report.problems[0].message_nb
    assert not Observation.objects.filter(indicator=indicator).exists()


def test_xlsx_files_are_imported_like_csv(indicator: Indicator) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["periode", "verdi", "status"])
    sheet.append(["2022", 10.5, None])
    sheet.append(["2023", None, ".."])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = _run(indicator, buffer.getvalue(), "data.xlsx", mapping=CSV_MAPPING)

    assert report.ok, report.problems
    assert report.file_format == "xlsx"
    assert _values(indicator) == {
        ("2022", ""): (Decimal("10.5"), ""),
        ("2023", ""): (None, "not_available"),
    }


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        ("x.json", b"", "jsonstat"),
        ("x.CSV", b"", "csv"),
        ("x.xlsx", b"", "xlsx"),
        ("upload", b'  {"version": "2.0"}', "jsonstat"),
        ("upload", b"PK\x03\x04rest", "xlsx"),
        ("upload", b"periode;verdi\n", "csv"),
    ],
)
def test_the_format_is_detected_from_the_name_or_the_content(
    filename: str, data: bytes, expected: str
) -> None:
    assert detect_format(filename, data) == expected


def test_a_large_import_uses_bulk_queries_and_still_records_history(
    indicator: Indicator, user: Any, django_assert_max_num_queries: Any
) -> None:
    months = [f"{year}M{month:02d}" for year in range(2000, 2025) for month in range(1, 13)]
    first = "periode,verdi,status\n" + "".join(f"{m},{i},\n" for i, m in enumerate(months))
    _run(indicator, first.encode(), "first.csv", mapping=CSV_MAPPING, user=user)
    second = "periode,verdi,status\n" + "".join(f"{m},{i + 1},\n" for i, m in enumerate(months))

    with django_assert_max_num_queries(30):
        report = _run(indicator, second.encode(), "second.csv", mapping=CSV_MAPPING, user=user)

    assert report.changed_count == len(months) == 300
    assert _history_count(indicator) == 2 * len(months)
    assert not Observation.history.filter(indicator_id=indicator.pk, history_user=None).exists()


def test_the_problem_list_is_cut_short_with_a_count_of_the_rest(indicator: Indicator) -> None:
    rows = "".join(f"{year},1.12345678,\n" for year in range(1900, 2100))

    report = _run(indicator, f"periode,verdi,status\n{rows}".encode(), "x.csv", mapping=CSV_MAPPING)

    assert len(report.problems) == 101
    assert "100 feil til" in report.problems[-1].message_nb
