"""A dependency graph of initiatives as server-side SVG, laid out in layers from left to right.

Prerequisites stand left of what depends on them (longest-path layering from
:mod:`retning.roadmap.schedule`, then a barycentre pass against crossings). Each initiative is a
box that links to its page; arrows run from prerequisite to dependent. An arrow whose prerequisite
is expected later than the dependent's planned date is drawn red, thick and dashed with a «!» mark,
so the warning does not rest on colour alone. Initiatives from other goals get a dashed box.

The page that shows the graph must also show the same edges as a table (the SVG is a named group
with focusable links, but a table is the dependable text alternative).

This module imports nothing from Django.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from retning.roadmap.schedule import layer_graph, order_layers

from .charts import (
    LINK_COLOUR,
    TODAY_COLOUR,
    _check_href,
    _check_prefix,
    _esc,
    _legend,
    _num,
    _phase_colour,
    _phase_key,
    _svg,
    _tag,
    _text,
    _truncate,
)

__all__ = ["DEFAULT_LABELS", "ENGLISH_LABELS", "GraphEdge", "GraphNode", "dependency_graph_svg"]

WARNING_COLOUR = TODAY_COLOUR  # red, 5.9:1 against white
EDGE_COLOUR = "#3B4350"

DEFAULT_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "empty": "Ingen registrerte avhengigheter",
        "edge": "Forutsetning → avhengig",
        "warning_edge": "Forutsetningen ventes etter planlagt dato",
        "external": "Initiativ under et annet mål",
        "desc": "{nodes} initiativer og {edges} avhengigheter, {warnings} med varsel. "
        "Pilene går fra forutsetning til det som avhenger av den.",
    }
)
ENGLISH_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "empty": "No dependencies recorded",
        "edge": "Prerequisite → dependent",
        "warning_edge": "Prerequisite expected after the planned date",
        "external": "Initiative under another goal",
        "desc": "{nodes} initiatives and {edges} dependencies, {warnings} with a warning. "
        "Arrows run from the prerequisite to what depends on it.",
    }
)


@dataclass(frozen=True)
class GraphNode:
    key: int
    title: str
    href: str | None
    subtitle: str = ""
    phase_index: int | None = None
    external: bool = False


@dataclass(frozen=True)
class GraphEdge:
    prerequisite: int
    dependent: int
    description: str
    warning: bool = False


NODE_WIDTH, NODE_HEIGHT = 200.0, 58.0
COLUMN_GAP, ROW_GAP = 70.0, 18.0
MARGIN, HEADER = 12.0, 8.0


def _wrap(text: str, width: float, size: float, lines: int = 2) -> list[str]:
    """Up to ``lines`` lines of words; the last one is cut with an ellipsis when needed."""
    max_chars = max(1, int(width / (size * 0.54)))
    words = text.split()
    result: list[str] = []
    i = 0
    while i < len(words) and len(result) < lines - 1:
        current = words[i]
        i += 1
        while i < len(words) and len(current) + 1 + len(words[i]) <= max_chars:
            current += " " + words[i]
            i += 1
        result.append(_truncate(current, width, size))
    if i < len(words):
        result.append(_truncate(" ".join(words[i:]), width, size))
    return result


def _arrow_head(prefix: str, name: str, colour: str) -> str:
    return _tag(
        "marker",
        _tag("path", d="M0 0L10 5L0 10Z", fill=colour),
        id=f"{prefix}-{name}",
        viewBox="0 0 10 10",
        refX=9,
        refY=5,
        markerWidth=9,
        markerHeight=9,
        markerUnits="userSpaceOnUse",
        orient="auto-start-reverse",
    )


def dependency_graph_svg(
    nodes: Sequence[GraphNode],
    edges: Sequence[GraphEdge],
    *,
    id_prefix: str,
    title: str,
    labels: Mapping[str, str] | None = None,
) -> str:
    _check_prefix(id_prefix)
    words = {**DEFAULT_LABELS, **(labels or {})}
    known = {node.key: node for node in nodes}
    edges = [e for e in edges if e.prerequisite in known and e.dependent in known]
    desc = (
        words["desc"]
        .replace("{nodes}", str(len(nodes)))
        .replace("{edges}", str(len(edges)))
        .replace("{warnings}", str(sum(1 for e in edges if e.warning)))
    )
    if not nodes:
        body = _text(200, 40, words["empty"], text_anchor="middle", class_="no-data")
        return _svg(id_prefix, 400, 70, title, desc, body)

    pairs = [(e.prerequisite, e.dependent) for e in edges]
    columns = order_layers(layer_graph([n.key for n in nodes], pairs), pairs)
    place: dict[int, tuple[float, float]] = {}
    for c, column in enumerate(columns):
        for r, key in enumerate(column):
            x = MARGIN + c * (NODE_WIDTH + COLUMN_GAP)
            y = HEADER + r * (NODE_HEIGHT + ROW_GAP)
            place[key] = (x, y)
    width = max(400.0, MARGIN * 2 + len(columns) * NODE_WIDTH + (len(columns) - 1) * COLUMN_GAP)
    rows = max(len(column) for column in columns)
    graph_bottom = HEADER + rows * (NODE_HEIGHT + ROW_GAP)

    defs = _tag(
        "defs",
        _arrow_head(id_prefix, "arrow", EDGE_COLOUR)
        + _arrow_head(id_prefix, "arrow-warning", WARNING_COLOUR),
    )
    edge_markup = "".join(_edge(edge, place, id_prefix) for edge in edges)
    node_markup = "".join(_node(node, *place[node.key]) for node in nodes)

    entries = [
        (_tag("path", d="M0 6H20", stroke=EDGE_COLOUR, stroke_width=1.6), words["edge"]),
    ]
    if any(e.warning for e in edges):
        entries.append(
            (
                _tag(
                    "path",
                    d="M0 6H20",
                    stroke=WARNING_COLOUR,
                    stroke_width=3,
                    stroke_dasharray="6 3",
                ),
                words["warning_edge"],
            )
        )
    if any(n.external for n in nodes):
        entries.append(
            (
                _tag(
                    "rect",
                    x=1.0,
                    y=0.0,
                    width=20,
                    height=12,
                    fill="#FFF",
                    stroke=EDGE_COLOUR,
                    stroke_dasharray="4 3",
                ),
                words["external"],
            )
        )
    legend, legend_height = _legend(entries, MARGIN, graph_bottom + 4, width - 2 * MARGIN)
    height = graph_bottom + 4 + legend_height
    body = defs + edge_markup + node_markup + legend
    role = "group" if any(n.href for n in nodes) else "img"
    return _svg(id_prefix, width, height, title, desc, body, role=role)


def _edge(edge: GraphEdge, place: Mapping[int, tuple[float, float]], prefix: str) -> str:
    (ax, ay), (bx, by) = place[edge.prerequisite], place[edge.dependent]
    start_x, start_y = ax + NODE_WIDTH, ay + NODE_HEIGHT / 2
    end_x, end_y = bx, by + NODE_HEIGHT / 2
    if end_x > start_x:
        bend = (end_x - start_x) / 2
        d = (
            f"M{_num(start_x)} {_num(start_y)}C{_num(start_x + bend)} {_num(start_y)} "
            f"{_num(end_x - bend)} {_num(end_y)} {_num(end_x - 2)} {_num(end_y)}"
        )
        mid_x, mid_y = (start_x + end_x) / 2, (start_y + end_y) / 2
    else:
        # Backwards or within one column (only in a cycle): loop around below the boxes.
        low = max(ay, by) + NODE_HEIGHT + ROW_GAP / 2
        d = (
            f"M{_num(start_x)} {_num(start_y)}C{_num(start_x + 40)} {_num(start_y)} "
            f"{_num(start_x + 40)} {_num(low)} {_num((start_x + end_x) / 2)} {_num(low)}"
            f"S{_num(end_x - 40)} {_num(end_y)} {_num(end_x - 2)} {_num(end_y)}"
        )
        mid_x, mid_y = (start_x + end_x) / 2, low
    colour = WARNING_COLOUR if edge.warning else EDGE_COLOUR
    path = _tag(
        "path",
        d=d,
        fill="none",
        stroke=colour,
        stroke_width=3 if edge.warning else 1.6,
        stroke_dasharray="6 3" if edge.warning else None,
        marker_end=f"url(#{prefix}-{'arrow-warning' if edge.warning else 'arrow'})",
    )
    mark = ""
    if edge.warning:
        mark = _tag("circle", cx=mid_x, cy=mid_y, r=9, fill=WARNING_COLOUR) + _text(
            mid_x, mid_y + 4.5, "!", text_anchor="middle", font_weight="bold", fill="#FFF"
        )
    css = "edge edge-warning" if edge.warning else "edge"
    return _tag("g", _tag("title", _esc(edge.description)) + path + mark, class_=css)


def _node(node: GraphNode, x: float, y: float) -> str:
    colour = _phase_colour(_phase_key(node.phase_index))
    box = _tag(
        "rect",
        x=x,
        y=y,
        width=NODE_WIDTH,
        height=NODE_HEIGHT,
        rx=4,
        fill="#FFF",
        stroke=EDGE_COLOUR,
        stroke_width=1.2,
        stroke_dasharray="4 3" if node.external else None,
    )
    stripe = _tag("rect", x=x, y=y, width=6, height=NODE_HEIGHT, fill=colour)
    href = _check_href(node.href) if node.href else None
    lines = _wrap(node.title, NODE_WIDTH - 20, 12)
    text = "".join(
        _text(
            x + 12,
            y + 17 + n * 15,
            line,
            font_size=12,
            fill=LINK_COLOUR if href else "currentColor",
            text_decoration="underline" if href else None,
        )
        for n, line in enumerate(lines)
    )
    if node.subtitle:
        text += _text(
            x + 12,
            y + NODE_HEIGHT - 8,
            _truncate(node.subtitle, NODE_WIDTH - 20, 11),
            font_size=11,
            fill="#4A5260",
        )
    content = _tag("title", _esc(node.title)) + box + stripe + text
    if href:
        content = _tag("a", content, href=href)
    css = "node node-external" if node.external else "node"
    return _tag("g", content, class_=css)
