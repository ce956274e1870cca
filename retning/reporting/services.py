"""Opening, filling in, submitting, approving and locking status reports.

Every function runs in one transaction and either does all of its work or none of it; refusals
raise ``ReportingError`` with a Norwegian message meant for the user. A save carries the version
the editor started from; a stale one raises ``StaleVersion`` and writes nothing. Every step leaves
a ``ReportEvent`` saying who did what, when, and why.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from retning.accounts.rules import is_secretariat
from retning.editing.services import StaleVersion, versioned_create, versioned_save
from retning.roadmap.models import Delivery, Initiative

from . import workflow
from .models import (
    DeliverySnapshot,
    Rating,
    ReportDelivery,
    ReportEvent,
    ReportingRound,
    ReportRisk,
    StatusReport,
)

__all__ = [
    "DeliveryRow",
    "ReportFields",
    "ReportingError",
    "RiskRow",
    "StaleVersion",
    "report_approve",
    "report_return",
    "report_save",
    "report_submit",
    "round_is_locked",
    "round_lock",
    "round_open",
    "rounds_lock_due",
]

RATING_FIELDS = ("overall", "schedule", "cost", "scope", "benefits")
TEXT_FIELDS = ("narrative", "decisions_needed")


class ReportingError(Exception):
    """A step that is not allowed or input that cannot be saved; the message is for the user."""


@dataclass(frozen=True)
class RiskRow:
    description: str
    probability: int
    consequence: int
    mitigation: str = ""


@dataclass(frozen=True)
class DeliveryRow:
    title: str
    planned_date: date | None = None
    forecast_date: date | None = None
    actual_date: date | None = None
    delivery_id: int | None = None


@dataclass(frozen=True)
class ReportFields:
    overall: str = ""
    schedule: str = ""
    cost: str = ""
    scope: str = ""
    benefits: str = ""
    narrative: str = ""
    decisions_needed: str = ""


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def round_is_locked(round_: ReportingRound, today: date | None = None) -> bool:
    """Locked by the secretariat or the worker, or simply past the end of the grace period."""
    return round_.locked_at is not None or _today(today) > round_.closes_on


def _is_secretariat(user: Any) -> bool:
    return bool(is_secretariat(user))


# --- Opening a round -----------------------------------------------------------------------


def round_open(
    *,
    label: str,
    opens_on: date,
    deadline: date,
    grace_days: int,
    user: Any,
    initiatives: Iterable[Initiative] | None = None,
) -> ReportingRound:
    """Open a round and give each selected initiative a report, pre-filled from its previous one.

    Without a selection every initiative still on the roadmap (not retired) must report.
    """
    label = (label or "").strip()
    if not label:
        raise ReportingError("Runden må ha et navn, for eksempel «2026 T3».")
    if deadline < opens_on:
        raise ReportingError("Fristen kan ikke være før runden åpner.")
    if grace_days < 0:
        raise ReportingError("Ettergivelsen kan ikke være negativ.")
    if ReportingRound.objects.filter(label__iexact=label).exists():
        raise ReportingError(f"Det finnes allerede en runde som heter «{label}».")
    if initiatives is None:
        chosen = list(Initiative.objects.filter(retired_in__isnull=True).order_by("external_id"))
    else:
        chosen = sorted(set(initiatives), key=lambda i: i.external_id)
    if not chosen:
        raise ReportingError("Velg minst ett initiativ som skal rapportere.")

    with transaction.atomic():
        round_ = versioned_create(
            ReportingRound(
                label=label,
                opens_on=opens_on,
                deadline=deadline,
                grace_days=grace_days,
                opened_by=user,
            ),
            user=user,
            reason="Runden åpnet",
        )
        _create_reports(round_, chosen, user)
    return round_


def _previous_reports(initiative_ids: list[int], round_: ReportingRound) -> dict[int, StatusReport]:
    """The latest earlier report per initiative that has content (not an untouched empty one)."""
    candidates = (
        StatusReport.objects.filter(initiative_id__in=initiative_ids)
        .exclude(round=round_)
        .filter(round__deadline__lte=round_.deadline)
        .select_related("round")
        .prefetch_related("risks", "next_deliveries")
        .order_by("initiative_id", "-round__deadline", "-round_id")
    )
    latest: dict[int, StatusReport] = {}
    for report in candidates:
        if report.initiative_id in latest:
            continue
        if report.state == StatusReport.State.PENDING and report.prefilled_from_id is None:
            continue
        latest[report.initiative_id] = report
    return latest


def _create_reports(round_: ReportingRound, chosen: Sequence[Initiative], user: Any) -> None:
    ids = [i.pk for i in chosen]
    initiatives = (
        Initiative.objects.filter(pk__in=ids)
        .order_by("external_id")
        .prefetch_related(
            Prefetch("owners", to_attr="owners_by_name", queryset=_organisations_by_name()),
            Prefetch(
                "deliveries",
                to_attr="open_deliveries",
                queryset=Delivery.objects.filter(actual_date__isnull=True).order_by(
                    "planned_date", "id"
                ),
            ),
        )
    )
    previous = _previous_reports(ids, round_)
    reports: list[StatusReport] = []
    for initiative in initiatives:
        before = previous.get(initiative.pk)
        owner = initiative.owners_by_name[0] if initiative.owners_by_name else None
        report = StatusReport(
            round=round_,
            initiative=initiative,
            organisation=owner,
            state=StatusReport.State.PENDING,
            updated_by=user,
            prefilled_from=before,
        )
        if before is not None:
            for name in (*RATING_FIELDS, *TEXT_FIELDS):
                setattr(report, name, getattr(before, name))
        reports.append(report)
    created = bulk_create_with_history(reports, StatusReport, default_user=user)
    # Some databases do not return primary keys from bulk inserts; read them back.
    by_initiative = {
        r.initiative_id: r
        for r in StatusReport.objects.filter(round=round_).only("pk", "initiative_id")
    }
    del created
    risks: list[ReportRisk] = []
    next_deliveries: list[ReportDelivery] = []
    events: list[ReportEvent] = []
    for initiative in initiatives:
        report = by_initiative[initiative.pk]
        before = previous.get(initiative.pk)
        comment = ""
        if before is not None:
            comment = f"Forhåndsutfylt fra {before.round.label}."
            risks += [
                ReportRisk(
                    report=report,
                    description=r.description,
                    probability=r.probability,
                    consequence=r.consequence,
                    mitigation=r.mitigation,
                )
                for r in before.risks.all()
            ]
            next_deliveries += [
                ReportDelivery(
                    report=report,
                    delivery_id=d.delivery_id,
                    title=d.title,
                    planned_date=d.planned_date,
                    forecast_date=d.forecast_date,
                )
                for d in before.next_deliveries.all()
                if d.actual_date is None
            ]
        else:
            # A first report starts from the roadmap's own open deliveries.
            next_deliveries += [
                ReportDelivery(
                    report=report,
                    delivery=d,
                    title=d.title,
                    planned_date=d.planned_date,
                    forecast_date=d.forecast_date,
                )
                for d in initiative.open_deliveries
            ]
        events.append(
            ReportEvent(
                report=report, action=ReportEvent.Action.CREATED, actor=user, comment=comment
            )
        )
    ReportRisk.objects.bulk_create(risks)
    ReportDelivery.objects.bulk_create(next_deliveries)
    ReportEvent.objects.bulk_create(events)


def _organisations_by_name() -> Any:
    from retning.actors.models import Organisation

    return Organisation.objects.order_by("name", "pk")


# --- Filling in and submitting -------------------------------------------------------------


def _validate_rows(risks: Sequence[RiskRow], deliveries: Sequence[DeliveryRow]) -> None:
    for n, risk in enumerate(risks, start=1):
        if not risk.description.strip():
            raise ReportingError(f"Risiko {n} mangler beskrivelse.")
        for value, name in ((risk.probability, "sannsynlighet"), (risk.consequence, "konsekvens")):
            if not 1 <= int(value) <= 5:
                raise ReportingError(f"Risiko {n}: {name} må være fra 1 til 5.")
    for n, row in enumerate(deliveries, start=1):
        if not row.title.strip():
            raise ReportingError(f"Leveranse {n} mangler navn.")


def _validate_fields(fields: ReportFields) -> None:
    valid = set(Rating.values)
    for name in RATING_FIELDS:
        value = getattr(fields, name)
        if value and value not in valid:
            raise ReportingError(f"Ugyldig status: «{value}».")


def report_save(
    report: StatusReport,
    *,
    expected_version: int,
    user: Any,
    fields: ReportFields,
    risks: Sequence[RiskRow],
    deliveries: Sequence[DeliveryRow],
    today: date | None = None,
) -> StatusReport:
    """Save the owner's text, ratings, risks and next deliveries; the report becomes a draft.

    Raises ``StaleVersion`` (nothing written) when someone else saved after ``expected_version``.
    """
    _validate_fields(fields)
    _validate_rows(risks, deliveries)
    with transaction.atomic():
        fresh = _locked(report, expected_version)
        target = workflow_check(fresh, workflow.Step.SAVE, user, today)
        for name in (*RATING_FIELDS, *TEXT_FIELDS):
            setattr(fresh, name, (getattr(fields, name) or "").strip())
        fresh.state = target
        fresh.updated_by = user
        versioned_save(fresh, expected_version=expected_version, user=user, reason="Lagret")
        _replace_rows(fresh, risks, deliveries)
        ReportEvent.objects.create(report=fresh, action=ReportEvent.Action.SAVED, actor=user)
    return fresh


def _replace_rows(
    report: StatusReport, risks: Sequence[RiskRow], deliveries: Sequence[DeliveryRow]
) -> None:
    report.risks.all().delete()
    report.next_deliveries.all().delete()
    allowed = set(report.initiative.deliveries.values_list("pk", flat=True))
    ReportRisk.objects.bulk_create(
        ReportRisk(
            report=report,
            description=r.description.strip(),
            probability=int(r.probability),
            consequence=int(r.consequence),
            mitigation=r.mitigation.strip(),
        )
        for r in risks
    )
    ReportDelivery.objects.bulk_create(
        ReportDelivery(
            report=report,
            delivery_id=d.delivery_id if d.delivery_id in allowed else None,
            title=d.title.strip(),
            planned_date=d.planned_date,
            forecast_date=d.forecast_date,
            actual_date=d.actual_date,
        )
        for d in deliveries
    )


def report_save_and_submit(
    report: StatusReport,
    *,
    expected_version: int,
    user: Any,
    fields: ReportFields,
    risks: Sequence[RiskRow],
    deliveries: Sequence[DeliveryRow],
    today: date | None = None,
) -> StatusReport:
    """Save and submit in one step: either both happen or neither."""
    with transaction.atomic():
        saved = report_save(
            report,
            expected_version=expected_version,
            user=user,
            fields=fields,
            risks=risks,
            deliveries=deliveries,
            today=today,
        )
        return report_submit(saved, expected_version=saved.version, user=user, today=today)


def report_submit(
    report: StatusReport, *, expected_version: int, user: Any, today: date | None = None
) -> StatusReport:
    with transaction.atomic():
        fresh = _locked(report, expected_version)
        target = workflow_check(fresh, workflow.Step.SUBMIT, user, today)
        missing = workflow.missing_for_submit(
            {name: getattr(fresh, name) for name in (*RATING_FIELDS, *TEXT_FIELDS)}
        )
        if missing:
            labels = ", ".join(_field_label(name) for name in missing)
            raise ReportingError(f"Rapporten kan ikke sendes inn før dette er fylt ut: {labels}.")
        fresh.state = target
        fresh.submitted_at = timezone.now()
        fresh.updated_by = user
        versioned_save(fresh, expected_version=expected_version, user=user, reason="Sendt inn")
        ReportEvent.objects.create(report=fresh, action=ReportEvent.Action.SUBMITTED, actor=user)
    return fresh


# --- The secretariat's steps ---------------------------------------------------------------


def report_return(
    report: StatusReport, *, expected_version: int, user: Any, comment: str
) -> StatusReport:
    """Send the report back to the owner with a comment saying what to fix (required)."""
    comment = (comment or "").strip()
    if not comment:
        raise ReportingError("Skriv en kommentar som forteller eieren hva som må rettes.")
    with transaction.atomic():
        fresh = _locked(report, expected_version)
        fresh.state = workflow_check(fresh, workflow.Step.RETURN, user, None)
        fresh.updated_by = user
        versioned_save(fresh, expected_version=expected_version, user=user, reason="Returnert")
        ReportEvent.objects.create(
            report=fresh, action=ReportEvent.Action.RETURNED, actor=user, comment=comment
        )
    return fresh


def report_approve(
    report: StatusReport, *, expected_version: int, user: Any, comment: str = ""
) -> StatusReport:
    """Approve the report and carry its delivery forecasts into the roadmap.

    The forecast (and actual) dates of the next deliveries that point to a roadmap delivery are
    written to that delivery, and the dates of all the initiative's deliveries are kept as this
    round's snapshot, so slippage can be followed from round to round.
    """
    with transaction.atomic():
        fresh = _locked(report, expected_version)
        fresh.state = workflow_check(fresh, workflow.Step.APPROVE, user, None)
        fresh.updated_by = user
        versioned_save(fresh, expected_version=expected_version, user=user, reason="Godkjent")
        _apply_forecasts(fresh, user)
        ReportEvent.objects.create(
            report=fresh, action=ReportEvent.Action.APPROVED, actor=user, comment=comment.strip()
        )
    return fresh


def _apply_forecasts(report: StatusReport, user: Any) -> None:
    rows = [r for r in report.next_deliveries.all() if r.delivery_id is not None]
    deliveries = {
        d.pk: d for d in Delivery.objects.filter(initiative=report.initiative_id).order_by()
    }
    for row in rows:
        delivery = deliveries.get(row.delivery_id)  # type: ignore[arg-type]
        if delivery is None:
            continue
        changed = False
        if row.forecast_date and row.forecast_date != delivery.forecast_date:
            delivery.forecast_date = row.forecast_date
            changed = True
        if row.actual_date and row.actual_date != delivery.actual_date:
            delivery.actual_date = row.actual_date
            changed = True
        if changed:
            versioned_save(
                delivery,
                expected_version=delivery.version,
                user=user,
                reason=f"Prognose fra statusrapport {report.round.label}",
            )
    for delivery in deliveries.values():
        DeliverySnapshot.objects.update_or_create(
            round_id=report.round_id,
            delivery=delivery,
            defaults={
                "planned_date": delivery.planned_date,
                "forecast_date": delivery.forecast_date,
                "actual_date": delivery.actual_date,
            },
        )


def round_lock(
    round_: ReportingRound, *, user: Any, now: datetime | None = None, force: bool = False
) -> ReportingRound:
    """Lock the round after its grace period; from then on only the secretariat changes reports.

    ``force`` lets the secretariat lock earlier than the end of the grace period.
    """
    now = now or timezone.now()
    with transaction.atomic():
        fresh = ReportingRound.objects.select_for_update().order_by().get(pk=round_.pk)
        if fresh.locked_at is not None:
            raise ReportingError("Runden er allerede låst.")
        if not force and timezone.localdate(now) <= fresh.closes_on:
            raise ReportingError(
                f"Runden kan låses etter ettergivelsen, fra {fresh.closes_on:%d.%m.%Y} er omme."
            )
        fresh.locked_at = now
        versioned_save(fresh, expected_version=fresh.version, user=user, reason="Låst")
        ReportEvent.objects.bulk_create(
            ReportEvent(report_id=pk, action=ReportEvent.Action.LOCKED, actor=user)
            for pk in fresh.reports.values_list("pk", flat=True)
        )
    return fresh


def rounds_lock_due(now: datetime | None = None) -> list[ReportingRound]:
    """Lock every round whose grace period is over (the daily worker run calls this)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    locked = []
    for round_ in ReportingRound.objects.filter(locked_at__isnull=True):
        if today > round_.closes_on:
            locked.append(round_lock(round_, user=None, now=now))
    return locked


# --- Helpers -------------------------------------------------------------------------------


def _locked(report: StatusReport, expected_version: int) -> StatusReport:
    """The stored report, locked for this transaction; stale versions raise before any write."""
    fresh = (
        StatusReport.objects.select_for_update()
        .order_by()
        .select_related("round")
        .filter(pk=report.pk)
        .first()
    )
    if fresh is None:
        raise ReportingError("Rapporten finnes ikke lenger.")
    if fresh.version != expected_version:
        raise StaleVersion(StatusReport.objects.get(pk=report.pk))
    return fresh


def workflow_check(report: StatusReport, step: workflow.Step, user: Any, today: date | None) -> str:
    try:
        return workflow.check(
            report.state,
            step,
            secretariat=_is_secretariat(user),
            locked=round_is_locked(report.round, today),
        ).value
    except workflow.TransitionError as error:
        raise ReportingError(str(error)) from error


def _field_label(name: str) -> str:
    return str(getattr(StatusReport._meta.get_field(name), "verbose_name", name))
