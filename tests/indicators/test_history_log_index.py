"""The change log on an indicator page reads its observations' history from an index.

An import writes a history row per new or changed observation, all with one time stamp; at
national scale an indicator page's log query took 1.4 s while it sorted or walked the other
indicators' rows (``benchmarks.indicator_import``). Migration indicators 0005 adds
``historicalobservation_log_idx``; these tests check that the database plans the page's query
with it, and that the log still lists the newest changes first.
"""

from __future__ import annotations

import importlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from retning.actors.models import Organisation
from retning.editing.selectors import object_changelog, object_history
from retning.indicators.models import Indicator, Observation
from retning.strategy.models import Goal

INDEX = "historicalobservation_log_idx"
History = Observation.history.model  # type: ignore[attr-defined]


def _indicator(code: str) -> Indicator:
    return Indicator.objects.create(
        code=code,
        name=f"Loggtest {code}",
        goal=Goal.objects.order_by("number").first(),
        unit="prosent",
        responsible=Organisation.objects.order_by("pk").first(),
    )


def _history_rows(indicator: Indicator, count: int, when: object) -> None:
    """``count`` history rows of made-up observations, as an import writes them."""
    History.objects.bulk_create(
        History(
            id=indicator.pk * 100_000 + n,
            version=1,
            period=f"20{10 + n % 15}",
            period_start=f"20{10 + n % 15}-01-01",
            value=Decimal(n % 90),
            breakdown_dimension="region_municipality",
            breakdown_value=f"{3001 + n // 15:04d}",
            status="",
            source="test",
            note="",
            indicator_id=indicator.pk,
            history_date=when,
            history_type="+",
            history_change_reason="Import",
        )
        for n in range(count)
    )


def _plan(sql: str, params: tuple) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + History._meta.db_table)
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("ANALYZE")
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row) for row in cursor.fetchall())


@pytest.mark.django_db
def test_the_log_query_of_an_indicator_page_uses_the_log_index(seeded: None) -> None:
    now = timezone.now()
    busy, quiet = _indicator("LOG-BUSY"), _indicator("LOG-QUIET")
    # The quiet indicator's rows are older than all the busy one's: walking the time index from
    # the newest end would pass every busy row before finding one.
    _history_rows(quiet, 300, now - timedelta(days=30))
    _history_rows(busy, 6000, now)

    sql, params = object_history(History, "indicator_id", quiet.pk)[:20].query.sql_with_params()
    plan = _plan(sql, params)

    assert INDEX in plan, plan


@pytest.mark.django_db
def test_the_log_lists_an_indicators_newest_observation_changes_first(seeded: None) -> None:
    indicator = _indicator("LOG-ORDER")
    for period, value in [("2021", 10), ("2022", 20), ("2023", 30)]:
        Observation.objects.create(indicator=indicator, period=period, value=Decimal(value))
    latest = Observation.objects.get(indicator=indicator, period="2022")
    latest.value = Decimal(25)
    latest.save()

    records = list(object_history(History, "indicator_id", indicator.pk))
    entries = object_changelog(indicator, show_who=False)

    assert [r.period for r in records] == ["2022", "2023", "2022", "2021"]
    assert [r.history_type for r in records] == ["~", "+", "+", "+"]
    assert entries, "the indicator page shows its observations' changes"
    assert entries[0].when >= entries[-1].when


def _index_is_valid() -> bool | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE c.relname = %s",
            [INDEX],
        )
        row = cursor.fetchone()
    return None if row is None else bool(row[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent builds are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_the_migration_builds_again_an_index_an_interrupted_build_left_invalid() -> None:
    migration = importlib.import_module(
        "retning.indicators.migrations.0005_observation_history_log_index"
    )
    # What an interrupted CREATE INDEX CONCURRENTLY leaves behind: the index, marked invalid.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pg_index SET indisvalid = false WHERE indexrelid = %s::regclass", [INDEX]
        )
    assert _index_is_valid() is False

    with connection.schema_editor(atomic=False) as editor:
        migration.create_log_index(None, editor)

    assert _index_is_valid() is True
