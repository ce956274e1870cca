"""Writing roadmap data: importing Helsedirektoratet's roadmap export."""

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction

from retning.strategy.models import Grouping, Strategy, SubGoal

from .models import Initiative, RoadmapVersion
from .roadmap_csv import PlanningStatus, RoadmapRow, RowProblem, parse_roadmap_csv

_STATUS = {
    PlanningStatus.PLANNED: Initiative.PlanningStatus.PLANNED,
    PlanningStatus.TENTATIVE: Initiative.PlanningStatus.TENTATIVE,
}


@dataclass
class RoadmapImportReport:
    version: str | None
    dry_run: bool
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    new_groupings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated or self.retired or self.restored)

    def summary(self) -> str:
        if not self.ok:
            return f"Importen ble avbrutt: {len(self.problems)} feil. Ingenting er endret."
        prefix = "Prøvekjøring – ingenting er lagret. " if self.dry_run else ""
        return (
            f"{prefix}Veikartversjon {self.version}: {len(self.created)} nye, "
            f"{len(self.updated)} endrede, {len(self.unchanged)} uendrede og "
            f"{len(self.retired)} tatt ut av veikartet."
        )


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


def _initiative_values(row: RoadmapRow, subgoal: SubGoal, grouping: Grouping) -> dict[str, Any]:
    warnings = ""
    if row.start and row.end and row.end < row.start:
        warnings = (
            f"Eksporten oppgir sluttdato {row.end:%d.%m.%Y} før startdato {row.start:%d.%m.%Y}."
        )
    return {
        "title": row.title,
        "description": row.description,
        "subgoal": subgoal,
        "grouping": grouping,
        "phase_first": row.phase.first.value if row.phase else None,
        "phase_last": row.phase.last.value if row.phase else None,
        "planning_status": _STATUS[row.planning_status],
        "start_date": row.start,
        "end_date": row.end,
        "import_warnings": warnings,
    }


def _differs(instance: Initiative, values: dict[str, Any]) -> bool:
    for name, value in values.items():
        if getattr(instance, name) != value:
            return True
    return False


def roadmap_import(
    *,
    data: bytes,
    filename: str = "",
    user: Any = None,
    dry_run: bool = False,
) -> RoadmapImportReport:
    """Import a full roadmap export atomically, matching initiatives by their Leveranse-ID.

    A file with any problem changes nothing. Changed initiatives keep their earlier values in
    their history; initiatives missing from the export are marked as taken out, never deleted.
    """
    report = RoadmapImportReport(version=None, dry_run=dry_run)
    limit = settings.RETNING_MAX_IMPORT_BYTES
    if len(data) > limit:
        report.problems.append(
            RowProblem(
                None,
                None,
                f"Filen er på {_thousands(len(data))} byte, mer enn grensen på "
                f"{_thousands(limit)} byte.",
            )
        )
        return report

    strategy = Strategy.current()
    if strategy is None:
        report.problems.append(
            RowProblem(None, None, "Det finnes ingen strategi å importere veikartet til ennå.")
        )
        return report
    subgoals = {sg.code: sg for sg in SubGoal.objects.filter(strategy=strategy)}
    parsed = parse_roadmap_csv(data, known_subgoals=subgoals.keys())
    report.version = parsed.version
    report.problems.extend(parsed.problems)
    report.warnings.extend(parsed.warnings)
    if not parsed.ok:
        return report
    if parsed.version is None:
        report.problems.append(RowProblem(None, "Versjon", "Filen oppgir ingen versjon."))
        return report

    with transaction.atomic():
        _apply(parsed.rows, parsed.version, subgoals, data, filename, user, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _apply(
    rows: list[RoadmapRow],
    version_label: str,
    subgoals: dict[str, SubGoal],
    data: bytes,
    filename: str,
    user: Any,
    report: RoadmapImportReport,
) -> None:
    sha256 = hashlib.sha256(data).hexdigest()
    version, _ = RoadmapVersion.objects.get_or_create(
        label=version_label,
        defaults={
            "sha256": sha256,
            "row_count": len(rows),
            "filename": filename,
            "imported_by": user,
        },
    )
    groupings = {
        (g.subgoal_id, g.title): g for g in Grouping.objects.filter(subgoal__in=subgoals.values())
    }
    existing = {
        i.external_id: i for i in Initiative.objects.order_by().select_for_update(of=("self",))
    }
    seen: set[str] = set()
    # Unchanged initiatives only learn which export they were last seen in; that is bookkeeping,
    # not a change worth a history entry.
    only_version_changed: list[int] = []

    for row in rows:
        subgoal = subgoals[row.subgoal_code]
        grouping = groupings.get((subgoal.pk, row.grouping))
        if grouping is None:
            grouping = Grouping.objects.create(
                subgoal=subgoal, title=row.grouping, order=len(groupings)
            )
            groupings[(subgoal.pk, row.grouping)] = grouping
            report.new_groupings.append(f"{subgoal.code}: {row.grouping}")
        values = _initiative_values(row, subgoal, grouping)
        seen.add(row.external_id)
        initiative = existing.get(row.external_id)
        if initiative is None:
            Initiative.objects.create(
                external_id=row.external_id, roadmap_version=version, **values
            )
            report.created.append(row.external_id)
            continue
        was_retired = initiative.retired_in_id is not None
        if not was_retired and not _differs(initiative, values):
            report.unchanged.append(row.external_id)
            if initiative.roadmap_version_id != version.pk:
                only_version_changed.append(initiative.pk)
            continue
        values_with_version = {**values, "roadmap_version": version, "retired_in": None}
        for name, value in values_with_version.items():
            setattr(initiative, name, value)
        initiative._change_reason = f"Veikartimport {version_label}"  # type: ignore[attr-defined]
        initiative.save()
        (report.restored if was_retired else report.updated).append(row.external_id)

    Initiative.objects.filter(pk__in=only_version_changed).update(roadmap_version=version)

    for external_id, initiative in existing.items():
        if external_id in seen or initiative.retired_in_id is not None:
            continue
        initiative.retired_in = version
        initiative._change_reason = f"Ikke med i veikartversjon {version_label}"  # type: ignore[attr-defined]
        initiative.save()
        report.retired.append(external_id)

    counts = {
        "sha256": sha256,
        "row_count": len(rows),
        "created_count": len(report.created),
        "updated_count": len(report.updated) + len(report.restored),
        "unchanged_count": len(report.unchanged),
        "retired_count": len(report.retired),
    }
    if report.changed_anything or version.sha256 != sha256:
        for name, value in {**counts, "filename": filename, "imported_by": user}.items():
            setattr(version, name, value)
        version.save()

    # Every import is also a version of the plan, labelled with the export's own version.
    from retning.council.services import plan_version_for_roadmap_import

    plan_version_for_roadmap_import(version, user)
