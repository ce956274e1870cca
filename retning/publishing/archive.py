"""The whole plan, its indicator data and the public council decisions as one open-data ZIP.

Reproducible: the same data gives a byte-identical archive. To that end

* every file is written with stable ordering (by code, number or date, then primary key), JSON
  with sorted keys, CSV with fixed columns;
* ZIP entries are sorted by name and carry one fixed timestamp and fixed permissions;
* the generation time in the README is the newest change in the exported data (from the change
  history and the records' own time stamps), never the clock;
* the dataset version is the plan version, the roadmap version and a checksum of the data files.

Only public content is exported: council decisions and plan versions of cases that are exempt
from public access (``Case.is_exempt``) are left out, and so are decisions whose minutes have not
been approved yet. CSV files follow the indicator exports: UTF-8 with a byte order mark,
semicolons, decimal comma, and text a spreadsheet would run as a formula made inert.
"""

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max, Model, Prefetch

from retning.council import workflow
from retning.council.models import Decision, PlanChange, PlanVersion
from retning.indicators import exports
from retning.indicators.formats import dump_jsonstat
from retning.indicators.models import Indicator, Observation, Target
from retning.roadmap.models import Delivery, Initiative, RoadmapVersion
from retning.strategy.models import Goal, Strategy, SubGoal

Json = dict[str, Any]

# The earliest time a ZIP entry can carry; used when the database holds no dated change at all.
ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
LICENCE_NB = (
    "Dataene kan brukes fritt etter Norsk lisens for offentlige data (NLOD) 2.0: del, bearbeid "
    "og bruk dem, også kommersielt, og oppgi Retning som kilde."
)
LICENCE_EN = (
    "The data may be reused under the Norwegian Licence for Open Government Data (NLOD) 2.0: "
    "share, adapt and use it, also commercially, and credit Retning as the source."
)


@dataclass(frozen=True)
class ArchiveFile:
    name: str
    content: bytes
    nb: str
    en: str


# --- Cell and file writers -------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return exports.neutralise(", ".join(str(item) for item in value))
    if isinstance(value, int):
        return str(value)
    return exports.neutralise(str(value))


def to_csv(columns: Sequence[str], records: Iterable[Json]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_cell(record.get(column)) for column in columns])
    return buffer.getvalue().encode("utf-8-sig")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # As a JSON number; the stored values have at most 14 + 6 digits, which a float keeps
        # closely enough for open data (the CSV files have them digit for digit).
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"Kan ikke skrive {type(value).__name__} som JSON.")


def to_json(document: Any) -> bytes:
    text = json.dumps(document, default=_json_default, ensure_ascii=False, indent=2, sort_keys=True)
    return (text + "\n").encode("utf-8")


# --- The plan -----------------------------------------------------------------------------------


def _strategy() -> Json | None:
    strategy = Strategy.objects.order_by("period_start", "pk").last()
    if strategy is None:
        return None
    return {
        "title": strategy.title,
        "title_en": strategy.title_en,
        "short_title": strategy.short_title,
        "vision": strategy.vision,
        "vision_en": strategy.vision_en,
        "period_start": strategy.period_start,
        "period_end": strategy.period_end,
    }


def _goals() -> list[Json]:
    return [
        {
            "number": goal.number,
            "title": goal.title,
            "title_en": goal.title_en,
            "kind": goal.kind,
            "description": goal.description,
        }
        for goal in Goal.objects.order_by("number", "pk")
    ]


def _subgoals() -> list[Json]:
    return [
        {
            "code": subgoal.code,
            "goal": subgoal.goal.number,
            "title": subgoal.title,
            "title_en": subgoal.title_en,
            "description": subgoal.description,
        }
        for subgoal in SubGoal.objects.select_related("goal").order_by("code", "pk")
    ]


def _indicators() -> list[Json]:
    indicators = Indicator.objects.select_related(
        "goal", "subgoal", "responsible"
    ).prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("period", "pk")))
    return [
        {
            "code": indicator.code,
            "name": indicator.name,
            "name_en": indicator.name_en,
            "definition": indicator.definition,
            "goal": indicator.goal.number if indicator.goal else None,
            "subgoal": indicator.subgoal.code if indicator.subgoal else None,
            "unit": indicator.unit,
            "unit_label": indicator.unit_label,
            "decimals": indicator.decimals,
            "direction": indicator.direction,
            "frequency": indicator.frequency,
            "data_source": indicator.data_source,
            "responsible": indicator.responsible.name if indicator.responsible else None,
            "baseline_period": indicator.baseline_period,
            "baseline_value": indicator.baseline_value,
            "baseline_is_example": indicator.baseline_is_example,
            "targets": [
                {"period": t.period, "value": t.value, "is_example": t.is_example}
                for t in indicator.targets.all()
            ],
        }
        for indicator in indicators.order_by("code", "pk")
    ]


def _initiatives() -> list[Json]:
    initiatives = (
        Initiative.objects.filter(retired_in__isnull=True)
        .select_related("subgoal")
        .prefetch_related(
            "owners",
            Prefetch(
                "deliveries", queryset=Delivery.objects.order_by("planned_date", "title", "pk")
            ),
        )
        .order_by("external_id", "pk")
    )
    return [
        {
            "external_id": initiative.external_id,
            "title": initiative.title,
            "description": initiative.description,
            "subgoal": initiative.subgoal.code if initiative.subgoal else None,
            "phase_first": initiative.phase_first,
            "phase_last": initiative.phase_last,
            "planning_status": initiative.planning_status,
            "level": initiative.level,
            "start_date": initiative.start_date,
            "end_date": initiative.end_date,
            "owners": sorted(owner.name for owner in initiative.owners.all()),
            "deliveries": [
                {
                    "title": delivery.title,
                    "kind": delivery.kind,
                    "planned_date": delivery.planned_date,
                    "forecast_date": delivery.forecast_date,
                    "actual_date": delivery.actual_date,
                }
                for delivery in initiative.deliveries.all()
            ],
        }
        for initiative in initiatives
    ]


# --- Council decisions and plan versions -----------------------------------------------------------


def public_decisions() -> list[Decision]:
    """Decisions in cases open to the public, from meetings whose minutes are approved."""
    return list(
        Decision.objects.filter(
            case__is_exempt=False,
            meeting__status=workflow.MeetingStatus.MINUTES_APPROVED,
        )
        .select_related("case__body", "meeting__body")
        .prefetch_related(
            Prefetch(
                "changes",
                queryset=PlanChange.objects.select_related("content_type").order_by("order", "pk"),
            )
        )
        .order_by("meeting__date", "case__body__short_name", "case__year", "case__number", "pk")
    )


def _decision(decision: Decision) -> Json:
    case, meeting = decision.case, decision.meeting
    return {
        "case": case.label,
        "body": case.body.short_name,
        "body_name": case.body.name,
        "meeting": meeting.label,
        "meeting_date": meeting.date,
        "title": case.title,
        "case_type": case.case_type,
        "text": decision.text,
        "plan_changes": [
            {
                "kind": change.kind,
                "object_type": change.content_type.model,
                "object_id": change.object_id,
                "field": change.field_name,
                "old_value": change.old_value,
                "new_value": change.new_value,
            }
            for change in decision.changes.all()
        ],
    }


def _plan_versions(public: set[int]) -> list[Json]:
    versions = (
        PlanVersion.objects.select_related("meeting__body", "roadmap_version")
        .prefetch_related("decisions__case")
        .order_by("created_at", "pk")
    )
    result = []
    for version in versions:
        decisions = sorted(
            (d for d in version.decisions.all() if d.pk in public),
            key=lambda d: (d.case.year or 0, d.case.number or 0, d.pk),
        )
        if version.decisions.all() and not decisions:
            continue  # every decision behind it is exempt: the version is not public
        result.append(
            {
                "label": version.label,
                "kind": version.kind,
                "created_at": version.created_at,
                "meeting": (
                    f"{version.meeting.body.short_name} {version.meeting.label}"
                    if version.meeting
                    else None
                ),
                "roadmap_version": version.roadmap_version.label
                if version.roadmap_version
                else None,
                "decisions": [d.case.label for d in decisions],
            }
        )
    return result


# --- When and which version -------------------------------------------------------------------------


def _newest(model: type[Model], field: str, **filters: Any) -> dt.datetime | None:
    return model._default_manager.filter(**filters).aggregate(newest=Max(field))["newest"]  # type: ignore[no-any-return]


def newest_change(public_decisions: Sequence[Decision]) -> dt.datetime:
    """The time of the newest change to anything exported; the archive's generation time."""
    times: list[dt.datetime | None] = []
    for model in (Strategy, Goal, SubGoal, Indicator, Target, Observation, Initiative, Delivery):
        history = getattr(model, "history", None)
        if history is not None:
            times.append(history.model.objects.aggregate(newest=Max("history_date"))["newest"])
    times.append(_newest(RoadmapVersion, "imported_at"))
    times.extend(d.recorded_at for d in public_decisions)
    times.extend(d.meeting.minutes_approved_at for d in public_decisions)
    times.append(_newest(PlanVersion, "created_at", decisions__in=[d.pk for d in public_decisions]))
    found = [t for t in times if t is not None]
    return max(found).astimezone(dt.UTC).replace(microsecond=0) if found else ZIP_EPOCH


def _dataset_version(files: Sequence[ArchiveFile]) -> str:
    digest = hashlib.sha256()
    for item in sorted(files, key=lambda f: f.name):
        digest.update(item.name.encode() + b"\0" + hashlib.sha256(item.content).digest())
    plan = PlanVersion.objects.order_by("created_at", "pk").last()
    roadmap = RoadmapVersion.objects.order_by("imported_at", "pk").last()
    parts = [
        f"plan: {plan.label}" if plan else "plan: ingen planversjon",
        f"veikart: {roadmap.label}" if roadmap else "veikart: ingen import",
        f"sha256: {digest.hexdigest()[:16]}",
    ]
    return "; ".join(parts)


# --- The archive ------------------------------------------------------------------------------------

GOAL_COLUMNS = ("number", "title", "title_en", "kind", "description")
SUBGOAL_COLUMNS = ("code", "goal", "title", "title_en", "description")
INDICATOR_COLUMNS = (
    "code",
    "name",
    "name_en",
    "goal",
    "subgoal",
    "unit",
    "unit_label",
    "decimals",
    "direction",
    "frequency",
    "data_source",
    "responsible",
    "baseline_period",
    "baseline_value",
    "baseline_is_example",
    "definition",
)
TARGET_COLUMNS = ("indicator", "period", "value", "is_example")
INITIATIVE_COLUMNS = (
    "external_id",
    "title",
    "subgoal",
    "phase_first",
    "phase_last",
    "planning_status",
    "level",
    "start_date",
    "end_date",
    "owners",
    "description",
)
DELIVERY_COLUMNS = ("initiative", "title", "kind", "planned_date", "forecast_date", "actual_date")
DECISION_COLUMNS = (
    "case",
    "body",
    "meeting",
    "meeting_date",
    "title",
    "case_type",
    "text",
    "plan_change_count",
)
PLAN_VERSION_COLUMNS = ("label", "kind", "created_at", "meeting", "roadmap_version", "decisions")


def content_files() -> list[ArchiveFile]:
    """Every data file of the archive (everything but the README)."""
    strategy, goals, subgoals = _strategy(), _goals(), _subgoals()
    indicators, initiatives = _indicators(), _initiatives()
    decisions = public_decisions()
    decision_records = [_decision(d) for d in decisions]
    plan_versions = _plan_versions({d.pk for d in decisions})
    targets = [
        {"indicator": item["code"], **target} for item in indicators for target in item["targets"]
    ]
    deliveries = [
        {"initiative": item["external_id"], **delivery}
        for item in initiatives
        for delivery in item["deliveries"]
    ]
    rows = exports.export_rows(Indicator.objects.all())
    collection = exports.jsonstat_collection(
        exports.jsonstat_datasets(Indicator.objects.order_by("code"), rows),
        label="Målindikatorer for Nasjonal e-helsestrategi",
    )
    plan = {
        "strategy": strategy,
        "goals": goals,
        "subgoals": subgoals,
        "indicators": indicators,
        "initiatives": initiatives,
    }
    return [
        ArchiveFile(
            "plan/plan.json",
            to_json(plan),
            "Hele planen i én fil: strategi, mål, delmål, indikatorer med målverdier, tiltak med "
            "leveranser.",
            "The whole plan in one file: strategy, goals, sub-goals, indicators with targets, "
            "initiatives with deliveries.",
        ),
        ArchiveFile(
            "plan/mal.csv",
            to_csv(GOAL_COLUMNS, goals),
            "Strategiske mål.",
            "Strategic goals.",
        ),
        ArchiveFile(
            "plan/delmal.csv",
            to_csv(SUBGOAL_COLUMNS, subgoals),
            "Delmål, med nummeret til målet de hører under.",
            "Sub-goals, with the number of their goal.",
        ),
        ArchiveFile(
            "plan/indikatorer.csv",
            to_csv(INDICATOR_COLUMNS, indicators),
            "Målindikatorer med definisjon, enhet, retning og utgangsverdi.",
            "Indicators with definition, unit, direction and baseline.",
        ),
        ArchiveFile(
            "plan/malverdier.csv",
            to_csv(TARGET_COLUMNS, targets),
            "Målverdier per indikator og periode. is_example = ja betyr eksempeldata, ikke "
            "vedtatte tall.",
            "Targets per indicator and period. is_example = ja (yes) marks example data, not "
            "adopted figures.",
        ),
        ArchiveFile(
            "plan/tiltak.csv",
            to_csv(INITIATIVE_COLUMNS, initiatives),
            "Tiltak i veikartet som gjelder nå.",
            "Current roadmap initiatives.",
        ),
        ArchiveFile(
            "plan/leveranser.csv",
            to_csv(DELIVERY_COLUMNS, deliveries),
            "Leveranser (milepæler) per tiltak.",
            "Deliveries (milestones) per initiative.",
        ),
        ArchiveFile(
            "data/observasjoner.csv",
            exports.to_csv(rows),
            "Alle målinger for alle indikatorer i langt format, som nedlastingen på nettstedet.",
            "Every observation of every indicator in long format, as the site's download.",
        ),
        ArchiveFile(
            "data/observasjoner.jsonstat.json",
            dump_jsonstat(collection).encode("utf-8"),
            "De samme målingene som JSON-stat 2.0: én kube per indikator og inndeling.",
            "The same observations as JSON-stat 2.0: one cube per indicator and breakdown.",
        ),
        ArchiveFile(
            "radsmodell/vedtak.json",
            to_json(decision_records),
            "Vedtak i offentlige saker fra møter med godkjent referat, med planendringene.",
            "Decisions in public cases from meetings with approved minutes, with plan changes.",
        ),
        ArchiveFile(
            "radsmodell/vedtak.csv",
            to_csv(
                DECISION_COLUMNS,
                ({**r, "plan_change_count": len(r["plan_changes"])} for r in decision_records),
            ),
            "De samme vedtakene som tabell.",
            "The same decisions as a table.",
        ),
        ArchiveFile(
            "radsmodell/planversjoner.json",
            to_json(plan_versions),
            "Versjoner av plan for realisering og vedtakene bak dem.",
            "Versions of the plan for realisation and the decisions behind them.",
        ),
        ArchiveFile(
            "radsmodell/planversjoner.csv",
            to_csv(PLAN_VERSION_COLUMNS, plan_versions),
            "De samme planversjonene som tabell.",
            "The same plan versions as a table.",
        ),
    ]


def readme(files: Sequence[ArchiveFile], generated: dt.datetime, version: str) -> bytes:
    stamp = generated.strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [
        "Retning – åpne data / open data",
        "================================",
        "",
        "NORSK",
        "",
        "Planen for oppfølging av Nasjonal e-helsestrategi, indikatordata og offentlige vedtak i "
        "rådsmodellen.",
        f"Generert fra data endret sist: {stamp}",
        f"Datasettversjon: {version}",
        "",
        "CSV-filene er UTF-8 med BOM, semikolonseparert, med desimalkomma. Tekst som et regneark "
        "ville tolket som en formel, har fått en apostrof foran. Saker unntatt offentlighet er "
        "ikke med.",
        "",
        LICENCE_NB,
        "",
        "Filer:",
        *(f"  {item.name}: {item.nb}" for item in files),
        "  SHA256SUMS: sjekksummer for filene.",
        "",
        "ENGLISH",
        "",
        "The plan for following up Norway's national e-health strategy, indicator data and public "
        "council decisions.",
        f"Generated from data last changed: {stamp}",
        f"Dataset version: {version}",
        "",
        "CSV files are UTF-8 with a byte order mark, semicolon-separated, with a decimal comma. "
        "Text a spreadsheet would read as a formula starts with an apostrophe. Cases exempt from "
        "public access are left out. Column names are in English; values are as in Retning.",
        "",
        LICENCE_EN,
        "",
        "Files:",
        *(f"  {item.name}: {item.en}" for item in files),
        "  SHA256SUMS: checksums of the files.",
        "",
    ]
    return "\n".join(lines).encode("utf-8")


FINGERPRINT_APPS = ("strategy", "indicators", "roadmap", "council", "actors")


def fingerprint() -> str:
    """A cheap summary that changes whenever anything the archive could hold changes.

    The newest entry in every change history of the exported apps (that covers edits, deletions
    and a case becoming exempt) and the size of the tables without a history.
    """
    from django.apps import apps

    parts: list[str] = []
    for label in FINGERPRINT_APPS:
        for model in sorted(apps.get_app_config(label).get_models(), key=lambda m: m.__name__):
            # Change histories; their many-to-many companions have no time of their own.
            if any(field.name == "history_date" for field in model._meta.fields):
                newest = model._default_manager.aggregate(newest=Max("history_date"))["newest"]
                parts.append(f"{model.__name__}={newest.isoformat() if newest else '-'}")
    for model in (PlanVersion, PlanChange, RoadmapVersion, Decision):
        summary = model._default_manager.aggregate(newest=Max("pk"))
        parts.append(f"{model.__name__}={model._default_manager.count()}/{summary['newest']}")
    return hashlib.sha256(";".join(parts).encode()).hexdigest()


def build_archive() -> bytes:
    """The open-data archive as ZIP bytes; the same data always gives the same bytes."""
    files = content_files()
    generated = newest_change(public_decisions())
    version = _dataset_version(files)
    sums = "".join(
        f"{hashlib.sha256(item.content).hexdigest()}  {item.name}\n"
        for item in sorted(files, key=lambda f: f.name)
    ).encode("ascii")
    entries = {item.name: item.content for item in files}
    entries["README.txt"] = readme(files, generated, version)
    entries["SHA256SUMS"] = sums
    stamp = max(generated, ZIP_EPOCH).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, entries[name], compresslevel=9)
    return buffer.getvalue()


def archive_filename(content: bytes) -> str:
    return f"retning-apne-data-{hashlib.sha256(content).hexdigest()[:12]}.zip"
