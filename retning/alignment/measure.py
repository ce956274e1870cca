"""How well actors' plans cover the national sub-goals. Pure: no Django, no database.

The rules, also explained on the matrix page (section «Slik beregnes samsvaret»):

* Every link from a plan item to a national sub-goal has a weight by its strength:
  direct contribution 1, support 0.5, related 0.25 (``WEIGHTS``).
* A link to a whole goal, not to one of its sub-goals, counts for each sub-goal of that goal at
  half its weight (``GOAL_LEVEL_FACTOR``): it says less about which part of the goal is meant.
* The cell for one organisation and one sub-goal holds the *strongest* weight among that
  organisation's links to it, not the sum: ten loosely related items do not add up to one direct
  contribution. A cell is *covered* when its weight is above zero.
* Per organisation: coverage is the share of the national sub-goals that are covered; the
  alignment score is the mean cell weight over all sub-goals (0 to 1, never above the coverage).
* Per sub-goal: the number of organisations covering it, and the mean cell weight over the
  organisations that have a current plan (0 to 1).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

DIRECT = "direct"
SUPPORT = "support"
RELATED = "related"

WEIGHTS: dict[str, float] = {DIRECT: 1.0, SUPPORT: 0.5, RELATED: 0.25}
GOAL_LEVEL_FACTOR = 0.5


@dataclass(frozen=True)
class Link:
    """One plan item's link: to a sub-goal (``subgoal_id``) or to a whole goal (``goal_id``)."""

    organisation_id: int
    strength: str
    subgoal_id: int | None = None
    goal_id: int | None = None

    def __post_init__(self) -> None:
        if self.strength not in WEIGHTS:
            raise ValueError(f"Ukjent styrke: {self.strength}")
        if (self.subgoal_id is None) == (self.goal_id is None):
            raise ValueError("En kobling gjelder enten et mål eller et delmål.")


@dataclass(frozen=True)
class SubGoalRef:
    id: int
    goal_id: int


@dataclass(frozen=True)
class Score:
    covered: int
    total: int
    score: float

    @property
    def coverage(self) -> float:
        return self.covered / self.total if self.total else 0.0


type Cells = dict[tuple[int, int], float]


@dataclass(frozen=True)
class Cell:
    """The strongest link behind one (organisation, sub-goal) cell."""

    weight: float
    strength: str
    via_goal: bool


def cell_details(
    links: Iterable[Link], subgoals: Sequence[SubGoalRef]
) -> dict[tuple[int, int], Cell]:
    """The strongest link per (organisation, sub-goal); cells without links are left out."""
    by_goal: dict[int, list[int]] = {}
    known = {subgoal.id for subgoal in subgoals}
    for subgoal in subgoals:
        by_goal.setdefault(subgoal.goal_id, []).append(subgoal.id)
    cells: dict[tuple[int, int], Cell] = {}
    for link in links:
        weight = WEIGHTS[link.strength]
        if link.subgoal_id is not None:
            targets = [link.subgoal_id] if link.subgoal_id in known else []
            via_goal = False
        else:
            targets = by_goal.get(link.goal_id or 0, [])
            weight *= GOAL_LEVEL_FACTOR
            via_goal = True
        for subgoal_id in targets:
            key = (link.organisation_id, subgoal_id)
            best = cells.get(key)
            if best is None or weight > best.weight:
                cells[key] = Cell(weight, link.strength, via_goal)
    return cells


def cell_weights(links: Iterable[Link], subgoals: Sequence[SubGoalRef]) -> Cells:
    """The strongest weight per (organisation, sub-goal); cells without links are left out."""
    return {key: cell.weight for key, cell in cell_details(links, subgoals).items()}


def organisation_score(cells: Cells, organisation_id: int, subgoals: Sequence[SubGoalRef]) -> Score:
    weights = [cells.get((organisation_id, subgoal.id), 0.0) for subgoal in subgoals]
    total = len(weights)
    return Score(
        covered=sum(1 for weight in weights if weight > 0),
        total=total,
        score=sum(weights) / total if total else 0.0,
    )


def subgoal_score(cells: Cells, subgoal_id: int, organisation_ids: Sequence[int]) -> Score:
    weights = [
        cells.get((organisation_id, subgoal_id), 0.0) for organisation_id in organisation_ids
    ]
    total = len(weights)
    return Score(
        covered=sum(1 for weight in weights if weight > 0),
        total=total,
        score=sum(weights) / total if total else 0.0,
    )
