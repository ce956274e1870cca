"""An index for an indicator's change log on its page: its observations' history, newest first.

``editing.selectors.object_changelog`` asks for the latest history rows of one indicator's
observations (``WHERE indicator_id = … ORDER BY history_date DESC, history_id DESC LIMIT …``).
An import writes one history row per new or changed observation, all with the same time, so with
only the single-column indexes PostgreSQL either sorted every history row of the indicator or
walked the date index through every other indicator's rows: 1.4 s a page at national scale
(8.6 million rows, ``benchmarks.indicator_import``). With this index the page reads its 20 rows
straight off the index.

On PostgreSQL the index is built ``CONCURRENTLY`` so that imports and edits go on while an
existing database migrates; that cannot run in a transaction, hence ``atomic = False``. If such
a build was interrupted, PostgreSQL keeps an invalid index of that name: it is dropped and built
again.
"""

from django.db import migrations

NAME = "historicalobservation_log_idx"
TABLE = "indicators_historicalobservation"
COLUMNS = "indicator_id, history_date DESC, history_id DESC"


def create_log_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON {TABLE} ({COLUMNS})")
        return
    # A concurrent build that was interrupted leaves an invalid index behind; build it again.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE c.relname = %s",
            [NAME],
        )
        found = cursor.fetchone()
    if found and found[0]:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} ON {TABLE} ({COLUMNS})")


def drop_log_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("indicators", "0004_observation_series_index"),
    ]

    operations = [
        migrations.RunPython(create_log_index, drop_log_index),
    ]
