"""Importing observation files into an indicator.

An import is all or nothing. The file is read as a stream by the pure ``formats`` readers and
handled :data:`CHUNK_ROWS` rows at a time inside one transaction: each chunk is compared with the
stored observations of its own keys and written, so memory stays flat however long the file is.
When any problem turns up — in the file, in a row, or a period the file repeats — the transaction
is rolled back and nothing is stored; a dry run is rolled back too, after counting what would be
new, changed and unchanged. On PostgreSQL the rows are staged with ``COPY`` and applied with
set-based SQL instead (``copy_import``); a CSV file there goes into ``COPY`` as it is and is
checked in SQL (``csv_copy``), unless it has problems or a layout only the Python reader reads.
Values that change keep their old value in the history, with the user and the import batch
(which holds the file's checksum), so every number on the site can be traced back to a file and
a person.
"""

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import PurePath
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import periods
from .formats import (
    DimensionInfo,
    Mapping,
    MappingError,
    ObservationRow,
    ParseResult,
    Problem,
    RowStream,
    stream_csv,
    stream_jsonstat,
    stream_xlsx,
)
from .formats.common import ProblemList
from .models import ImportBatch, ImportMapping, Indicator, Observation

FORMAT_JSONSTAT = "jsonstat"
FORMAT_CSV = "csv"
FORMAT_XLSX = "xlsx"
FILE_FORMATS = (FORMAT_JSONSTAT, FORMAT_CSV, FORMAT_XLSX)
FORMAT_LABELS = {FORMAT_JSONSTAT: "JSON-stat", FORMAT_CSV: "CSV", FORMAT_XLSX: "Excel (XLSX)"}

BATCH_SIZE = 500
# Rows read from the file before they are compared and written; bounds the memory of an import.
CHUNK_ROWS = 10_000
# New and changed observations listed one by one in a report (the counts are always complete).
REPORT_ROWS = 1_000
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
    # ``created``, ``changed`` and ``problems`` list at most REPORT_ROWS / MAX_PROBLEMS items of a
    # large file; these hold the full counts when the lists were cut short.
    created_total: int | None = None
    changed_total: int | None = None
    problem_total: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def created_count(self) -> int:
        return len(self.created) if self.created_total is None else self.created_total

    @property
    def changed_count(self) -> int:
        return len(self.changed) if self.changed_total is None else self.changed_total

    @property
    def problem_count(self) -> int:
        return len(self.problems) if self.problem_total is None else self.problem_total

    @property
    def has_changes(self) -> bool:
        return bool(self.created_count or self.changed_count)

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run and self.has_changes

    def summary_nb(self) -> str:
        if self.problems:
            return (
                f"Fant {self.problem_count} feil i «{self.filename}». Ingenting er lagret. "
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
        unlisted = self.created_count - len(self.created) + self.changed_count - len(self.changed)
        if unlisted > 0:
            lines.append(
                f"  … og {unlisted} nye eller endrede målinger til som ikke er listet opp."
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


def stream_file(data: bytes, file_format: str, mapping: Mapping | None) -> RowStream:
    readers = {FORMAT_JSONSTAT: stream_jsonstat, FORMAT_CSV: stream_csv, FORMAT_XLSX: stream_xlsx}
    return readers[file_format](data, mapping)


def parse_file(data: bytes, file_format: str, mapping: Mapping | None) -> ParseResult:
    """The whole file read into memory; for previews and small files. Imports use streams."""
    return stream_file(data, file_format, mapping).collect()


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
    fast_path: bool | None = None,
) -> ImportReport:
    """Read ``data`` and bring the indicator's observations in line with it, all or nothing.

    ``file_format`` is one of :data:`FILE_FORMATS`, or empty to detect it. Without a ``mapping``
    the one saved for (indicator, ``source_name``) is used; a successful real import saves the
    mapping it used under ``source_name``.

    The file is read as a stream and applied :data:`CHUNK_ROWS` rows at a time inside one
    transaction, which is rolled back when any problem turns up (or for a dry run). On PostgreSQL
    the rows go through ``COPY`` into a staging table and are applied with set-based SQL
    (``fast_path``; None chooses by database, False forces the ORM path, used to compare the two).
    """
    sha256 = hashlib.sha256(data).hexdigest()
    file_format = file_format or detect_format(filename, data)
    base: dict[str, Any] = {
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

    use_copy = connection.vendor == "postgresql" if fast_path is None else fast_path
    stream = stream_file(data, file_format, mapping)
    context = _Context(
        indicator=indicator,
        base=base,
        source_name=source_name or "",
        user=user if getattr(user, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            # Two imports into one indicator at once would both see a period as new; take turns.
            Indicator.objects.select_for_update().filter(pk=indicator.pk).order_by().exists()
            staged = None
            if use_copy and file_format == FORMAT_CSV and connection.vendor == "postgresql":
                from .csv_copy import stage_csv  # imports this module; load it late

                staged = stage_csv(data, mapping, context)
            if staged is not None:
                copy_applier, dimensions = staged
                copy_applier.finish(write=True)
                report = _final_report(context, dimensions)
            else:
                if use_copy:
                    from .copy_import import CopyApplier  # imports this module; load it late

                    applier: _Applier = CopyApplier(context)
                else:
                    applier = OrmApplier(context)
                report = _import_stream(stream, context, applier)
            if not dry_run and source_name and mapping is not None:
                saved = _save_mapping(indicator, source_name, file_format, mapping, user)
                report = replace(report, mapping_was_saved=saved)
            if dry_run:
                transaction.set_rollback(True)
                report = replace(report, batch_id=None)
            return report
    except _ImportFailed as failed:
        return failed.report


@dataclass
class _Context:
    """What every chunk of one import shares: the indicator, the batch and the running counts."""

    indicator: Indicator
    base: dict[str, Any]
    source_name: str
    user: Any
    batch: ImportBatch | None = None
    created_count: int = 0
    changed_count: int = 0
    unchanged_count: int = 0
    created_report: list[NewObservation] = field(default_factory=list)
    changed_report: list[ChangedObservation] = field(default_factory=list)
    problems: ProblemList = field(default_factory=ProblemList)

    def ensure_batch(self) -> ImportBatch:
        if self.batch is None:
            self.batch = ImportBatch.objects.create(
                indicator=self.indicator,
                filename=self.base["filename"][:255],
                sha256=self.base["sha256"],
                file_format=self.base["file_format"],
                imported_by=self.user,
            )
        return self.batch

    def note_created(self, new: NewObservation) -> None:
        self.created_count += 1
        if len(self.created_report) < REPORT_ROWS:
            self.created_report.append(new)

    def note_changed(self, change: ChangedObservation) -> None:
        self.changed_count += 1
        if len(self.changed_report) < REPORT_ROWS:
            self.changed_report.append(change)


class _Applier(Protocol):
    def add(self, rows: list[ObservationRow]) -> None: ...

    def finish(self, *, write: bool) -> None: ...


def _import_stream(stream: RowStream, context: _Context, applier: _Applier) -> ImportReport:
    """Feed the stream's rows to ``applier`` a chunk at a time; raise _ImportFailed on problems."""
    problems = context.problems
    row_problems = ProblemList()
    read = 0
    chunk: list[ObservationRow] = []
    for row in stream:
        read += 1
        problem = _row_problem(row)
        if problem is not None:
            row_problems.add(problem.message_nb, row=problem.row, cell=problem.cell)
            continue
        if stream.problems or problems or row_problems:
            continue  # nothing will be written; only the remaining problems matter
        chunk.append(row)
        if len(chunk) >= CHUNK_ROWS:
            applier.add(chunk)
            chunk = []
    base = context.base
    if stream.problems:
        raise _ImportFailed(
            ImportReport(
                **base,
                problems=stream.problems.as_tuple(),
                problem_total=len(stream.problems),
                dimensions=stream.dimensions,
                read_failed=True,
            )
        )
    if not read:
        problems.add("Fant ingen observasjoner å lese inn.")
    else:
        if chunk:
            applier.add(chunk)
        applier.finish(write=not row_problems)
    if problems or row_problems:
        # Problems with the file as a whole (repeated periods) first, then those of single rows.
        combined = ProblemList()
        for problem in (*problems.as_tuple(), *row_problems.as_tuple()):
            if not problem.message_nb.startswith("… og "):
                combined.add(problem.message_nb, row=problem.row, cell=problem.cell)
        total = len(problems) + len(row_problems)
        combined.count_more(total - len(combined))
        raise _ImportFailed(
            ImportReport(
                **base,
                problems=combined.as_tuple(),
                problem_total=total,
                dimensions=stream.dimensions,
                read_failed=bool(problems),
            )
        )
    return _final_report(context, stream.dimensions)


def _final_report(context: _Context, dimensions: tuple[DimensionInfo, ...]) -> ImportReport:
    """Record the counts on the batch and report an import that found no problems."""
    if context.problems:
        # Only the staged CSV path gets here with problems, and it stages no file that has any.
        raise RuntimeError("problems found after the rows were checked")
    base = context.base
    batch = context.batch
    if batch is not None:
        batch.created_count = context.created_count
        batch.changed_count = context.changed_count
        batch.unchanged_count = context.unchanged_count
        batch.save(update_fields=["created_count", "changed_count", "unchanged_count"])
    return ImportReport(
        **base,
        created=tuple(context.created_report),
        changed=tuple(context.changed_report),
        created_total=context.created_count,
        changed_total=context.changed_count,
        unchanged_count=context.unchanged_count,
        dimensions=dimensions,
        batch_id=batch.pk if batch is not None else None,
    )


def duplicate_message(period: str, dimension: str, category: str) -> str:
    detail = f" ({dimension} {category})" if dimension else ""
    return (
        f"Perioden {period}{detail} finnes flere ganger i filen. Hver periode kan bare ha én "
        "verdi per inndeling."
    )


def row_key(row: ObservationRow) -> SeriesKey:
    dimension, category = row.breakdown[0] if row.breakdown else ("", "")
    return (row.period, dimension, category)


class OrmApplier:
    """Applies rows through the ORM with bulk writes and history; used on SQLite.

    Each chunk is compared with the stored observations of just its keys. The keys already read
    go to a temporary table rather than a Python set, so that finding a period the file repeats
    costs no memory per row.
    """

    # Keys per lookup query; keeps the number of SQL parameters well under SQLite's limit.
    LOOKUP_KEYS = 400
    SEEN = "retning_import_seen_keys"

    def __init__(self, context: _Context) -> None:
        self.context = context
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.SEEN} (key text PRIMARY KEY)"
            )
            cursor.execute(f"DELETE FROM {self.SEEN}")  # noqa: S608 (constant table name)

    def add(self, rows: list[ObservationRow]) -> None:
        context = self.context
        wanted: dict[SeriesKey, ObservationRow] = {}
        for row in rows:
            key = row_key(row)
            if key in wanted:
                context.problems.add(
                    duplicate_message(*key), row=row.source_row, cell=row.source_cell
                )
                continue
            wanted[key] = row
        for key in self._seen_before(list(wanted)):
            row = wanted.pop(key)
            context.problems.add(duplicate_message(*key), row=row.source_row, cell=row.source_cell)
        if context.problems:
            return
        existing = self._existing(list(wanted))
        created: list[Observation] = []
        updates: dict[int, tuple[Decimal | None, str]] = {}
        for key, row in wanted.items():
            period, dimension, category = key
            stored = existing.get(key)
            if stored is None:
                created.append(
                    Observation(
                        indicator=context.indicator,
                        period=period,
                        # bulk_create skips save(), which normally derives this from the period.
                        period_start=period_start(period),
                        value=row.value,
                        status=row.status,
                        breakdown_dimension=dimension,
                        breakdown_value=category,
                        source=context.source_name,
                    )
                )
                context.note_created(
                    NewObservation(period, dimension, category, row.value, row.status)
                )
            elif stored[:2] == (row.value, row.status):
                context.unchanged_count += 1
            else:
                old_value, old_status, pk = stored
                context.note_changed(
                    ChangedObservation(
                        period, dimension, category, old_value, old_status, row.value, row.status
                    )
                )
                updates[pk] = (row.value, row.status)
        if not (created or updates):
            return
        batch = context.ensure_batch()
        for observation in created:
            observation.import_batch = batch
        bulk_create_with_history(
            created,
            Observation,
            batch_size=BATCH_SIZE,
            default_user=batch.imported_by,
            default_change_reason=CHANGE_REASON,
        )
        _update_changed(updates, batch, context.source_name)

    def finish(self, *, write: bool) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.SEEN}")  # noqa: S608 (constant table name)

    def _seen_before(self, keys: list[SeriesKey]) -> list[SeriesKey]:
        """The keys among ``keys`` that earlier chunks had; remembers the others."""
        compact = {"\x1f".join(key): key for key in keys}
        texts = list(compact)
        repeated: list[SeriesKey] = []
        with connection.cursor() as cursor:
            for start in range(0, len(texts), self.LOOKUP_KEYS):
                part = texts[start : start + self.LOOKUP_KEYS]
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(f"SELECT key FROM {self.SEEN} WHERE key IN ({marks})", part)  # noqa: S608
                repeated += [compact[text] for (text,) in cursor.fetchall()]
            cursor.executemany(
                f"INSERT INTO {self.SEEN} (key) VALUES (%s) ON CONFLICT DO NOTHING",  # noqa: S608
                [(text,) for text in texts],
            )
        return repeated

    def _existing(self, keys: list[SeriesKey]) -> dict[SeriesKey, tuple[Decimal | None, str, int]]:
        found: dict[SeriesKey, tuple[Decimal | None, str, int]] = {}
        for start in range(0, len(keys), self.LOOKUP_KEYS):
            part = keys[start : start + self.LOOKUP_KEYS]
            wanted = set(part)
            candidates = (
                Observation.objects.filter(
                    indicator=self.context.indicator,
                    period__in={key[0] for key in part},
                    breakdown_value__in={key[2] for key in part},
                )
                .order_by()
                .values_list(
                    "period", "breakdown_dimension", "breakdown_value", "value", "status", "pk"
                )
            )
            for period, dimension, category, value, status, pk in candidates:
                if (period, dimension, category) in wanted:
                    found[(period, dimension, category)] = (value, status, pk)
        return found


_PERIOD_STARTS: dict[str, date] = {}


def period_start(period: str) -> date:
    """The first day of a period code; a file repeats the same few periods, so they are kept."""
    start = _PERIOD_STARTS.get(period)
    if start is None:
        start = periods.parse_period(period).start
        if len(_PERIOD_STARTS) < 100_000:
            _PERIOD_STARTS[period] = start
    return start


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
        period_start(row.period)
    except periods.PeriodError as error:
        return problem(f"Perioden «{row.period}» er ugyldig: {error}")
    if row.value is not None:
        sign, digits, exponent = row.value.normalize().as_tuple()
        decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        # normalize() writes 100 as 1E+2: the digits before the point are len(digits) + exponent.
        integer_digits = max(0, len(digits) + exponent) if isinstance(exponent, int) else 0
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
