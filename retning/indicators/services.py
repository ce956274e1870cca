"""Importing observation files into an indicator.

An import is all or nothing: the file is read by the pure ``formats`` readers, compared with what
is stored, and written in one transaction only when no row has a problem. Values that change keep
their old value in the history, with the user and the import batch (which holds the file's
checksum), so every number on the site can be traced back to a file and a person.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import periods
from .formats import (
    DimensionInfo,
    Mapping,
    MappingError,
    ObservationRow,
    ParseResult,
    Problem,
    parse_csv,
    parse_jsonstat,
    parse_xlsx,
)
from .models import ImportBatch, ImportMapping, Indicator, Observation

FORMAT_JSONSTAT = "jsonstat"
FORMAT_CSV = "csv"
FORMAT_XLSX = "xlsx"
FILE_FORMATS = (FORMAT_JSONSTAT, FORMAT_CSV, FORMAT_XLSX)
FORMAT_LABELS = {FORMAT_JSONSTAT: "JSON-stat", FORMAT_CSV: "CSV", FORMAT_XLSX: "Excel (XLSX)"}

BATCH_SIZE = 500
MAX_PROBLEMS = 100
CHANGE_REASON = "Importert fra fil"

# Limits of Observation.value (max_digits=20, decimal_places=6) and of the breakdown columns.
_MAX_DECIMALS = 6
_MAX_INTEGER_DIGITS = 14
_MAX_DIMENSION_LENGTH = Observation._meta.get_field("breakdown_dimension").max_length or 40
_MAX_CATEGORY_LENGTH = Observation._meta.get_field("breakdown_value").max_length or 120

type SeriesKey = tuple[str, str, str]  # period, breakdown dimension, breakdown value


@dataclass(frozen=True)
class NewObservation:
    period: str
    breakdown_dimension: str
    breakdown_value: str
    value: Decimal | None
    status: str

    @property
    def value_text(self) -> str:
        return number_text(self.value)

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass(frozen=True)
class ChangedObservation:
    period: str
    breakdown_dimension: str
    breakdown_value: str
    old_value: Decimal | None
    old_status: str
    new_value: Decimal | None
    new_status: str

    @property
    def old_value_text(self) -> str:
        return number_text(self.old_value)

    @property
    def new_value_text(self) -> str:
        return number_text(self.new_value)

    @property
    def old_status_label(self) -> str:
        return status_label(self.old_status)

    @property
    def new_status_label(self) -> str:
        return status_label(self.new_status)


@dataclass(frozen=True)
class ImportReport:
    """What an import found and did. ``problems`` non-empty means nothing was written."""

    indicator_code: str
    filename: str
    file_format: str
    sha256: str
    dry_run: bool
    mapping: Mapping | None = None
    mapping_was_saved: bool = False
    created: tuple[NewObservation, ...] = ()
    changed: tuple[ChangedObservation, ...] = ()
    unchanged_count: int = 0
    problems: tuple[Problem, ...] = ()
    dimensions: tuple[DimensionInfo, ...] = ()
    batch_id: int | None = None
    # True when the file could not be read at all, so the mapping is the likely culprit.
    read_failed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def created_count(self) -> int:
        return len(self.created)

    @property
    def changed_count(self) -> int:
        return len(self.changed)

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.changed)

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run and self.has_changes

    def summary_nb(self) -> str:
        if self.problems:
            return (
                f"Fant {len(self.problems)} feil i «{self.filename}». Ingenting er lagret. "
                "Rett feilene og prøv igjen."
            )
        counts = (
            f"{self.created_count} nye, {self.changed_count} endrede og "
            f"{self.unchanged_count} uendrede målinger"
        )
        if self.dry_run:
            return f"Prøvekjøring: {counts}. Ingenting er lagret."
        if not self.has_changes:
            return (
                f"Ingen endringer: alle {self.unchanged_count} målingene i filen er allerede "
                "lagret."
            )
        return f"Importert: {counts}."

    def lines_nb(self) -> list[str]:
        """The report as plain text lines, for the command line."""
        lines = [self.summary_nb()]
        for problem in self.problems:
            lines.append(f"  – {problem}")
        for new in self.created:
            lines.append(
                f"  + {_series_text(new.period, new.breakdown_dimension, new.breakdown_value)}: "
                f"{value_text(new.value, new.status)}"
            )
        for change in self.changed:
            series = _series_text(change.period, change.breakdown_dimension, change.breakdown_value)
            lines.append(
                f"  ~ {series}: "
                f"{value_text(change.old_value, change.old_status)} → "
                f"{value_text(change.new_value, change.new_status)}"
            )
        return lines


def number_text(value: Decimal | None) -> str:
    """Every decimal the file had, with a decimal comma, so that a preview hides no change."""
    if value is None:
        return "–"
    return format(value.normalize(), "f").replace(".", ",")


def status_label(status: str) -> str:
    return str(Observation.Status(status).label) if status else ""


def value_text(value: Decimal | None, status: str) -> str:
    shown = "(ingen verdi)" if value is None else number_text(value)
    if status:
        shown += f" [{status_label(status)}]"
    return shown


def _series_text(period: str, dimension: str, category: str) -> str:
    return f"{period} ({dimension} {category})" if dimension else period


def detect_format(filename: str, data: bytes) -> str:
    """The file's format from its name, or from its first bytes when the name does not tell."""
    suffix = PurePath(filename or "").suffix.lower()
    by_suffix = {".json": FORMAT_JSONSTAT, ".xlsx": FORMAT_XLSX, ".csv": FORMAT_CSV}
    if suffix in by_suffix:
        return by_suffix[suffix]
    if data.startswith(b"PK\x03\x04"):
        return FORMAT_XLSX
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return FORMAT_JSONSTAT
    return FORMAT_CSV


def saved_mapping(indicator: Indicator, source_name: str | None) -> ImportMapping | None:
    if not source_name:
        return None
    return ImportMapping.objects.filter(indicator=indicator, source_name=source_name).first()


def parse_file(data: bytes, file_format: str, mapping: Mapping | None) -> ParseResult:
    readers = {FORMAT_JSONSTAT: parse_jsonstat, FORMAT_CSV: parse_csv, FORMAT_XLSX: parse_xlsx}
    return readers[file_format](data, mapping)


def size_problem(size: int) -> Problem | None:
    limit = settings.RETNING_MAX_IMPORT_BYTES
    if size <= limit:
        return None
    return Problem(
        row=None,
        cell=None,
        message_nb=(
            f"Filen er for stor ({_megabytes(size)}). Største tillatte størrelse er "
            f"{_megabytes(limit)}. Del opp filen, eller ta bare med perioder som er nye eller "
            "endret."
        ),
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


class _ImportFailed(Exception):
    """Raised inside the transaction so that it rolls back; carries the report."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(report.summary_nb())
        self.report = report


@dataclass
class _Plan:
    created: list[Observation] = field(default_factory=list)
    # pk → new (value, status); the full records are loaded a batch at a time when written.
    updates: dict[int, tuple[Decimal | None, str]] = field(default_factory=dict)
    created_report: list[NewObservation] = field(default_factory=list)
    changed_report: list[ChangedObservation] = field(default_factory=list)
    unchanged_count: int = 0
    problems: list[Problem] = field(default_factory=list)


def indicator_observations_import(
    *,
    indicator: Indicator,
    data: bytes,
    filename: str,
    file_format: str = "",
    mapping: Mapping | None = None,
    source_name: str | None = None,
    user: Any = None,
    dry_run: bool = False,
) -> ImportReport:
    """Read ``data`` and bring the indicator's observations in line with it, all or nothing.

    ``file_format`` is one of :data:`FILE_FORMATS`, or empty to detect it. Without a ``mapping``
    the one saved for (indicator, ``source_name``) is used; a successful real import saves the
    mapping it used under ``source_name``.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    file_format = file_format or detect_format(filename, data)
    base = {
        "indicator_code": indicator.code,
        "filename": filename,
        "file_format": file_format,
        "sha256": sha256,
        "dry_run": dry_run,
    }
    if file_format not in FILE_FORMATS:
        message = (
            f"Filformatet «{file_format}» støttes ikke. Bruk JSON-stat (.json), CSV (.csv) "
            "eller Excel (.xlsx)."
        )
        return ImportReport(**base, problems=(Problem(None, None, message),), read_failed=True)
    too_big = size_problem(len(data))
    if too_big is not None:
        return ImportReport(**base, problems=(too_big,), read_failed=True)

    if mapping is None:
        stored = saved_mapping(indicator, source_name)
        if stored is not None:
            try:
                mapping = Mapping.from_dict(stored.mapping)
            except MappingError as error:
                message = f"Det lagrede oppsettet for «{source_name}» kan ikke brukes: {error}"
                return ImportReport(
                    **base, problems=(Problem(None, None, message),), read_failed=True
                )
    base["mapping"] = mapping

    parsed = parse_file(data, file_format, mapping)
    if not parsed.ok:
        return ImportReport(
            **base, problems=parsed.problems, dimensions=parsed.dimensions, read_failed=True
        )

    try:
        with transaction.atomic():
            report = _compare_and_write(
                indicator, parsed, base, source_name or "", user, dry_run, mapping
            )
            if dry_run:
                transaction.set_rollback(True)
            return report
    except _ImportFailed as failed:
        return failed.report


def _compare_and_write(
    indicator: Indicator,
    parsed: ParseResult,
    base: dict[str, Any],
    source_name: str,
    user: Any,
    dry_run: bool,
    mapping: Mapping | None,
) -> ImportReport:
    # Two imports into one indicator at once would both see a period as new; take turns.
    Indicator.objects.select_for_update().filter(pk=indicator.pk).order_by().exists()
    existing: dict[SeriesKey, tuple[Decimal | None, str, int]] = {
        (period, dimension, category): (value, status, pk)
        for period, dimension, category, value, status, pk in Observation.objects.filter(
            indicator=indicator
        )
        .order_by()
        .values_list("period", "breakdown_dimension", "breakdown_value", "value", "status", "pk")
    }
    plan = _plan(indicator, parsed.rows, existing, source_name)
    if plan.problems:
        raise _ImportFailed(
            ImportReport(**base, problems=_capped(plan.problems), dimensions=parsed.dimensions)
        )

    batch_id: int | None = None
    if plan.created or plan.updates:
        batch = ImportBatch.objects.create(
            indicator=indicator,
            filename=base["filename"][:255],
            sha256=base["sha256"],
            file_format=base["file_format"],
            imported_by=user if getattr(user, "is_authenticated", False) else None,
            created_count=len(plan.created),
            changed_count=len(plan.updates),
            unchanged_count=plan.unchanged_count,
        )
        batch_id = batch.pk
        history_user = batch.imported_by
        for observation in plan.created:
            observation.import_batch = batch
        bulk_create_with_history(
            plan.created,
            Observation,
            batch_size=BATCH_SIZE,
            default_user=history_user,
            default_change_reason=CHANGE_REASON,
        )
        _update_changed(plan.updates, batch, source_name)
    mapping_saved = False
    if not dry_run and source_name and mapping is not None:
        mapping_saved = _save_mapping(indicator, source_name, base["file_format"], mapping, user)
    return ImportReport(
        **base,
        mapping_was_saved=mapping_saved,
        created=tuple(plan.created_report),
        changed=tuple(plan.changed_report),
        unchanged_count=plan.unchanged_count,
        dimensions=parsed.dimensions,
        batch_id=None if dry_run else batch_id,
    )


def _plan(
    indicator: Indicator,
    rows: tuple[ObservationRow, ...],
    existing: dict[SeriesKey, tuple[Decimal | None, str, int]],
    source_name: str,
) -> _Plan:
    plan = _Plan()
    for row in rows:
        problem = _row_problem(row)
        if problem is not None:
            plan.problems.append(problem)
            continue
        if plan.problems:
            continue  # nothing will be written; only the remaining problems matter
        dimension, category = row.breakdown[0] if row.breakdown else ("", "")
        stored = existing.get((row.period, dimension, category))
        if stored is None:
            plan.created.append(
                Observation(
                    indicator=indicator,
                    period=row.period,
                    # bulk_create skips save(), which normally derives this from the period.
                    period_start=periods.parse_period(row.period).start,
                    value=row.value,
                    status=row.status,
                    breakdown_dimension=dimension,
                    breakdown_value=category,
                    source=source_name,
                )
            )
            plan.created_report.append(
                NewObservation(row.period, dimension, category, row.value, row.status)
            )
        elif stored[:2] == (row.value, row.status):
            plan.unchanged_count += 1
        else:
            old_value, old_status, pk = stored
            plan.changed_report.append(
                ChangedObservation(
                    row.period,
                    dimension,
                    category,
                    old_value,
                    old_status,
                    row.value,
                    row.status,
                )
            )
            plan.updates[pk] = (row.value, row.status)
    return plan


def _update_changed(
    updates: dict[int, tuple[Decimal | None, str]], batch: ImportBatch, source_name: str
) -> None:
    """Write the changed values with a history record each, a batch of full records at a time.

    The history is built from the records in memory, so they are loaded whole: deferred fields
    would cost one query per record.
    """
    pks = list(updates)
    for start in range(0, len(pks), BATCH_SIZE):
        records = list(Observation.objects.filter(pk__in=pks[start : start + BATCH_SIZE]))
        for record in records:
            record.value, record.status = updates[record.pk]
            record.source = source_name or record.source
            record.import_batch = batch
            record.version += 1
        bulk_update_with_history(
            records,
            Observation,
            ["value", "status", "source", "import_batch", "version"],
            batch_size=BATCH_SIZE,
            default_user=batch.imported_by,
            default_change_reason=CHANGE_REASON,
        )


def _capped(problems: list[Problem]) -> tuple[Problem, ...]:
    # Past this many, the list only repeats the same mistake.
    if len(problems) <= MAX_PROBLEMS:
        return tuple(problems)
    more = len(problems) - MAX_PROBLEMS
    note = Problem(None, None, f"… og {more} feil til av samme slag som ikke er listet opp.")
    return (*problems[:MAX_PROBLEMS], note)


def _row_problem(row: ObservationRow) -> Problem | None:
    def problem(message: str) -> Problem:
        return Problem(row=row.source_row, cell=row.source_cell, message_nb=message)

    if len(row.breakdown) > 1:
        keys = " og ".join(f"«{key}»" for key, _ in row.breakdown)
        return problem(
            f"Perioden {row.period} er delt inn etter både {keys}. En måling kan bare ha én "
            "inndeling: lås de andre til én kategori med et filter i oppsettet."
        )
    if row.breakdown:
        dimension, category = row.breakdown[0]
        if len(dimension) > _MAX_DIMENSION_LENGTH:
            return problem(
                f"Navnet på inndelingen «{dimension}» er lengre enn {_MAX_DIMENSION_LENGTH} tegn."
            )
        if len(category) > _MAX_CATEGORY_LENGTH:
            return problem(
                f"Kategorien «{category[:40]}…» er lengre enn {_MAX_CATEGORY_LENGTH} tegn."
            )
    try:
        periods.parse_period(row.period)
    except periods.PeriodError as error:
        return problem(f"Perioden «{row.period}» er ugyldig: {error}")
    if row.value is not None:
        sign, digits, exponent = row.value.normalize().as_tuple()
        decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        integer_digits = len(digits) - decimals if isinstance(exponent, int) else 0
        if decimals > _MAX_DECIMALS:
            return problem(
                f"Verdien {row.value} har {decimals} desimaler; høyst {_MAX_DECIMALS} kan lagres."
            )
        if integer_digits > _MAX_INTEGER_DIGITS:
            return problem(f"Verdien {row.value} er for stor til å lagres.")
    return None


def _save_mapping(
    indicator: Indicator, source_name: str, file_format: str, mapping: Mapping, user: Any
) -> bool:
    """Remember the mapping for the next file from this source; True when it was new or changed."""
    stored = saved_mapping(indicator, source_name)
    as_dict = mapping.to_dict()
    if stored is not None and stored.mapping == as_dict and stored.file_format == file_format:
        return False
    record = stored or ImportMapping(indicator=indicator, source_name=source_name)
    record.mapping = as_dict
    record.file_format = file_format
    if getattr(user, "is_authenticated", False):
        record._history_user = user  # type: ignore[attr-defined]
    record.save()
    return True
