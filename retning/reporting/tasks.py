"""Reminder e-mails, planned and sent by the background worker.

``reminders_run`` is the daily job (``retning send-reminders`` queues it; ``retning worker`` runs
it). It locks rounds whose grace period is over, plans the reminders that are due as
``ReminderDispatch`` rows, and sends every unsent row.

Planning is idempotent: a reminder is one row per round, organisation, recipient and kind, and a
second run finds the rows already there. Sending claims one row at a time with ``SELECT … FOR
UPDATE SKIP LOCKED`` and marks it sent in the same transaction as the send, so two workers never
send the same row, and a worker killed mid-batch leaves the rest unsent for the next run.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from .models import ReminderDispatch, ReportingRound, StatusReport
from .services import rounds_lock_due

logger = logging.getLogger(__name__)

OPEN_STATES = (StatusReport.State.PENDING, StatusReport.State.DRAFT, StatusReport.State.RETURNED)


def days_before() -> int:
    """How many days before the deadline the first reminder goes out."""
    return int(getattr(settings, "RETNING_REMINDER_DAYS_BEFORE", 7))


def site_url() -> str:
    """The address links in e-mails start with (there is no request in the worker)."""
    return str(getattr(settings, "RETNING_SITE_URL", "http://localhost:8000")).rstrip("/")


def due_kind(round_: ReportingRound, today: date) -> str | None:
    """Which reminder a round is due for today, if any."""
    if round_.locked_at is not None or today < round_.opens_on or today > round_.closes_on:
        return None
    if today > round_.deadline:
        return ReminderDispatch.Kind.OVERDUE
    if today >= round_.deadline - timedelta(days=days_before()):
        return ReminderDispatch.Kind.BEFORE_DEADLINE
    return None


def reminders_plan(today: date | None = None) -> int:
    """Record the reminders due today; returns how many new ones were planned."""
    today = today or timezone.localdate()
    users = get_user_model()
    planned = 0
    for round_ in ReportingRound.objects.filter(locked_at__isnull=True, opens_on__lte=today):
        kind = due_kind(round_, today)
        if kind is None:
            continue
        organisation_ids = set(
            StatusReport.objects.filter(
                round=round_, state__in=OPEN_STATES, organisation__isnull=False
            ).values_list("organisation_id", flat=True)
        )
        if not organisation_ids:
            continue
        recipients = (
            users.objects.filter(is_active=True, reporter_for__in=organisation_ids)
            .exclude(email="")
            .values_list("pk", "reporter_for")
            .distinct()
        )
        rows = [
            ReminderDispatch(round=round_, organisation_id=org, recipient_id=user, kind=kind)
            for user, org in recipients
            if org in organisation_ids
        ]
        before = ReminderDispatch.objects.filter(round=round_, kind=kind).count()
        ReminderDispatch.objects.bulk_create(rows, ignore_conflicts=True)
        planned += ReminderDispatch.objects.filter(round=round_, kind=kind).count() - before
    return planned


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    to: str


def reminder_message(dispatch: ReminderDispatch) -> Message:
    """The e-mail for one reminder: the initiatives still to report on, the deadline, a link."""
    round_ = dispatch.round
    reports = (
        StatusReport.objects.filter(
            round=round_, organisation=dispatch.organisation, state__in=OPEN_STATES
        )
        .select_related("initiative")
        .order_by("initiative__external_id")
    )
    with translation.override(settings.LANGUAGE_CODE):
        deadline = formats.date_format(round_.deadline, "j. F Y")
        link = site_url() + reverse("reporting:todo")
        lines = [f"– {r.initiative.title} ({r.get_state_display().lower()})" for r in reports]
        if dispatch.kind == ReminderDispatch.Kind.OVERDUE:
            subject = _("Fristen er passert: statusrapport for %(round)s") % {"round": round_}
            opening = _(
                "Fristen for statusrapportene i runden %(round)s var %(deadline)s. "
                "%(organisation)s har fortsatt ikke sendt inn rapport for:"
            )
        else:
            subject = _("Påminnelse: statusrapport for %(round)s innen %(deadline)s") % {
                "round": round_,
                "deadline": deadline,
            }
            opening = _(
                "Runden %(round)s har frist %(deadline)s. "
                "%(organisation)s skal rapportere status for:"
            )
        body = "\n".join(
            [
                _("Hei, %(name)s.")
                % {"name": dispatch.recipient.get_full_name() or dispatch.recipient.username},
                "",
                opening
                % {
                    "round": round_,
                    "deadline": deadline,
                    "organisation": dispatch.organisation.name,
                },
                "",
                *lines,
                "",
                _(
                    "Rapportene er forhåndsutfylt fra forrige runde der det finnes en. "
                    "Se gjennom, rett det som er endret og send inn:"
                ),
                link,
                "",
                _("Hilsen sekretariatet"),
            ]
        )
    return Message(subject=str(subject), body=body, to=dispatch.recipient.email)


def reminder_message_id(dispatch: ReminderDispatch) -> str:
    """A Message-ID that is the same on every attempt to send this one reminder."""
    host = urlsplit(getattr(settings, "RETNING_SITE_URL", "")).hostname or "retning.invalid"
    return f"<paaminnelse-{dispatch.pk}-{dispatch.created_at:%Y%m%d%H%M%S}@{host}>"


def reminders_send() -> int:
    """Send every planned reminder not yet sent; returns how many were sent.

    Each row is claimed, sent and marked in its own transaction. If sending raises, that row's
    transaction rolls back (it stays unsent) and the error propagates, leaving the rest for the
    next run.
    """
    sent = 0
    while True:
        with transaction.atomic():
            dispatch = (
                ReminderDispatch.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True)
                .order_by("pk")
                .first()
            )
            if dispatch is None:
                return sent
            message = reminder_message(dispatch)
            EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.to],
                # The same Message-ID on every attempt: should a worker die after the mail server
                # accepted the message but before this row committed, the repeat carries the same
                # id, which receiving systems use to drop duplicates.
                headers={"Message-ID": reminder_message_id(dispatch)},
            ).send()
            dispatch.sent_at = timezone.now()
            dispatch.save(update_fields=["sent_at"])
            sent += 1
            logger.info("reminder sent", extra={"dispatch": dispatch.pk})


def reminders_run(today: date | None = None) -> dict[str, int]:
    """The daily job: lock finished rounds, plan due reminders, send what is unsent."""
    locked = rounds_lock_due()
    planned = reminders_plan(today)
    sent = reminders_send()
    return {"locked": len(locked), "planned": planned, "sent": sent}


@task()
def run_reminders() -> dict[str, int]:
    """Background task for the daily reminder job (queued by ``retning send-reminders``)."""
    return reminders_run()
