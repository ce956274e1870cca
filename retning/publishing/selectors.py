"""Reads for the public site. Each selector issues a fixed number of queries, whatever the data size."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from retning.actors.models import Organisation
from retning.indicators.models import Indicator, Observation
from retning.lib.text import search_key
from retning.roadmap.models import Initiative
from retning.roadmap.phases import Phase
from retning.strategy.models import Goal, Grouping, Strategy, SubGoal


def strategy_get() -> Strategy:
    strategy = Strategy.current()
    if strategy is None:
        raise Http404("Ingen strategi er lastet inn.")
    return strategy


def active_initiatives() -> QuerySet[Initiative]:
    return Initiative.objects.filter(retired_in__isnull=True)


@dataclass
class PhaseCounts:
    """How many initiatives start in each phase of the value chain (None: phase unknown)."""

    counts: Counter[int | None] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_rows(self) -> list[tuple[int | None, int]]:
        rows: list[tuple[int | None, int]] = [
            (phase.value, self.counts[phase.value]) for phase in Phase
        ]
        rows.append((None, self.counts[None]))
        return rows


@dataclass
class GoalSummary:
    goal: Goal
    subgoal_count: int
    indicator_count: int
    initiative_count: int
    phases: PhaseCounts


def goal_summaries(strategy: Strategy) -> list[GoalSummary]:
    goals = Goal.objects.filter(strategy=strategy).annotate(
        subgoal_count=Count("subgoals", distinct=True),
        indicator_count=Count("indicators", distinct=True),
    )
    phase_rows = (
        active_initiatives()
        .filter(subgoal__strategy=strategy)
        .values_list("subgoal__goal_id", "phase_first")
        .annotate(n=Count("id"))
    )
    phases: dict[int, PhaseCounts] = defaultdict(PhaseCounts)
    for goal_id, phase, n in phase_rows:
        phases[goal_id].counts[phase] += n
    return [
        GoalSummary(
            goal=goal,
            subgoal_count=goal.subgoal_count,  # type: ignore[attr-defined]
            indicator_count=goal.indicator_count,  # type: ignore[attr-defined]
            initiative_count=phases[goal.pk].total,
            phases=phases[goal.pk],
        )
        for goal in goals
    ]


def goal_get(strategy: Strategy, number: int) -> Goal:
    try:
        return Goal.objects.get(strategy=strategy, number=number)
    except Goal.DoesNotExist as error:
        raise Http404(f"Mål {number} finnes ikke.") from error


def indicators_with_data(queryset: QuerySet[Indicator]) -> QuerySet[Indicator]:
    """Indicators with their headline series (no breakdown) and targets, in two extra queries."""
    return queryset.select_related("goal", "subgoal", "responsible").prefetch_related(
        "targets",
        Prefetch(
            "observations",
            queryset=Observation.objects.filter(breakdown_dimension="")
            .only("indicator_id", "period", "period_start", "value", "status", "note", "source")
            .order_by("period_start"),
            to_attr="headline_observations",
        ),
    )


class HeadlinePoint(NamedTuple):
    period: str
    value: Decimal | None
    status: str


def indicator_cards_data(queryset: QuerySet[Indicator]) -> list[Indicator]:
    """Indicators for summary cards: the headline series as plain tuples, not model instances.

    Pages that list many indicators spend most of their time building observation objects;
    a card needs only period and value.
    """
    indicators = list(
        queryset.select_related("goal", "subgoal")
        .only(
            "code",
            "name",
            "name_en",
            "unit",
            "unit_label",
            "decimals",
            "goal",
            "subgoal",
            "baseline_period",
            "baseline_value",
            "baseline_is_example",
            "goal__number",
            "subgoal__code",
        )
        .prefetch_related("targets")
    )
    series: dict[int, list[HeadlinePoint]] = defaultdict(list)
    rows = (
        Observation.objects.filter(indicator__in=[i.pk for i in indicators], breakdown_dimension="")
        .order_by("indicator_id", "period_start")
        .values_list("indicator_id", "period", "value", "status")
    )
    for indicator_id, period, value, status in rows:
        series[indicator_id].append(HeadlinePoint(period, value, status))
    for indicator in indicators:
        indicator.headline_observations = series[indicator.pk]  # type: ignore[attr-defined]
    return indicators


@dataclass
class GroupingBlock:
    grouping: Grouping | None
    initiatives: list[Initiative]
    total: int


@dataclass
class SubGoalBlock:
    subgoal: SubGoal
    groupings: list[GroupingBlock]
    initiative_count: int


def initiatives_by_subgoal_and_grouping(
    subgoals: list[SubGoal], *, per_grouping: int | None = None
) -> list[SubGoalBlock]:
    """Group the active initiatives of the given sub-goals, keeping the groupings' order.

    With ``per_grouping`` only that many initiatives per grouping are loaded (a window function
    does the cut in the database); ``GroupingBlock.total`` still tells how many there are.
    """
    initiatives = (
        active_initiatives()
        .filter(subgoal__in=subgoals)
        .select_related("grouping")
        .only(*INITIATIVE_ROW_FIELDS, "grouping__title")
        .order_by("start_date", "title")
    )
    if per_grouping:
        initiatives = initiatives.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("grouping_id")],
                order_by=[F("start_date").asc(nulls_last=True), F("title").asc()],
            )
        ).filter(rank__lte=per_grouping)
    totals = dict(
        active_initiatives()
        .filter(subgoal__in=subgoals)
        .order_by()
        .values_list("grouping_id")
        .annotate(n=Count("id"))
    )
    groupings = Grouping.objects.filter(subgoal__in=subgoals).order_by("order", "title")
    by_grouping: dict[int | None, list[Initiative]] = defaultdict(list)
    for initiative in initiatives:
        by_grouping[initiative.grouping_id].append(initiative)
    groupings_by_subgoal: dict[int, list[Grouping]] = defaultdict(list)
    for grouping in groupings:
        groupings_by_subgoal[grouping.subgoal_id].append(grouping)
    blocks: list[SubGoalBlock] = []
    for subgoal in subgoals:
        grouping_blocks = [
            GroupingBlock(grouping, by_grouping.get(grouping.pk, []), totals.get(grouping.pk, 0))
            for grouping in groupings_by_subgoal[subgoal.pk]
        ]
        blocks.append(SubGoalBlock(subgoal, grouping_blocks, sum(g.total for g in grouping_blocks)))
    return blocks


def subgoal_get(strategy: Strategy, code: str) -> SubGoal:
    try:
        return (
            SubGoal.objects.select_related("goal")
            .prefetch_related("benefit_objectives", "themes")
            .get(strategy=strategy, code=code.upper())
        )
    except SubGoal.DoesNotExist as error:
        raise Http404(f"Delmål {code} finnes ikke.") from error


# The columns a list or timeline row shows; descriptions and search text stay in the database.
INITIATIVE_ROW_FIELDS = (
    "external_id",
    "title",
    "subgoal_id",
    "grouping_id",
    "phase_first",
    "phase_last",
    "planning_status",
    "start_date",
    "end_date",
)


def roadmap_queryset() -> QuerySet[Initiative]:
    return (
        active_initiatives()
        .select_related("subgoal", "grouping")
        .only(
            *INITIATIVE_ROW_FIELDS,
            "subgoal__code",
            "subgoal__title",
            "grouping__title",
            "grouping__order",
        )
        .prefetch_related(
            Prefetch("owners", queryset=Organisation.objects.only("slug", "name", "short_name"))
        )
        .order_by("subgoal__code", "grouping__order", "start_date", "title")
    )


def search_everything(query: str, *, limit: int = 50) -> dict[str, list[object]]:
    words = search_key(query).split()
    if not words:
        return {"goals": [], "subgoals": [], "indicators": [], "initiatives": []}

    def matches(*texts: str) -> bool:
        haystack = search_key(*texts)
        return all(word in haystack for word in words)

    # Goals and sub-goals are few; filtering them in Python keeps Norwegian letters case-insensitive.
    goals = [g for g in Goal.objects.all() if matches(g.title, g.title_en, g.description)]
    subgoals = [
        s
        for s in SubGoal.objects.select_related("goal")
        if matches(s.code, s.title, s.title_en, s.description)
    ]
    indicator_filter = Q()
    initiative_filter = Q()
    for word in words:
        indicator_filter &= Q(search_text__contains=word)
        initiative_filter &= Q(search_text__contains=word)
    indicators = list(Indicator.objects.filter(indicator_filter).select_related("goal")[:limit])
    initiatives = list(
        active_initiatives().filter(initiative_filter).select_related("subgoal")[:limit]
    )
    return {
        "goals": list(goals),
        "subgoals": list(subgoals),
        "indicators": list(indicators),
        "initiatives": list(initiatives),
    }
