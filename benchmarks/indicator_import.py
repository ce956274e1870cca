"""Indicator import at national scale on PostgreSQL: throughput, memory, re-assessment, page time.

What it does, in a database of its own (``retning_bench_import`` on the server given with
``--database-url``; never the default or a test database, and dropped again at the end):

1. migrates, loads the default dataset and adds ``--indicators`` generated indicators (default
   200, scaled by ``--scale``), each named «Generert indikator … (syntetiske tall)» with an example
   target, so no one can take them for real statistics;
2. writes one CSV file per indicator (Retning imports a file into one indicator): every
   municipality (``--municipalities``, default 357) × ``--years`` (default 10) × 12 months, with
   made-up values from a seeded random walk — 200 × 357 × 120 ≈ 8.6 million rows at full scale;
3. measures
   (a) PostgreSQL's own ``COPY … FROM STDIN (FORMAT csv)`` of the same files into a bare table
       (no keys, no indexes) — the ceiling for getting these bytes into the database;
   (a2) the floor of a checked import: each file staged with ``COPY`` into a temporary table,
       cast into a fresh table of its own with one statement, and that table's key built
       afterwards — the least an import that checks a file before keeping any of it can do;
   (a3) the floor of any keyed storage: each file with ``COPY`` straight into a fresh table,
       its key built afterwards, no checks beyond the column types;
   (b) Retning's import of the same files (``indicator_observations_import``; for CSV on
       PostgreSQL that is ``csv_copy``: the file's bytes COPYed into a staging table, checks and
       normalisation in SQL, set-based insert with history rows), and the throughput ratio a/b in
       rows per second (target ≥ 0.5); the child also says how many files took the SQL path;
   (c) the peak resident memory (``ru_maxrss``) of a child process that does nothing but the
       imports, next to its memory after Django start-up (target: flat, under 500 MB);
   (d) the time to re-assess every series of every indicator, as the roll-ups do it (target < 5 s);
   (e) the p95 server time of indicator pages at that scale, with Django's test client in-process
       (target < 150 ms).

Run (takes tens of minutes at full scale; use ``nice``)::

    nice .venv/bin/python -m benchmarks.indicator_import \\
        --database-url postgres://postgres@127.0.0.1:5432/postgres
    # only the import figures (a)–(c), without re-assessment and page times:
    nice .venv/bin/python -m benchmarks.indicator_import --database-url ... --import-only
    # quick check at 1 % of the rows (2 indicators):
    .venv/bin/python -m benchmarks.indicator_import --database-url ... --scale 0.01

``--scale`` multiplies the number of indicators, so every file keeps its national shape
(357 municipalities × 120 months = 42,840 rows). Results are printed and written as JSON to
``benchmarks/results/indicator_import-<time>.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.public_pages import django_setup, p95

BENCH_DATABASE = "retning_bench_import"
RESULTS_DIR = Path(__file__).resolve().parent / "results"
CODE_PREFIX = "GEN-IMP-"
FIRST_YEAR = 2016
RANDOM_SEED = 2030
MUNICIPALITY_CODES_FROM = 3001  # made-up four-digit numbers, not the real municipality list

TARGET_RATIO = 0.5
TARGET_MEMORY_MB = 500
TARGET_ASSESS_S = 5.0
TARGET_PAGE_P95_MS = 150.0


class BenchError(Exception):
    pass


# --- the benchmark's own database ---------------------------------------------------------------


def _admin(server_url: str, statement: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(BENCH_DATABASE)))  # type: ignore[arg-type]


@contextlib.contextmanager
def bench_database(server_url: str) -> Iterator[str]:
    parts = urlsplit(server_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise BenchError("--database-url must point at a PostgreSQL server (postgres://...).")
    if parts.path.strip("/") == BENCH_DATABASE:
        raise BenchError("--database-url must name another database (e.g. /postgres).")
    _admin(server_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
    _admin(server_url, "CREATE DATABASE {}")
    try:
        yield parts._replace(path=f"/{BENCH_DATABASE}").geturl()
    finally:
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
        _admin(server_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


# --- data ------------------------------------------------------------------------------------------


def create_indicators(count: int) -> list[str]:
    """Generated indicators with an example target each; returns their codes."""
    from retning.actors.models import Organisation
    from retning.indicators.models import Indicator, Target
    from retning.strategy.models import Goal

    goals = list(Goal.objects.order_by("number"))
    organisation = Organisation.objects.order_by("pk").first()
    codes = []
    for n in range(1, count + 1):
        code = f"{CODE_PREFIX}{n:03d}"
        indicator = Indicator.objects.create(
            code=code,
            name=f"Generert indikator {n} (syntetiske tall for ytelsestest)",
            goal=goals[n % len(goals)],
            unit="prosent",
            responsible=organisation,
            data_source="Generert for ytelsestesten – ikke ekte tall",
        )
        Target.objects.create(indicator=indicator, period="2030", value=90, is_example=True)
        codes.append(code)
    return codes


def write_files(codes: Sequence[str], municipalities: int, years: int, folder: Path) -> int:
    """One semicolon CSV per indicator with made-up values; returns the number of rows."""
    rng = random.Random(RANDOM_SEED)
    rows = 0
    for code in codes:
        lines = ["periode;kommune;verdi"]
        for m in range(municipalities):
            level = rng.uniform(20, 80)
            for month in range(years * 12):
                level = min(99.9, max(0.1, level + rng.uniform(-0.8, 1.0)))
                year, month_of_year = FIRST_YEAR + month // 12, month % 12 + 1
                lines.append(
                    f"{year}M{month_of_year:02d};{MUNICIPALITY_CODES_FROM + m};{level:.1f}"
                )
        (folder / f"{code}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        rows += len(lines) - 1
    return rows


# --- (a) PostgreSQL's own COPY, and the floors (a2, a3) ------------------------------------------

_CSV = "(FORMAT csv, DELIMITER ';', HEADER true)"


def _copy_file(cursor: Any, statement: str, path: Path) -> None:
    """Send one file's bytes, a megabyte at a time, to a ``COPY … FROM STDIN`` statement."""
    with cursor.copy(statement) as copy, path.open("rb") as handle:
        while block := handle.read(1 << 20):
            copy.write(block)


def bare_copy_seconds(database_url: str, files: Sequence[Path]) -> float:
    """(a) ``COPY`` of every file into one table without keys or indexes, in one transaction."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_bare_copy")
        conn.execute("CREATE TABLE bench_bare_copy (period text, municipality text, value numeric)")
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cursor:
            for path in files:
                _copy_file(cursor, f"COPY bench_bare_copy FROM STDIN {_CSV}", path)
        conn.commit()
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE bench_bare_copy")
        conn.commit()
    return seconds


# Both floors give each file a table of its own and build its key once the rows are in: a bulk
# index build costs far less than keeping a key up to date row by row, and a fresh table per
# import (a partition, say) is the cheapest storage a design could choose.
_KEY = "CREATE UNIQUE INDEX ON {table} (municipality, period)"


def _per_file_tables(
    database_url: str, files: Sequence[Path], load: Callable[[Any, str, Path], None]
) -> float:
    """Seconds for ``load(cursor, table, path)`` and the key of every file, each file in a table
    and a transaction of its own; the tables are dropped afterwards."""
    import psycopg

    tables = [f"bench_floor_{number}" for number in range(len(files))]

    def drop_all() -> None:
        with psycopg.connect(database_url, autocommit=True) as conn:
            for table in tables:
                conn.execute(f"DROP TABLE IF EXISTS {table}")

    drop_all()
    try:
        with psycopg.connect(database_url) as conn, conn.cursor() as cursor:
            started = time.perf_counter()
            for table, path in zip(tables, files, strict=True):
                load(cursor, table, path)
                cursor.execute(_KEY.format(table=table))
                conn.commit()
            return time.perf_counter() - started
    finally:
        drop_all()


def floor_seconds(database_url: str, files: Sequence[Path]) -> float:
    """(a2) The cheapest import that checks a file in the database before keeping any of it.

    Per file: ``COPY`` into a temporary table of text columns (so that nothing reaches the kept
    rows unchecked), one statement that casts the values and turns period codes into start dates
    on the way into a fresh table, and that table's key (municipality, period) built afterwards.
    No other checks, no history, no foreign keys, no other index.
    """

    def load(cursor: Any, table: str, path: Path) -> None:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_raw (period text, municipality text, value text)"
            " ON COMMIT DROP"
        )
        _copy_file(cursor, f"COPY bench_raw FROM STDIN {_CSV}", path)
        cursor.execute(
            f"CREATE TABLE {table} AS"  # noqa: S608 - the table's name is the benchmark's own
            " SELECT r.municipality, r.period, p.start AS period_start,"
            "  r.value::numeric(20, 6) AS value"
            " FROM bench_raw r JOIN (SELECT DISTINCT period,"
            "  make_date(left(period, 4)::int, right(period, 2)::int, 1) AS start"
            "  FROM bench_raw) p USING (period)"
        )

    return _per_file_tables(database_url, files, load)


def keyed_copy_seconds(database_url: str, files: Sequence[Path]) -> float:
    """(a3) ``COPY`` of each file straight into a fresh table, its key built afterwards.

    No staging and no checks beyond the column types: the cheapest way to keep a file's rows so
    that the next import can find them again.
    """

    def load(cursor: Any, table: str, path: Path) -> None:
        cursor.execute(f"CREATE TABLE {table} (period text, municipality text, value numeric)")
        _copy_file(cursor, f"COPY {table} FROM STDIN {_CSV}", path)

    return _per_file_tables(database_url, files, load)


# --- (b, c) Retning's import, in a child process -------------------------------------------------


def _rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_import(folder: Path) -> dict[str, Any]:
    """Import every file in ``folder`` into its indicator; runs in the child process."""
    from retning.indicators import csv_copy
    from retning.indicators.formats import BreakdownKind, BreakdownMapping, Mapping
    from retning.indicators.models import Indicator
    from retning.indicators.services import indicator_observations_import

    mapping = Mapping(
        time="periode",
        value="verdi",
        breakdowns=(BreakdownMapping("kommune", BreakdownKind.REGION_MUNICIPALITY),),
    )
    indicators = {i.code: i for i in Indicator.objects.filter(code__startswith=CODE_PREFIX)}
    rss_before = _rss_mb()
    per_file = []
    rows = 0
    started = time.perf_counter()
    for path in sorted(folder.glob("*.csv")):
        file_started = time.perf_counter()
        report = indicator_observations_import(
            indicator=indicators[path.stem],
            data=path.read_bytes(),
            filename=path.name,
            mapping=mapping,
        )
        if not report.ok:
            raise BenchError(f"{path.name}: {report.problems[:3]}")
        rows += report.created_count + report.changed_count + report.unchanged_count
        per_file.append(time.perf_counter() - file_started)
    return {
        "seconds": time.perf_counter() - started,
        "rows": rows,
        "file_seconds_median": statistics.median(per_file),
        "rss_after_setup_mb": rss_before,
        "rss_peak_mb": _rss_mb(),
        # Files read by csv_copy's SQL path and files it left to the Python stream path.
        "files_sql_path": csv_copy.stats["sql"],
        "files_stream_path": csv_copy.stats["fallback"],
    }


def run_child(database_url: str, folder: Path, work_dir: Path) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "benchmarks.indicator_import",
        "--child-import",
        str(folder),
        "--database-url",
        database_url,
        "--work-dir",
        str(work_dir),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"The import process failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# --- (d) re-assessment and (e) page time ---------------------------------------------------------


def assess_seconds(rounds: int) -> list[float]:
    from retning.indicators import selectors
    from retning.indicators.models import Indicator

    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        counts = selectors.status_counts(list(Indicator.objects.all()))
        times.append(time.perf_counter() - started)
    series = sum(sum(c.values()) for c in counts.values())
    print(f"   assessed {series} series in {len(counts)} indicators")
    return times


def page_times(codes: Sequence[str], requests: int) -> list[float]:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    rng = random.Random(RANDOM_SEED)
    for code in codes[:2]:  # warm up templates and caches
        client.get(reverse("publishing:indicator_detail", args=[code]))
    times = []
    for _ in range(requests):
        url = reverse("publishing:indicator_detail", args=[rng.choice(codes)])
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise BenchError(f"{url} answered {response.status_code}")
    return times


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL server URL")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the indicators")
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--municipalities", type=int, default=357)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="re-assessment rounds")
    parser.add_argument("--requests", type=int, default=100, help="indicator page requests")
    parser.add_argument(
        "--import-only",
        action="store_true",
        help="measure only (a)–(c): skip the re-assessment and the page times",
    )
    parser.add_argument("--child-import", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work-dir", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child_import:
        django_setup(args.database_url, args.work_dir)
        print(json.dumps(child_import(args.child_import)))
        return 0
    indicators = max(1, round(args.indicators * args.scale))
    results: dict[str, Any] = {
        "indicators": indicators,
        "municipalities": args.municipalities,
        "months": args.years * 12,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with tempfile.TemporaryDirectory(prefix="retning-bench-import-") as tmp:
        work_dir = Path(tmp)
        files_dir = work_dir / "files"
        files_dir.mkdir()
        with bench_database(args.database_url) as database_url:
            django_setup(database_url, work_dir)
            from django.core.management import call_command

            from retning.dataset.services import dataset_seed

            print("Setting up the database …", flush=True)
            call_command("migrate", verbosity=0, interactive=False)
            dataset_seed()
            codes = create_indicators(indicators)
            print(f"Writing {indicators} files …", flush=True)
            rows = write_files(codes, args.municipalities, args.years, files_dir)
            files = sorted(files_dir.glob("*.csv"))
            results["rows"] = rows
            results["file_mb"] = round(sum(f.stat().st_size for f in files) / 1e6, 1)
            print(f"   {rows} rows, {results['file_mb']} MB", flush=True)

            print("(a) PostgreSQL COPY into a bare table …", flush=True)
            copy_s = bare_copy_seconds(database_url, files)
            print(f"   {copy_s:.2f} s", flush=True)
            print("(a2) floor of a checked import: staged, cast, keyed after …", flush=True)
            floor_s = floor_seconds(database_url, files)
            print(f"   {floor_s:.2f} s", flush=True)
            print("(a3) floor of keyed storage: COPY into a fresh table, keyed after …", flush=True)
            keyed_s = keyed_copy_seconds(database_url, files)
            print(f"   {keyed_s:.2f} s", flush=True)
            print("(b, c) Retning's import in a child process …", flush=True)
            imported = run_child(database_url, files_dir, work_dir)
            print(f"   {json.dumps(imported)}", flush=True)
            if imported["rows"] != rows:
                raise BenchError(f"imported {imported['rows']} rows, expected {rows}")
            from django.db import connection

            assess: list[float] = []
            pages: list[float] = []
            if not args.import_only:
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
                print("(d) re-assessing every series …", flush=True)
                assess = assess_seconds(args.rounds)
                print("(e) indicator pages …", flush=True)
                pages = page_times(codes, args.requests)

    results |= {
        "copy_seconds": round(copy_s, 2),
        "copy_rows_per_s": round(rows / copy_s),
        "import_seconds": round(imported["seconds"], 2),
        "import_rows_per_s": round(rows / imported["seconds"]),
        "import_file_seconds_median": round(imported["file_seconds_median"], 3),
        "import_files_sql_path": imported["files_sql_path"],
        "import_files_stream_path": imported["files_stream_path"],
        "throughput_ratio": round(copy_s / imported["seconds"], 3),
        "floor_seconds": round(floor_s, 2),
        "floor_ratio": round(copy_s / floor_s, 3),
        "import_over_floor": round(imported["seconds"] / floor_s, 1),
        "keyed_copy_seconds": round(keyed_s, 2),
        "keyed_copy_ratio": round(copy_s / keyed_s, 3),
        "import_rss_after_setup_mb": round(imported["rss_after_setup_mb"]),
        "import_rss_peak_mb": round(imported["rss_peak_mb"]),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    checks = {
        "throughput_ratio": results["throughput_ratio"] >= TARGET_RATIO,
        "memory": results["import_rss_peak_mb"] < TARGET_MEMORY_MB,
    }
    if not args.import_only:
        results |= {
            "assess_seconds_median": round(statistics.median(assess), 2),
            "page_ms_median": round(statistics.median(pages) * 1000, 1),
            "page_ms_p95": round(p95(pages) * 1000, 1),
            "page_requests": len(pages),
        }
        checks |= {
            "assess": results["assess_seconds_median"] < TARGET_ASSESS_S,
            "page_p95": results["page_ms_p95"] < TARGET_PAGE_P95_MS,
        }
    results["targets_met"] = checks
    print(json.dumps(results, indent=2))
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS_DIR / f"indicator_import-{stamp}.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
