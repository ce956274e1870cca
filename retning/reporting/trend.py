"""A small server-side SVG of an initiative's overall status over rounds.

Pure Python, no Django. Green is drawn high, yellow in the middle, red low, so the line reads as
better or worse without colour; each point also carries its round and status as text in the
SVG's title and in the table next to it. No inline style (the site's CSP forbids it): colours are
presentation attributes.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

LEVEL = {"green": 0, "yellow": 1, "red": 2}
FILL = {"green": "#06893a", "yellow": "#b25e00", "red": "#c01b1b"}
STEP_X = 72
ROW_Y = 28
LEFT = 64
TOP = 16


@dataclass(frozen=True)
class Point:
    label: str  # the round's name
    rating: str  # "green", "yellow", "red" or "" when not set


def trend_svg(points: Sequence[Point], names: Mapping[str, str], title: str) -> str:
    """The SVG as a string.

    ``names`` gives a short word per rating (and ``""`` for "not set"); ``title`` is the chart's
    accessible name.
    """
    if not points:
        return ""
    width = LEFT + STEP_X * max(len(points) - 1, 1) + 40
    height = TOP + ROW_Y * 2 + 40
    coords = []
    for i, point in enumerate(points):
        level = LEVEL.get(point.rating)
        x = LEFT + STEP_X * i
        coords.append((x, None if level is None else TOP + ROW_Y * level, point))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="trend-title" '
        'class="reporting-trend">',
        f'<title id="trend-title">{escape(title)}</title>',
    ]
    for level, key in enumerate(("green", "yellow", "red")):
        y = TOP + ROW_Y * level
        parts.append(
            f'<line x1="{LEFT - 8}" x2="{width - 24}" y1="{y}" y2="{y}" '
            'stroke="#d0d5dc" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 12}" y="{y + 4}" text-anchor="end" font-size="11" '
            f'fill="#1e2b3c">{escape(names.get(key, key))}</text>'
        )
    drawn = [(x, y) for x, y, _ in coords if y is not None]
    if len(drawn) > 1:
        path = " ".join(f"{'M' if i == 0 else 'L'}{x},{y}" for i, (x, y) in enumerate(drawn))
        parts.append(f'<path d="{path}" fill="none" stroke="#1e2b3c" stroke-width="2"/>')
    for x, y, point in coords:
        words = names.get(point.rating) or names.get("", "")
        if y is not None:
            parts.append(
                f'<circle cx="{x}" cy="{y}" r="7" fill="{FILL[point.rating]}" '
                f'stroke="#ffffff" stroke-width="2"><title>{escape(point.label)}: '
                f"{escape(words)}</title></circle>"
            )
        parts.append(
            f'<text x="{x}" y="{TOP + ROW_Y * 2 + 28}" text-anchor="middle" font-size="11" '
            f'fill="#1e2b3c">{escape(point.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
