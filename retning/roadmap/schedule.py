"""Schedule arithmetic for deliveries and dependencies: slippage, its growth, warnings, graph layout.

Everything here works on plain values (dates, integers, small frozen dataclasses), so it can be
tested without a database and reused by the web pages, the portfolio report and the API alike.

Words used below:

* **Slippage** of a delivery is how many days later than planned it is expected: the actual date
  when it has happened, otherwise the forecast, minus the planned date. Negative means early.
* **Expected date** of one side of a dependency is the best knowledge of when it happens: actual,
  else forecast, else planned.
* A **dependency warning** is raised when the prerequisite is expected later than the planned date
  of what depends on it.

This module imports nothing from Django.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

__all__ = [
    "DatedSide",
    "DependencyWarning",
    "SlippageStep",
    "dependency_warning",
    "expected_date",
    "find_cycle",
    "growth_over_rounds",
    "initiative_finish",
    "layer_graph",
    "order_layers",
    "slippage_days",
    "total_growth",
    "would_create_cycle",
]


# --- Slippage -----------------------------------------------------------------------------------


def expected_date(planned: date | None, forecast: date | None, actual: date | None) -> date | None:
    """What we know best about when something happens: actual, else forecast, else planned."""
    return actual or forecast or planned


def slippage_days(planned: date | None, forecast: date | None, actual: date | None) -> int | None:
    """Days between the plan and the actual date (or, before it happens, the forecast).

    ``None`` when there is no plan, or neither a forecast nor an actual date to compare with: an
    unknown slippage is not the same as none.
    """
    observed = actual or forecast
    if planned is None or observed is None:
        return None
    return (observed - planned).days


@dataclass(frozen=True)
class SlippageStep:
    """A delivery's slippage at one point in time (the end of a round, or now)."""

    label: str
    when: date | None
    days: int | None
    change: int | None  # days added since the previous step with a known slippage


def growth_over_rounds(
    points: Sequence[tuple[str, date | None, date | None, date | None, date | None]],
) -> list[SlippageStep]:
    """Slippage at each point, and how much it grew since the previous known value.

    ``points`` are ``(label, when, planned, forecast, actual)`` in time order (the caller sorts the
    rounds by deadline and puts the current dates last). A point whose slippage is unknown keeps
    the chain: the next known value is compared with the last known one before it.
    """
    steps: list[SlippageStep] = []
    previous: int | None = None
    for label, when, planned, forecast, actual in points:
        days = slippage_days(planned, forecast, actual)
        change = days - previous if days is not None and previous is not None else None
        steps.append(SlippageStep(label=label, when=when, days=days, change=change))
        if days is not None:
            previous = days
    return steps


def total_growth(steps: Sequence[SlippageStep]) -> int | None:
    """Last known slippage minus the first known one; ``None`` with fewer than two known values."""
    known = [step.days for step in steps if step.days is not None]
    return known[-1] - known[0] if len(known) >= 2 else None


# --- Dependencies -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatedSide:
    """One end of a dependency: what it is called and its dates."""

    label: str
    planned: date | None
    forecast: date | None = None
    actual: date | None = None

    @property
    def expected(self) -> date | None:
        return expected_date(self.planned, self.forecast, self.actual)


@dataclass(frozen=True)
class DependencyWarning:
    prerequisite_expected: date
    needed_by: date
    based_on_forecast: bool

    @property
    def days_late(self) -> int:
        return (self.prerequisite_expected - self.needed_by).days


def dependency_warning(prerequisite: DatedSide, dependent: DatedSide) -> DependencyWarning | None:
    """A warning when the prerequisite is expected after the planned date of its dependent.

    Only the dependent's *planned* date counts: the point is to tell the owner that the plan no
    longer holds. Missing dates on either side give no warning (nothing to compare).
    """
    expected = prerequisite.expected
    needed_by = dependent.planned
    if expected is None or needed_by is None or expected <= needed_by:
        return None
    return DependencyWarning(
        prerequisite_expected=expected,
        needed_by=needed_by,
        based_on_forecast=prerequisite.actual is None and prerequisite.forecast is not None,
    )


def initiative_finish(
    end_date: date | None,
    deliveries: Iterable[tuple[date | None, date | None, date | None]],
) -> tuple[date | None, date | None, date | None]:
    """An initiative as one dated side: (planned, forecast, actual) of its finish.

    Planned is its end date, or the latest planned delivery when it has none. The forecast is the
    latest expected delivery date when any delivery has a forecast or actual date, but never
    earlier than the planned end (early deliveries do not end the initiative early). Actual is set
    only when every delivery has happened, and is the last of those dates.
    """
    rows = list(deliveries)
    planned_dates = [p for p, _f, _a in rows if p is not None]
    planned = end_date or (max(planned_dates) if planned_dates else None)
    has_news = any(f is not None or a is not None for _p, f, a in rows)
    forecast = None
    if has_news:
        expected = [d for d in (expected_date(*row) for row in rows) if d is not None]
        latest = max(expected) if expected else None
        forecast = max(d for d in (latest, planned) if d is not None) if latest else planned
    actual = None
    if rows and all(a is not None for _p, _f, a in rows):
        actual = max(a for _p, _f, a in rows if a is not None)
    return planned, forecast, actual


# --- Graphs -------------------------------------------------------------------------------------


def _adjacency[K: Hashable](edges: Iterable[tuple[K, K]]) -> dict[K, list[K]]:
    """Prerequisite -> dependents, in a stable order."""
    following: dict[K, list[K]] = defaultdict(list)
    for prerequisite, dependent in edges:
        if dependent not in following[prerequisite]:
            following[prerequisite].append(dependent)
        following.setdefault(dependent, [])
    return following


def find_cycle[K: Hashable](edges: Iterable[tuple[K, K]]) -> list[K] | None:
    """A cycle among ``(prerequisite, dependent)`` edges as ``[a, b, ..., a]``, or ``None``.

    Iterative depth-first search, so long chains do not hit Python's recursion limit.
    """
    following = _adjacency(edges)
    white, grey, black = 0, 1, 2
    colour: dict[K, int] = dict.fromkeys(following, white)
    for root in following:
        if colour[root] != white:
            continue
        path: list[K] = [root]
        iterators = [iter(following[root])]
        colour[root] = grey
        while iterators:
            node = next(iterators[-1], None)
            if node is None:
                colour[path.pop()] = black
                iterators.pop()
                continue
            if colour[node] == grey:
                return [*path[path.index(node) :], node]
            if colour[node] == white:
                colour[node] = grey
                path.append(node)
                iterators.append(iter(following[node]))
    return None


def would_create_cycle[K: Hashable](
    edges: Iterable[tuple[K, K]], prerequisite: K, dependent: K
) -> list[K] | None:
    """The cycle that adding ``prerequisite -> dependent`` would close, or ``None``.

    Adding the edge closes a cycle exactly when ``prerequisite`` is already reachable from
    ``dependent`` (or they are the same).
    """
    if prerequisite == dependent:
        return [prerequisite, prerequisite]
    following = _adjacency(edges)
    parents: dict[K, K] = {}
    stack = [dependent]
    seen = {dependent}
    while stack:
        node = stack.pop()
        if node == prerequisite:
            chain = [node]
            while chain[-1] != dependent:
                chain.append(parents[chain[-1]])
            return [prerequisite, *reversed(chain)]
        for nxt in following.get(node, []):
            if nxt not in seen:
                seen.add(nxt)
                parents[nxt] = node
                stack.append(nxt)
    return None


def layer_graph[K: Hashable](nodes: Sequence[K], edges: Iterable[tuple[K, K]]) -> dict[K, int]:
    """Longest-path layering: every node sits one layer right of its furthest prerequisite.

    Nodes without prerequisites are in layer 0. Edges that close a cycle (found by a depth-first
    search in the order of ``nodes``) are left out of the layering, so the result is defined for any
    graph; for an acyclic graph every edge goes from a lower to a higher layer.
    """
    edge_list = [(a, b) for a, b in edges if a != b]
    following = _adjacency(edge_list)
    order = list(dict.fromkeys([*nodes, *following]))
    # Drop back edges: depth-first, iteratively, in the given node order.
    state: dict[K, int] = {}
    kept: list[tuple[K, K]] = []
    for root in order:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(following.get(root, [])))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                continue
            if state.get(child) == 1:
                continue  # back edge: part of a cycle
            kept.append((node, child))
            if child not in state:
                state[child] = 1
                stack.append((child, iter(following.get(child, []))))
    # Longest path on the remaining acyclic graph, by Kahn's topological order.
    incoming: dict[K, int] = dict.fromkeys(order, 0)
    forward: dict[K, list[K]] = defaultdict(list)
    for a, b in kept:
        incoming[b] += 1
        forward[a].append(b)
    layer: dict[K, int] = dict.fromkeys(order, 0)
    ready = [node for node in order if incoming[node] == 0]
    while ready:
        node = ready.pop(0)
        for nxt in forward[node]:
            layer[nxt] = max(layer[nxt], layer[node] + 1)
            incoming[nxt] -= 1
            if incoming[nxt] == 0:
                ready.append(nxt)
    return layer


def order_layers[K: Hashable](
    layers: Mapping[K, int], edges: Iterable[tuple[K, K]], *, sweeps: int = 2
) -> list[list[K]]:
    """Nodes grouped by layer, ordered to reduce crossings (barycentre heuristic).

    The first layer keeps the order the mapping gives; each later layer is sorted by the mean
    position of its neighbours in the layer before, ties kept in the original order.
    """
    if not layers:
        return []
    count = max(layers.values()) + 1
    columns: list[list[K]] = [[] for _ in range(count)]
    for node, index in layers.items():
        columns[index].append(node)
    neighbours: dict[K, list[K]] = defaultdict(list)
    for a, b in edges:
        if a in layers and b in layers:
            neighbours[a].append(b)
            neighbours[b].append(a)
    for sweep in range(sweeps):
        indices = range(1, count) if sweep % 2 == 0 else range(count - 2, -1, -1)
        for index in indices:
            reference = columns[index - 1] if sweep % 2 == 0 else columns[index + 1]
            position = {node: n for n, node in enumerate(reference)}
            current = columns[index]

            def key(item: tuple[int, K], position: dict[K, int] = position) -> float:
                n, node = item
                near = [position[m] for m in neighbours[node] if m in position]
                return sum(near) / len(near) if near else float(n)

            columns[index] = [node for _n, node in sorted(enumerate(current), key=key)]
    return columns
