"""Progress assessments read from the database: one per series, and counts per goal or sub-goal.

A series is the observations of one indicator that share a (breakdown_dimension, breakdown_value)
pair; the headline series has both empty. Each series is judged by ``assessment.assess`` against
the indicator's final target (the one with the latest period) with the indicator's own method and
thresholds. The indicator's baseline belongs to the headline series only; a breakdown series starts
from its own first value. A secretariat override replaces the shown status, while the computed
result stays available next to it.

Every function here issues a fixed number of queries, whatever the number of indicators or series.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import Max, QuerySet

from . import assessment
from .assessment import Assessment, Status
from .models import AssessmentOverride, Indicator, Observation, Target
from .periods import parse_period

ASSESSMENT_CACHE_SECONDS = 60 * 60

type SeriesKey = tuple[str, str]

HEADLINE: SeriesKey = ("", "")
# Shown in this order in roll-ups: best first, "cannot be assessed" last.
STATUS_ORDER: tuple[Status, ...] = (
    Status.TARGET_MET,
    Status.ON_TRACK,
    Status.NEEDS_ACCELERATION,
    Status.LIMITED_PROGRESS,
    Status.DETERIORATION,
    Status.CANNOT_ASSESS,
)


class SeriesRow(NamedTuple):
    period: str
    value: Decimal | None
    status: str


@dataclass(frozen=True)
class SeriesAssessment:
    indicator_id: int
    breakdown_dimension: str
    breakdown_value: str
    rows: tuple[SeriesRow, ...]
    computed: Assessment
    override: AssessmentOverride | None = None

    @property
    def key(self) -> SeriesKey:
        return (self.breakdown_dimension, self.breakdown_value)

    @property
    def is_headline(self) -> bool:
        return self.key == HEADLINE

    @property
    def is_overridden(self) -> bool:
        return self.override is not None

    @property
    def status(self) -> Status:
        """The status to show: the override's when there is one, else the computed one."""
        if self.override is not None and self.override.status in Status:
            return Status(self.override.status)
        return self.computed.status


@dataclass
class Rollup:
    """How many series have each status."""

    counts: Counter[Status] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_rows(self) -> list[tuple[Status, int]]:
        return [(status, self.counts[status]) for status in STATUS_ORDER if self.counts[status]]

    def add(self, status: Status) -> None:
        self.counts[status] += 1


def status_choices() -> list[tuple[str, str]]:
    return [(status.value, status.label_nb) for status in STATUS_ORDER]


@dataclass(frozen=True)
class _Judge:
    """What every series of one indicator is judged against, worked out once per indicator."""

    target: assessment.Target | None
    baseline: assessment.SeriesPoint | None
    direction: assessment.Direction
    method: assessment.Method
    thresholds: assessment.Thresholds
    tolerance: float

    @classmethod
    def of(cls, indicator: Indicator, targets: Sequence[Target]) -> "_Judge":
        final = max(targets, key=lambda target: parse_period(target.period).start, default=None)
        baseline = None
        if indicator.baseline_period and indicator.baseline_value is not None:
            baseline = _point(indicator.baseline_period, indicator.baseline_value)
        return cls(
            target=assessment.Target.from_period(final.period, final.value) if final else None,
            baseline=baseline,
            direction=assessment.Direction(indicator.direction),
            method=assessment.Method(indicator.assessment_method),
            thresholds=assessment.Thresholds(
                on_track=float(indicator.threshold_on_track),
                acceleration=float(indicator.threshold_acceleration),
                limited=float(indicator.threshold_limited),
            ),
            tolerance=float(indicator.linear_tolerance),
        )

    def assess(
        self, rows: Sequence[SeriesRow], *, headline: bool, explain: bool = True
    ) -> Assessment:
        return assessment.assess(
            [_point(row.period, row.value) for row in rows],
            self.target,
            direction=self.direction,
            method=self.method,
            baseline=self.baseline if headline else None,
            thresholds=self.thresholds,
            tolerance=self.tolerance,
            explain=explain,
        )

    def status(self, rows: Sequence[SeriesRow], *, headline: bool) -> Status:
        """``assess(...).status``, for counting: no inputs or explanations are written."""
        return assessment.status_of(
            [_point(row.period, row.value) for row in rows],
            self.target,
            direction=self.direction,
            method=self.method,
            baseline=self.baseline if headline else None,
            thresholds=self.thresholds,
            tolerance=self.tolerance,
        )


@lru_cache(maxsize=4096)
def _period_point(code: str) -> tuple[float, str, str]:
    point = assessment.SeriesPoint.from_period(code, None)
    return point.year, point.label, point.label_en


def _point(code: str, value: Decimal | float | None) -> assessment.SeriesPoint:
    """``SeriesPoint.from_period``, with the period worked out once per code."""
    year, label, label_en = _period_point(code)
    return assessment.SeriesPoint(
        year=year, value=None if value is None else float(value), label=label, label_en=label_en
    )


def assess_rows(
    indicator: Indicator,
    rows: Sequence[SeriesRow],
    targets: Sequence[Target],
    *,
    headline: bool,
) -> Assessment:
    """Judge one series of ``indicator`` against its final target. ``targets`` in any order."""
    return _Judge.of(indicator, targets).assess(rows, headline=headline)


def _series_by_indicator(
    indicator_ids: Iterable[int],
) -> dict[int, dict[SeriesKey, list[SeriesRow]]]:
    series: dict[int, dict[SeriesKey, list[SeriesRow]]] = defaultdict(lambda: defaultdict(list))
    rows = (
        Observation.objects.filter(indicator__in=list(indicator_ids))
        .order_by("indicator_id", "breakdown_dimension", "breakdown_value", "period_start")
        .values_list(
            "indicator_id", "breakdown_dimension", "breakdown_value", "period", "value", "status"
        )
    )
    for indicator_id, dimension, value, period, number, status in rows:
        series[indicator_id][(dimension, value)].append(SeriesRow(period, number, status))
    return series


def _targets_by_indicator(indicator_ids: Iterable[int]) -> dict[int, list[Target]]:
    targets: dict[int, list[Target]] = defaultdict(list)
    for target in Target.objects.filter(indicator__in=list(indicator_ids)):
        targets[target.indicator_id].append(target)
    return targets


def _overrides_by_indicator(
    indicator_ids: Iterable[int],
) -> dict[int, dict[SeriesKey, AssessmentOverride]]:
    overrides: dict[int, dict[SeriesKey, AssessmentOverride]] = defaultdict(dict)
    for override in AssessmentOverride.objects.filter(indicator__in=list(indicator_ids)):
        key = (override.breakdown_dimension, override.breakdown_value)
        overrides[override.indicator_id][key] = override
    return overrides


def assessments_for(indicators: Sequence[Indicator]) -> dict[int, list[SeriesAssessment]]:
    """Every series of every indicator, assessed, in three queries. Headline series first.

    An indicator without observations still gets its headline series (which cannot be assessed),
    so that roll-ups count it.
    """
    ids = [indicator.pk for indicator in indicators]
    series = _series_by_indicator(ids)
    targets = _targets_by_indicator(ids)
    overrides = _overrides_by_indicator(ids)
    result: dict[int, list[SeriesAssessment]] = {}
    for indicator in indicators:
        by_key = series.get(indicator.pk, {})
        keys = sorted(by_key) if by_key else [HEADLINE]
        result[indicator.pk] = [
            SeriesAssessment(
                indicator_id=indicator.pk,
                breakdown_dimension=key[0],
                breakdown_value=key[1],
                rows=tuple(by_key.get(key, ())),
                computed=assess_rows(
                    indicator, by_key.get(key, []), targets[indicator.pk], headline=key == HEADLINE
                ),
                override=overrides[indicator.pk].get(key),
            )
            for key in keys
        ]
    return result


# Per series: how many values, the first and last period with a value, and whether the series
# mixes period kinds (the fifth character of a period code is "", "K", "M", "H" or "T").
_SUMMARY_SQL = """
WITH series AS (
    SELECT indicator_id, breakdown_dimension AS dim, breakdown_value AS cat,
           COUNT(value) AS n,
           MIN(CASE WHEN value IS NOT NULL THEN period_start END) AS first_start,
           MAX(CASE WHEN value IS NOT NULL THEN period_start END) AS last_start,
           MIN(SUBSTR(period, 5, 1)) AS kind_min, MAX(SUBSTR(period, 5, 1)) AS kind_max
    FROM {table} WHERE indicator_id IN ({ids})
    GROUP BY indicator_id, breakdown_dimension, breakdown_value
)
SELECT s.indicator_id, s.dim, s.cat, s.n, s.kind_min = s.kind_max,
       f.period, f.value, l.period, l.value
FROM series s
LEFT JOIN {table} f ON f.indicator_id = s.indicator_id AND f.breakdown_dimension = s.dim
    AND f.breakdown_value = s.cat AND f.period_start = s.first_start AND f.value IS NOT NULL
LEFT JOIN {table} l ON l.indicator_id = s.indicator_id AND l.breakdown_dimension = s.dim
    AND l.breakdown_value = s.cat AND l.period_start = s.last_start AND l.value IS NOT NULL
"""


# PostgreSQL: a skip scan over ``observation_series_idx`` (which carries period and value, so no
# table row is read). The recursive part jumps from one series of an indicator to the next, one
# index probe each, instead of reading every observation; where it lands is the series' first
# entry: the lowest period kind, then the earliest start. One more probe reads the last valued
# entry (highest kind, latest start), and another the first valued one when the first entry has
# no value. When both ends have the same kind, every valued point of the series has that kind,
# and they are the series' first and last values in time.
_SKIP_SCAN_SQL = """
WITH RECURSIVE series AS (
    SELECT first.*
    FROM unnest(%s::bigint[]) AS wanted(id)
    CROSS JOIN LATERAL (
        SELECT o.indicator_id, o.breakdown_dimension AS dim, o.breakdown_value AS cat,
               SUBSTRING(o.period, 5, 1) AS kind, o.period, o.value
        FROM {table} o WHERE o.indicator_id = wanted.id
        ORDER BY o.indicator_id, o.breakdown_dimension, o.breakdown_value,
                 SUBSTRING(o.period, 5, 1), o.period_start
        LIMIT 1
    ) first
    UNION ALL
    SELECT after.*
    FROM series s
    CROSS JOIN LATERAL (
        SELECT o.indicator_id, o.breakdown_dimension AS dim, o.breakdown_value AS cat,
               SUBSTRING(o.period, 5, 1) AS kind, o.period, o.value
        FROM {table} o
        WHERE (o.indicator_id, o.breakdown_dimension, o.breakdown_value)
              > (s.indicator_id, s.dim, s.cat)
        ORDER BY o.indicator_id, o.breakdown_dimension, o.breakdown_value,
                 SUBSTRING(o.period, 5, 1), o.period_start
        LIMIT 1
    ) after
    -- Only the row comparison above, so that the probe starts right after the previous series;
    -- the first entry of the next indicator ends this indicator's walk.
    WHERE after.indicator_id = s.indicator_id
)
SELECT s.indicator_id, s.dim, s.cat,
       COALESCE(lo.kind, s.kind), COALESCE(lo.period, s.period), COALESCE(lo.value, s.value),
       hi.kind, hi.period, hi.value
FROM series s
LEFT JOIN LATERAL (
    SELECT SUBSTRING(o.period, 5, 1) AS kind, o.period, o.value FROM {table} o
    WHERE s.value IS NULL
      AND o.indicator_id = s.indicator_id AND o.breakdown_dimension = s.dim
      AND o.breakdown_value = s.cat AND o.value IS NOT NULL
    ORDER BY o.indicator_id, o.breakdown_dimension, o.breakdown_value,
             SUBSTRING(o.period, 5, 1), o.period_start
    LIMIT 1
) lo ON true
LEFT JOIN LATERAL (
    SELECT SUBSTRING(o.period, 5, 1) AS kind, o.period, o.value FROM {table} o
    WHERE o.indicator_id = s.indicator_id AND o.breakdown_dimension = s.dim
      AND o.breakdown_value = s.cat AND o.value IS NOT NULL
    ORDER BY o.indicator_id DESC, o.breakdown_dimension DESC, o.breakdown_value DESC,
             SUBSTRING(o.period, 5, 1) DESC, o.period_start DESC
    LIMIT 1
) hi ON true
"""


def _series_ends_skip_scan(
    indicator_ids: Sequence[int],
) -> tuple[dict[int, dict[SeriesKey, list[SeriesRow]]], set[tuple[int, str, str]]]:
    ends: dict[int, dict[SeriesKey, list[SeriesRow]]] = defaultdict(dict)
    mixed: set[tuple[int, str, str]] = set()
    with connection.cursor() as cursor:
        cursor.execute(
            _SKIP_SCAN_SQL.format(table=Observation._meta.db_table), [list(indicator_ids)]
        )
        for indicator_id, dim, cat, lo_kind, lo_p, lo_v, hi_kind, hi_p, hi_v in cursor:
            rows: list[SeriesRow] = []
            if hi_p is not None:  # else the series has no value at all
                if lo_kind != hi_kind:
                    mixed.add((indicator_id, dim, cat))
                    continue
                rows.append(SeriesRow(lo_p, lo_v, ""))
                if hi_p != lo_p:
                    rows.append(SeriesRow(hi_p, hi_v, ""))
            ends[indicator_id][(dim, cat)] = rows
    return ends, mixed


def _series_ends_aggregated(
    indicator_ids: Sequence[int],
) -> tuple[dict[int, dict[SeriesKey, list[SeriesRow]]], set[tuple[int, str, str]]]:
    sql = _SUMMARY_SQL.format(
        table=Observation._meta.db_table, ids=", ".join(["%s"] * len(indicator_ids))
    )
    ends: dict[int, dict[SeriesKey, list[SeriesRow]]] = defaultdict(dict)
    mixed: set[tuple[int, str, str]] = set()
    with connection.cursor() as cursor:
        cursor.execute(sql, list(indicator_ids))
        for indicator_id, dim, cat, count, one_kind, first_p, first_v, last_p, last_v in cursor:
            if not one_kind:
                mixed.add((indicator_id, dim, cat))
                continue
            rows: list[SeriesRow] = []
            if count >= 1 and first_p is not None:
                rows.append(SeriesRow(first_p, Decimal(str(first_v)), ""))
            if count >= 2 and last_p is not None:
                rows.append(SeriesRow(last_p, Decimal(str(last_v)), ""))
            ends[indicator_id][(dim, cat)] = rows
    return ends, mixed


def _series_ends(
    indicator_ids: Sequence[int],
) -> dict[int, dict[SeriesKey, list[SeriesRow]]]:
    """For every series, just the points an assessment reads: the first and last with a value.

    ``assessment.assess`` judges a series by its first and last value (and needs at least two);
    the points between change nothing. Within one kind of period, the order of period starts is
    the order of the periods' midpoints that ``assess`` uses, so the two ends are found without
    reading the points between (on PostgreSQL by a skip scan over the series index, elsewhere by
    one aggregated query). The rare series that mixes kinds (say years and quarters) is read
    whole instead.
    """
    if not indicator_ids:
        return {}
    if connection.vendor == "postgresql":
        ends, mixed = _series_ends_skip_scan(indicator_ids)
    else:
        ends, mixed = _series_ends_aggregated(indicator_ids)
    for indicator_id in {key[0] for key in mixed}:
        whole = _series_by_indicator([indicator_id])[indicator_id]
        for key, rows in whole.items():
            if (indicator_id, *key) in mixed:
                ends[indicator_id][key] = rows
    return ends


def status_counts(indicators: Sequence[Indicator]) -> dict[int, Counter[Status]]:
    """Series per status for each indicator, without reading every observation.

    Gives the same counts as assessing ``assessments_for``'s series one by one, from each
    series' two ends (see :func:`_series_ends`) plus the targets and overrides, judged by
    ``assessment.status_of``.
    """
    ids = [indicator.pk for indicator in indicators]
    ends = _series_ends(ids)
    targets = _targets_by_indicator(ids)
    overrides = _overrides_by_indicator(ids)
    counts: dict[int, Counter[Status]] = {}
    for indicator in indicators:
        by_key = ends.get(indicator.pk, {})
        judge = _Judge.of(indicator, targets[indicator.pk])
        shown = overrides[indicator.pk]
        counter: Counter[Status] = Counter()
        for key in by_key or [HEADLINE]:
            override = shown.get(key)
            if override is not None and override.status in Status:
                counter[Status(override.status)] += 1
            else:
                counter[judge.status(by_key.get(key, []), headline=key == HEADLINE)] += 1
        counts[indicator.pk] = counter
    return counts


def series_ends_for(indicator: Indicator, *, explain: bool = True) -> list[SeriesAssessment]:
    """Every series of one indicator, assessed from its two ends only, in three queries.

    The same statuses and inputs as :func:`indicator_assessments`, but each ``rows`` holds only
    the first and last value of its series (all of it when the series mixes period kinds), so
    pages can summarise hundreds of breakdown series without reading their observations.
    Headline series first; an indicator without observations gets an empty headline series.
    With ``explain=False`` the explanations are left empty (see :func:`explained`).
    """
    ends = _series_ends([indicator.pk]).get(indicator.pk, {})
    targets = _targets_by_indicator([indicator.pk])[indicator.pk]
    overrides = _overrides_by_indicator([indicator.pk])[indicator.pk]
    judge = _Judge.of(indicator, targets)
    return [
        SeriesAssessment(
            indicator_id=indicator.pk,
            breakdown_dimension=key[0],
            breakdown_value=key[1],
            rows=tuple(ends.get(key, ())),
            computed=judge.assess(ends.get(key, []), headline=key == HEADLINE, explain=explain),
            override=overrides.get(key),
        )
        for key in (sorted(ends) if ends else [HEADLINE])
    ]


def explained(
    indicator: Indicator, series: SeriesAssessment, targets: Sequence[Target]
) -> SeriesAssessment:
    """``series`` assessed again with its explanations (same status and inputs), no query."""
    computed = _Judge.of(indicator, targets).assess(series.rows, headline=series.is_headline)
    return replace(series, computed=computed)


def series_rows(
    indicator: Indicator, dimension: str, values: Sequence[str]
) -> dict[str, tuple[SeriesRow, ...]]:
    """All rows of the named breakdown series of ``indicator``, in time order, in one query."""
    rows: dict[str, list[SeriesRow]] = defaultdict(list)
    found = (
        Observation.objects.filter(
            indicator=indicator, breakdown_dimension=dimension, breakdown_value__in=list(values)
        )
        .order_by("breakdown_value", "period_start")
        .values_list("breakdown_value", "period", "value", "status")
    )
    for value, period, number, status in found:
        rows[value].append(SeriesRow(period, number, status))
    return {value: tuple(rows[value]) for value in values}


def headline_assessments(indicators: Sequence[Indicator]) -> dict[int, SeriesAssessment]:
    """Each indicator's headline series (no breakdown), assessed, in three queries.

    For lists: the headline series is short (one value per period), so reading it whole costs
    little even when an indicator has tens of thousands of breakdown observations.
    """
    ids = [indicator.pk for indicator in indicators]
    rows: dict[int, list[SeriesRow]] = defaultdict(list)
    headline_rows = (
        Observation.objects.filter(indicator__in=ids, breakdown_dimension="", breakdown_value="")
        .order_by("indicator_id", "period_start")
        .values_list("indicator_id", "period", "value", "status")
    )
    for indicator_id, period, value, status in headline_rows:
        rows[indicator_id].append(SeriesRow(period, value, status))
    targets = _targets_by_indicator(ids)
    overrides = _overrides_by_indicator(ids)
    return {
        indicator.pk: SeriesAssessment(
            indicator_id=indicator.pk,
            breakdown_dimension="",
            breakdown_value="",
            rows=tuple(rows[indicator.pk]),
            computed=assess_rows(
                indicator, rows[indicator.pk], targets[indicator.pk], headline=True
            ),
            override=overrides[indicator.pk].get(HEADLINE),
        )
        for indicator in indicators
    }


@dataclass(frozen=True)
class HeadlineStatus:
    """What a list shows of an indicator's headline series: its status and whether it is set by
    an override (see :attr:`SeriesAssessment.status`)."""

    status: Status
    is_overridden: bool


def headline_statuses() -> dict[int, HeadlineStatus]:
    """Every indicator's headline status, by indicator id, cached until the data changes.

    For the indicator list: assessing 200 headline series costs tens of milliseconds on every
    request, and the result only changes when the data does (the key is the roll-ups' fingerprint,
    and the same time-out covers assessments that move with the date).
    """
    key = f"retning:headline-statuses:{_data_fingerprint()}"
    cached = cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    assessed = headline_assessments(_indicators(Indicator.objects.all()))
    statuses = {
        pk: HeadlineStatus(status=item.status, is_overridden=item.is_overridden)
        for pk, item in assessed.items()
    }
    cache.set(key, statuses, timeout=ASSESSMENT_CACHE_SECONDS)
    return statuses


def indicator_assessments(indicator: Indicator) -> list[SeriesAssessment]:
    return assessments_for([indicator])[indicator.pk]


def headline_assessment(series: Sequence[SeriesAssessment]) -> SeriesAssessment | None:
    return next((item for item in series if item.is_headline), None)


def breakdown_dimensions(series: Sequence[SeriesAssessment]) -> list[str]:
    return sorted({item.breakdown_dimension for item in series if not item.is_headline})


def _indicators(queryset: QuerySet[Indicator]) -> list[Indicator]:
    return list(
        queryset.only(
            "code",
            "goal_id",
            "subgoal_id",
            "direction",
            "assessment_method",
            "threshold_on_track",
            "threshold_acceleration",
            "threshold_limited",
            "linear_tolerance",
            "baseline_period",
            "baseline_value",
        )
    )


def _data_fingerprint() -> str:
    """Changes whenever anything an assessment depends on changes.

    Every write to observations, targets, indicators or overrides leaves a history row (imports
    use the bulk-with-history helpers), so the newest history ids identify the data's state.
    """
    newest = [
        model.history.aggregate(newest=Max("history_id"))["newest"]  # type: ignore[attr-defined]
        for model in (Observation, Target, Indicator, AssessmentOverride)
    ]
    return ":".join(str(n or 0) for n in newest)


def _status_counts_by_indicator() -> dict[int, Counter[Status]]:
    """Series per status for every indicator, cached until the data changes.

    Assessing every series of every indicator costs far more than a page may (hundreds of
    milliseconds at national scale), and the result only changes when the data does.
    """
    key = f"retning:assessment-counts:{_data_fingerprint()}"
    cached = cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    counts = status_counts(_indicators(Indicator.objects.all()))
    cache.set(key, counts, timeout=ASSESSMENT_CACHE_SECONDS)
    return counts


def _rollup_of(indicator_ids: Iterable[int], counts: dict[int, Counter[Status]]) -> Rollup:
    rollup = Rollup()
    for indicator_id in indicator_ids:
        rollup.counts.update(counts.get(indicator_id, Counter()))
    return rollup


def rollups_by_goal(goal_ids: Iterable[int]) -> dict[int, Rollup]:
    """Series counts per status for each goal."""
    counts = _status_counts_by_indicator()
    by_goal: dict[int, list[int]] = defaultdict(list)
    for indicator_id, goal_id in Indicator.objects.filter(goal__in=list(goal_ids)).values_list(
        "pk", "goal_id"
    ):
        by_goal[goal_id].append(indicator_id)
    return defaultdict(
        Rollup, {goal_id: _rollup_of(ids, counts) for goal_id, ids in by_goal.items()}
    )


def rollup_for(queryset: QuerySet[Indicator]) -> Rollup:
    """Series counts per status for the indicators in ``queryset``."""
    return _rollup_of(queryset.values_list("pk", flat=True), _status_counts_by_indicator())
