"""The portfolio report of a reporting round: what the council reads before it discusses course changes.

``portfolio_report(round)`` gathers everything in a fixed number of queries (independent of the
number of initiatives) and returns plain dataclasses that the HTML page and the PDF render alike:

* the distribution of the round's initiatives by main goal (with a server-side SVG chart),
* a status summary (green / yellow / red / not reported) by main goal and by owner organisation,
* changes since the previous round: new initiatives, initiatives no longer in the round, changed
  overall status, and deliveries whose forecast slipped,
* the risks with the highest score (probability × consequence), and
* the decisions the owners ask the council for.

Only reports that are submitted or approved count as reported: a draft or a returned report is not
the owner's statement yet. The previous round is the one with the latest deadline before this one.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retning.publishing.charts import count_bars

from . import portfolio_rules  # noqa: F401  (registers the permissions)
from .models import (
    DeliverySnapshot,
    Rating,
    ReportDelivery,
    ReportingRound,
    ReportRisk,
    StatusReport,
)

REPORTED_STATES = (StatusReport.State.SUBMITTED, StatusReport.State.APPROVED)
TOP_RISKS = 15
NOT_REPORTED = "missing"

SHORT_RATING_LABELS = {
    Rating.GREEN.value: gettext_lazy("Grønn"),
    Rating.YELLOW.value: gettext_lazy("Gul"),
    Rating.RED.value: gettext_lazy("Rød"),
    NOT_REPORTED: gettext_lazy("Ikke rapportert"),
}
_RATING_ORDER = {Rating.GREEN.value: 0, Rating.YELLOW.value: 1, Rating.RED.value: 2}


def rating_label(value: str) -> str:
    return str(SHORT_RATING_LABELS.get(value or NOT_REPORTED, SHORT_RATING_LABELS[NOT_REPORTED]))


@dataclass
class StatusCounts:
    green: int = 0
    yellow: int = 0
    red: int = 0
    missing: int = 0

    def add(self, overall: str) -> None:
        key = overall if overall in _RATING_ORDER else NOT_REPORTED
        setattr(self, key, getattr(self, key) + 1)

    @property
    def total(self) -> int:
        return self.green + self.yellow + self.red + self.missing


@dataclass
class SummaryRow:
    label: str
    counts: StatusCounts = field(default_factory=StatusCounts)


@dataclass(frozen=True)
class InitiativeStatus:
    report_id: int
    external_id: str
    title: str
    organisation: str
    state: str
    state_label: str
    reported: bool
    overall: str
    schedule: str
    cost: str
    scope: str
    benefits: str

    @property
    def overall_label(self) -> str:
        return self.label_of("overall")

    def label_of(self, aspect: str) -> str:
        """The rating's short name; "–" when a reported report leaves it open."""
        if not self.reported:
            return rating_label("") if aspect == "overall" else "–"
        value = getattr(self, aspect)
        return rating_label(value) if value else "–"

    @property
    def aspect_labels(self) -> list[str]:
        return [self.label_of(a) for a in ("schedule", "cost", "scope", "benefits")]


@dataclass
class GoalSection:
    number: int | None
    heading: str
    initiatives: list[InitiativeStatus] = field(default_factory=list)
    counts: StatusCounts = field(default_factory=StatusCounts)


@dataclass(frozen=True)
class InitiativeRef:
    external_id: str
    title: str
    organisation: str


@dataclass(frozen=True)
class StatusChange:
    external_id: str
    title: str
    organisation: str
    before: str
    after: str

    @property
    def before_label(self) -> str:
        return rating_label(self.before)

    @property
    def after_label(self) -> str:
        return rating_label(self.after)

    @property
    def worse(self) -> bool:
        return _RATING_ORDER[self.after] > _RATING_ORDER[self.before]


@dataclass(frozen=True)
class SlippedDelivery:
    initiative: str
    organisation: str
    delivery: str
    planned: date | None
    previous: date | None
    forecast: date
    # Days the forecast moved since the previous round (None: no earlier forecast known).
    days_since_previous: int | None
    # Days the forecast lies after the planned date (None: no planned date).
    days_after_plan: int | None


@dataclass(frozen=True)
class RiskItem:
    initiative: str
    organisation: str
    description: str
    probability: int
    consequence: int
    score: int
    mitigation: str


@dataclass(frozen=True)
class DecisionRequest:
    external_id: str
    title: str
    organisation: str
    text: str
    state_label: str


@dataclass
class PortfolioReport:
    round: ReportingRound
    previous_round: ReportingRound | None
    generated_on: date
    goals: list[GoalSection]
    by_owner: list[SummaryRow]
    totals: StatusCounts
    new: list[InitiativeRef]
    finished: list[InitiativeRef]
    status_changed: list[StatusChange]
    slipped: list[SlippedDelivery]
    risks: list[RiskItem]
    decisions: list[DecisionRequest]
    distribution_svg: str = ""

    @property
    def initiative_count(self) -> int:
        return self.totals.total

    @property
    def reported_count(self) -> int:
        return self.totals.total - self.totals.missing


def previous_round(reporting_round: ReportingRound) -> ReportingRound | None:
    """The round with the latest deadline before this one's (ties: the one created earlier)."""
    return (
        ReportingRound.objects.filter(deadline__lt=reporting_round.deadline)
        .order_by("-deadline", "-id")
        .first()
    )


def _org_name(report: StatusReport) -> str:
    organisation = report.organisation
    if organisation is None:
        return _("Uten rapporterende aktør")
    return organisation.short_name or organisation.name


def _round_reports(reporting_round: ReportingRound) -> list[StatusReport]:
    return list(
        StatusReport.objects.filter(round=reporting_round)
        .select_related("initiative__subgoal__goal", "organisation")
        .only(
            "id",
            "state",
            "overall",
            "schedule",
            "cost",
            "scope",
            "benefits",
            "decisions_needed",
            "initiative_id",
            "initiative__external_id",
            "initiative__title",
            "initiative__subgoal__goal__number",
            "initiative__subgoal__goal__title",
            "organisation__name",
            "organisation__short_name",
        )
        .order_by("initiative__external_id")
    )


def _goal_key(report: StatusReport) -> tuple[int | None, str]:
    goal = report.initiative.subgoal.goal if report.initiative.subgoal_id else None
    if goal is None:
        return None, _("Uten hovedmål")
    return goal.number, _("Mål %(number)s: %(title)s") % {
        "number": goal.number,
        "title": goal.title,
    }


def _status(report: StatusReport) -> InitiativeStatus:
    reported = report.state in REPORTED_STATES
    return InitiativeStatus(
        report_id=report.pk,
        external_id=report.initiative.external_id,
        title=report.initiative.title,
        organisation=_org_name(report),
        state=report.state,
        state_label=str(StatusReport.State(report.state).label),
        reported=reported,
        overall=report.overall,
        schedule=report.schedule,
        cost=report.cost,
        scope=report.scope,
        benefits=report.benefits,
    )


def _reported_overall(report: StatusReport) -> str:
    return report.overall if report.state in REPORTED_STATES and report.overall else ""


def _goal_sections(reports: Iterable[StatusReport]) -> list[GoalSection]:
    sections: dict[tuple[int | None, str], GoalSection] = {}
    for report in reports:
        key = _goal_key(report)
        section = sections.get(key)
        if section is None:
            section = sections[key] = GoalSection(number=key[0], heading=key[1])
        section.initiatives.append(_status(report))
        section.counts.add(_reported_overall(report))
    # Goals in their own order; initiatives without a goal last.
    return sorted(sections.values(), key=lambda s: (s.number is None, s.number or 0))


def _owner_rows(reports: Iterable[StatusReport]) -> list[SummaryRow]:
    rows: dict[str, SummaryRow] = {}
    for report in reports:
        name = _org_name(report)
        rows.setdefault(name, SummaryRow(label=name)).counts.add(_reported_overall(report))
    return sorted(rows.values(), key=lambda r: (-r.counts.total, r.label.casefold()))


def _ref(report: StatusReport) -> InitiativeRef:
    return InitiativeRef(report.initiative.external_id, report.initiative.title, _org_name(report))


def _slipped_deliveries(
    reporting_round: ReportingRound, before: ReportingRound | None
) -> list[SlippedDelivery]:
    current = list(
        ReportDelivery.objects.filter(
            report__round=reporting_round,
            report__state__in=REPORTED_STATES,
            forecast_date__isnull=False,
            actual_date__isnull=True,
        ).select_related("report__initiative", "report__organisation")
    )
    earlier_by_delivery: dict[int, date] = {}
    earlier_by_title: dict[tuple[int, str], date] = {}
    if before is not None:
        # What the previous round's reports said, then what stood at its end (which wins).
        for entry in ReportDelivery.objects.filter(
            report__round=before, report__state__in=REPORTED_STATES
        ).select_related("report"):
            when = entry.forecast_date or entry.planned_date
            if when is None:
                continue
            if entry.delivery_id is not None:
                earlier_by_delivery[entry.delivery_id] = when
            earlier_by_title[(entry.report.initiative_id, entry.title.strip().casefold())] = when
        for snapshot in DeliverySnapshot.objects.filter(round=before):
            when = snapshot.forecast_date or snapshot.planned_date
            if when is not None:
                earlier_by_delivery[snapshot.delivery_id] = when

    slipped: list[SlippedDelivery] = []
    for entry in current:
        forecast = entry.forecast_date
        assert forecast is not None
        previous = None
        if entry.delivery_id is not None:
            previous = earlier_by_delivery.get(entry.delivery_id)
        if previous is None:
            previous = earlier_by_title.get(
                (entry.report.initiative_id, entry.title.strip().casefold())
            )
        after_plan = (forecast - entry.planned_date).days if entry.planned_date else None
        since = (forecast - previous).days if previous is not None else None
        # Slipped since the previous round; with no earlier forecast, slipped against the plan.
        if (since is not None and since > 0) or (since is None and (after_plan or 0) > 0):
            slipped.append(
                SlippedDelivery(
                    initiative=entry.report.initiative.title,
                    organisation=_org_name(entry.report),
                    delivery=entry.title,
                    planned=entry.planned_date,
                    previous=previous,
                    forecast=forecast,
                    days_since_previous=since,
                    days_after_plan=after_plan,
                )
            )
    slipped.sort(
        key=lambda s: (-(s.days_since_previous or s.days_after_plan or 0), s.initiative, s.delivery)
    )
    return slipped


def _top_risks(reporting_round: ReportingRound, limit: int) -> list[RiskItem]:
    risks = (
        ReportRisk.objects.filter(report__round=reporting_round, report__state__in=REPORTED_STATES)
        .annotate(rank=F("probability") * F("consequence"))
        .select_related("report__initiative", "report__organisation")
        .order_by("-rank", "-consequence", "report__initiative__external_id", "id")[:limit]
    )
    return [
        RiskItem(
            initiative=risk.report.initiative.title,
            organisation=_org_name(risk.report),
            description=risk.description,
            probability=risk.probability,
            consequence=risk.consequence,
            score=risk.score,
            mitigation=risk.mitigation,
        )
        for risk in risks
    ]


def portfolio_report(
    reporting_round: ReportingRound, *, today: date | None = None, chart: bool = True
) -> PortfolioReport:
    """Everything the portfolio report of ``reporting_round`` shows."""
    reports = _round_reports(reporting_round)
    before = previous_round(reporting_round)
    earlier = _round_reports(before) if before is not None else []

    goals = _goal_sections(reports)
    totals = StatusCounts()
    for report in reports:
        totals.add(_reported_overall(report))

    new: list[InitiativeRef] = []
    finished: list[InitiativeRef] = []
    changed: list[StatusChange] = []
    if before is not None:
        earlier_by_initiative = {r.initiative_id: r for r in earlier}
        current_ids = {r.initiative_id for r in reports}
        for report in reports:
            old = earlier_by_initiative.get(report.initiative_id)
            if old is None:
                new.append(_ref(report))
                continue
            was, now = _reported_overall(old), _reported_overall(report)
            if was and now and was != now:
                changed.append(
                    StatusChange(
                        report.initiative.external_id,
                        report.initiative.title,
                        _org_name(report),
                        was,
                        now,
                    )
                )
        finished = [_ref(r) for r in earlier if r.initiative_id not in current_ids]
        changed.sort(key=lambda c: (not c.worse, c.title))

    decisions = [
        DecisionRequest(
            external_id=r.initiative.external_id,
            title=r.initiative.title,
            organisation=_org_name(r),
            text=r.decisions_needed.strip(),
            state_label=str(StatusReport.State(r.state).label),
        )
        for r in reports
        if r.state in REPORTED_STATES and r.decisions_needed.strip()
    ]

    result = PortfolioReport(
        round=reporting_round,
        previous_round=before,
        generated_on=today or timezone.localdate(),
        goals=goals,
        by_owner=_owner_rows(reports),
        totals=totals,
        new=new,
        finished=finished,
        status_changed=changed,
        slipped=_slipped_deliveries(reporting_round, before),
        risks=_top_risks(reporting_round, TOP_RISKS),
        decisions=decisions,
    )
    if chart:
        result.distribution_svg = distribution_chart(result)
    return result


def distribution_chart(report: PortfolioReport, id_prefix: str = "fordeling") -> str:
    """The initiatives of the round per main goal, as the site's server-side SVG."""
    return count_bars(
        [(section.heading, len(section.initiatives)) for section in report.goals],
        id_prefix=id_prefix,
        title=_("Initiativer i runden %(round)s fordelt på hovedmål")
        % {"round": report.round.label},
        labels={
            "desc_counts": _("{title}. I alt: {total}. {parts}."),
            "no_items": _("Ingen initiativer i runden"),
        },
    )
