"""Reminder e-mails: planned once, sent once, and a failed batch resumes where it stopped."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from retning.reporting import services, tasks
from retning.reporting.models import ReminderDispatch, ReportingRound, StatusReport

from .conftest import People, Scene, fill, open_round

pytestmark = pytest.mark.django_db


def _deliver(report: StatusReport, people: People) -> None:
    saved = fill(report, people.reporter_own)
    services.report_submit(saved, expected_version=saved.version, user=people.reporter_own)


def test_no_reminder_long_before_the_deadline(people: People, scene: Scene) -> None:
    open_round(people, [scene.initiative], deadline=timezone.localdate() + timedelta(days=30))
    assert tasks.reminders_plan() == 0
    assert not ReminderDispatch.objects.exists()


@override_settings(RETNING_REMINDER_DAYS_BEFORE=40)
def test_the_number_of_days_before_is_a_setting(people: People, scene: Scene) -> None:
    open_round(people, [scene.initiative], deadline=timezone.localdate() + timedelta(days=30))
    assert tasks.reminders_plan() == 1


def test_planning_is_idempotent_and_reaches_each_reporter(
    people: People, round_: ReportingRound, django_user_model: Any
) -> None:
    inactive = django_user_model.objects.create_user(
        "slutta", email="slutta@example.org", is_active=False
    )
    inactive.reporter_for.add(people.reporter_own.reporter_for.first())
    no_mail = django_user_model.objects.create_user("utenpost", email="")
    no_mail.reporter_for.add(people.reporter_own.reporter_for.first())

    assert tasks.reminders_plan() == 2
    assert tasks.reminders_plan() == 0
    rows = ReminderDispatch.objects.all()
    assert {r.recipient for r in rows} == {people.reporter_own, people.reporter_other}
    assert {r.kind for r in rows} == {ReminderDispatch.Kind.BEFORE_DEADLINE}


def test_organisations_that_have_submitted_get_no_reminder(
    people: People, round_: ReportingRound, report: StatusReport
) -> None:
    _deliver(report, people)
    tasks.reminders_plan()
    assert [r.recipient for r in ReminderDispatch.objects.all()] == [people.reporter_other]


def test_sent_once_with_initiatives_deadline_and_link(
    people: People, round_: ReportingRound, report: StatusReport
) -> None:
    result = tasks.reminders_run()
    assert result == {"locked": 0, "planned": 2, "sent": 2}
    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if m.to == [people.reporter_own.email])
    assert report.initiative.title in message.body
    assert round_.label in message.subject
    assert re.search(r"http://\S+/rapportering/", message.body)
    assert str(round_.deadline.year) in message.body
    assert ReminderDispatch.objects.filter(sent_at__isnull=True).count() == 0

    assert tasks.reminders_run() == {"locked": 0, "planned": 0, "sent": 0}
    assert len(mail.outbox) == 2


def test_overdue_reminder_after_the_deadline(people: People, scene: Scene) -> None:
    today = timezone.localdate()
    open_round(
        people,
        [scene.initiative],
        opens_on=today - timedelta(days=20),
        deadline=today - timedelta(days=1),
    )
    tasks.reminders_run()
    assert [r.kind for r in ReminderDispatch.objects.all()] == [ReminderDispatch.Kind.OVERDUE]
    assert "passert" in mail.outbox[0].subject


class _Flaky:
    """An e-mail backend that fails on the second message, like a worker dying mid-batch."""

    sent: list[Any] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        if len(_Flaky.sent) == 1:
            raise ConnectionError("SMTP-tjeneren svarte ikke")
        _Flaky.sent.extend(messages)
        return len(messages)


def test_an_interrupted_send_leaves_the_rest_for_the_next_run(
    people: People, round_: ReportingRound
) -> None:
    tasks.reminders_plan()
    _Flaky.sent = []
    flaky = {"default": {"BACKEND": f"{__name__}._Flaky"}}
    with override_settings(MAILERS=flaky), pytest.raises(ConnectionError):
        tasks.reminders_send()
    assert len(_Flaky.sent) == 1
    assert ReminderDispatch.objects.filter(sent_at__isnull=False).count() == 1
    assert ReminderDispatch.objects.filter(sent_at__isnull=True).count() == 1

    assert tasks.reminders_send() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to != _Flaky.sent[0].to
    assert ReminderDispatch.objects.filter(sent_at__isnull=True).count() == 0


class _AcceptThenFail:
    """A mail backend that delivers the message and then fails, like a commit lost after sending."""

    delivered: list[Any] = []

    def __init__(self, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        _AcceptThenFail.delivered.extend(messages)
        raise ConnectionError("forbindelsen brøt etter at meldingen var levert")


def test_a_repeated_send_carries_the_same_message_id(
    people: People, round_: ReportingRound
) -> None:
    tasks.reminders_plan()
    _AcceptThenFail.delivered = []
    broken = {"default": {"BACKEND": f"{__name__}._AcceptThenFail"}}
    with override_settings(MAILERS=broken), pytest.raises(ConnectionError):
        tasks.reminders_send()
    first = _AcceptThenFail.delivered[0]
    dispatch = ReminderDispatch.objects.get(recipient__email=first.to[0])
    assert dispatch.sent_at is None  # not marked: it will be sent again …

    tasks.reminders_send()
    again = next(m for m in mail.outbox if m.to == first.to)
    # … with the same Message-ID, so the receiving side can drop the duplicate.
    assert again.extra_headers["Message-ID"] == first.extra_headers["Message-ID"]
    assert (
        again.extra_headers["Message-ID"]
        != next(m for m in mail.outbox if m.to != first.to).extra_headers["Message-ID"]
    )


def test_command_queues_the_job_for_the_worker(people: People, round_: ReportingRound) -> None:
    call_command("send-reminders")
    queued = DBTaskResult.objects.get(task_path="retning.reporting.tasks.run_reminders")
    assert mail.outbox == []
    # What the worker does with the row (the worker loop itself closes the test's connection).
    result = queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    assert result == {"locked": 0, "planned": 2, "sent": 2}
    assert len(mail.outbox) == 2


def test_command_now_runs_in_process(people: People, round_: ReportingRound) -> None:
    call_command("send-reminders", now=True)
    assert len(mail.outbox) == 2
