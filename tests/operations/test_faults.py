"""Faults in the middle of work: nothing half-done is left behind, and a retry succeeds.

Which of these run where:

* The dropped database connection during an import runs on PostgreSQL (a second connection
  ends the importing backend with ``pg_terminate_backend``) and, as a simulation, on SQLite (an
  error raised between two chunks). Both run in CI.
* Two secretaries approving the same minutes at once needs row locks and two real connections,
  so it runs on PostgreSQL only; on SQLite it is skipped with the reason.
* The worker killed during a reminder run kills a real ``retning worker --batch`` process (with
  SIGKILL, from inside its mail backend while it sends the third of six reminders), which must
  reach the test database; it runs on PostgreSQL only. A second test documents, as an expected
  failure, the one window no database transaction can close: a kill after the SMTP server
  accepted a message but before the outbox row is committed means that message goes out again.
* A full disk during an attachment upload belongs to the council's attachment tests.

To run the PostgreSQL ones::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres RETNING_TEST_DATABASE=test_faults \\
        .venv/bin/pytest tests/operations/test_faults.py -p no:cacheprovider
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection

from retning.council import services as council
from retning.council.models import Body, Meeting, PlanVersion
from retning.council.services import PlanChangeRequest
from retning.indicators import csv_copy
from retning.indicators import services as imports
from retning.indicators.copy_import import CopyApplier
from retning.indicators.formats import Mapping
from retning.indicators.models import ImportBatch, Indicator, Observation, Target

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (row locks, several real connections); run with DATABASE_URL=postgres://… "
    "as the module docstring shows",
)
ROWS = 7
ROOT = Path(__file__).resolve().parents[2]
MAPPING = Mapping(time="periode", value="verdi")


def _file(value: str = "12,5") -> bytes:
    lines = ["periode;verdi", *(f"{year};{value}" for year in range(2040, 2040 + ROWS))]
    return ("\n".join(lines) + "\n").encode()


def _stored(indicator: Indicator) -> tuple[int, int, int]:
    return (
        Observation.objects.filter(indicator=indicator).count(),
        Observation.history.filter(indicator_id=indicator.pk).count(),  # type: ignore[attr-defined]
        ImportBatch.objects.filter(indicator=indicator).count(),
    )


@pytest.fixture
def indicator(seeded: None) -> Indicator:
    found = Indicator.objects.filter(frequency=Indicator.Frequency.YEARLY).order_by("code").first()
    assert found is not None
    return found


@pytest.fixture
def break_after_first_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[Callable[[], None]], list[int]]]:
    """Make the import write in chunks of two rows and call ``fault`` before the second chunk."""
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    # Chunks belong to the stream path; on PostgreSQL a CSV file would otherwise go whole through
    # csv_copy (its own fault test is below).
    monkeypatch.setattr(csv_copy, "stage_csv", lambda *args: None)
    original = imports._import_stream
    calls: list[int] = []

    def arm(fault: Callable[[], None]) -> list[int]:
        def import_stream(stream: Any, context: Any, applier: Any) -> Any:
            add = applier.add

            def add_then_fail(rows: Any) -> None:
                calls.append(len(rows))
                if len(calls) == 2:
                    fault()
                add(rows)

            applier.add = add_then_fail
            return original(stream, context, applier)

        monkeypatch.setattr(imports, "_import_stream", import_stream)
        return calls

    yield arm
    monkeypatch.setattr(imports, "_import_stream", original)


def _import(indicator: Indicator) -> imports.ImportReport:
    return imports.indicator_observations_import(
        indicator=indicator, data=_file(), filename="tall.csv", file_format="csv", mapping=MAPPING
    )


@pytest.mark.django_db
def test_an_error_between_chunks_rolls_the_whole_import_back_and_a_retry_succeeds(
    indicator: Indicator, break_after_first_chunk: Callable[[Callable[[], None]], list[int]]
) -> None:
    before = _stored(indicator)

    def fault() -> None:
        raise DatabaseError("forbindelsen til databasen ble brutt (simulert)")

    calls = break_after_first_chunk(fault)
    with pytest.raises(DatabaseError):
        _import(indicator)

    assert calls == [2, 2], "the first chunk was written before the fault"
    assert _stored(indicator) == before
    # The fault fires on the second chunk only; the retry's chunks come later in ``calls``.
    report = _import(indicator)
    assert report.ok and report.created_count == ROWS
    assert _stored(indicator)[0] == before[0] + ROWS


def _terminate(victim_pid: int, settings_dict: dict[str, Any]) -> None:
    """End another backend from a connection of our own, as a database restart would."""
    with psycopg.connect(
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        dbname=settings_dict["NAME"],
        autocommit=True,
    ) as admin:
        ended = admin.execute("SELECT pg_terminate_backend(%s)", (victim_pid,)).fetchone()
        assert ended == (True,)


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_a_database_connection_ended_mid_import_writes_nothing_and_a_retry_succeeds(
    indicator: Indicator, break_after_first_chunk: Callable[[Callable[[], None]], list[int]]
) -> None:
    before = _stored(indicator)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [pid] = cursor.fetchone()
    calls = break_after_first_chunk(lambda: _terminate(pid, connection.settings_dict))

    # The COPY path talks to psycopg directly, but its errors too reach the caller as Django's.
    with pytest.raises(DatabaseError):
        _import(indicator)

    assert calls == [2, 2]
    connection.close()  # what Django does at the end of the failed request
    assert _stored(indicator) == before
    report = _import(indicator)
    assert report.ok and report.created_count == ROWS
    assert _stored(indicator)[0] == before[0] + ROWS


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_a_connection_ended_while_csv_copy_applies_a_file_writes_nothing(
    indicator: Indicator, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _stored(indicator)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [pid] = cursor.fetchone()
    finish = CopyApplier.finish
    calls: list[bool] = []

    def end_then_finish(self: CopyApplier, *, write: bool) -> None:
        calls.append(self.checked)
        _terminate(pid, connection.settings_dict)
        finish(self, write=write)

    monkeypatch.setattr(CopyApplier, "finish", end_then_finish)
    with pytest.raises(DatabaseError):
        _import(indicator)

    assert calls == [True], "the file was staged by csv_copy, not by the stream path"
    connection.close()
    monkeypatch.setattr(CopyApplier, "finish", finish)
    assert _stored(indicator) == before
    report = _import(indicator)
    assert report.ok and report.created_count == ROWS


# --- Two secretaries approving the same minutes -------------------------------------------------


def _meeting_with_a_target_change(target: Target) -> Meeting:
    council.body_create_defaults()
    body = Body.objects.get(short_name="NUIT")
    meeting = council.meeting_create(body=body, date=dt.date(2026, 9, 10), place="Oslo")
    case = council.case_schedule(
        case=council.case_propose(body=body, title="Ny målverdi", case_type="recommendation"),
        meeting=meeting,
    )
    council.meeting_convene(meeting=meeting)
    council.meeting_hold(meeting=meeting)
    change = PlanChangeRequest(
        kind="change", target=target, field_name="value", new_value=target.value + Decimal("3")
    )
    council.decision_record(case=case, text="Ny målverdi vedtatt.", changes=[change])
    return Meeting.objects.get(pk=meeting.pk)


def _in_threads(work: Callable[[], object], count: int) -> list[object]:
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = work()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test compares
            results[index] = error
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_two_secretaries_approving_the_same_minutes_at_once_apply_the_changes_once(
    seeded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = Target.objects.order_by("indicator__code", "period").first()
    assert target is not None
    meeting = _meeting_with_a_target_change(target)
    history_before = target.history.count()  # type: ignore[attr-defined]
    original_apply = council._apply

    def slow_apply(*args: Any, **kwargs: Any) -> None:
        # Hold the meeting's row lock a while so the other approval surely arrives meanwhile.
        time.sleep(0.5)
        original_apply(*args, **kwargs)

    monkeypatch.setattr(council, "_apply", slow_apply)

    def approve() -> object:
        return council.minutes_approve(meeting=Meeting.objects.get(pk=meeting.pk))

    results = _in_threads(approve, 2)

    versions = [r for r in results if isinstance(r, PlanVersion)]
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert len(versions) == 1 and len(refusals) == 1, results
    assert "allerede" in refusals[0].messages[0] and "godkjent" in refusals[0].messages[0]
    assert PlanVersion.objects.filter(meeting=meeting).count() == 1
    stored = Target.objects.get(pk=target.pk)
    assert stored.value == target.value + Decimal("3")
    assert stored.version == target.version + 1
    assert stored.history.count() == history_before + 1  # type: ignore[attr-defined]
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.MINUTES_APPROVED


# --- The worker killed during a reminder run -----------------------------------------------------

REMINDERS = 6


def _worker(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Queue the daily reminder job and run ``retning worker --batch`` in a process of its own."""
    from retning.reporting.tasks import run_reminders

    run_reminders.enqueue()
    return subprocess.run(
        [sys.executable, "-m", "retning.cli", "worker", "--batch", "--no-startup-delay"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def outbox(seeded: None, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Six planned, unsent reminders, and the environment for a worker that reaches this database."""
    from django.contrib.auth import get_user_model

    from retning.actors.models import Organisation
    from retning.reporting.models import ReminderDispatch, ReportingRound

    today = dt.date.today()
    round_ = ReportingRound.objects.create(
        label="Feiltest",
        opens_on=today - dt.timedelta(days=3),
        deadline=today + dt.timedelta(days=2),
    )
    organisations = list(Organisation.objects.order_by("key")[:REMINDERS])
    for number, organisation in enumerate(organisations):
        person = get_user_model().objects.create_user(
            username=f"mottaker{number}", email=f"mottaker{number}@example.org"
        )
        person.reporter_for.add(organisation)
        ReminderDispatch.objects.create(
            round=round_,
            organisation=organisation,
            recipient=person,
            kind=ReminderDispatch.Kind.BEFORE_DEADLINE,
        )
    db = connection.settings_dict
    url = (
        f"postgres://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}"
    )
    log = tmp_path / "sendt.log"
    log.touch()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.operations.fault_settings",
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
        "FAULT_MAIL_LOG": str(log),
    }
    env.pop("FAULT_KILL_BEFORE", None)
    env.pop("FAULT_KILL_AFTER", None)
    yield {"env": env, "log": log, "model": ReminderDispatch}


def _delivered(log: Path) -> list[str]:
    return [line.split("\t")[0] for line in log.read_text(encoding="utf-8").splitlines()]


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_sending_reminders_loses_none_and_sends_none_twice(
    outbox: dict[str, Any], tmp_path: Path
) -> None:
    dispatch = outbox["model"]

    killed = _worker({**outbox["env"], "FAULT_KILL_BEFORE": "3"}, tmp_path)

    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert len(_delivered(outbox["log"])) == 2
    assert dispatch.objects.filter(sent_at__isnull=False).count() == 2

    retried = _worker(outbox["env"], tmp_path)

    assert retried.returncode == 0, retried.stderr[-2000:]
    delivered = _delivered(outbox["log"])
    assert sorted(delivered) == sorted(f"mottaker{n}@example.org" for n in range(REMINDERS))
    assert dispatch.objects.filter(sent_at__isnull=True).count() == 0


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="known window: a worker killed after the SMTP server accepted a message but before "
    "the outbox row was committed sends that one message again on the next run (at least once, "
    "not exactly once). Both attempts carry the same Message-ID (tests/reporting/test_reminders.py), "
    "which receiving systems use to drop the repeat; SMTP itself offers no exactly-once delivery.",
)
def test_a_worker_killed_between_delivery_and_commit_does_not_send_twice(
    outbox: dict[str, Any], tmp_path: Path
) -> None:
    killed = _worker({**outbox["env"], "FAULT_KILL_AFTER": "3"}, tmp_path)
    assert killed.returncode == -signal.SIGKILL

    retried = _worker(outbox["env"], tmp_path)
    assert retried.returncode == 0
    delivered = _delivered(outbox["log"])
    assert sorted(set(delivered)) == sorted(f"mottaker{n}@example.org" for n in range(REMINDERS))

    assert len(delivered) == REMINDERS, "the third reminder went out twice"
