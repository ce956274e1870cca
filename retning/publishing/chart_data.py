"""Turns model instances into the plain inputs of the SVG chart module."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from retning.indicators.models import Indicator, Observation, Target
from retning.indicators.periods import parse_period
from retning.roadmap.models import PHASE_LABELS, Initiative
from retning.roadmap.phases import Phase

from . import charts


def _lang() -> str:
    return get_language() or "nb"


def chart_labels() -> Mapping[str, str]:
    """The chart module's own words in the active language (it carries both label sets)."""
    return charts.ENGLISH_LABELS if _lang().startswith("en") else charts.DEFAULT_LABELS


def _year_fraction(day: date) -> float:
    return day.year + (day.timetuple().tm_yday - 1) / 365.25


def target_chart_points(targets: Iterable[Target], lang: str) -> list[charts.TargetPoint]:
    """Targets placed on the charts' time axis, example targets marked as such."""
    points = []
    for target in targets:
        period = parse_period(target.period)
        points.append(
            charts.TargetPoint(
                x=period.midpoint_year,
                value=float(target.value),
                label=period.label(lang),
                example=target.is_example,
            )
        )
    return points


def indicator_chart_svg(
    indicator: Indicator,
    observations: Sequence[Observation],
    targets: Iterable[Target],
    *,
    today: date,
    id_prefix: str,
    lang: str,
    compact: bool = False,
) -> str:
    points = []
    for observation in observations:
        period = parse_period(observation.period)
        points.append(
            charts.ChartPoint(
                x=period.midpoint_year,
                value=float(observation.value) if observation.value is not None else None,
                label=period.label(lang),
            )
        )
    baseline = None
    if indicator.baseline_period and indicator.baseline_value is not None:
        period = parse_period(indicator.baseline_period)
        baseline = charts.ChartPoint(
            x=period.midpoint_year, value=float(indicator.baseline_value), label=period.label(lang)
        )
    target_points = target_chart_points(targets, lang)
    data = charts.IndicatorChartData(
        title=(lang.startswith("en") and indicator.name_en) or indicator.name,
        unit=indicator.unit_label or indicator.unit,
        decimals=indicator.decimals,
        points=points,
        baseline=baseline,
        targets=target_points,
        today_x=_year_fraction(today),
        show_trajectory=baseline is not None and bool(target_points),
    )
    draw = charts.indicator_sparkline if compact else charts.indicator_chart
    return draw(data, id_prefix=id_prefix, labels=chart_labels(), lang=lang)


def phase_bar_svg(rows: Sequence[tuple[int | None, int]], *, id_prefix: str, title: str) -> str:
    labelled = [
        (str(PHASE_LABELS[Phase(phase)]) if phase else _("Ukjent fase"), count)
        for phase, count in rows
    ]
    return charts.phase_distribution_bar(
        labelled,
        id_prefix=id_prefix,
        title=title,
        labels=chart_labels(),
        lang=_lang(),
        phases=[phase for phase, _count in rows],
    )


def timeline_svg(
    initiatives: Iterable[Initiative], *, today: date, id_prefix: str, lane_of: str = "grouping"
) -> str:
    items = []
    for initiative in initiatives:
        if lane_of == "subgoal":
            lane = f"{initiative.subgoal.code} {initiative.subgoal.title}"
        else:
            lane = initiative.grouping.title if initiative.grouping else _("Uten gruppering")
        items.append(
            charts.TimelineItem(
                title=initiative.title,
                href=initiative.get_absolute_url(),
                phase_index=initiative.phase_first,
                phase_last_index=initiative.phase_last,
                start=initiative.start_date,
                end=initiative.end_date,
                tentative=initiative.is_tentative,
                lane=lane,
                milestones=[],
            )
        )
    data = charts.TimelineData(items=items, start_year=2023, end_year=2031, today=today)
    return charts.roadmap_timeline(data, id_prefix=id_prefix, labels=chart_labels(), lang=_lang())
