"""Reading deliveries, their slippage over rounds, and dependencies, in a fixed number of queries.

The arithmetic lives in :mod:`retning.roadmap.schedule`; this module only fetches rows and hands
plain dates to it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from .models import Delivery, Dependency, Initiative
from .schedule import (
    DatedSide,
    DependencyWarning,
    SlippageStep,
    dependency_warning,
    find_cycle,
    growth_over_rounds,
    initiative_finish,
    slippage_days,
    total_growth,
)


@dataclass(frozen=True)
class DeliveryRow:
    delivery: Delivery
    slippage: int | None
    steps: list[SlippageStep]
    growth: int | None

    @property
    def has_history(self) -> bool:
        return len(self.steps) > 1


@dataclass(frozen=True)
class DependencyRow:
    dependency: Dependency
    prerequisite: DatedSide
    dependent: DatedSide
    warning: DependencyWarning | None


@dataclass
class InitiativeSchedule:
    deliveries: list[DeliveryRow] = field(default_factory=list)
    needs: list[DependencyRow] = field(default_factory=list)
    needed_by: list[DependencyRow] = field(default_factory=list)

    @property
    def warning_count(self) -> int:
        return sum(1 for row in [*self.needs, *self.needed_by] if row.warning)

    @property
    def is_empty(self) -> bool:
        return not (self.deliveries or self.needs or self.needed_by)


def _dates(delivery: Delivery) -> tuple[date | None, date | None, date | None]:
    return delivery.planned_date, delivery.forecast_date, delivery.actual_date


def _snapshots_in_round_order() -> Prefetch:
    from django.apps import apps

    # Reporting builds on the roadmap, not the other way round: reach its model by name.
    snapshot = apps.get_model("reporting", "DeliverySnapshot")
    return Prefetch(
        "snapshots",
        queryset=snapshot.objects.select_related("round").order_by("round__deadline", "round_id"),
        to_attr="snapshots_in_order",
    )


def delivery_rows(deliveries: Iterable[Delivery]) -> list[DeliveryRow]:
    """Slippage now and at the end of each round, for deliveries fetched with their snapshots."""
    rows = []
    for delivery in deliveries:
        points = [
            (s.round.label, s.round.deadline, s.planned_date, s.forecast_date, s.actual_date)
            for s in getattr(delivery, "snapshots_in_order", [])
        ]
        points.append((_("Nå"), None, *_dates(delivery)))
        steps = growth_over_rounds(points)
        rows.append(
            DeliveryRow(
                delivery=delivery,
                slippage=slippage_days(*_dates(delivery)),
                steps=steps,
                growth=total_growth(steps),
            )
        )
    return rows


def _deliveries_of(initiative: Initiative) -> list[Delivery]:
    return list(initiative.deliveries.all())


def prerequisite_side(dependency: Dependency) -> DatedSide:
    """The prerequisite's dates: its delivery's, or the finish of the whole initiative."""
    if dependency.prerequisite_delivery is not None:
        d = dependency.prerequisite_delivery
        return DatedSide(d.title, d.planned_date, d.forecast_date, d.actual_date)
    initiative = dependency.prerequisite
    planned, forecast, actual = initiative_finish(
        initiative.end_date, (_dates(d) for d in _deliveries_of(initiative))
    )
    return DatedSide(initiative.title, planned, forecast, actual)


def dependent_side(dependency: Dependency) -> DatedSide:
    """What depends: its delivery's planned date, or the planned end of the whole initiative."""
    if dependency.dependent_delivery is not None:
        d = dependency.dependent_delivery
        return DatedSide(d.title, d.planned_date, d.forecast_date, d.actual_date)
    initiative = dependency.dependent
    return DatedSide(initiative.title, initiative.end_date)


def dependency_row(dependency: Dependency) -> DependencyRow:
    before, after = prerequisite_side(dependency), dependent_side(dependency)
    return DependencyRow(dependency, before, after, dependency_warning(before, after))


def _initiative_deliveries() -> Prefetch:
    return Prefetch("deliveries", queryset=Delivery.objects.order_by("planned_date", "pk"))


def dependencies_with_dates(condition: Q) -> QuerySet[Dependency]:
    """Dependencies with both initiatives, the narrowed deliveries and both delivery lists."""
    return (
        Dependency.objects.filter(condition)
        .select_related(
            "dependent__subgoal__goal",
            "prerequisite__subgoal__goal",
            "dependent_delivery",
            "prerequisite_delivery",
        )
        .prefetch_related(
            Prefetch("prerequisite__deliveries", queryset=Delivery.objects.order_by("pk")),
            Prefetch("dependent__deliveries", queryset=Delivery.objects.order_by("pk")),
        )
        .order_by("prerequisite__title", "dependent__title", "pk")
    )


def initiative_schedule(initiative: Initiative) -> InitiativeSchedule:
    """Deliveries with slippage history, and what the initiative needs and is needed by."""
    deliveries = (
        Delivery.objects.filter(initiative=initiative)
        .prefetch_related(_snapshots_in_round_order())
        .order_by("planned_date", "pk")
    )
    schedule = InitiativeSchedule(deliveries=delivery_rows(deliveries))
    for dependency in dependencies_with_dates(Q(dependent=initiative) | Q(prerequisite=initiative)):
        row = dependency_row(dependency)
        if dependency.dependent_id == initiative.pk:
            schedule.needs.append(row)
        else:
            schedule.needed_by.append(row)
    return schedule


@dataclass
class GraphNode:
    initiative: Initiative
    in_scope: bool
    delivery_count: int


@dataclass
class DependencyGraph:
    nodes: dict[int, GraphNode]
    rows: list[DependencyRow]
    cycle: list[int] | None

    @property
    def edges(self) -> list[tuple[int, int]]:
        return [(r.dependency.prerequisite_id, r.dependency.dependent_id) for r in self.rows]

    @property
    def warning_count(self) -> int:
        return sum(1 for row in self.rows if row.warning)


def goal_dependency_graph(goal_id: int) -> DependencyGraph:
    """Every dependency touching the goal's initiatives, with the initiatives at either end.

    Initiatives under other goals appear when they are linked to one of this goal's; they are
    marked ``in_scope=False``.
    """
    dependencies = list(
        dependencies_with_dates(
            Q(dependent__subgoal__goal_id=goal_id) | Q(prerequisite__subgoal__goal_id=goal_id)
        )
    )
    nodes: dict[int, GraphNode] = {}
    rows = []
    for dependency in dependencies:
        for initiative in (dependency.prerequisite, dependency.dependent):
            if initiative.pk not in nodes:
                nodes[initiative.pk] = GraphNode(
                    initiative=initiative,
                    in_scope=initiative.subgoal.goal_id == goal_id,
                    delivery_count=len(initiative.deliveries.all()),
                )
        rows.append(dependency_row(dependency))
    edges = [(d.prerequisite_id, d.dependent_id) for d in dependencies]
    return DependencyGraph(nodes=nodes, rows=rows, cycle=find_cycle(edges))


def all_dependency_edges() -> list[tuple[int, int]]:
    """Every (prerequisite, dependent) pair of initiatives, for cycle checks before adding one."""
    return list(Dependency.objects.values_list("prerequisite_id", "dependent_id"))


def timeline_initiatives(queryset: QuerySet[Initiative]) -> list[Initiative]:
    """Initiatives for a timeline: sub-goal, goal and deliveries in two queries in all."""
    return list(
        queryset.select_related("subgoal__goal")
        .prefetch_related(_initiative_deliveries())
        .order_by("subgoal__goal__number", "subgoal__code", "start_date", "title", "pk")
    )
