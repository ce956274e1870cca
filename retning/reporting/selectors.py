"""Read-only questions about rounds and reports, each answered in a fixed number of queries."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from retning.roadmap.models import Delivery

from . import expected as expected_mod
from .models import ReportEvent, ReportingRound, StatusReport
from .services import round_is_locked

OPEN = (StatusReport.State.PENDING, StatusReport.State.DRAFT, StatusReport.State.RETURNED)


def open_rounds(today: date | None = None) -> list[ReportingRound]:
    """Rounds that have opened and are not locked (reporters can still work in them)."""
    today = today or timezone.localdate()
    rounds = ReportingRound.objects.filter(opens_on__lte=today, locked_at__isnull=True)
    return [r for r in rounds if not round_is_locked(r, today)]


def _report_rows() -> QuerySet[StatusReport]:
    return StatusReport.objects.select_related(
        "round", "initiative", "initiative__subgoal", "initiative__subgoal__goal", "organisation"
    ).prefetch_related(
        Prefetch("initiative__deliveries", queryset=Delivery.objects.order_by("planned_date"))
    )


def todo_for(user: Any, today: date | None = None) -> list[StatusReport]:
    """The reports in open rounds of the organisations the user reports for."""
    rounds = open_rounds(today)
    if not rounds or not getattr(user, "is_authenticated", False):
        return []
    reports = _report_rows().filter(round__in=rounds, organisation__in=user.reporter_for.all())
    return list(
        reports.order_by("round__deadline", "organisation__name", "initiative__external_id")
    )


def round_reports(round_: ReportingRound) -> QuerySet[StatusReport]:
    """Every report of a round with what a listing needs: initiative, goal, owner, risks, deliveries.

    For the portfolio report and exports: iterate it once, no further queries per report.
    """
    return (
        _report_rows()
        .filter(round=round_)
        .prefetch_related("risks", "next_deliveries")
        .order_by("initiative__subgoal__goal__number", "initiative__external_id")
    )


# --- Expected by date ----------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedView:
    result: expected_mod.Expected
    reason: str
    disagrees: bool

    @property
    def label(self) -> str:
        return {
            expected_mod.Position.AHEAD: _("Foran planen"),
            expected_mod.Position.ON_PLAN: _("Følger planen"),
            expected_mod.Position.BEHIND: _("Bak planen"),
            expected_mod.Position.UNKNOWN: _("Kan ikke beregnes"),
        }[self.result.position]

    @property
    def color(self) -> str:
        return rating_color(self.result.rating.value if self.result.rating else "")


def rating_color(rating: str) -> str:
    return {"green": "success", "yellow": "warning", "red": "danger"}.get(rating, "neutral")


def describe(result: expected_mod.Expected) -> str:
    """The reasons behind a computed position, in words."""
    if result.position is expected_mod.Position.UNKNOWN:
        return _("Initiativet har ingen leveranser med planlagt dato.")
    parts = [
        ngettext(
            "%(n)d av %(total)d leveranser er planlagt til i dag eller tidligere",
            "%(n)d av %(total)d leveranser er planlagt til i dag eller tidligere",
            result.counted,
        )
        % {"n": result.due, "total": result.counted}
    ]
    if result.overdue:
        parts.append(
            ngettext(
                "%(n)d er ikke levert ennå",
                "%(n)d er ikke levert ennå",
                result.overdue,
            )
            % {"n": result.overdue}
        )
    if result.late:
        parts.append(
            _("%(pct)d %% er forsinket, den mest forsinkede med %(days)d dager")
            % {"pct": round(result.late_share * 100), "days": result.days_behind}
        )
    elif result.days_ahead:
        parts.append(_("inntil %(days)d dager foran planen") % {"days": result.days_ahead})
    return "; ".join(parts) + "."


def expected_for(report: StatusReport, today: date | None = None) -> ExpectedView:
    """Computed position of the report's initiative today; uses prefetched deliveries if any."""
    today = today or timezone.localdate()
    deliveries: Iterable[Delivery] = report.initiative.deliveries.all()
    result = expected_mod.expected_status(
        (
            expected_mod.PlannedDelivery(d.planned_date, d.forecast_date, d.actual_date)
            for d in deliveries
        ),
        today,
    )
    return ExpectedView(
        result=result,
        reason=describe(result),
        disagrees=expected_mod.disagrees_strongly(report.overall, result),
    )


# --- Round overview ------------------------------------------------------------------------


@dataclass
class Counts:
    label: str
    total: int = 0
    submitted: int = 0
    approved: int = 0
    returned: int = 0
    missing: int = 0
    late: int = 0


@dataclass
class Overview:
    round: ReportingRound
    totals: Counts
    by_organisation: list[Counts]
    by_goal: list[Counts]
    rows: list[tuple[StatusReport, ExpectedView]] = field(default_factory=list)
    locked: bool = False


def _count_kwargs(round_: ReportingRound, today: date) -> dict[str, Any]:
    late_submission = Q(submitted_at__date__gt=round_.deadline)
    unsubmitted = Q(state__in=OPEN)
    late = late_submission if today <= round_.deadline else late_submission | unsubmitted
    return {
        "total": Count("pk"),
        "submitted": Count("pk", filter=Q(state=StatusReport.State.SUBMITTED)),
        "approved": Count("pk", filter=Q(state=StatusReport.State.APPROVED)),
        "returned": Count("pk", filter=Q(state=StatusReport.State.RETURNED)),
        "missing": Count("pk", filter=unsubmitted),
        "late": Count("pk", filter=late),
    }


def round_overview(round_: ReportingRound, today: date | None = None) -> Overview:
    today = today or timezone.localdate()
    base = StatusReport.objects.filter(round=round_).order_by()
    kwargs = _count_kwargs(round_, today)
    totals = Counts(_("Alle"), **base.aggregate(**kwargs))
    names = ("total", "submitted", "approved", "returned", "missing", "late")

    def counts(label: str, row: Mapping[str, Any]) -> Counts:
        return Counts(label, *(int(row[name]) for name in names))

    by_org = [
        counts(row["organisation__name"] or _("Uten eier"), row)
        for row in base.values("organisation__name")
        .annotate(**kwargs)
        .order_by("organisation__name")
    ]
    by_goal = [
        counts(
            f"{row['initiative__subgoal__goal__number']}. {row['initiative__subgoal__goal__title']}",
            row,
        )
        for row in base.values(
            "initiative__subgoal__goal__number", "initiative__subgoal__goal__title"
        )
        .annotate(**kwargs)
        .order_by("initiative__subgoal__goal__number")
    ]
    rows = [(r, expected_for(r, today)) for r in round_reports(round_)]
    return Overview(
        round=round_,
        totals=totals,
        by_organisation=by_org,
        by_goal=by_goal,
        rows=rows,
        locked=round_is_locked(round_, today),
    )


# --- History and trend of one initiative ---------------------------------------------------


def initiative_trend(initiative_id: int) -> list[StatusReport]:
    """The initiative's reports over rounds, oldest first."""
    return list(
        StatusReport.objects.filter(initiative_id=initiative_id)
        .select_related("round")
        .order_by("round__deadline", "round_id")
    )


def return_comment(report: StatusReport) -> str:
    """The secretariat's latest comment when the report is back with the owner."""
    if report.state != StatusReport.State.RETURNED:
        return ""
    event = report.events.filter(action=ReportEvent.Action.RETURNED).order_by("-at", "-pk").first()
    return event.comment if event else ""
