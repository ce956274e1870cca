"""Slippage, its growth over rounds, dependency warnings, cycles and layering, without a database."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retning.roadmap.schedule import (
    DatedSide,
    dependency_warning,
    expected_date,
    find_cycle,
    growth_over_rounds,
    initiative_finish,
    layer_graph,
    order_layers,
    slippage_days,
    total_growth,
    would_create_cycle,
)

D = date


# --- Slippage -----------------------------------------------------------------------------------


def test_slippage_is_forecast_minus_planned_before_delivery() -> None:
    assert slippage_days(D(2027, 6, 1), D(2027, 9, 1), None) == 92


def test_slippage_uses_the_actual_date_once_delivered_even_with_a_forecast() -> None:
    assert slippage_days(D(2027, 6, 1), D(2027, 9, 1), D(2027, 5, 20)) == -12


def test_slippage_is_unknown_without_a_plan_or_without_news() -> None:
    assert slippage_days(None, D(2027, 9, 1), None) is None
    assert slippage_days(D(2027, 6, 1), None, None) is None


def test_on_time_is_zero_not_unknown() -> None:
    assert slippage_days(D(2027, 6, 1), D(2027, 6, 1), None) == 0


def test_expected_date_prefers_actual_then_forecast_then_planned() -> None:
    p, f, a = D(2027, 1, 1), D(2027, 2, 1), D(2027, 3, 1)
    assert expected_date(p, f, a) == a
    assert expected_date(p, f, None) == f
    assert expected_date(p, None, None) == p
    assert expected_date(None, None, None) is None


def test_growth_over_rounds_compares_each_known_value_with_the_previous_known_one() -> None:
    planned = D(2027, 6, 1)
    steps = growth_over_rounds(
        [
            ("2026 T1", D(2026, 4, 1), planned, D(2027, 6, 11), None),  # 10 days
            ("2026 T2", D(2026, 8, 1), planned, None, None),  # unknown
            ("2026 T3", D(2026, 12, 1), planned, D(2027, 7, 1), None),  # 30 days
            ("Nå", None, planned, D(2027, 6, 21), None),  # 20 days
        ]
    )
    assert [s.days for s in steps] == [10, None, 30, 20]
    assert [s.change for s in steps] == [None, None, 20, -10]
    assert total_growth(steps) == 10


def test_total_growth_needs_two_known_values() -> None:
    steps = growth_over_rounds([("Nå", None, D(2027, 6, 1), D(2027, 7, 1), None)])
    assert total_growth(steps) is None


@given(
    planned=st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 1, 1)),
    shifts=st.lists(st.one_of(st.none(), st.integers(-400, 800)), min_size=1, max_size=8),
)
def test_changes_add_up_to_the_total_growth(planned: date, shifts: list[int | None]) -> None:
    points = [
        (f"R{n}", None, planned, planned + timedelta(days=s) if s is not None else None, None)
        for n, s in enumerate(shifts)
    ]
    steps = growth_over_rounds(points)
    known = [s for s in shifts if s is not None]
    assert [s.days for s in steps] == shifts
    assert sum(s.change for s in steps if s.change is not None) == (
        known[-1] - known[0] if known else 0
    )
    assert total_growth(steps) == (known[-1] - known[0] if len(known) >= 2 else None)


# --- Warnings -----------------------------------------------------------------------------------


def test_warning_when_the_prerequisite_forecast_is_after_the_dependent_plan() -> None:
    before = DatedSide("API", planned=D(2027, 1, 1), forecast=D(2027, 5, 1))
    after = DatedSide("Pilot", planned=D(2027, 3, 1))
    warning = dependency_warning(before, after)
    assert warning is not None
    assert warning.days_late == (D(2027, 5, 1) - D(2027, 3, 1)).days
    assert warning.based_on_forecast


def test_no_warning_when_the_forecast_is_on_or_before_the_plan() -> None:
    after = DatedSide("Pilot", planned=D(2027, 3, 1))
    assert dependency_warning(DatedSide("API", D(2027, 1, 1), D(2027, 3, 1)), after) is None
    assert dependency_warning(DatedSide("API", D(2027, 1, 1), D(2027, 2, 1)), after) is None


def test_the_dependents_forecast_does_not_matter_only_its_plan() -> None:
    before = DatedSide("API", D(2027, 1, 1), D(2027, 5, 1))
    after = DatedSide("Pilot", planned=D(2027, 3, 1), forecast=D(2027, 12, 1))
    assert dependency_warning(before, after) is not None


def test_a_planned_date_alone_can_warn_and_is_not_called_a_forecast() -> None:
    warning = dependency_warning(DatedSide("API", D(2028, 1, 1)), DatedSide("Pilot", D(2027, 1, 1)))
    assert warning is not None and not warning.based_on_forecast


def test_a_delivered_prerequisite_is_judged_by_its_actual_date() -> None:
    before = DatedSide("API", D(2027, 1, 1), forecast=D(2027, 9, 1), actual=D(2027, 2, 1))
    assert dependency_warning(before, DatedSide("Pilot", D(2027, 3, 1))) is None


def test_missing_dates_give_no_warning() -> None:
    assert dependency_warning(DatedSide("API", None), DatedSide("Pilot", D(2027, 1, 1))) is None
    assert dependency_warning(DatedSide("API", D(2028, 1, 1)), DatedSide("Pilot", None)) is None


@given(
    prerequisite=st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 1, 1)),
    needed=st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 1, 1)),
)
def test_a_warning_is_raised_exactly_when_the_prerequisite_is_later(
    prerequisite: date, needed: date
) -> None:
    warning = dependency_warning(
        DatedSide("A", D(2020, 1, 1), forecast=prerequisite), DatedSide("B", needed)
    )
    assert (warning is not None) == (prerequisite > needed)
    if warning:
        assert warning.days_late > 0


def test_initiative_finish_is_the_end_date_pushed_out_by_late_deliveries() -> None:
    end = D(2027, 12, 31)
    on_time = [(D(2027, 6, 1), D(2027, 6, 1), None)]
    late = [(D(2027, 6, 1), D(2028, 3, 1), None)]
    assert initiative_finish(end, on_time) == (end, end, None)
    assert initiative_finish(end, late) == (end, D(2028, 3, 1), None)
    assert initiative_finish(end, [(D(2027, 6, 1), None, None)]) == (end, None, None)
    assert initiative_finish(None, [(D(2027, 6, 1), None, None)]) == (D(2027, 6, 1), None, None)


def test_initiative_finish_is_actual_only_when_every_delivery_happened() -> None:
    rows = [(D(2027, 1, 1), None, D(2027, 2, 1)), (D(2027, 6, 1), None, D(2027, 5, 1))]
    assert initiative_finish(None, rows)[2] == D(2027, 5, 1)
    assert initiative_finish(None, [*rows, (D(2028, 1, 1), None, None)])[2] is None
    assert initiative_finish(D(2027, 1, 1), [])[2] is None


# --- Cycles and layers --------------------------------------------------------------------------


def test_find_cycle_on_hand_made_graphs() -> None:
    assert find_cycle([]) is None
    assert find_cycle([(1, 2), (2, 3), (1, 3)]) is None
    cycle = find_cycle([(1, 2), (2, 3), (3, 1), (3, 4)])
    assert cycle is not None and cycle[0] == cycle[-1] and set(cycle) == {1, 2, 3}


def test_would_create_cycle_names_the_chain() -> None:
    edges = [(1, 2), (2, 3)]
    assert would_create_cycle(edges, 3, 1) == [3, 1, 2, 3]
    assert would_create_cycle(edges, 1, 3) is None
    assert would_create_cycle(edges, 4, 4) == [4, 4]


edge_lists = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=20)


def _reachable(edges: list[tuple[int, int]], start: int, goal: int) -> bool:
    seen, stack = {start}, [start]
    while stack:
        node = stack.pop()
        for a, b in edges:
            if a == node and b not in seen:
                if b == goal:
                    return True
                seen.add(b)
                stack.append(b)
    return False


@given(edge_lists)
def test_find_cycle_returns_a_real_cycle_or_the_graph_is_acyclic(
    edges: list[tuple[int, int]],
) -> None:
    cycle = find_cycle(edges)
    has_cycle = any(a == b or _reachable(edges, b, a) for a, b in edges)
    assert (cycle is not None) == has_cycle
    if cycle:
        assert cycle[0] == cycle[-1]
        assert all(step in edges for step in zip(cycle, cycle[1:], strict=False))


@given(edge_lists, st.integers(0, 7), st.integers(0, 7))
def test_would_create_cycle_agrees_with_find_cycle(
    edges: list[tuple[int, int]], a: int, b: int
) -> None:
    if find_cycle(edges) is not None:
        return  # only meaningful on a graph that is acyclic to start with
    predicted = would_create_cycle(edges, a, b)
    assert (predicted is not None) == (find_cycle([*edges, (a, b)]) is not None)


@given(edge_lists)
def test_layering_puts_every_prerequisite_left_of_its_dependent_when_acyclic(
    edges: list[tuple[int, int]],
) -> None:
    nodes = sorted({n for edge in edges for n in edge} | {0})
    layers = layer_graph(nodes, edges)
    assert set(layers) == set(nodes)
    if find_cycle(edges) is None:
        assert all(layers[a] < layers[b] for a, b in edges)
        # Longest path: a node above layer 0 has a prerequisite exactly one layer to its left.
        for node, layer in layers.items():
            if layer:
                assert any(layers[a] == layer - 1 for a, b in edges if b == node)
    columns = order_layers(layers, edges)
    assert sorted(n for column in columns for n in column) == nodes


def test_layering_survives_a_cycle() -> None:
    layers = layer_graph(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")])
    assert sorted(layers.values()) == [0, 1, 2]


def test_order_layers_untangles_a_simple_crossing() -> None:
    edges = [("a", "y"), ("b", "x")]
    layers = {"a": 0, "b": 0, "x": 1, "y": 1}
    assert order_layers(layers, edges) == [["a", "b"], ["y", "x"]]


@pytest.mark.parametrize("size", [1, 200, 2000])
def test_long_chains_do_not_recurse(size: int) -> None:
    edges = [(n, n + 1) for n in range(size)]
    assert find_cycle(edges) is None
    assert layer_graph(list(range(size + 1)), edges)[size] == size
    assert would_create_cycle(edges, size, 0) is not None
