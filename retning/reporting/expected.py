"""Where an initiative should be by today, judged from its planned deliveries alone.

Pure Python, no Django. The owner's own traffic light is one view; this is the other: from the
planned, forecast and actual dates of the deliveries, is the initiative ahead of, on or behind
plan today? The result carries its reasons as numbers (deliveries due but not done, share late,
days behind) so a page can say why in words.

How a delivery's slip is measured:
- done: actual date minus planned date;
- not done: the date it is now expected (forecast, else planned) minus planned, where an expected
  date already in the past counts as today, since it cannot be done earlier than that.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# Slips up to this many days count as on plan; earlier than this counts as ahead.
TOLERANCE_DAYS = 14
# Behind by more than this many days is a serious deviation (red).
SERIOUS_DAYS = 90
# When at least this share of the deliveries is late, the deviation is serious as well.
SERIOUS_LATE_SHARE = 0.5


class Position(StrEnum):
    AHEAD = "ahead"
    ON_PLAN = "on_plan"
    BEHIND = "behind"
    UNKNOWN = "unknown"


class Rating(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


_RANK = {Rating.GREEN: 0, Rating.YELLOW: 1, Rating.RED: 2}


@dataclass(frozen=True)
class PlannedDelivery:
    planned: date | None
    forecast: date | None = None
    actual: date | None = None


@dataclass(frozen=True)
class Expected:
    position: Position
    rating: Rating | None
    counted: int  # deliveries with a planned date
    due: int  # planned on or before today
    overdue: int  # planned before today and not done
    late: int  # slipped by more than the tolerance
    days_behind: int  # the worst slip, 0 when none is late
    days_ahead: int  # the earliest finish ahead of plan, 0 when none

    @property
    def late_share(self) -> float:
        return self.late / self.counted if self.counted else 0.0


def slip_days(delivery: PlannedDelivery, today: date) -> int | None:
    """Days behind plan (negative: ahead); None for a delivery without a planned date."""
    if delivery.planned is None:
        return None
    if delivery.actual is not None:
        return (delivery.actual - delivery.planned).days
    expected = delivery.forecast or delivery.planned
    if expected < today:
        expected = today
    return (expected - delivery.planned).days


def expected_status(deliveries: Iterable[PlannedDelivery], today: date) -> Expected:
    planned = [d for d in deliveries if d.planned is not None]
    if not planned:
        return Expected(Position.UNKNOWN, None, 0, 0, 0, 0, 0, 0)
    slips = [slip_days(d, today) or 0 for d in planned]
    due = sum(1 for d in planned if d.planned is not None and d.planned <= today)
    overdue = sum(
        1 for d in planned if d.actual is None and d.planned is not None and d.planned < today
    )
    late = sum(1 for s in slips if s > TOLERANCE_DAYS)
    worst = max(slips)
    best = min(slips)
    days_behind = worst if worst > TOLERANCE_DAYS else 0
    days_ahead = -best if best < -TOLERANCE_DAYS and not late else 0
    if late:
        position = Position.BEHIND
        serious = days_behind > SERIOUS_DAYS or late / len(planned) >= SERIOUS_LATE_SHARE
        rating = Rating.RED if serious else Rating.YELLOW
    elif days_ahead:
        position, rating = Position.AHEAD, Rating.GREEN
    else:
        position, rating = Position.ON_PLAN, Rating.GREEN
    return Expected(
        position=position,
        rating=rating,
        counted=len(planned),
        due=due,
        overdue=overdue,
        late=late,
        days_behind=days_behind,
        days_ahead=days_ahead,
    )


def disagrees_strongly(reported: str | None, computed: Expected) -> bool:
    """Whether the owner's overall status is two steps from the computed one (green against red).

    Nothing to compare (no reported status, or no planned dates) is never a disagreement.
    """
    if not reported or computed.rating is None:
        return False
    try:
        own = Rating(reported)
    except ValueError:
        return False
    return abs(_RANK[own] - _RANK[computed.rating]) >= 2
