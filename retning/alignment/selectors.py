"""Reads for alignment, gaps and the theme follow-up. Fixed number of queries per call."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from retning.actors.models import Organisation
from retning.council.models import Case
from retning.indicators import selectors as indicator_selectors
from retning.indicators.assessment import Status
from retning.indicators.models import Indicator
from retning.roadmap.models import Initiative
from retning.strategy.models import Goal, Strategy, SubGoal, Theme

from . import gaps, measure
from .models import ActorPlan, IndicatorInitiativeLink, PlanItem, PlanItemGoalLink, Strength

# Kinds of actor that are expected to have a strategy or plan of their own (gap rule 4).
PLANNING_KINDS = (
    Organisation.Kind.DIRECTORATE,
    Organisation.Kind.RHF,
    Organisation.Kind.HF,
    Organisation.Kind.MUNICIPALITY,
    Organisation.Kind.COUNTY,
    Organisation.Kind.STATE_ENTERPRISE,
)


def current_plans() -> QuerySet[ActorPlan]:
    return ActorPlan.objects.exclude(status=ActorPlan.Status.EXPIRED)


def active_initiatives() -> QuerySet[Initiative]:
    return Initiative.objects.filter(retired_in__isnull=True)


def _subgoals(strategy: Strategy | None) -> list[SubGoal]:
    if strategy is None:
        return []
    return list(SubGoal.objects.filter(strategy=strategy).select_related("goal").order_by("code"))


def _refs(subgoals: Iterable[SubGoal]) -> list[measure.SubGoalRef]:
    return [measure.SubGoalRef(id=sg.pk, goal_id=sg.goal_id) for sg in subgoals]


def _links(plans: QuerySet[ActorPlan]) -> list[measure.Link]:
    rows = PlanItemGoalLink.objects.filter(item__plan__in=plans).values_list(
        "item__plan__organisation_id", "strength", "subgoal_id", "goal_id"
    )
    return [
        measure.Link(organisation_id=org, strength=strength, subgoal_id=sg, goal_id=goal)
        for org, strength, sg, goal in rows
    ]


STRENGTH_LABELS = dict(Strength.choices)


@dataclass
class MatrixCell:
    weight: float
    label: str


@dataclass
class MatrixRow:
    subgoal: SubGoal
    cells: list[MatrixCell | None]
    score: measure.Score


@dataclass
class MatrixGoal:
    goal: Goal
    rows: list[MatrixRow]


@dataclass
class Matrix:
    organisations: list[Organisation]
    goals: list[MatrixGoal]
    organisation_scores: list[measure.Score]
    subgoal_count: int


def _cell(cell: measure.Cell | None) -> MatrixCell | None:
    if cell is None:
        return None
    label = str(STRENGTH_LABELS[cell.strength])
    if cell.via_goal:
        label = f"{label} (via målet)"
    return MatrixCell(weight=cell.weight, label=label)


def alignment_matrix() -> Matrix:
    """National sub-goals × organisations with a current plan, with the measures of measure.py."""
    subgoals = _subgoals(Strategy.current())
    refs = _refs(subgoals)
    plans = current_plans()
    organisations = list(Organisation.objects.filter(plans__in=plans).distinct().order_by("name"))
    details = measure.cell_details(_links(plans), refs)
    weights = {key: cell.weight for key, cell in details.items()}
    org_ids = [org.pk for org in organisations]
    goals: dict[int, MatrixGoal] = {}
    for subgoal in subgoals:
        row = MatrixRow(
            subgoal=subgoal,
            cells=[_cell(details.get((org.pk, subgoal.pk))) for org in organisations],
            score=measure.subgoal_score(weights, subgoal.pk, org_ids),
        )
        goals.setdefault(subgoal.goal_id, MatrixGoal(goal=subgoal.goal, rows=[])).rows.append(row)
    return Matrix(
        organisations=organisations,
        goals=list(goals.values()),
        organisation_scores=[measure.organisation_score(weights, pk, refs) for pk in org_ids],
        subgoal_count=len(subgoals),
    )


@dataclass
class OrganisationAlignment:
    plans: list[ActorPlan]
    score: measure.Score
    covered_subgoals: list[tuple[SubGoal, MatrixCell]]


def plans_with_items(queryset: QuerySet[ActorPlan]) -> QuerySet[ActorPlan]:
    return queryset.select_related("organisation").prefetch_related(
        Prefetch(
            "items",
            queryset=PlanItem.objects.prefetch_related(
                Prefetch(
                    "goal_links",
                    queryset=PlanItemGoalLink.objects.select_related("goal", "subgoal").order_by(
                        "subgoal__code", "goal__number"
                    ),
                ),
                "initiatives",
            ),
        )
    )


def organisation_alignment(organisation: Organisation) -> OrganisationAlignment:
    subgoals = _subgoals(Strategy.current())
    refs = _refs(subgoals)
    plans = current_plans().filter(organisation=organisation)
    details = measure.cell_details(_links(plans), refs)
    weights = {key: cell.weight for key, cell in details.items()}
    covered = [
        (sg, cell)
        for sg in subgoals
        if (cell := _cell(details.get((organisation.pk, sg.pk)))) is not None
    ]
    return OrganisationAlignment(
        plans=list(plans_with_items(ActorPlan.objects.filter(organisation=organisation))),
        score=measure.organisation_score(weights, organisation.pk, refs),
        covered_subgoals=covered,
    )


def subgoals_with_active_initiative() -> set[int]:
    return set(active_initiatives().values_list("subgoal_id", flat=True).distinct())


def _item_facts(items: QuerySet[PlanItem]) -> list[gaps.ItemFact]:
    subgoals_by_goal: dict[int, set[int]] = defaultdict(set)
    for pk, goal_id in SubGoal.objects.values_list("pk", "goal_id"):
        subgoals_by_goal[goal_id].add(pk)
    initiatives: dict[int, set[int]] = defaultdict(set)
    for item_id, initiative_id in PlanItem.initiatives.through.objects.filter(
        planitem__in=items, initiative__retired_in__isnull=True
    ).values_list("planitem_id", "initiative_id"):
        initiatives[item_id].add(initiative_id)
    linked: dict[int, set[int]] = defaultdict(set)
    for item_id, subgoal_id, goal_id in PlanItemGoalLink.objects.filter(item__in=items).values_list(
        "item_id", "subgoal_id", "goal_id"
    ):
        if subgoal_id is not None:
            linked[item_id].add(subgoal_id)
        else:
            linked[item_id] |= subgoals_by_goal.get(goal_id, set())
    return [
        gaps.ItemFact(
            id=pk, initiative_ids=frozenset(initiatives[pk]), subgoal_ids=frozenset(linked[pk])
        )
        for pk in items.values_list("pk", flat=True)
    ]


def items_not_reflected() -> list[PlanItem]:
    """Items in current plans that no national initiative reflects (see gaps.py)."""
    items = PlanItem.objects.filter(plan__in=current_plans())
    ids = gaps.items_not_reflected(_item_facts(items), subgoals_with_active_initiative())
    return list(
        PlanItem.objects.filter(pk__in=ids)
        .select_related("plan__organisation", "proposed_case")
        .order_by("plan__organisation__name", "plan__title", "title")
    )


def headline_statuses(indicators: list[Indicator]) -> dict[int, Status]:
    statuses = {}
    for indicator_id, series in indicator_selectors.assessments_for(indicators).items():
        headline = indicator_selectors.headline_assessment(series)
        statuses[indicator_id] = headline.status if headline else Status.CANNOT_ASSESS
    return statuses


@dataclass
class IndicatorGap:
    indicator: Indicator
    status: Status


@dataclass
class Gaps:
    subgoals: list[SubGoal] = field(default_factory=list)
    indicators: list[IndicatorGap] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)

    @property
    def initiatives_by_subgoal(self) -> list[tuple[SubGoal, list[Initiative]]]:
        grouped: dict[int, tuple[SubGoal, list[Initiative]]] = {}
        for initiative in self.initiatives:
            grouped.setdefault(initiative.subgoal_id, (initiative.subgoal, []))[1].append(
                initiative
            )
        return list(grouped.values())


def gap_analysis() -> Gaps:
    strategy = Strategy.current()
    subgoals = _subgoals(strategy)
    with_initiative = subgoals_with_active_initiative()
    subgoal_gap = set(gaps.subgoals_without_initiative([sg.pk for sg in subgoals], with_initiative))

    indicators = list(Indicator.objects.select_related("goal", "subgoal").order_by("code"))
    statuses = headline_statuses(indicators)
    linked_indicators = set(
        IndicatorInitiativeLink.objects.filter(initiative__retired_in__isnull=True).values_list(
            "indicator_id", flat=True
        )
    )
    indicator_gap = set(
        gaps.indicators_off_track_without_initiative(
            [gaps.IndicatorFact(i.pk, statuses[i.pk].value) for i in indicators],
            linked_indicators,
        )
    )

    active = list(active_initiatives().select_related("subgoal").order_by("subgoal__code", "title"))
    linked_initiatives = set(
        IndicatorInitiativeLink.objects.values_list("initiative_id", flat=True)
    )
    initiative_gap = set(
        gaps.initiatives_without_indicator([i.pk for i in active], linked_initiatives)
    )

    expected = list(
        Organisation.objects.filter(former=False, kind__in=PLANNING_KINDS).order_by("name")
    )
    link_counts = dict(
        current_plans()
        .values_list("organisation_id")
        .annotate(n=Count("items__goal_links"))
        .values_list("organisation_id", "n")
    )
    org_gap = set(gaps.organisations_without_aligned_plan([o.pk for o in expected], link_counts))
    return Gaps(
        subgoals=[sg for sg in subgoals if sg.pk in subgoal_gap],
        indicators=[IndicatorGap(i, statuses[i.pk]) for i in indicators if i.pk in indicator_gap],
        initiatives=[i for i in active if i.pk in initiative_gap],
        organisations=[o for o in expected if o.pk in org_gap],
    )


@dataclass
class ThemeFollowUp:
    subgoals: list[tuple[SubGoal, int]]
    indicators: list[tuple[Indicator, Status]]
    cases: list[Case]
    log: list[Any]


def theme_follow_up(theme: Theme, user: Any, *, log_limit: int | None = None) -> ThemeFollowUp:
    """Status of what is tagged with ``theme``, the cases about it the user may read, and the log."""
    subgoals = list(
        theme.subgoals.annotate(
            active=Count("initiatives", filter=Q(initiatives__retired_in__isnull=True))
        ).order_by("code")
    )
    indicators = list(theme.indicators.order_by("code"))
    statuses = headline_statuses(indicators)
    tagged = Q(subgoals__themes=theme) | Q(indicators__themes=theme) | Q(initiatives__themes=theme)
    cases = [
        case
        for case in Case.objects.filter(tagged).distinct().select_related("body")
        if user.has_perm("council.view_case", case)
    ]
    log = theme.log_entries.select_related("author").order_by("-date", "-pk")
    return ThemeFollowUp(
        subgoals=[(sg, sg.active) for sg in subgoals],  # type: ignore[attr-defined]
        indicators=[(i, statuses[i.pk]) for i in indicators],
        cases=cases,
        log=list(log[:log_limit] if log_limit else log),
    )
