"""Re-assessment and indicator pages at national scale on PostgreSQL.

What it does, in a database of its own (``retning_bench_pages`` on the server given with
``--database-url``; never the default or a test database; dropped at the end unless ``--keep``):

1. migrates, loads the default dataset and adds 200 generated indicators (scaled by ``--scale``),
   each named «Generert indikator … (syntetiske tall for ytelsestest)» with an example baseline
   and an example 2030 target, so that assessments compute and no one takes them for real figures;
2. loads made-up observations straight into the observation table with ``COPY`` (not through the
   importer, which ``benchmarks.indicator_import`` measures): per indicator a national series and
   357 municipality series (made-up four-digit numbers) × ``--years`` × 12 months — 200 × 358 ×
   120 ≈ 8.6 million rows at full scale; then ``VACUUM ANALYZE``;
3. measures
   (d) the time to re-assess every series of every indicator the way the roll-ups do it
       (``selectors.status_counts``; the cache plays no part), median over ``--rounds``
       (target < 5 s);
   (e) the server time of indicator pages, with Django's test client in-process, over
       ``--requests`` requests to a sample of indicators — plain, with the breakdown selector
       (``?inndeling=``) and on a later page of small multiples — p50 and p95 (target p95 < 150 ms).

Run (loading takes a few minutes at full scale; use ``nice``)::

    nice .venv/bin/python -m benchmarks.indicator_pages_at_scale \\
        --database-url postgres://postgres@127.0.0.1:5432/postgres
    # quick check with 2 indicators:
    .venv/bin/python -m benchmarks.indicator_pages_at_scale --database-url ... --scale 0.01
    # keep the loaded database between runs (the next run with --keep reuses it):
    .venv/bin/python -m benchmarks.indicator_pages_at_scale --database-url ... --keep

Results are printed and written as JSON to ``benchmarks/results/indicator_pages_at_scale-<time>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.public_pages import django_setup, p95

BENCH_DATABASE = "retning_bench_pages"
RESULTS_DIR = Path(__file__).resolve().parent / "results"
CODE_PREFIX = "GEN-PAGE-"
FIRST_YEAR = 2016
RANDOM_SEED = 2030
MUNICIPALITY_CODES_FROM = 3001  # made-up four-digit numbers, not the real municipality list
DIMENSION = "region_municipality"

TARGET_ASSESS_S = 5.0
TARGET_PAGE_P95_MS = 150.0


class BenchError(Exception):
    pass


def _admin(server_url: str, statement: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(BENCH_DATABASE)))  # type: ignore[arg-type]


def _exists(server_url: str) -> bool:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]
        ).fetchone()
    return row is not None


def bench_url(server_url: str) -> str:
    parts = urlsplit(server_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise BenchError("--database-url must point at a PostgreSQL server (postgres://...).")
    if parts.path.strip("/") == BENCH_DATABASE:
        raise BenchError("--database-url must name another database (e.g. /postgres).")
    return parts._replace(path=f"/{BENCH_DATABASE}").geturl()


# --- data ------------------------------------------------------------------------------------------


def create_indicators(count: int) -> list[int]:
    """Generated indicators with an example baseline and target; returns their ids."""
    from retning.actors.models import Organisation
    from retning.indicators.models import Indicator, Target
    from retning.strategy.models import Goal

    goals = list(Goal.objects.order_by("number"))
    organisation = Organisation.objects.order_by("pk").first()
    ids = []
    for n in range(1, count + 1):
        indicator = Indicator.objects.create(
            code=f"{CODE_PREFIX}{n:03d}",
            name=f"Generert indikator {n} (syntetiske tall for ytelsestest)",
            goal=goals[n % len(goals)],
            unit="prosent",
            decimals=1,
            responsible=organisation,
            data_source="Generert for ytelsestesten – ikke ekte tall",
            baseline_period=str(FIRST_YEAR - 1),
            baseline_value=50,
            baseline_is_example=True,
            # Every third indicator is judged on a straight line, the rest by the CAGR ratio.
            assessment_method="linear_trajectory" if n % 3 == 0 else "cagr_ratio",
            direction="lower_is_better" if n % 5 == 0 else "higher_is_better",
        )
        Target.objects.create(indicator=indicator, period="2030", value=75, is_example=True)
        ids.append(indicator.pk)
    return ids


def _month_starts(years: int) -> list[tuple[str, str]]:
    return [
        (
            f"{FIRST_YEAR + m // 12}M{m % 12 + 1:02d}",
            date(FIRST_YEAR + m // 12, m % 12 + 1, 1).isoformat(),
        )
        for m in range(years * 12)
    ]


def copy_observations(
    database_url: str, ids: Sequence[int], municipalities: int, years: int
) -> int:
    """COPY made-up observations (a random walk per series) into the observation table."""
    import psycopg

    from retning.indicators.models import Observation

    table = Observation._meta.db_table
    months = _month_starts(years)
    rng = random.Random(RANDOM_SEED)
    columns = (
        "version, indicator_id, period, period_start, value, breakdown_dimension, "
        "breakdown_value, status, source, note"
    )
    rows = 0
    with psycopg.connect(database_url) as conn, conn.cursor() as cursor:
        for indicator_id in ids:
            series = [("", "")] + [
                (DIMENSION, str(MUNICIPALITY_CODES_FROM + m)) for m in range(municipalities)
            ]
            lines = []
            for dimension, category in series:
                level = rng.uniform(20, 80)
                drift = rng.uniform(-0.4, 0.6)
                for period, start in months:
                    level = min(99.9, max(0.1, level + drift + rng.uniform(-1.0, 1.0)))
                    lines.append(
                        f"1\t{indicator_id}\t{period}\t{start}\t{level:.1f}\t{dimension}\t"
                        f"{category}\t\tsyntetisk\t\n"
                    )
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write("".join(lines).encode())
            rows += len(lines)
        conn.commit()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"VACUUM ANALYZE {table}")
    return rows


# --- (d) re-assessment and (e) page time ---------------------------------------------------------


def assess_seconds(rounds: int) -> tuple[list[float], int]:
    from django.core.cache import cache

    from retning.indicators import selectors
    from retning.indicators.models import Indicator

    times, cpu = [], []
    series = 0
    for _ in range(rounds):
        cache.clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        counts = selectors.status_counts(selectors._indicators(Indicator.objects.all()))
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        series = sum(sum(c.values()) for c in counts.values())
    print(f"   of which Python CPU: {', '.join(f'{s:.2f}' for s in cpu)} s")
    return times, series


def page_urls(codes: Sequence[str]) -> list[str]:
    from django.urls import reverse

    urls = []
    for code in codes:
        base = reverse("publishing:indicator_detail", args=[code])
        urls += [base, f"{base}?inndeling={DIMENSION}", f"{base}?inndeling={DIMENSION}&page=7"]
    return urls


def page_times(urls: Sequence[str], requests: int) -> tuple[list[float], list[int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    rng = random.Random(RANDOM_SEED)
    for url in urls[:3]:  # warm up templates and caches
        client.get(url)
    times, queries = [], []
    for _ in range(requests):
        url = rng.choice(urls)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        queries.append(len(captured))
        if response.status_code != 200:
            raise BenchError(f"{url} answered {response.status_code}")
    return times, queries


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL server URL")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 200 indicators")
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--municipalities", type=int, default=357)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5, help="re-assessment rounds")
    parser.add_argument("--requests", type=int, default=200, help="indicator page requests")
    parser.add_argument("--sample", type=int, default=20, help="indicators whose pages are asked")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database afterwards, and reuse it when it is already there",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="with --keep: load the database again anyway"
    )
    return parser.parse_args(argv)


def _say(message: str) -> None:
    print(message, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    indicators = max(1, round(args.indicators * args.scale))
    url = bench_url(args.database_url)
    results: dict[str, Any] = {
        "indicators": indicators,
        "municipalities": args.municipalities,
        "months": args.years * 12,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        # Other work on the machine slows every figure; the load average tells how busy it was.
        "load_average_at_start": [round(n, 2) for n in os.getloadavg()],
        "cpu_count": os.cpu_count(),
    }
    reuse = args.keep and not args.fresh and _exists(args.database_url)
    if not reuse:
        _admin(args.database_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
        _admin(args.database_url, "CREATE DATABASE {}")
    try:
        with tempfile.TemporaryDirectory(prefix="retning-bench-pages-") as tmp:
            django_setup(url, Path(tmp))
            from django.core.management import call_command

            from retning.indicators.models import Indicator, Observation

            call_command("migrate", verbosity=0, interactive=False)
            if not reuse:
                from retning.dataset.services import dataset_seed

                _say("Setting up the database …")
                dataset_seed()
                ids = create_indicators(indicators)
                _say(f"COPY of {indicators} indicators' observations …")
                started = time.perf_counter()
                rows = copy_observations(url, ids, args.municipalities, args.years)
                _say(
                    f"   {rows} rows in {time.perf_counter() - started:.1f} s (with VACUUM ANALYZE)"
                )
            else:
                _say(f"Reusing {BENCH_DATABASE} …")
                with __import__("django.db").db.connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            codes = list(
                Indicator.objects.filter(code__startswith=CODE_PREFIX)
                .order_by("code")
                .values_list("code", flat=True)
            )
            results["rows"] = Observation.objects.count()
            _say("(d) re-assessing every series …")
            assess, series = assess_seconds(args.rounds)
            _say(f"   {series} series; rounds: {', '.join(f'{s:.2f}' for s in assess)} s")
            _say("(e) indicator pages …")
            sample = random.Random(RANDOM_SEED).sample(codes, min(args.sample, len(codes)))
            pages, queries = page_times(page_urls(sample), args.requests)
    finally:
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
        if not args.keep:
            _admin(args.database_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")

    results |= {
        "load_average_at_end": [round(n, 2) for n in os.getloadavg()],
        "series": series,
        "assess_seconds": [round(s, 3) for s in assess],
        "assess_seconds_median": round(statistics.median(assess), 3),
        "page_requests": len(pages),
        "page_ms_median": round(statistics.median(pages) * 1000, 1),
        "page_ms_p95": round(p95(pages) * 1000, 1),
        "page_ms_max": round(max(pages) * 1000, 1),
        "page_queries_max": max(queries),
    }
    results["targets_met"] = {
        "assess": results["assess_seconds_median"] < TARGET_ASSESS_S,
        "page_p95": results["page_ms_p95"] < TARGET_PAGE_P95_MS,
    }
    print(json.dumps(results, indent=2))
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS_DIR / f"indicator_pages_at_scale-{stamp}.json").write_text(
        json.dumps(results, indent=2) + "\n"
    )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
