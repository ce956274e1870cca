"""A Gantt-like timeline of initiatives with their delivery milestones, as server-side SVG.

The drawing itself is the roadmap timeline of :mod:`retning.publishing.charts` (phase colours with
textures, dashed tentative bars, today's line, milestone shapes, a legend). This module turns plain
rows into its input: it places each delivery's milestone at its best known date, writes a label
that states the planned, forecast and actual dates and the slippage, and picks a year range that
covers the data.

This module imports nothing from Django.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from retning.roadmap.schedule import expected_date, slippage_days

from . import charts

__all__ = [
    "DEFAULT_LABELS",
    "ENGLISH_LABELS",
    "GanttDelivery",
    "GanttRow",
    "gantt_svg",
    "milestone_of",
    "year_span",
]

DEFAULT_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "planned_on": "planlagt {date}",
        "forecast_on": "prognose {date}",
        "actual_on": "levert {date}",
        "late": "{days} dager senere enn planlagt",
        "early": "{days} dager tidligere enn planlagt",
        "on_time": "som planlagt",
    }
)
ENGLISH_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "planned_on": "planned {date}",
        "forecast_on": "forecast {date}",
        "actual_on": "delivered {date}",
        "late": "{days} days later than planned",
        "early": "{days} days earlier than planned",
        "on_time": "as planned",
    }
)


@dataclass(frozen=True)
class GanttDelivery:
    title: str
    kind: str  # "available", "provisional" or "completed"
    planned: date | None
    forecast: date | None = None
    actual: date | None = None


@dataclass(frozen=True)
class GanttRow:
    title: str
    href: str | None
    phase_first: int | None
    phase_last: int | None
    start: date | None
    end: date | None
    tentative: bool = False
    lane: str = ""
    deliveries: Sequence[GanttDelivery] = ()


def _format(day: date, lang: str) -> str:
    return day.isoformat() if lang.lower().startswith("en") else day.strftime("%d.%m.%Y")


def milestone_of(
    delivery: GanttDelivery, *, labels: Mapping[str, str] | None = None, lang: str = "nb"
) -> charts.Milestone | None:
    """The delivery's milestone at its best known date, with every date spelled out in the label.

    ``None`` for a delivery with no date at all or an unknown kind.
    """
    words = {**DEFAULT_LABELS, **(labels or {})}
    when = expected_date(delivery.planned, delivery.forecast, delivery.actual)
    if when is None or delivery.kind not in ("available", "provisional", "completed"):
        return None
    parts = []
    for key, day in (
        ("planned_on", delivery.planned),
        ("forecast_on", delivery.forecast),
        ("actual_on", delivery.actual),
    ):
        if day is not None:
            parts.append(words[key].replace("{date}", _format(day, lang)))
    days = slippage_days(delivery.planned, delivery.forecast, delivery.actual)
    if days is not None:
        key = "late" if days > 0 else "early" if days < 0 else "on_time"
        parts.append(words[key].replace("{days}", str(abs(days))))
    label = delivery.title + (f" ({', '.join(parts)})" if parts else "")
    return charts.Milestone(when=when, kind=delivery.kind, label=label)  # type: ignore[arg-type]


def year_span(
    rows: Sequence[GanttRow], *, default: tuple[int, int] = (2023, 2031), today: date | None = None
) -> tuple[int, int]:
    """The strategy period, widened to every start, end and milestone date in the rows."""
    years = [y for y in default]
    for row in rows:
        years += [d.year for d in (row.start, row.end) if d is not None]
        for delivery in row.deliveries:
            when = expected_date(delivery.planned, delivery.forecast, delivery.actual)
            if when is not None:
                years.append(when.year)
    if today is not None:
        years.append(today.year)
    return min(years), max(years)


def gantt_svg(
    rows: Sequence[GanttRow],
    *,
    today: date | None,
    id_prefix: str,
    title: str,
    chart_labels: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    lang: str = "nb",
) -> str:
    """The timeline chart for ``rows``; ``chart_labels`` are the chart module's own words."""
    items = [
        charts.TimelineItem(
            title=row.title,
            href=row.href,
            phase_index=row.phase_first,
            phase_last_index=row.phase_last,
            start=row.start,
            end=row.end,
            tentative=row.tentative,
            lane=row.lane,
            milestones=[
                m
                for m in (milestone_of(d, labels=labels, lang=lang) for d in row.deliveries)
                if m is not None
            ],
        )
        for row in rows
    ]
    start_year, end_year = year_span(rows, today=today)
    data = charts.TimelineData(items=items, start_year=start_year, end_year=end_year, today=today)
    return charts.roadmap_timeline(
        data, id_prefix=id_prefix, labels=chart_labels, lang=lang, title=title
    )
