"""Time to make the portfolio report of a round with 600 initiatives, as HTML and as PDF.

The benchmark builds a database of its own (a temporary SQLite file, or a dedicated database on a
PostgreSQL server that it creates and drops), loads the real default dataset, adds clearly fake
initiatives (titled «Generert initiativ …») up to 600, and two reporting rounds («Ytelsestest 1»,
«Ytelsestest 2») with synthetic status reports, risks, deliveries and end-of-round snapshots. None
of this touches the default dataset or the development database.

It then requests the portfolio page and the PDF download in-process with Django's test client as a
secretariat user, and prints the median (and spread) of each. Target: the PDF under 5 s.

    .venv/bin/python -m benchmarks.portfolio_report --rounds 5
    .venv/bin/python -m benchmarks.portfolio_report --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from types import FrameType
from typing import NoReturn
from urllib.parse import urlsplit

from benchmarks.public_pages import (
    POSTGRES_SCHEMES,
    BenchError,
    _close_django_connections,
    django_setup,
    generate_initiatives,
)

BENCH_DATABASE = "retning_bench_portfolio"
INITIATIVES = 600
DEFAULT_ROUNDS = 5
WARM_UP = 1
TARGET_PDF_SECONDS = 5.0
RANDOM_SEED = 2026
ROUND_LABELS = ("Ytelsestest 1", "Ytelsestest 2")
SYNTHETIC = "Syntetisk tekst for ytelsestesten"


def _admin_execute(server_url: str, statement: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    config = dj_database_url.parse(server_url)
    params = {
        "dbname": config.get("NAME"),
        "user": config.get("USER"),
        "password": config.get("PASSWORD"),
        "host": config.get("HOST"),
        "port": config.get("PORT"),
    }
    conninfo = make_conninfo("", **{name: value for name, value in params.items() if value})
    try:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL(statement).format(sql.Identifier(BENCH_DATABASE)))  # type: ignore[arg-type]
    except psycopg.Error as error:
        raise BenchError(f"PostgreSQL refused {statement.split(' {}')[0]!r}: {error}") from error


@contextlib.contextmanager
def bench_database(server_url: str | None, work_dir: Path) -> Iterator[str]:
    """Yield the DATABASE_URL of a database that exists for this run only, and remove it after."""
    if server_url is None:
        try:
            yield f"sqlite:///{work_dir / 'bench.sqlite3'}"
        finally:
            _close_django_connections()
        return
    parts = urlsplit(server_url)
    if parts.scheme not in POSTGRES_SCHEMES:
        raise BenchError("--database-url must point at a PostgreSQL server (postgres://...).")
    if parts.path.strip("/") == BENCH_DATABASE:
        raise BenchError(f"--database-url names {BENCH_DATABASE!r} itself; give another database.")
    _admin_execute(server_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
    _admin_execute(server_url, "CREATE DATABASE {}")
    try:
        yield parts._replace(path=f"/{BENCH_DATABASE}").geturl()
    finally:
        _close_django_connections()
        _admin_execute(server_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _rating(rng: random.Random) -> str:
    return rng.choices(("green", "yellow", "red", ""), weights=(55, 28, 12, 5))[0]


def generate_rounds(rng: random.Random) -> tuple[int, int]:
    """Two synthetic rounds over the active initiatives; returns (previous id, current id)."""
    from retning.reporting.models import (
        DeliverySnapshot,
        ReportDelivery,
        ReportingRound,
        ReportRisk,
        StatusReport,
    )
    from retning.roadmap.models import Delivery, Initiative

    initiatives = list(
        Initiative.objects.filter(retired_in__isnull=True)
        .prefetch_related("owners")
        .order_by("external_id")
    )
    today = date.today()
    before = ReportingRound.objects.create(
        label=ROUND_LABELS[0],
        opens_on=today - timedelta(days=130),
        deadline=today - timedelta(days=100),
    )
    now = ReportingRound.objects.create(
        label=ROUND_LABELS[1],
        opens_on=today - timedelta(days=20),
        deadline=today + timedelta(days=10),
    )
    deliveries_by_initiative: dict[int, list[Delivery]] = {}
    for delivery in Delivery.objects.order_by("pk"):
        deliveries_by_initiative.setdefault(delivery.initiative_id, []).append(delivery)

    states = [s.value for s in StatusReport.State]
    weights = (5, 10, 25, 5, 55)
    reports: list[StatusReport] = []
    for reporting_round, share in ((before, 0.93), (now, 1.0)):
        for initiative in initiatives:
            if rng.random() > share:
                continue
            owners = list(initiative.owners.all())
            reports.append(
                StatusReport(
                    round=reporting_round,
                    initiative=initiative,
                    organisation=owners[0] if owners else None,
                    state=rng.choices(states, weights)[0],
                    overall=_rating(rng),
                    schedule=_rating(rng),
                    cost=_rating(rng),
                    scope=_rating(rng),
                    benefits=_rating(rng),
                    narrative=f"{SYNTHETIC}. " * rng.randint(2, 12),
                    decisions_needed=f"{SYNTHETIC}: beslutning." if rng.random() < 0.1 else "",
                )
            )
    StatusReport.objects.bulk_create(reports, batch_size=1000)
    reports = list(StatusReport.objects.filter(round__in=[before, now]))

    risks, lines, snapshots = [], [], []
    for report in reports:
        for n in range(rng.randint(0, 3)):
            risks.append(
                ReportRisk(
                    report=report,
                    description=f"{SYNTHETIC}: risiko {n + 1}",
                    probability=rng.randint(1, 5),
                    consequence=rng.randint(1, 5),
                    mitigation=SYNTHETIC if rng.random() < 0.5 else "",
                )
            )
        planned = today + timedelta(days=rng.randint(-60, 400))
        shift = 0 if report.round_id == before.pk else rng.choice((0, 0, 0, 14, 30, 90))
        for delivery in deliveries_by_initiative.get(report.initiative_id, [])[:2]:
            forecast = (delivery.planned_date or planned) + timedelta(days=shift)
            lines.append(
                ReportDelivery(
                    report=report,
                    delivery=delivery,
                    title=delivery.title,
                    planned_date=delivery.planned_date,
                    forecast_date=forecast,
                )
            )
            if report.round_id == before.pk:
                snapshots.append(
                    DeliverySnapshot(
                        round=before,
                        delivery=delivery,
                        planned_date=delivery.planned_date,
                        forecast_date=delivery.planned_date,
                    )
                )
        lines.append(
            ReportDelivery(
                report=report,
                title="Generert neste leveranse",
                planned_date=planned,
                forecast_date=planned + timedelta(days=shift),
            )
        )
    ReportRisk.objects.bulk_create(risks, batch_size=1000)
    ReportDelivery.objects.bulk_create(lines, batch_size=1000)
    DeliverySnapshot.objects.bulk_create(snapshots, batch_size=1000, ignore_conflicts=True)
    return before.pk, now.pk


def build(rng: random.Random) -> tuple[int, dict[str, int]]:
    from django.core.management import call_command
    from django.db import connection, transaction

    from retning.dataset.services import dataset_seed
    from retning.reporting.models import ReportDelivery, ReportRisk, StatusReport

    call_command("migrate", verbosity=0, interactive=False)
    dataset_seed()
    with transaction.atomic():
        generate_initiatives(INITIATIVES, rng)
        _before, current = generate_rounds(rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    counts = {
        "reports in the round": StatusReport.objects.filter(round_id=current).count(),
        "risks": ReportRisk.objects.filter(report__round_id=current).count(),
        "deliveries": ReportDelivery.objects.filter(report__round_id=current).count(),
    }
    return current, counts


def _time(call: Callable[[], object], rounds: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds per call. On a shared machine the CPU time shows the work
    itself; the wall-clock time also holds the waiting for a core."""
    for _ in range(WARM_UP):
        call()
    wall, cpu = [], []
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return wall, cpu


def _line(name: str, samples: tuple[list[float], list[float]]) -> str:
    wall, cpu = samples
    return (
        f"  {name:<34} median {statistics.median(wall):6.2f} s   "
        f"min {min(wall):6.2f} s   max {max(wall):6.2f} s   "
        f"CPU median {statistics.median(cpu):6.2f} s   (n={len(wall)})"
    )


def run(rounds: int) -> bool:
    import logging

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from retning.reporting.models import ReportingRound
    from retning.reporting.pdf import portfolio_html_document, render_pdf
    from retning.reporting.portfolio import portfolio_report

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    rng = random.Random(RANDOM_SEED)
    print(f"Building the dataset on {connection.vendor} ...", flush=True)
    current, counts = build(rng)
    print("  " + ", ".join(f"{name}: {n}" for name, n in counts.items()), flush=True)

    user = get_user_model().objects.create_user(
        username="ytelsestest", password="ytelsestest-passord-123", is_secretariat=True
    )
    client = Client()
    client.force_login(user)
    reporting_round = ReportingRound.objects.get(pk=current)
    page_url = reverse("reporting:portfolio", args=[current])
    pdf_url = reverse("reporting:portfolio_pdf", args=[current])

    def get(url: str) -> Callable[[], object]:
        def call() -> object:
            response = client.get(url)
            if response.status_code != 200:
                raise BenchError(f"{url} answered {response.status_code}")
            return response

        return call

    print(f"Timing {rounds} rounds (after {WARM_UP} warm-up) ...", flush=True)
    data = _time(lambda: portfolio_report(reporting_round), rounds)
    document = portfolio_html_document(portfolio_report(reporting_round))
    html = _time(get(page_url), rounds)
    pdf_only = _time(lambda: render_pdf(document), rounds)
    pdf = _time(get(pdf_url), rounds)
    size = len(client.get(pdf_url).content)

    print(
        f"\n  load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(_line("data assembly (portfolio_report)", data))
    print(_line("HTML page (request)", html))
    print(_line("PDF rendering only (WeasyPrint)", pdf_only))
    print(_line("PDF download (request)", pdf))
    passed = statistics.median(pdf[0]) < TARGET_PDF_SECONDS
    print(
        f"\nPDF {size / 1024:.0f} KiB. Target: PDF median under {TARGET_PDF_SECONDS:.0f} s: "
        + ("met." if passed else "MISSED.")
    )
    return passed


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> NoReturn:
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.portfolio_report",
        description=f"Time the portfolio report (HTML and PDF) for {INITIATIVES} initiatives.",
    )
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help="timed rounds")
    parser.add_argument(
        "--database-url",
        help=f"a PostgreSQL server to create and drop {BENCH_DATABASE!r} on "
        "(default: a temporary SQLite file)",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be a positive number")
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        with tempfile.TemporaryDirectory(prefix="retning-bench-portfolio-") as tmp:
            work_dir = Path(tmp)
            with bench_database(args.database_url, work_dir) as database_url:
                django_setup(database_url, work_dir)
                passed = run(args.rounds)
    except BenchError as error:
        print(f"Benchmark stopped: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nInterrupted; the benchmark database has been removed.", file=sys.stderr)
        return 130
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
