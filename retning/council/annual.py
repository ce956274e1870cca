"""The annual cycle (årshjul): what happens in the council model month by month in one year."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import DatabaseError
from django.urls import reverse

from .models import Meeting

MONTHS = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
]


@dataclass(frozen=True)
class CycleEvent:
    date: datetime.date | None  # None: sometime in the month (a planned, undated item)
    kind: str
    title: str
    url: str = ""
    body: str = ""


@dataclass
class CycleMonth:
    number: int
    name: str
    events: list[CycleEvent] = field(default_factory=list)


def _optional_rows(label: str, **filters: Any) -> list[Any]:
    # Other apps' tables are read only if they exist, so the wheel works in any installation.
    try:
        model = apps.get_model(label)
    except LookupError:
        return []
    try:
        return list(model._default_manager.filter(**filters))
    except DatabaseError:
        return []


def annual_cycle(year: int) -> list[CycleMonth]:
    months = [CycleMonth(n, MONTHS[n - 1]) for n in range(1, 13)]

    def add(month: int, event: CycleEvent) -> None:
        months[month - 1].events.append(event)

    for meeting in Meeting.objects.filter(year=year).select_related("body").order_by("date"):
        add(
            meeting.date.month,
            CycleEvent(
                meeting.date,
                "meeting",
                f"{meeting.body.short_name} {meeting.label}",
                reverse("council:meeting_detail", args=[meeting.pk]),
                meeting.body.short_name,
            ),
        )
    for round_ in _optional_rows("reporting.ReportingRound", deadline__year=year):
        add(
            round_.deadline.month,
            CycleEvent(
                round_.deadline, "reporting", f"Frist for rapporteringsrunde {round_.label}"
            ),
        )
    # The status report on goal attainment for the year before is due in the first quarter.
    add(
        3,
        CycleEvent(
            None,
            "annual_report",
            f"Årlig statusrapport om måloppnåelse for {year - 1} (første kvartal)",
        ),
    )
    for report in _optional_rows("alignment.AnnualReport", generated_at__year=year):
        add(
            report.generated_at.month,
            CycleEvent(
                report.generated_at.date(),
                "annual_report",
                f"Statusrapport for {report.year} laget",
            ),
        )
    for version in _optional_rows("roadmap.RoadmapVersion", imported_at__year=year):
        add(
            version.imported_at.month,
            CycleEvent(
                version.imported_at.date(), "roadmap", f"Veikartet oppdatert ({version.label})"
            ),
        )
    for month in months:
        month.events.sort(key=lambda e: (e.date or datetime.date(year, month.number, 28), e.title))
    return months
