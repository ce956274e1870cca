"""The annual status report on goal attainment: assembled from the data, rendered to HTML and PDF.

A generated report is stored (``AnnualReport``) with its HTML and PDF exactly as they were at
generation, so the copy attached to a council case does not change when the data does.
"""

import datetime
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from retning.council.models import PlanVersion
from retning.indicators.assessment import Status
from retning.indicators.models import Indicator
from retning.lib.files import write_atomically
from retning.publishing import chart_data
from retning.publishing import selectors as publishing_selectors
from retning.reporting.models import Rating, ReportingRound, StatusReport
from retning.roadmap.models import PHASE_LABELS
from retning.roadmap.phases import Phase
from retning.strategy.models import Goal, Strategy, SubGoal, Theme

from . import selectors
from .models import AnnualReport, annual_report_path

STYLESHEET = "alignment/annual_report.css"
LOG_ENTRIES_PER_THEME = 5
FONT_FAMILY = "DejaVu Sans"


@dataclass
class IndicatorSection:
    indicator: Any
    status: Status
    latest: Any
    final_target: Any
    chart: str


@dataclass
class PhaseRow:
    subgoal: SubGoal
    counts: list[int]
    tentative: int
    total: int


@dataclass
class GoalSection:
    goal: Goal
    indicators: list[IndicatorSection]
    status_counts: list[tuple[str, int]]
    phase_rows: list[PhaseRow]
    portfolio: list[tuple[str, int]] = field(default_factory=list)
    portfolio_unrated: int = 0


@dataclass
class PlanChangeLine:
    version: PlanVersion
    decisions: list[Any]


def _phase_headers() -> list[str]:
    return [str(PHASE_LABELS[phase]) for phase in Phase] + [_("Ukjent fase")]


def _phase_rows(subgoals: list[SubGoal]) -> dict[int, list[PhaseRow]]:
    phases = [phase.value for phase in Phase]
    counts: dict[int, Counter[int | None]] = defaultdict(Counter)
    tentative: Counter[int] = Counter()
    for subgoal_id, phase, status in selectors.active_initiatives().values_list(
        "subgoal_id", "phase_first", "planning_status"
    ):
        counts[subgoal_id][phase] += 1
        tentative[subgoal_id] += int(status == "tentative")
    rows: dict[int, list[PhaseRow]] = defaultdict(list)
    for subgoal in subgoals:
        row_counts = [counts[subgoal.pk][phase] for phase in phases] + [counts[subgoal.pk][None]]
        rows[subgoal.goal_id].append(
            PhaseRow(subgoal, row_counts, tentative[subgoal.pk], sum(row_counts))
        )
    return rows


def latest_round(year: int) -> ReportingRound | None:
    return ReportingRound.objects.filter(deadline__year=year).order_by("-deadline", "-pk").first()


def _portfolio(round_: ReportingRound | None) -> dict[int, Counter[str]]:
    by_goal: dict[int, Counter[str]] = defaultdict(Counter)
    if round_ is None:
        return by_goal
    for goal_id, overall in StatusReport.objects.filter(round=round_).values_list(
        "initiative__subgoal__goal_id", "overall"
    ):
        by_goal[goal_id][overall or ""] += 1
    return by_goal


def _plan_changes(year: int) -> list[PlanChangeLine]:
    versions = (
        PlanVersion.objects.filter(created_at__year=year, kind=PlanVersion.Kind.COUNCIL_DECISION)
        .select_related("meeting__body")
        .prefetch_related("decisions__case", "decisions__changes__content_type")
        .order_by("created_at", "pk")
    )
    return [PlanChangeLine(version, list(version.decisions.all())) for version in versions]


def assemble(year: int, *, lang: str = "nb") -> dict[str, Any]:
    """Everything the report shows for ``year``, as plain data for the template."""
    strategy = Strategy.current()
    today = timezone.localdate()
    as_of = min(today, datetime.date(year, 12, 31))
    goals = list(Goal.objects.filter(strategy=strategy).order_by("number"))
    subgoals = list(SubGoal.objects.filter(strategy=strategy).select_related("goal"))
    indicators = list(
        publishing_selectors.indicators_with_data(
            Indicator.objects.filter(goal__in=goals)
        ).order_by("goal__number", "code")
    )
    statuses = selectors.headline_statuses(indicators)
    phase_rows = _phase_rows(subgoals)
    round_ = latest_round(year)
    portfolio = _portfolio(round_)
    sections = []
    for goal in goals:
        items = []
        for indicator in (i for i in indicators if i.goal_id == goal.pk):
            observations = indicator.headline_observations  # type: ignore[attr-defined]
            targets = sorted(indicator.targets.all(), key=lambda t: t.period)
            items.append(
                IndicatorSection(
                    indicator=indicator,
                    status=statuses[indicator.pk],
                    latest=next((o for o in reversed(observations) if o.value is not None), None),
                    final_target=targets[-1] if targets else None,
                    chart=chart_data.indicator_chart_svg(
                        indicator,
                        observations,
                        targets,
                        today=as_of,
                        id_prefix=f"ar-{indicator.pk}",
                        lang=lang,
                    ),
                )
            )
        counts = Counter(section.status for section in items)
        ratings = portfolio[goal.pk]
        sections.append(
            GoalSection(
                goal=goal,
                indicators=items,
                status_counts=[
                    (status.label_nb, counts[status])
                    for status in selectors.indicator_selectors.STATUS_ORDER
                    if counts[status]
                ],
                phase_rows=phase_rows[goal.pk],
                portfolio=[(str(label), ratings[value]) for value, label in Rating.choices],
                portfolio_unrated=ratings[""],
            )
        )
    themes = []
    for theme in Theme.objects.order_by("name"):
        entries = list(
            theme.log_entries.filter(date__lte=datetime.date(year, 12, 31))  # type: ignore[attr-defined]
            .select_related("author")
            .order_by("-date", "-pk")[:LOG_ENTRIES_PER_THEME]
        )
        themes.append(
            {
                "theme": theme,
                "subgoals": theme.subgoals.count(),  # type: ignore[attr-defined]
                "indicators": theme.indicators.count(),  # type: ignore[attr-defined]
                "initiatives": selectors.active_initiatives().filter(themes=theme).count(),
                "log": entries,
            }
        )
    matrix = selectors.alignment_matrix()
    return {
        "year": year,
        "strategy": strategy,
        "as_of": as_of,
        "goals": sections,
        "phase_headers": _phase_headers(),
        "round": round_,
        "themes": themes,
        "matrix": matrix,
        "organisation_scores": list(
            zip(matrix.organisations, matrix.organisation_scores, strict=True)
        ),
        "gaps": selectors.gap_analysis(),
        "plan_changes": _plan_changes(year),
    }


def render_html(context: dict[str, Any], *, generated_at: datetime.datetime | None = None) -> str:
    """The report's content as an HTML fragment: what the stored copy shows and the PDF holds."""
    return render_to_string(
        "alignment/partials/annual_report_body.html",
        {**context, "generated_at": generated_at or timezone.now()},
    )


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> Any:
    """WeasyPrint may not load anything from outside: the report is self-contained."""
    raise ValueError(f"Ekstern ressurs er ikke tillatt i rapporten: {url[:80]}")


def render_pdf(html: str, *, year: int) -> bytes:
    """Tagged PDF (PDF/UA-1) in DejaVu Sans, with the report's own stylesheet only."""
    from weasyprint import CSS, HTML

    css_path = finders.find(STYLESHEET)
    if not css_path:
        raise FileNotFoundError(STYLESHEET)
    stylesheets = [
        CSS(filename=str(css_path)),
        CSS(string=f"body {{ font-family: '{FONT_FAMILY}', sans-serif; }}"),
    ]
    page = render_to_string("alignment/annual_report_document.html", {"body": html, "year": year})
    document = HTML(string=page, url_fetcher=_no_fetching, base_url=str(Path(css_path).parent))
    pdf: bytes = document.write_pdf(stylesheets=stylesheets, pdf_variant="pdf/ua-1", pdf_tags=True)
    return pdf


def _store_atomically(name: str, data: bytes) -> str:
    """Write the file under MEDIA_ROOT in full or not at all: a temporary file, then a rename."""
    name = default_storage.get_available_name(name)
    path = Path(default_storage.path(name))
    write_atomically(path, data)
    return name


def generate(*, year: int, user: Any) -> AnnualReport:
    """Build, render and store the report, frozen as of now.

    The PDF is written completely before the row is saved; if saving the row fails, the file is
    removed again, so there is never a row without its file.
    """
    generated_at = timezone.now()
    html = render_html(assemble(year), generated_at=generated_at)
    pdf = render_pdf(html, year=year)
    digest = hashlib.sha256(pdf).hexdigest()
    report = AnnualReport(
        year=year, generated_at=generated_at, generated_by=user, html=html, sha256=digest
    )
    filename = f"arsrapport-{year}-{generated_at:%Y%m%dT%H%M%S}-{digest[:12]}.pdf"
    name = _store_atomically(annual_report_path(report, filename), pdf)
    report.pdf.name = name
    try:
        with transaction.atomic():
            report.save()
    except Exception:
        default_storage.delete(name)
        raise
    return report
