"""The series index on observations, replacing the headline index.

Key: indicator, breakdown dimension and value, the kind of period (the fifth character of the
period code: "", "H", "K", "M" or "T") and the period's start; it carries period and value so
that reading a series' ends needs no table row. PostgreSQL stores period and value as INCLUDE
columns; SQLite, which has no INCLUDE, as trailing key columns. The index is made here rather
than in ``Observation.Meta`` because Django warns (models.W040) about INCLUDE on SQLite.
"""

from django.db import migrations

NAME = "observation_series_idx"
TABLE = "indicators_observation"
SERIES = "indicator_id, breakdown_dimension, breakdown_value"


def create_series_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # The expression must be written exactly as in ``selectors._SKIP_SCAN_SQL`` (SUBSTRING,
        # not SUBSTR, which PostgreSQL keeps as another function) for the planner to use it.
        sql = (
            f"CREATE INDEX {NAME} ON {TABLE} "
            f"({SERIES}, (SUBSTRING(period, 5, 1)), period_start) INCLUDE (period, value)"
        )
    else:
        sql = (
            f"CREATE INDEX {NAME} ON {TABLE} "
            f"({SERIES}, (SUBSTR(period, 5, 1)), period_start, period, value)"
        )
    schema_editor.execute(sql)


def drop_series_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_import_and_assessment"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="observation",
            name="indicators__indicat_e09793_idx",
        ),
        migrations.RunPython(create_series_index, drop_series_index),
    ]
