"""Load-test Retning on this machine: PostgreSQL, gunicorn, and locust over 127.0.0.1.

    .venv/bin/python -m benchmarks.load.run --database-url postgres://postgres@127.0.0.1:5432/postgres

1. Creates the database ``retning_load`` on that server (dropping a leftover from a killed run),
   migrates it, loads the default dataset and makes the load test's users and tokens.
2. Starts gunicorn with deploy/gunicorn.conf.py and the production settings on a free port of
   127.0.0.1, with ``2 × CPUs + 1`` sync workers unless ``--workers`` says otherwise.
3. Runs locust headless with benchmarks/load/locustfile.py, bounded in users and time
   (``--users 50 --spawn-rate 10 --run-time 60s`` by default), its CSV files in
   benchmarks/load/results/.
4. Prints requests, throughput, failures, median and 95th percentile per kind of request, and
   whether the target (no errors, p95 under 500 ms) was met; then stops gunicorn and drops the
   database (``--keep-database`` keeps it).

Nothing leaves the machine: the server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results"
DATABASE = "retning_load"
TARGET_P95_MS = 500.0


def _database_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit("--database-url must be a PostgreSQL URL (postgres://user@host:port/db).")
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def _admin(server_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(
        server_url.replace("postgres://", "postgresql://", 1), autocommit=True
    ) as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(command: Sequence[str], env: dict[str, str], what: str) -> None:
    started = time.monotonic()
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"{what} failed")
    print(f"  {what}: {time.monotonic() - started:.1f} s", flush=True)


def _wait_ready(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer 200 within {timeout:.0f} s")


def _warm_up(base: str, workers: int) -> None:
    """Every worker builds each kind of page once before the clock starts, as a live site has."""
    paths = ["/", "/mal/1/", "/indikatorer/", "/veikart/", "/sok/?q=helse", "/api/v1/initiatives"]
    started = time.monotonic()
    for _ in range(workers * 2):
        for path in paths:
            request = urllib.request.Request(base + path, headers={"X-Forwarded-Proto": "https"})
            with contextlib.suppress(OSError):
                urllib.request.urlopen(request, timeout=60).close()  # noqa: S310 - loopback
    print(f"  warm-up: {time.monotonic() - started:.1f} s", flush=True)


@contextlib.contextmanager
def _gunicorn(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py"],
            env=env,
            cwd=ROOT,
            stdout=stream,
            stderr=stream,
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and all its children, living or reaped."""
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def _report(stats_csv: Path, run_seconds: float) -> bool:
    with stats_csv.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    header = (
        f"{'request kind':<32} {'requests':>8} {'req/s':>7} {'errors':>6} {'median':>7} {'p95':>7}"
    )
    print("\n" + header + "\n" + "-" * len(header))
    ok = True
    for row in rows:
        name = "ALL" if row["Name"] == "Aggregated" else row["Name"]
        count, failures = int(row["Request Count"]), int(row["Failure Count"])
        p95 = float(row["95%"]) if row["95%"] not in ("", "N/A") else 0.0
        median = float(row["50%"]) if row["50%"] not in ("", "N/A") else 0.0
        rate = float(row["Requests/s"])
        if name == "ALL":
            print("-" * len(header))
            ok = failures == 0 and p95 < TARGET_P95_MS
        print(f"{name:<32} {count:>8} {rate:>7.1f} {failures:>6} {median:>5.0f}ms {p95:>5.0f}ms")
    print(
        f"\nTarget (no errors, p95 < {TARGET_P95_MS:.0f} ms over all requests): "
        + ("met" if ok else "NOT met")
        + f"; run time {run_seconds:.0f} s."
    )
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", required=True, help="a PostgreSQL server, any database on it"
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", default="60s")
    parser.add_argument("--workers", type=int, default=2 * len(os.sched_getaffinity(0)) + 1)
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args(argv)

    RESULTS.mkdir(exist_ok=True)
    url = _database_url(args.database_url, DATABASE)
    port = _free_port()
    var = Path(tempfile.mkdtemp(prefix="retning-load-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "retning.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url + "?connect_timeout=5",
        "DATABASE_CONN_MAX_AGE": "60",
        "RETNING_VAR_DIR": str(var),
        "RETNING_CACHE": "database",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(args.workers),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "WARNING",
        "RETNING_LOAD_FIXTURES": str(RESULTS / "fixtures.json"),
        "PYTHONPATH": str(ROOT),
    }
    print(f"Database {DATABASE}, gunicorn on 127.0.0.1:{port} with {args.workers} workers")
    _admin(
        args.database_url,
        f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)",
        f"CREATE DATABASE {DATABASE}",
    )
    retning = [sys.executable, "-m", "retning.cli"]
    try:
        _run([*retning, "migrate", "--noinput"], env, "migrate")
        _run([*retning, "seed"], env, "seed")
        _run([*retning, "collectstatic", "--noinput", "--verbosity", "0"], env, "collectstatic")
        _run(
            [sys.executable, "-m", "benchmarks.load.fixtures", str(RESULTS / "fixtures.json")],
            env,
            "users and tokens",
        )
        with _gunicorn(env, RESULTS / "gunicorn.log") as server:
            _wait_ready(f"http://127.0.0.1:{port}/readyz")
            _warm_up(f"http://127.0.0.1:{port}", args.workers)
            cpu_before = _cpu_seconds(server.pid)
            load_before = os.getloadavg()[0]
            started = time.monotonic()
            locust = subprocess.run(
                [
                    sys.executable, "-m", "locust",
                    "--locustfile", str(Path(__file__).with_name("locustfile.py")),
                    "--headless", "--only-summary",
                    "--host", f"http://127.0.0.1:{port}",
                    "--users", str(args.users),
                    "--spawn-rate", str(args.spawn_rate),
                    "--run-time", args.run_time,
                    "--stop-timeout", "10",
                    "--csv", str(RESULTS / "load"),
                    "--exit-code-on-error", "0",
                ],
                env=env, cwd=ROOT, capture_output=True, text=True, check=False,
            )  # fmt: skip
            elapsed = time.monotonic() - started
            server_cpu = _cpu_seconds(server.pid) - cpu_before
            load_after = os.getloadavg()[0]
            (RESULTS / "locust.log").write_text(locust.stdout + locust.stderr, encoding="utf-8")
        if locust.returncode != 0:
            sys.stderr.write(locust.stderr[-4000:])
            return locust.returncode
        failures = RESULTS / "load_failures.csv"
        if failures.exists() and len(failures.read_text(encoding="utf-8").splitlines()) > 1:
            print("Failures (benchmarks/load/results/load_failures.csv):")
            print(failures.read_text(encoding="utf-8"))
        ok = _report(RESULTS / "load_stats.csv", elapsed)
        with (RESULTS / "load_stats.csv").open(encoding="utf-8") as stream:
            total = next(r for r in csv.DictReader(stream) if r["Name"] == "Aggregated")
        requests = max(int(total["Request Count"]), 1)
        print(
            f"gunicorn used {server_cpu:.1f} CPU seconds: {1000 * server_cpu / requests:.0f} ms of "
            f"CPU per request (PostgreSQL and locust not included); load average "
            f"{load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} CPUs."
        )
        return 0 if ok else 1
    finally:
        shutil.rmtree(var, ignore_errors=True)
        if not args.keep_database:
            _admin(args.database_url, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    raise SystemExit(main())
