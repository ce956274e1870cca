import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from retning.roadmap.models import Initiative, RoadmapVersion
from retning.roadmap.services import roadmap_import

FIXTURE = Path(__file__).parent.parent / "fixtures" / "veikart-2026-08.csv"
ID_CONCEPT_EHDS = "56876000020107084"  # «Fullmakt konsept EHDS»


def real_rows() -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(FIXTURE.read_text(encoding="utf-8")), delimiter=";")
    return list(reader.fieldnames or []), list(reader)


def to_csv(header: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def history_count() -> int:
    return Initiative.history.count()


def test_the_seeded_dataset_holds_every_row_of_the_export(seeded: None) -> None:
    assert Initiative.objects.count() == 263
    assert RoadmapVersion.objects.get().label == "2026-08"


def test_importing_the_same_file_again_changes_nothing(seeded: None) -> None:
    before = history_count()
    report = roadmap_import(data=FIXTURE.read_bytes(), filename=FIXTURE.name)
    assert report.ok
    assert len(report.unchanged) == 263
    assert not report.changed_anything
    assert history_count() == before


def test_a_newer_export_updates_by_id_and_keeps_the_old_values_in_history(seeded: None) -> None:
    header, rows = real_rows()
    changed = next(r for r in rows if r["Leveranse-ID"] == ID_CONCEPT_EHDS)
    changed["Veikartfase"] = "Utvikling og begrenset utprøving"
    changed["Planleggingsstatus"] = "Planlagt"
    removed = rows.pop()
    new_row = {**rows[0], "Leveranse-ID": "56876000099999999", "Leveransenavn i veikartet": "Ny"}
    rows.append(new_row)
    for row in rows:
        row["Versjon"] = "2027-02"

    report = roadmap_import(data=to_csv(header, rows), filename="veikart-2027-02.csv")

    assert report.ok, report.problems
    assert report.updated == [ID_CONCEPT_EHDS]
    assert report.created == ["56876000099999999"]
    assert report.retired == [removed["Leveranse-ID"]]
    initiative = Initiative.objects.get(external_id=ID_CONCEPT_EHDS)
    assert (initiative.phase_first, initiative.planning_status) == (2, "planned")
    assert initiative.roadmap_version.label == "2027-02"
    previous = initiative.history.order_by("-history_date")[1]
    assert (previous.phase_first, previous.planning_status) == (1, "tentative")
    assert Initiative.objects.get(external_id=removed["Leveranse-ID"]).retired_in.label == "2027-02"


def test_a_file_with_one_bad_date_imports_nothing(seeded: None) -> None:
    header, rows = real_rows()
    rows[5]["Startdato"] = "31.02.2026"
    rows[0]["Leveransenavn i veikartet"] = "Endret tittel som ikke skal lagres"
    before = history_count()

    report = roadmap_import(data=to_csv(header, rows))

    assert not report.ok
    assert any(p.row_number == 7 and p.column == "Startdato" for p in report.problems)
    assert history_count() == before
    assert not Initiative.objects.filter(title__startswith="Endret tittel").exists()


def test_an_unknown_subgoal_is_reported_with_its_row(seeded: None) -> None:
    header, rows = real_rows()
    rows[2]["Strategisk delmål"] = "9Z - Finnes ikke"
    report = roadmap_import(data=to_csv(header, rows))
    assert [(p.row_number, p.column) for p in report.problems] == [(4, "Strategisk delmål")]


def test_a_dry_run_reports_changes_without_saving_them(seeded: None) -> None:
    header, rows = real_rows()
    rows[0]["Leveransenavn i veikartet"] = "Prøvetittel"
    report = roadmap_import(data=to_csv(header, rows), dry_run=True)
    assert report.ok and report.dry_run
    assert len(report.updated) == 1
    assert not Initiative.objects.filter(title="Prøvetittel").exists()


@override_settings(RETNING_MAX_IMPORT_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused(seeded: None) -> None:
    report = roadmap_import(data=FIXTURE.read_bytes())
    assert not report.ok
    assert "grensen" in report.problems[0].message


def test_the_command_imports_a_file_and_fails_clearly_on_a_broken_one(
    seeded: None, tmp_path: Path
) -> None:
    call_command("import-roadmap", str(FIXTURE))
    broken = tmp_path / "broken.csv"
    broken.write_text(FIXTURE.read_text(encoding="utf-8").replace(";", ","), encoding="utf-8")
    with pytest.raises(CommandError, match="Ingenting er endret"):
        call_command("import-roadmap", str(broken))


def test_end_dates_before_start_dates_in_the_export_are_kept_and_explained(seeded: None) -> None:
    initiative = Initiative.objects.get(external_id="56876000019902382")
    assert initiative.end_date < initiative.start_date
    assert "før startdato" in initiative.import_warnings
