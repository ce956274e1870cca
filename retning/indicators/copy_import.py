"""The PostgreSQL fast path of the observation import: ``COPY`` into a staging table, then SQL.

The ORM path (``services.OrmApplier``) compares and writes a chunk of rows at a time from Python.
On PostgreSQL the parsed rows instead stream into a temporary staging table with
``COPY … FROM STDIN`` (psycopg 3's ``cursor.copy()``), inside the import's transaction. When the
whole file is staged, a handful of set-based statements do the rest: find repeated periods,
count new, changed and unchanged rows, and write the changes together with their history rows.

CSV files skip the Python reader altogether when they can: ``csv_copy`` fills the same staging
table from the file's bytes with SQL, and :meth:`CopyApplier.finish` applies it.

The history rows are the ones django-simple-history's ``bulk_create_with_history`` and
``bulk_update_with_history`` write for the ORM path: a copy of the observation after the change,
``history_type`` "+" for new and "~" for changed rows, the importing user, the import's time and
the change reason ``services.CHANGE_REASON``. ``tests/indicators/test_streaming_import.py`` runs
the same files through both paths and compares the results.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from . import services
from .models import Observation
from .services import (
    CHANGE_REASON,
    ChangedObservation,
    NewObservation,
    duplicate_message,
    period_start,
    row_key,
)

if TYPE_CHECKING:
    from .formats import ObservationRow
    from .services import _Context

STAGE = "retning_observation_stage"
OBSERVATIONS = Observation._meta.db_table
HISTORY = Observation.history.model._meta.db_table  # type: ignore[attr-defined]

# Columns of the observation that the history copies, in one order for both tables.
_COPIED = (
    "id",
    "version",
    "period",
    "period_start",
    "value",
    "breakdown_dimension",
    "breakdown_value",
    "status",
    "source",
    "note",
    "indicator_id",
    "import_batch_id",
)
_COPIED_SQL = ", ".join(_COPIED)
_HISTORY_SQL = f"{_COPIED_SQL}, history_date, history_change_reason, history_type, history_user_id"

# Rows of the staging table joined with the stored observation of the same series and period.
_MATCH = (
    "o.indicator_id = %(indicator)s AND o.period = s.period "
    "AND o.breakdown_dimension = s.dimension AND o.breakdown_value = s.category"
)
_DIFFERS = "(o.value IS DISTINCT FROM s.value OR o.status <> s.status)"

# The statements below are built from the constant table and column names above; every value is
# passed as a parameter (hence the "noqa: S608" marks).
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    return value.translate(_ESCAPES)


class CopyApplier:
    """Stages rows with COPY as they come and applies them all at once in :meth:`finish`."""

    def __init__(self, context: _Context, *, create: bool = True, checked: bool = False) -> None:
        """``create=False`` when the staging table is already filled, ``checked=True`` when it is
        known to hold no repeated periods (both for ``csv_copy``)."""
        self.context = context
        self.checked = checked
        self.staged = 0
        if create:
            self.create_stage()

    @staticmethod
    def create_stage(*, drop: bool = True) -> None:
        with connection.cursor() as cursor:
            if drop:
                cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{STAGE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE} ("
                " ord bigint NOT NULL, source_row integer, source_cell text,"
                " period text NOT NULL, period_start date NOT NULL, dimension text NOT NULL,"
                " category text NOT NULL, value numeric, status text NOT NULL"
                ") ON COMMIT DROP"
            )

    def add(self, rows: list[ObservationRow]) -> None:
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            # wrap_database_errors: psycopg's errors reach the caller as Django's (DataError …).
            with (
                connection.wrap_database_errors,
                raw.copy(
                    f"COPY {STAGE} (ord, source_row, source_cell, period, period_start, dimension,"
                    " category, value, status) FROM STDIN"
                ) as copy,
            ):
                for block in self._lines(rows):
                    copy.write(block)

    def _lines(self, rows: list[ObservationRow]) -> Iterator[str]:
        lines: list[str] = []
        for row in rows:
            self.staged += 1
            period, dimension, category = row_key(row)
            lines.append(
                f"{self.staged}\t"
                f"{'\\N' if row.source_row is None else row.source_row}\t"
                f"{'\\N' if row.source_cell is None else _text(row.source_cell)}\t"
                f"{_text(period)}\t{period_start(period).isoformat()}\t"
                f"{_text(dimension)}\t{_text(category)}\t"
                f"{'\\N' if row.value is None else format(row.value, 'f')}\t"
                f"{_text(row.status)}\n"
            )
            if len(lines) >= 5000:
                yield "".join(lines)
                lines = []
        if lines:
            yield "".join(lines)

    def finish(self, *, write: bool) -> None:
        context = self.context
        params: dict[str, Any] = {"indicator": context.indicator.pk}
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {STAGE}")
            if (not self.checked and self._repeated(cursor)) or not write:
                return
            cursor.execute(
                "SELECT count(*) FILTER (WHERE o.id IS NULL),"  # noqa: S608
                f" count(*) FILTER (WHERE o.id IS NOT NULL AND {_DIFFERS}),"
                f" count(*) FILTER (WHERE o.id IS NOT NULL AND NOT {_DIFFERS})"
                f" FROM {STAGE} s LEFT JOIN {OBSERVATIONS} o ON {_MATCH}",
                params,
            )
            created, changed, unchanged = cursor.fetchone()
            context.unchanged_count += unchanged
            if not (created or changed):
                return
            self._report(cursor, params)
            context.created_count = created
            context.changed_count = changed
            batch = context.ensure_batch()
            params |= {
                "batch": batch.pk,
                "source": context.source_name,
                "when": timezone.now(),
                "reason": CHANGE_REASON,
                "user": batch.imported_by_id,
            }
            if changed:
                cursor.execute(
                    f"WITH changed AS ("  # noqa: S608
                    f" UPDATE {OBSERVATIONS} o SET value = s.value, status = s.status,"
                    "  source = COALESCE(NULLIF(%(source)s, ''), o.source),"
                    "  import_batch_id = %(batch)s, version = o.version + 1"
                    f" FROM {STAGE} s WHERE {_MATCH} AND {_DIFFERS}"
                    f" RETURNING {', '.join(f'o.{name}' for name in _COPIED)}"
                    f") INSERT INTO {HISTORY} ({_HISTORY_SQL})"
                    f" SELECT {_COPIED_SQL}, %(when)s, %(reason)s, '~', %(user)s"
                    " FROM changed ORDER BY id",
                    params,
                )
            if created:
                cursor.execute(
                    f"WITH created AS ("  # noqa: S608
                    f" INSERT INTO {OBSERVATIONS} (version, period, period_start, value,"
                    "  breakdown_dimension, breakdown_value, status, source, note, indicator_id,"
                    "  import_batch_id)"
                    " SELECT 1, s.period, s.period_start, s.value, s.dimension, s.category,"
                    "  s.status, %(source)s, '', %(indicator)s, %(batch)s"
                    f" FROM {STAGE} s WHERE NOT EXISTS"
                    f"  (SELECT 1 FROM {OBSERVATIONS} o WHERE {_MATCH})"
                    " ORDER BY s.ord"
                    f" RETURNING {_COPIED_SQL}"
                    f") INSERT INTO {HISTORY} ({_HISTORY_SQL})"
                    f" SELECT {_COPIED_SQL}, %(when)s, %(reason)s, '+', %(user)s"
                    " FROM created ORDER BY id",
                    params,
                )
            cursor.execute(f"DROP TABLE {STAGE}")

    def _repeated(self, cursor: Any) -> bool:
        """Add a problem for every row that repeats an earlier row's period and breakdown."""
        cursor.execute(
            "SELECT period, dimension, category, source_row, source_cell, count(*) OVER ()"  # noqa: S608
            " FROM (SELECT *, row_number() OVER"
            f"  (PARTITION BY period, dimension, category ORDER BY ord) AS n FROM {STAGE}) s"
            " WHERE n > 1 ORDER BY ord LIMIT %s",
            [self.context.problems.limit],
        )
        repeated = cursor.fetchall()
        problems = self.context.problems
        for period, dimension, category, source_row, source_cell, _total in repeated:
            problems.add(
                duplicate_message(period, dimension, category), row=source_row, cell=source_cell
            )
        if repeated:
            problems.count_more(repeated[0][5] - len(repeated))
        return bool(repeated)

    def _report(self, cursor: Any, params: dict[str, Any]) -> None:
        """List the first new and changed rows, in file order, for the report."""
        context = self.context
        cursor.execute(
            f"SELECT s.period, s.dimension, s.category, s.value, s.status FROM {STAGE} s"  # noqa: S608
            f" WHERE NOT EXISTS (SELECT 1 FROM {OBSERVATIONS} o WHERE {_MATCH})"
            " ORDER BY s.ord LIMIT %(limit)s",
            params | {"limit": services.REPORT_ROWS},
        )
        context.created_report = [
            NewObservation(period, dimension, category, _decimal(value), status)
            for period, dimension, category, value, status in cursor.fetchall()
        ]
        cursor.execute(
            "SELECT s.period, s.dimension, s.category, o.value, o.status, s.value, s.status"  # noqa: S608
            f" FROM {STAGE} s JOIN {OBSERVATIONS} o ON {_MATCH} WHERE {_DIFFERS}"
            " ORDER BY s.ord LIMIT %(limit)s",
            params | {"limit": services.REPORT_ROWS},
        )
        context.changed_report = [
            ChangedObservation(
                period, dimension, category, _decimal(old), old_status, _decimal(new), new_status
            )
            for period, dimension, category, old, old_status, new, new_status in cursor.fetchall()
        ]


def _decimal(value: Decimal | None) -> Decimal | None:
    return value if value is None else Decimal(value)
