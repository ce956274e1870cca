"""Accessible SVG charts rendered on the server.

The charts work without JavaScript and can be embedded in WeasyPrint PDFs, so they use only plain
SVG 1.1 features (presentation attributes, patterns, linear gradients) and no CSS or scripts.

Every function returns one complete ``<svg>`` element (no XML prolog). All text that comes from the
caller is escaped, so the result may be marked as HTML-safe. Each chart carries ``role="img"`` and
an ``aria-labelledby`` pointing at its own ``<title>`` and ``<desc>``; the ids start with the
caller's ``id_prefix`` so several charts can share one page.

Texts the module writes itself come from a ``labels`` mapping. A caller may pass only the keys it
wants to change; missing keys fall back to :data:`DEFAULT_LABELS` (bokmål). :data:`ENGLISH_LABELS`
is a complete English set.

Colours are picked to reach at least 4.5:1 contrast against white, so they also serve as text
colours and meet the 3:1 needed for graphics. Colour is never the only cue: phases also differ by
pattern, series by marker shape and dash pattern.

This module imports nothing from Django.
"""

import functools
import html
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Literal, NamedTuple, TypeGuard

__all__ = [
    "DEFAULT_LABELS",
    "ENGLISH_LABELS",
    "PHASE_COLOURS",
    "UNKNOWN_PHASE_COLOUR",
    "ChartPoint",
    "IndicatorChartData",
    "Milestone",
    "TargetPoint",
    "TimelineData",
    "TimelineItem",
    "format_compact",
    "format_number",
    "indicator_chart",
    "nice_ticks",
    "phase_distribution_bar",
    "roadmap_timeline",
]

# Value-chain phases 1-5 (Konsept ... I bruk). All reach >= 4.5:1 against white.
PHASE_COLOURS: Mapping[int, str] = MappingProxyType(
    {
        1: "#7A3E8E",  # Konsept: plum
        2: "#1F62A6",  # Utvikling og begrenset utprøving: blue
        3: "#00756A",  # Tilpasning og utvidet utprøving: teal
        4: "#A94F0A",  # Innføring: burnt orange
        5: "#3C6E1E",  # I bruk: green
    }
)
UNKNOWN_PHASE_COLOUR = "#5F6673"

SERIES_COLOUR = "#1F4E8C"
BASELINE_COLOUR = "#4A5260"
TARGET_COLOUR = "#A63D12"
TODAY_COLOUR = "#B42318"
LINK_COLOUR = "#1A5AA6"

DEFAULT_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "observations": "Måling",
        "baseline": "Utgangsverdi",
        "target": "Målverdi",
        "example": "eksempel",
        "trajectory": "Ønsket utvikling",
        "today": "I dag",
        "no_data": "Ingen målinger ennå",
        "no_initiatives": "Ingen aktiviteter",
        "no_dates": "Ingen datoer",
        "no_lane": "Uten gruppering",
        "planned": "Planlagt",
        "tentative": "Tentativ",
        "open_ended": "Uten start- eller sluttdato",
        "phase_1": "Konsept",
        "phase_2": "Utvikling og begrenset utprøving",
        "phase_3": "Tilpasning og utvidet utprøving",
        "phase_4": "Innføring",
        "phase_5": "I bruk",
        "unknown_phase": "Ukjent fase",
        "milestone_available": "Tilgjengelig for innføring",
        "milestone_provisional": "Foreløpig dato for tilgjengelighet",
        "milestone_completed": "Innføring fullført",
        "desc_empty": "{title}: ingen målinger ennå.",
        "desc_single": "{title}: én måling, {value} ({period}).",
        "desc_series": "{title}: første måling {first} ({first_period}), "
        "siste måling {latest} ({latest_period}).",
        "desc_baseline": "Utgangsverdi {value} ({period}).",
        "desc_target": "Målverdi {value} ({period}).",
        "desc_example_target": "Eksempel på målverdi {value} ({period}).",
        "desc_phases": "{title}. Antall aktiviteter: {total}. {parts}.",
        "timeline_title": "Veikart {start}–{end}",
        "desc_timeline": "Tidslinje {start}–{end}. Antall aktiviteter: {count}, "
        "tentative: {tentative}, uten datoer: {undated}.",
    }
)

ENGLISH_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "observations": "Measurement",
        "baseline": "Baseline",
        "target": "Target",
        "example": "example",
        "trajectory": "Desired trajectory",
        "today": "Today",
        "no_data": "No measurements yet",
        "no_initiatives": "No initiatives",
        "no_dates": "No dates",
        "no_lane": "Not grouped",
        "planned": "Planned",
        "tentative": "Tentative",
        "open_ended": "Without start or end date",
        "phase_1": "Concept",
        "phase_2": "Development and limited trial",
        "phase_3": "Adaptation and extended trial",
        "phase_4": "Implementation",
        "phase_5": "In use",
        "unknown_phase": "Unknown phase",
        "milestone_available": "Available for implementation",
        "milestone_provisional": "Provisional availability date",
        "milestone_completed": "Implementation completed",
        "desc_empty": "{title}: no measurements yet.",
        "desc_single": "{title}: one measurement, {value} ({period}).",
        "desc_series": "{title}: first measurement {first} ({first_period}), "
        "latest measurement {latest} ({latest_period}).",
        "desc_baseline": "Baseline {value} ({period}).",
        "desc_target": "Target {value} ({period}).",
        "desc_example_target": "Example target {value} ({period}).",
        "desc_phases": "{title}. Initiatives: {total}. {parts}.",
        "timeline_title": "Roadmap {start}–{end}",
        "desc_timeline": "Timeline {start}–{end}. Initiatives: {count}, "
        "tentative: {tentative}, without dates: {undated}.",
    }
)


# --- Data ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartPoint:
    """One observation. ``x`` is time in fractional years (2024.25 = start of Q2 2024)."""

    x: float
    value: float | None
    label: str


@dataclass(frozen=True)
class TargetPoint:
    x: float
    value: float
    label: str
    example: bool = False


@dataclass(frozen=True)
class IndicatorChartData:
    title: str
    unit: str
    decimals: int
    points: Sequence[ChartPoint]
    baseline: ChartPoint | None = None
    targets: Sequence[TargetPoint] = ()
    today_x: float | None = None
    show_trajectory: bool = False


@dataclass(frozen=True)
class Milestone:
    when: date
    kind: Literal["available", "provisional", "completed"]
    label: str


@dataclass(frozen=True)
class TimelineItem:
    title: str
    href: str | None
    phase_index: int | None
    phase_last_index: int | None
    start: date | None
    end: date | None
    tentative: bool = False
    lane: str = ""
    milestones: Sequence[Milestone] = ()


@dataclass(frozen=True)
class TimelineData:
    items: Sequence[TimelineItem]
    start_year: int = 2023
    end_year: int = 2031
    today: date | None = None


# --- Numbers ------------------------------------------------------------------------------------

_NB_GROUP = "\u00a0"  # no-break space keeps "109 500 000" on one line
_NB_MINUS = "\u2212"


def _is_english(lang: str) -> bool:
    return lang.lower().startswith("en")


def format_number(value: float, decimals: int, lang: str = "nb") -> str:
    """Format a number for display: "109 500 000" and "57,5" (nb), "109,500,000" and "57.5" (en).

    Every language other than English uses the Norwegian style (decimal comma, no-break space
    between thousands, a true minus sign).
    """
    if not math.isfinite(value):
        raise ValueError(f"Cannot format the non-finite number {value!r}.")
    decimals = max(0, decimals)
    text = f"{abs(value):,.{decimals}f}"
    negative = value < 0 and any(ch not in "0,." for ch in text)
    if _is_english(lang):
        return ("-" if negative else "") + text
    text = text.replace(",", "\0").replace(".", ",").replace("\0", _NB_GROUP)
    return (_NB_MINUS if negative else "") + text


def _decimals_for(value: float) -> int:
    """Fewest decimals (up to 6) that show ``value`` exactly, e.g. 2.5 -> 1."""
    for decimals in range(7):
        if abs(round(value, decimals) - value) <= 1e-9 * max(1.0, abs(value)):
            return decimals
    return 6


def format_compact(value: float, lang: str = "nb", decimals: int | None = None) -> str:
    """Shorten large numbers: "109,5 mill." / "2 mrd." (nb), "109.5M" / "2B" (en).

    Below one million the number is written in full. Without ``decimals`` at most one decimal is
    shown, and none when it would be zero.
    """
    english = _is_english(lang)
    magnitude = abs(value)
    if magnitude >= 1e9:
        scaled, suffix = value / 1e9, ("B" if english else _NB_GROUP + "mrd.")
    elif magnitude >= 1e6:
        scaled, suffix = value / 1e6, ("M" if english else _NB_GROUP + "mill.")
    else:
        return format_number(value, decimals if decimals is not None else 0, lang)
    if decimals is None:
        decimals = min(1, _decimals_for(round(scaled, 1)))
    return format_number(scaled, decimals, lang) + suffix


# --- Axes ---------------------------------------------------------------------------------------

_NICE_FACTORS = (1.0, 2.0, 2.5, 5.0)


def nice_ticks(low: float, high: float, *, min_step: float | None = None) -> list[float]:
    """Evenly spaced "nice" ticks (1, 2, 2.5 or 5 × 10^n apart) that cover ``low``..``high``.

    Gives 4-6 ticks for any range wider than a millionth of its magnitude; narrower ranges are
    widened around their middle first so that float rounding cannot break the spacing.
    ``min_step`` keeps steps to whole multiples of the data's precision (e.g. 1 for whole
    numbers, so never 2.5).
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("Tick ranges must be finite.")
    low, high = min(low, high), max(low, high)
    magnitude = max(abs(low), abs(high))
    min_span = max(magnitude * 1e-6, 1e-9)
    if high - low < min_span:
        middle = (low + high) / 2
        low, high = middle - min_span / 2, middle + min_span / 2
    span = high - low
    exponent = math.floor(math.log10(span / 10))
    ticks: list[float] = []
    for _ in range(12):
        for factor in _NICE_FACTORS:
            step = factor * 10.0**exponent
            if min_step is not None and not _is_multiple(step, min_step):
                continue
            ticks = _ticks_for(low, high, step)
            if len(ticks) <= 6:
                return ticks
        exponent += 1
    return ticks


def _is_multiple(step: float, unit: float) -> bool:
    ratio = step / unit
    return ratio >= 1 - 1e-9 and abs(ratio - round(ratio)) < 1e-6


def _ticks_for(low: float, high: float, step: float) -> list[float]:
    digits = max(0, -math.floor(math.log10(step)) + 2)

    def tick(k: int) -> float:
        # Rounding hides float noise such as 0.30000000000000004.
        return round(k * step, digits)

    first, last = math.floor(low / step), math.ceil(high / step)
    # Division can land one step off either way; settle on the tightest ticks that still cover.
    while tick(first) > low:
        first -= 1
    while tick(first + 1) <= low:
        first += 1
    while tick(last) < high:
        last += 1
    while tick(last - 1) >= high:
        last -= 1
    return [tick(k) for k in range(first, last + 1)]


def _value_range(values: Sequence[float]) -> tuple[float, float]:
    """The y-axis range before rounding to ticks.

    The axis starts at 0 so that bar-like reading of heights is honest, except when every value
    lies far from 0 on one side: if the smallest value is above 75 % of the largest (or, for
    negative data, the largest is below 75 % of the smallest), the axis zooms in on the data with
    a 5 % margin. Data that crosses 0 always gets the margin on both sides.
    """
    low, high = min(values), max(values)
    span = high - low
    if low >= 0 and not (span > 0 and low > 0.75 * high):
        return 0.0, (high if high > 0 else 1.0)
    if high <= 0 and not (span > 0 and high < 0.75 * low):
        return (low if low < 0 else -1.0), 0.0
    pad = 0.05 * span if span > 0 else 0.1 * abs(high)
    return low - pad, high + pad


def _tick_labels(ticks: Sequence[float], lang: str) -> list[str]:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    biggest = max(abs(t) for t in ticks)
    scale = 1e9 if biggest >= 1e9 else 1e6 if biggest >= 1e6 else 1.0
    decimals = _decimals_for(round(step / scale, 6))
    if scale == 1.0:
        return [format_number(t, decimals, lang) for t in ticks]
    return [format_compact(t, lang, decimals) if t else "0" for t in ticks]


def _year_ticks(start: int, end: int) -> list[int]:
    years = end - start
    step = 1 if years <= 12 else 2 if years <= 24 else 5
    return [y for y in range(start, end + 1) if (y - start) % step == 0]


# --- SVG helpers --------------------------------------------------------------------------------

_INVALID_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ID_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_SAFE_HREF = re.compile(r"(https?://|mailto:|/|#|\?|\.\.?/)[^\x00-\x1f\x7f]*\Z", re.IGNORECASE)
_CHAR_WIDTH = 0.54  # average advance of a sans-serif glyph, in ems


def _esc(text: object) -> str:
    """Escape for text content and attributes; drop characters XML 1.0 cannot hold."""
    return html.escape(_INVALID_XML.sub("", str(text)), quote=True)


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@functools.cache
def _attribute_name(name: str) -> str:
    return name.rstrip("_").replace("_", "-")


def _attrs(attributes: Mapping[str, object]) -> str:
    # Numbers need no escaping; skipping it matters on pages with many charts.
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        if isinstance(value, float):
            text = _num(value)
        elif isinstance(value, int):
            text = str(value)
        else:
            text = _esc(value)
        parts.append(f' {_attribute_name(name)}="{text}"')
    return "".join(parts)


def _tag(name: str, content: str | None = None, /, **attributes: object) -> str:
    if content is None:
        return f"<{name}{_attrs(attributes)}/>"
    return f"<{name}{_attrs(attributes)}>{content}</{name}>"


def _text(x: float, y: float, content: str, **attributes: object) -> str:
    attributes.setdefault("fill", "currentColor")
    return _tag("text", _esc(content), x=float(x), y=float(y), **attributes)


def _label(x: float, y: float, content: str, **attributes: object) -> str:
    """Text with a white halo drawn underneath, so lines crossing the label do not hide it."""
    halo = {**attributes, "class_": None, "fill": "#FFF", "stroke": "#FFF", "stroke_width": 4}
    halo["stroke_linejoin"] = "round"
    return _tag(
        "g",
        _text(x, y, content, aria_hidden="true", **halo) + _text(x, y, content, **attributes),
    )


def _text_width(text: str, size: float, bold: bool = False) -> float:
    return len(text) * size * (_CHAR_WIDTH + (0.04 if bold else 0))


def _truncate(text: str, max_width: float, size: float) -> str:
    max_chars = max(1, int(max_width / (size * _CHAR_WIDTH)))
    if len(text) <= max_chars:
        return text
    return text[: max_chars - 1].rstrip() + "…"


def _check_prefix(id_prefix: str) -> str:
    if not _ID_PREFIX.match(id_prefix):
        raise ValueError(
            f"id_prefix {id_prefix!r} must start with a letter and hold only letters, digits, "
            "'-' and '_'."
        )
    return id_prefix


def _check_href(href: str) -> str:
    # The output is marked HTML-safe, so a javascript: or data: link must never get through;
    # an allow-list also stops tricks like a leading space or tab that browsers strip.
    if not _SAFE_HREF.match(href):
        raise ValueError(
            f"Refusing the link {href!r}: only http(s), mailto and links starting with /, #, ?, "
            "./ or ../ are allowed."
        )
    return href


def _merge(labels: Mapping[str, str] | None) -> dict[str, str]:
    merged = dict(DEFAULT_LABELS)
    if labels:
        merged.update(labels)
    return merged


def _fill(template: str, **values: str) -> str:
    # Plain replacement rather than str.format: templates come from translators and must not
    # fail on a stray brace.
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def _svg(
    id_prefix: str,
    width: float,
    height: float,
    title: str,
    desc: str,
    body: str,
    role: str = "img",
) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(width)} {_num(height)}"'
        f' width="100%" role="{role}" aria-labelledby="{id_prefix}-title {id_prefix}-desc"'
        f' font-family="inherit" font-size="13" class="retning-chart">'
        f'<title id="{id_prefix}-title">{_esc(title)}</title>'
        f'<desc id="{id_prefix}-desc">{_esc(desc)}</desc>'
        f"{body}</svg>"
    )


def _mix_with_white(colour: str, share: float) -> str:
    """``colour`` with only ``share`` of its strength left, for light (tentative) fills."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(255 - (255 - c) * share) for c in channels]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def _phase_key(index: int | None) -> int:
    return index if index is not None and index in PHASE_COLOURS else 0


def _phase_colour(key: int) -> str:
    return PHASE_COLOURS.get(key, UNKNOWN_PHASE_COLOUR)


def _phase_name(key: int, labels: Mapping[str, str]) -> str:
    return labels[f"phase_{key}"] if key in PHASE_COLOURS else labels["unknown_phase"]


# Each phase also has its own texture, so the phases differ without colour vision.
def _pattern_marks(key: int, colour: str, opacity: float) -> str:
    stroke = {"stroke": colour, "stroke_opacity": opacity, "stroke_width": 1.2}
    if key == 1:
        return _tag("circle", cx=2.0, cy=2.0, r=1.1, fill=colour, fill_opacity=opacity) + _tag(
            "circle", cx=5.0, cy=5.0, r=1.1, fill=colour, fill_opacity=opacity
        )
    if key == 2:
        return _tag("path", d="M-1 7L7 -1M5 9L9 5M-1 1L1 -1", **stroke)
    if key == 3:
        return _tag("path", d="M3 0V6", **stroke)
    if key == 4:
        return _tag("path", d="M0 3H6", **stroke)
    if key == 0:
        return _tag("path", d="M-1 7L7 -1M-1 -1L7 7", **stroke)
    return ""  # phase 5, "I bruk": plain fill


class _Defs:
    """Collects the patterns and gradients a chart uses, with ids under the chart's prefix."""

    def __init__(self, id_prefix: str) -> None:
        self.prefix = id_prefix
        self.items: dict[str, str] = {}

    def phase_fill(self, key: int, light: bool = False) -> str:
        ident = f"{self.prefix}-phase{key}{'-light' if light else ''}"
        if ident not in self.items:
            colour = _phase_colour(key)
            base = _mix_with_white(colour, 0.22) if light else colour
            marks = _pattern_marks(key, colour, 0.55) if light else _pattern_marks(key, "#FFF", 0.4)
            self.items[ident] = _tag(
                "pattern",
                _tag("rect", width=6, height=6, fill=base) + marks,
                id=ident,
                width=6,
                height=6,
                patternUnits="userSpaceOnUse",
            )
        return f"url(#{ident})"

    def fade(self, key: int, light: bool, towards: Literal["left", "right"]) -> str:
        ident = f"{self.prefix}-fade{key}-{towards}{'-light' if light else ''}"
        if ident not in self.items:
            colour = _phase_colour(key)
            if light:
                colour = _mix_with_white(colour, 0.22)
            # Stops must come in increasing offset order; the opacity decides the direction.
            at_left, at_right = (1, 0) if towards == "right" else (0, 1)
            self.items[ident] = _tag(
                "linearGradient",
                _tag("stop", offset=0, stop_color=colour, stop_opacity=at_left)
                + _tag("stop", offset=1, stop_color=colour, stop_opacity=at_right),
                id=ident,
            )
        return f"url(#{ident})"

    def render(self) -> str:
        return _tag("defs", "".join(self.items.values())) if self.items else ""


def _legend(
    entries: Iterable[tuple[str, str]], x0: float, y0: float, width: float, size: float = 12
) -> tuple[str, float]:
    """Lay out (symbol, text) entries left to right, wrapping; symbols are drawn in a 22x12 box
    whose top left corner is (0, 0). Returns the markup and the height used."""
    parts: list[str] = []
    x, y, row_height = x0, y0, size + 10
    for symbol, text in entries:
        entry_width = 22 + 6 + _text_width(text, size) + 14
        if x > x0 and x + entry_width > x0 + width:
            x, y = x0, y + row_height
        parts.append(
            _tag("g", symbol, transform=f"translate({_num(x)} {_num(y)})")
            + _text(x + 28, y + size * 0.85, text, font_size=size)
        )
        x += entry_width
    return "".join(parts), (y - y0) + row_height


# --- Shapes -------------------------------------------------------------------------------------


def _diamond(cx: float, cy: float, r: float) -> str:
    return (
        f"M{_num(cx)} {_num(cy - r)}L{_num(cx + r)} {_num(cy)}"
        f"L{_num(cx)} {_num(cy + r)}L{_num(cx - r)} {_num(cy)}Z"
    )


def _check(cx: float, cy: float, r: float) -> str:
    return (
        f"M{_num(cx - r)} {_num(cy)}L{_num(cx - r * 0.3)} {_num(cy + r * 0.7)}"
        f"L{_num(cx + r)} {_num(cy - r * 0.8)}"
    )


def _target_marker(cx: float, cy: float, example: bool, css_class: str | None = None) -> str:
    return _tag(
        "path",
        d=_diamond(cx, cy, 7),
        fill="#FFF",
        stroke=TARGET_COLOUR,
        stroke_width=2.2,
        stroke_dasharray="2.5 2" if example else None,
        class_=css_class,
    )


def _baseline_marker(cx: float, cy: float, css_class: str | None = None) -> str:
    return _tag(
        "rect",
        x=cx - 6,
        y=cy - 6,
        width=12,
        height=12,
        fill="none",
        stroke=BASELINE_COLOUR,
        stroke_width=2.2,
        class_=css_class,
    )


# --- 1. Indicator chart -------------------------------------------------------------------------


def _value_with_unit(value: float, decimals: int, unit: str, lang: str) -> str:
    number = format_number(value, decimals, lang)
    if not unit:
        return number
    if unit == "%" and _is_english(lang):
        return number + "%"
    return f"{number} {unit}"


def _short_value(value: float, decimals: int, lang: str) -> str:
    if abs(value) >= 1e6:
        return format_compact(value, lang)
    return format_number(value, decimals, lang)


class _Mark(NamedTuple):
    x: float
    value: float
    label: str


def _finite(value: float | None) -> TypeGuard[float]:
    return value is not None and math.isfinite(value)


def _measured(points: Iterable[ChartPoint]) -> list[_Mark]:
    return sorted(
        (_Mark(p.x, p.value, p.label) for p in points if _finite(p.value)), key=lambda m: m.x
    )


def _runs(points: Sequence[ChartPoint]) -> list[list[_Mark]]:
    """Consecutive measured points; a missing value ends a run, so the line shows the gap."""
    runs: list[list[_Mark]] = [[]]
    for point in sorted(points, key=lambda p: p.x):
        if _finite(point.value):
            runs[-1].append(_Mark(point.x, point.value, point.label))
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _indicator_desc(
    data: IndicatorChartData,
    measured: Sequence[_Mark],
    baseline: _Mark | None,
    labels: Mapping[str, str],
    lang: str,
) -> str:
    def show(value: float) -> str:
        return _value_with_unit(value, data.decimals, data.unit, lang)

    if not measured:
        sentences = [_fill(labels["desc_empty"], title=data.title)]
    elif len(measured) == 1:
        only = measured[0]
        sentences = [
            _fill(
                labels["desc_single"], title=data.title, value=show(only.value), period=only.label
            )
        ]
    else:
        first, latest = measured[0], measured[-1]
        sentences = [
            _fill(
                labels["desc_series"],
                title=data.title,
                first=show(first.value),
                first_period=first.label,
                latest=show(latest.value),
                latest_period=latest.label,
            )
        ]
    if baseline is not None:
        sentences.append(
            _fill(labels["desc_baseline"], value=show(baseline.value), period=baseline.label)
        )
    for target in data.targets:
        if math.isfinite(target.value):
            key = "desc_example_target" if target.example else "desc_target"
            sentences.append(_fill(labels[key], value=show(target.value), period=target.label))
    return " ".join(sentences)


def _no_data(width: float, height: float, text: str) -> str:
    frame = _tag(
        "rect",
        x=1.0,
        y=1.0,
        width=width - 2,
        height=height - 2,
        rx=6,
        fill="none",
        stroke="currentColor",
        stroke_opacity=0.3,
        stroke_dasharray="6 4",
    )
    return frame + _text(
        width / 2, height / 2 + 5, text, text_anchor="middle", font_size=16, class_="no-data"
    )


def _legend_line(colour: str, width: float, dash: str | None = None, vertical: bool = False) -> str:
    ends = (
        {"x1": 11, "x2": 11, "y1": -1, "y2": 13}
        if vertical
        else {"x1": 0, "x2": 22, "y1": 6, "y2": 6}
    )
    return _tag("line", stroke=colour, stroke_width=width, stroke_dasharray=dash, **ends)


def _polyline(points: Iterable[tuple[float, float]], **attributes: object) -> str:
    coordinates = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
    return _tag("polyline", points=coordinates, fill="none", **attributes)


def indicator_chart(
    data: IndicatorChartData,
    *,
    id_prefix: str,
    labels: Mapping[str, str] | None = None,
    lang: str = "nb",
) -> str:
    """A line chart of an indicator's observations with baseline, targets and a "today" line.

    Points whose value is None (or not finite) are skipped and break the line. The y-axis starts
    at 0 unless the data lie far from 0 (see :func:`_value_range`) and gets 4-6 nice ticks; large
    numbers are shortened ("100 mill."). The x-axis has a tick at every whole year (every second
    year past twelve years). Without a baseline the trajectory starts at the first measurement.
    """
    _check_prefix(id_prefix)
    words = _merge(labels)
    measured = _measured(data.points)
    baseline = None
    if data.baseline is not None and _finite(data.baseline.value):
        baseline = _Mark(data.baseline.x, data.baseline.value, data.baseline.label)
    targets = sorted((t for t in data.targets if math.isfinite(t.value)), key=lambda t: t.x)
    today_x = data.today_x if _finite(data.today_x) else None
    desc = _indicator_desc(data, measured, baseline, words, lang)
    width = 640.0
    if not measured:
        return _svg(
            id_prefix, width, 160.0, data.title, desc, _no_data(width, 160.0, words["no_data"])
        )

    goals = [_Mark(t.x, t.value, t.label) for t in targets]
    anchors = [*measured, *goals, *([baseline] if baseline else [])]
    y_ticks = nice_ticks(
        *_value_range([a.value for a in anchors]), min_step=10.0 ** -max(0, data.decimals)
    )
    y_labels = _tick_labels(y_ticks, lang)
    xs = [a.x for a in anchors] + ([today_x] if today_x is not None else [])
    x_start, x_end = math.floor(min(xs)), math.ceil(max(xs))
    if x_start == x_end:
        x_start, x_end = x_start - 1, x_end + 1

    # Layout: unit above the plot, year labels and legend below it.
    left = 14 + max(_text_width(label, 12) for label in y_labels)
    top, right, bottom = 44.0, width - 30, 264.0
    inset = 14.0  # keeps markers at the first and last year off the axis lines

    def x_of(x: float) -> float:
        return left + inset + (x - x_start) / (x_end - x_start) * (right - left - 2 * inset)

    def y_of(value: float) -> float:
        return bottom - (value - y_ticks[0]) / (y_ticks[-1] - y_ticks[0]) * (bottom - top)

    axis = {"stroke": "currentColor", "stroke_opacity": 0.6}
    parts: list[str] = []
    if data.unit:
        parts.append(_text(8, 18, data.unit, font_size=12, font_weight="bold", class_="unit"))
    for tick, label in zip(y_ticks, y_labels, strict=True):
        y = y_of(tick)
        opacity = 0.5 if tick == 0 and y_ticks[0] < 0 else 0.15
        parts.append(
            _tag(
                "line", x1=left, x2=right, y1=y, y2=y, stroke="currentColor", stroke_opacity=opacity
            )
            + _text(left - 8, y + 4, label, text_anchor="end", font_size=12, class_="y-tick")
        )
    parts.append(_tag("line", x1=left, x2=right, y1=bottom, y2=bottom, **axis))
    for year in _year_ticks(x_start, x_end):
        x = x_of(year)
        parts.append(
            _tag("line", x1=x, x2=x, y1=bottom, y2=bottom + 5, **axis)
            + _text(x, bottom + 20, str(year), text_anchor="middle", font_size=12, class_="x-tick")
        )

    legend = [
        (
            _legend_line(SERIES_COLOUR, 2.5)
            + _tag("circle", cx=11, cy=6, r=4, fill=SERIES_COLOUR, stroke="#FFF", stroke_width=1.5),
            words["observations"],
        )
    ]
    if today_x is not None:
        x = x_of(today_x)
        today_line = {"stroke": TODAY_COLOUR, "stroke_width": 1.5, "stroke_dasharray": "2 3"}
        parts.append(
            _tag("line", x1=x, x2=x, y1=top - 6, y2=bottom, class_="today", **today_line)
            + _label(
                x,
                top - 12,
                words["today"],
                text_anchor="middle",
                font_size=12,
                font_weight="bold",
                fill=TODAY_COLOUR,
            )
        )
        legend.append((_legend_line(TODAY_COLOUR, 1.5, "2 3", vertical=True), words["today"]))

    if data.show_trajectory and targets:
        start = baseline or measured[0]
        path = [start, *(g for g in goals if g.x > start.x)]
        if len(path) > 1:
            parts.append(
                _polyline(
                    ((x_of(p.x), y_of(p.value)) for p in path),
                    stroke=TARGET_COLOUR,
                    stroke_width=1.6,
                    stroke_dasharray="7 5",
                    class_="trajectory",
                )
            )
            legend.append((_legend_line(TARGET_COLOUR, 1.6, "7 5"), words["trajectory"]))

    for run in _runs(data.points):
        if len(run) > 1:
            parts.append(
                _polyline(
                    ((x_of(m.x), y_of(m.value)) for m in run),
                    stroke=SERIES_COLOUR,
                    stroke_width=2.5,
                    stroke_linejoin="round",
                    class_="series",
                )
            )

    if baseline:
        bx, by = x_of(baseline.x), y_of(baseline.value)
        parts.append(_baseline_marker(bx, by, "baseline"))
        parts.append(
            _label(
                bx + 10,
                by + 20,
                _short_value(baseline.value, data.decimals, lang),
                font_size=12,
                fill=BASELINE_COLOUR,
                text_anchor="start" if bx < right - 40 else "end",
                class_="baseline-label",
            )
        )
        legend.append((_baseline_marker(11, 6), words["baseline"]))

    for mark in measured:
        parts.append(
            _tag(
                "circle",
                _tag(
                    "title", _esc(f"{mark.label}: {format_number(mark.value, data.decimals, lang)}")
                ),
                cx=x_of(mark.x),
                cy=y_of(mark.value),
                r=4.5,
                fill=SERIES_COLOUR,
                stroke="#FFF",
                stroke_width=1.5,
                class_="point",
            )
        )
    latest = measured[-1]
    parts.append(
        _label(
            x_of(latest.x),
            y_of(latest.value) - 12,
            _short_value(latest.value, data.decimals, lang),
            text_anchor="middle",
            font_size=13,
            font_weight="bold",
            fill=SERIES_COLOUR,
            class_="latest-label",
        )
    )

    for target in targets:
        tx, ty = x_of(target.x), y_of(target.value)
        text = _short_value(target.value, data.decimals, lang)
        if target.example:
            text += f" ({words['example']})"
        near_edge = tx + _text_width(text, 12) / 2 > width - 4
        css_class = "target-example" if target.example else "target"
        parts.append(_target_marker(tx, ty, target.example, css_class))
        parts.append(
            _label(
                tx + 7 if near_edge else tx,
                ty - 13,
                text,
                text_anchor="end" if near_edge else "middle",
                font_size=12,
                font_weight="bold",
                fill=TARGET_COLOUR,
                class_="target-label",
            )
        )
    if any(not t.example for t in targets):
        legend.append((_target_marker(11, 6, False), words["target"]))
    if any(t.example for t in targets):
        legend.append((_target_marker(11, 6, True), f"{words['target']} ({words['example']})"))

    legend_markup, legend_height = _legend(legend, left, bottom + 38, width - left - 8)
    parts.append(legend_markup)
    height = bottom + 38 + legend_height
    return _svg(id_prefix, width, height, data.title, desc, "".join(parts))


# --- 2. Phase distribution bar ------------------------------------------------------------------


def phase_distribution_bar(
    counts: Sequence[tuple[str, int]],
    *,
    id_prefix: str,
    title: str,
    labels: Mapping[str, str] | None = None,
    lang: str = "nb",
    phases: Sequence[int | None] | None = None,
) -> str:
    """A horizontal stacked bar showing how many initiatives are in each phase.

    Without ``phases``, ``counts`` must hold every phase in value-chain order: entries 1-5 get the
    colours of phases 1-5 and any later entry (such as "Ukjent fase") the unknown-phase colour.
    With ``phases`` (one phase index or None per entry) the entries may be any subset in any
    order. Empty phases are left out of the bar but kept in the legend and the text alternative.
    """
    _check_prefix(id_prefix)
    if phases is not None and len(phases) != len(counts):
        raise ValueError(f"Got {len(phases)} phases for {len(counts)} counts.")
    keys = [_phase_key(p) for p in phases] if phases is not None else None
    words = _merge(labels)
    defs = _Defs(id_prefix)
    total = sum(max(0, n) for _, n in counts)
    parts_text = ", ".join(f"{name}: {format_number(n, 0, lang)}" for name, n in counts)
    desc = _fill(
        words["desc_phases"],
        title=title,
        total=format_number(total, 0, lang),
        parts=parts_text or words["no_initiatives"],
    )
    width, bar_y, bar_height = 600.0, 4.0, 30.0
    left, right = 2.0, width - 2
    body: list[str] = []
    if total == 0:
        body.append(
            _tag(
                "rect",
                x=left,
                y=bar_y,
                width=right - left,
                height=bar_height,
                rx=4,
                fill="none",
                stroke="currentColor",
                stroke_opacity=0.4,
                stroke_dasharray="5 4",
            )
            + _text(
                width / 2,
                bar_y + bar_height / 2 + 4.5,
                words["no_initiatives"],
                text_anchor="middle",
                class_="no-data",
            )
        )
    x = left
    legend: list[tuple[str, str]] = []
    for position, (name, count) in enumerate(counts, start=1):
        key = keys[position - 1] if keys is not None else _phase_key(position)
        fill = defs.phase_fill(key)
        legend.append(
            (
                _tag("rect", x=0.0, y=-1.0, width=22, height=14, rx=2, fill=fill),
                f"{name} ({format_number(count, 0, lang)})",
            )
        )
        if count <= 0 or total == 0:
            continue
        segment = (right - left) * count / total
        body.append(
            _tag(
                "rect",
                _tag("title", _esc(f"{name}: {format_number(count, 0, lang)}")),
                x=x,
                y=bar_y,
                width=segment,
                height=bar_height,
                fill=fill,
                stroke="#FFF",
                stroke_width=2,
                class_="segment",
                **{"data-phase": key},
            )
        )
        number = format_number(count, 0, lang)
        chip = _text_width(number, 13, bold=True) + 10
        if segment >= chip + 6:
            # A solid chip behind the count keeps the white text at full contrast over the texture.
            cx = x + segment / 2
            body.append(
                _tag(
                    "rect",
                    x=cx - chip / 2,
                    y=bar_y + 6,
                    width=chip,
                    height=bar_height - 12,
                    rx=3,
                    fill=_phase_colour(key),
                )
                + _text(
                    cx,
                    bar_y + bar_height / 2 + 4.5,
                    number,
                    text_anchor="middle",
                    fill="#FFF",
                    font_weight="bold",
                    class_="count",
                )
            )
        x += segment
    legend_markup, legend_height = _legend(legend, left, bar_y + bar_height + 12, width - 4)
    body.append(legend_markup)
    height = bar_y + bar_height + 12 + legend_height
    return _svg(id_prefix, width, height, title, desc, defs.render() + "".join(body))


# --- 3. Roadmap timeline ------------------------------------------------------------------------


def _year_fraction(day: date) -> float:
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def _format_date(day: date, lang: str) -> str:
    return day.isoformat() if _is_english(lang) else day.strftime("%d.%m.%Y")


def _milestone_symbol(kind: str, cx: float, cy: float) -> str:
    halo = {"stroke": "#FFF", "stroke_width": 4, "stroke_linejoin": "round"}
    if kind == "completed":
        path = _check(cx, cy, 5.5)
        return _tag("path", d=path, fill="none", **halo) + _tag(
            "path",
            d=path,
            fill="none",
            stroke="#1B1F24",
            stroke_width=2.2,
            stroke_linecap="round",
            stroke_linejoin="round",
        )
    shape = _diamond(cx, cy, 6)
    filled = kind == "available"
    return _tag("path", d=shape, fill="none", **halo) + _tag(
        "path", d=shape, fill="#1B1F24" if filled else "#FFF", stroke="#1B1F24", stroke_width=1.8
    )


def _item_tooltip(item: TimelineItem, words: Mapping[str, str], lang: str) -> str:
    first, last = _phase_key(item.phase_index), _phase_key(item.phase_last_index)
    phase = _phase_name(first, words)
    if item.phase_last_index is not None and last != first and last:
        phase += f" – {_phase_name(last, words)}"
    dates = "–".join(_format_date(d, lang) if d else "?" for d in (item.start, item.end))
    if item.start is None and item.end is None:
        dates = words["no_dates"]
    status = words["tentative"] if item.tentative else words["planned"]
    return f"{item.title}. {phase}. {dates}. {status}."


def roadmap_timeline(
    data: TimelineData,
    *,
    id_prefix: str,
    labels: Mapping[str, str] | None = None,
    lang: str = "nb",
    title: str | None = None,
) -> str:
    """A Gantt-like timeline of initiatives, one lane per grouping.

    A bar runs from start to end and is textured by phase; a range of phases is split into equal
    parts. Tentative items get a light fill and a dashed outline. A missing start or end fades the
    bar out towards that edge of the axis; an item with neither date says so in its row. Links
    (``href``) must be relative, http(s) or mailto.
    """
    _check_prefix(id_prefix)
    words = _merge(labels)
    defs = _Defs(id_prefix)
    start_year, end_year = data.start_year, data.end_year
    if end_year < start_year:
        raise ValueError(f"end_year {end_year} is before start_year {start_year}.")
    undated = sum(1 for i in data.items if i.start is None and i.end is None)
    desc = _fill(
        words["desc_timeline"],
        start=str(start_year),
        end=str(end_year),
        count=format_number(len(data.items), 0, lang),
        tentative=format_number(sum(1 for i in data.items if i.tentative), 0, lang),
        undated=format_number(undated, 0, lang),
    )
    if title is None:
        title = _fill(words["timeline_title"], start=str(start_year), end=str(end_year))

    width = 800.0
    label_width = 270.0
    x0, x1 = label_width + 10, width - 12
    header, row_height, lane_height, bar_height = 40.0, 26.0, 28.0, 14.0

    def x_of(when: float) -> float:
        return x0 + (when - start_year) / (end_year + 1 - start_year) * (x1 - x0)

    if not data.items:
        height = 120.0
        body = _text(width / 2, 66, words["no_initiatives"], text_anchor="middle", class_="no-data")
        return _svg(id_prefix, width, height, title, desc, body)

    lanes: dict[str, list[TimelineItem]] = {}
    for item in data.items:
        lanes.setdefault(item.lane, []).append(item)

    rows: list[str] = []
    y = header
    for lane, items in lanes.items():
        rows.append(
            _tag(
                "rect",
                x=0.0,
                y=y + 2,
                width=width,
                height=lane_height - 4,
                fill="currentColor",
                fill_opacity=0.06,
            )
            + _text(
                8,
                y + lane_height / 2 + 4.5,
                _truncate(lane or words["no_lane"], width - 16, 13),
                font_weight="bold",
                class_="lane",
            )
        )
        y += lane_height
        for item in items:
            rows.append(
                _timeline_row(item, y, row_height, bar_height, x_of, x0, x1, defs, words, lang)
            )
            y += row_height
    rows_bottom = y

    grid: list[str] = []
    for year in range(start_year, end_year + 2):
        x = x_of(year)
        grid.append(
            _tag(
                "line",
                x1=x,
                x2=x,
                y1=header - 10,
                y2=rows_bottom,
                stroke="currentColor",
                stroke_opacity=0.18,
            )
        )
        if year <= end_year:
            grid.append(
                _text(
                    (x + x_of(year + 1)) / 2,
                    header - 16,
                    str(year),
                    text_anchor="middle",
                    font_size=12,
                    class_="x-tick",
                )
            )

    overlay: list[str] = []
    if data.today is not None:
        today = _year_fraction(data.today)
        if start_year <= today <= end_year + 1:
            x = x_of(today)
            overlay.append(
                _tag(
                    "line",
                    x1=x,
                    x2=x,
                    y1=header - 4,
                    y2=rows_bottom,
                    stroke=TODAY_COLOUR,
                    stroke_width=2,
                    class_="today",
                )
                + _text(
                    x,
                    rows_bottom + 16,
                    words["today"],
                    text_anchor="middle",
                    font_size=12,
                    font_weight="bold",
                    fill=TODAY_COLOUR,
                )
            )

    legend_y = rows_bottom + (30 if overlay else 14)
    legend_markup, legend_height = _legend(
        _timeline_legend(data.items, defs, words), 8, legend_y, width - 16
    )
    height = legend_y + legend_height
    body = defs.render() + "".join(grid) + "".join(rows) + "".join(overlay) + legend_markup
    # An image hides its children from assistive technology; with links inside, the chart is a
    # named group instead, so the links can be reached and read.
    role = "group" if any(item.href for item in data.items) else "img"
    return _svg(id_prefix, width, height, title, desc, body, role=role)


def _timeline_row(
    item: TimelineItem,
    y: float,
    row_height: float,
    bar_height: float,
    x_of: Callable[[float], float],
    x0: float,
    x1: float,
    defs: _Defs,
    words: Mapping[str, str],
    lang: str,
) -> str:
    middle = y + row_height / 2
    tooltip = _tag("title", _esc(_item_tooltip(item, words, lang)))
    href = _check_href(item.href) if item.href else None
    label = _text(
        20,
        middle + 4.5,
        _truncate(item.title, x0 - 32, 13),
        fill=LINK_COLOUR if href else "currentColor",
        text_decoration="underline" if href else None,
        class_="item-title",
    )
    first = _phase_key(item.phase_index)
    last = _phase_key(item.phase_last_index) if item.phase_last_index is not None else first
    keys = list(range(first, last + 1)) if 0 < first < last else [first]

    if item.start is None and item.end is None:
        swatch = _tag(
            "rect",
            x=x0 + 6,
            y=middle - 5,
            width=10,
            height=10,
            fill=defs.phase_fill(first, item.tentative),
        )
        graphic = swatch + _text(
            x0 + 22, middle + 4.5, words["no_dates"], font_style="italic", class_="no-dates"
        )
    else:
        graphic = _bar(item, keys, middle, bar_height, x_of, x0, x1, defs)

    milestones = "".join(
        _tag(
            "g",
            _tag("title", _esc(f"{words['milestone_' + m.kind]}: {m.label}"))
            + _milestone_symbol(m.kind, x_of(_year_fraction(m.when)), middle),
            class_=f"milestone milestone-{m.kind}",
        )
        for m in item.milestones
        if x0 <= x_of(_year_fraction(m.when)) <= x1
    )
    row_class = "item item-tentative" if item.tentative else "item"
    content = tooltip + label + graphic
    if href:
        content = _tag("a", content, href=href)
    return _tag("g", content + milestones, class_=row_class)


def _bar(
    item: TimelineItem,
    keys: list[int],
    middle: float,
    bar_height: float,
    x_of: Callable[[float], float],
    x0: float,
    x1: float,
    defs: _Defs,
) -> str:
    top = middle - bar_height / 2
    fade = 48.0
    begin = max(x0, min(x1, x_of(_year_fraction(item.start)))) if item.start else x0
    finish = max(x0, min(x1, x_of(_year_fraction(item.end) + 1 / 365))) if item.end else x1
    if item.start and item.end is None:
        finish = x1
    if item.end and item.start is None:
        begin = x0
    finish = max(finish, begin + 4)
    open_left, open_right = item.start is None, item.end is None
    solid_left = begin + (min(fade, (finish - begin) * 0.5) if open_left else 0)
    solid_right = finish - (min(fade, (finish - begin) * 0.5) if open_right else 0)

    parts: list[str] = []
    if open_left:
        parts.append(
            _tag(
                "rect",
                x=begin,
                y=top,
                width=solid_left - begin,
                height=bar_height,
                fill=defs.fade(keys[0], item.tentative, "left"),
            )
        )
    if open_right:
        parts.append(
            _tag(
                "rect",
                x=solid_right,
                y=top,
                width=finish - solid_right,
                height=bar_height,
                fill=defs.fade(keys[-1], item.tentative, "right"),
            )
        )
    share = (solid_right - solid_left) / len(keys)
    for n, key in enumerate(keys):
        parts.append(
            _tag(
                "rect",
                x=solid_left + n * share,
                y=top,
                width=share,
                height=bar_height,
                fill=defs.phase_fill(key, item.tentative),
                class_="bar",
            )
        )
    for n in range(1, len(keys)):
        x = solid_left + n * share
        parts.append(
            _tag("line", x1=x, x2=x, y1=top, y2=top + bar_height, stroke="#FFF", stroke_width=1.5)
        )

    # The outline is drawn only along the known part, so an open end really looks open.
    outline_colour = _phase_colour(keys[0]) if len(keys) == 1 else "#3B4350"
    path = f"M{_num(solid_left)} {_num(top)}H{_num(solid_right)}"
    path += (
        f"V{_num(top + bar_height)}"
        if not open_right
        else f"M{_num(solid_right)} {_num(top + bar_height)}"
    )
    path += f"H{_num(solid_left)}"
    path += "Z" if not open_left else ""
    parts.append(
        _tag(
            "path",
            d=path,
            fill="none",
            stroke=outline_colour,
            stroke_width=1.6,
            stroke_dasharray="4 3" if item.tentative else None,
            class_="outline",
        )
    )
    for side, edge in (("left", x0), ("right", x1)):
        if (side == "left" and open_left) or (side == "right" and open_right):
            direction = -1 if side == "left" else 1
            tip = edge - direction * 1
            parts.append(
                _tag(
                    "path",
                    d=f"M{_num(tip - direction * 7)} {_num(middle - 6)}L{_num(tip)} {_num(middle)}"
                    f"L{_num(tip - direction * 7)} {_num(middle + 6)}",
                    fill="none",
                    stroke="#3B4350",
                    stroke_width=2,
                    stroke_linecap="round",
                    stroke_linejoin="round",
                    class_="open-end",
                )
            )
    return "".join(parts)


def _timeline_legend(
    items: Sequence[TimelineItem], defs: _Defs, words: Mapping[str, str]
) -> list[tuple[str, str]]:
    used: set[int] = set()
    for item in items:
        first = _phase_key(item.phase_index)
        last = _phase_key(item.phase_last_index) if item.phase_last_index is not None else first
        used.update(range(first, last + 1) if 0 < first < last else [first])
    entries = [
        (
            _tag("rect", x=0.0, y=-1.0, width=22, height=14, fill=defs.phase_fill(key)),
            _phase_name(key, words),
        )
        for key in [*sorted(k for k in used if k), *([0] if 0 in used else [])]
    ]
    entries.append(
        (
            _tag(
                "rect",
                x=1.0,
                y=0.0,
                width=20,
                height=12,
                fill="#8A909A",
                stroke="#3B4350",
                stroke_width=1.6,
            ),
            words["planned"],
        )
    )
    if any(i.tentative for i in items):
        entries.append(
            (
                _tag(
                    "rect",
                    x=1.0,
                    y=0.0,
                    width=20,
                    height=12,
                    fill=_mix_with_white("#8A909A", 0.3),
                    stroke="#3B4350",
                    stroke_width=1.6,
                    stroke_dasharray="4 3",
                ),
                words["tentative"],
            )
        )
    if any((i.start is None) != (i.end is None) for i in items):
        arrow = "M14 0L20 6L14 12"
        entries.append(
            (
                _tag("rect", x=0.0, y=0.0, width=22, height=12, fill=defs.fade(0, False, "right"))
                + _tag("path", d=arrow, fill="none", stroke="#3B4350", stroke_width=2),
                words["open_ended"],
            )
        )
    kinds = {m.kind for i in items for m in i.milestones}
    for kind in ("available", "provisional", "completed"):
        if kind in kinds:
            entries.append((_milestone_symbol(kind, 11, 6), words[f"milestone_{kind}"]))
    return entries


# --- 4. Sparkline -------------------------------------------------------------------------------


def indicator_sparkline(
    data: IndicatorChartData,
    *,
    id_prefix: str,
    labels: Mapping[str, str] | None = None,
    lang: str = "nb",
) -> str:
    """A small line with the latest value and the last target, for cards that list many indicators.

    It carries the same text alternative as the full chart; the axes are left out on purpose, so the
    card next to it must state the latest value and the target in words.
    """
    id_prefix = _check_prefix(id_prefix)
    words = _merge(labels)
    width, height, pad = 240.0, 56.0, 8.0
    measured = _measured(data.points)
    baseline = None
    if data.baseline is not None and _finite(data.baseline.value):
        baseline = _Mark(data.baseline.x, data.baseline.value, data.baseline.label)
    targets = [t for t in data.targets if math.isfinite(t.value)]
    desc = _indicator_desc(data, measured, baseline, words, lang)
    if not measured and not targets:
        return _svg(
            id_prefix, width, height, data.title, desc, _no_data(width, height, words["no_data"])
        )

    xs = [m.x for m in measured] + [t.x for t in targets]
    values = [m.value for m in measured] + [t.value for t in targets]
    low, high = min(xs), max(xs)
    low_value, high_value = min(0.0, min(values)), max(values)
    span_x = (high - low) or 1.0
    span_y = (high_value - low_value) or 1.0

    def x_of(x: float) -> float:
        return pad + (x - low) / span_x * (width - 2 * pad)

    def y_of(value: float) -> float:
        return height - pad - (value - low_value) / span_y * (height - 2 * pad)

    parts = []
    for run in _runs(data.points):
        parts.append(
            _polyline(
                ((x_of(m.x), y_of(m.value)) for m in run),
                stroke=SERIES_COLOUR,
                stroke_width=2.0,
                stroke_linejoin="round",
            )
        )
    if measured:
        latest = measured[-1]
        parts.append(
            _tag("circle", cx=x_of(latest.x), cy=y_of(latest.value), r=3.5, fill=SERIES_COLOUR)
        )
    if targets:
        last = max(targets, key=lambda t: t.x)
        parts.append(_target_marker(x_of(last.x), y_of(last.value), last.example))
    return _svg(id_prefix, width, height, data.title, desc, "".join(parts))


# --- 5. Count bars ------------------------------------------------------------------------------

COUNT_BAR_LABELS_NB: Mapping[str, str] = MappingProxyType(
    {
        "desc_counts": "{title}. I alt: {total}. {parts}.",
        "no_items": "Ingen å vise",
    }
)


def count_bars(
    counts: Sequence[tuple[str, int]],
    *,
    id_prefix: str,
    title: str,
    labels: Mapping[str, str] | None = None,
    lang: str = "nb",
) -> str:
    """Horizontal bars, one per category, each with its name above and its count after it.

    Meant for a handful of categories (such as initiatives per main goal). The bars share one
    scale starting at 0, the count is written out, so the chart reads without colour; the text
    alternative lists every category with its count. ``labels`` may override the keys of
    :data:`COUNT_BAR_LABELS_NB`.
    """
    id_prefix = _check_prefix(id_prefix)
    words = {**COUNT_BAR_LABELS_NB, **(labels or {})}
    total = sum(max(0, n) for _, n in counts)
    parts_text = "; ".join(f"{name}: {format_number(n, 0, lang)}" for name, n in counts)
    desc = _fill(
        words["desc_counts"],
        title=title,
        total=format_number(total, 0, lang),
        parts=parts_text or words["no_items"],
    )
    width, left, row_height, bar_height = 600.0, 2.0, 44.0, 18.0
    number_room = 56.0
    if not counts:
        return _svg(id_prefix, width, 60.0, title, desc, _no_data(width, 60.0, words["no_items"]))
    biggest = max(max(0, n) for _, n in counts) or 1
    scale = (width - left - number_room) / biggest
    body: list[str] = []
    for position, (name, count) in enumerate(counts):
        top = position * row_height
        value = max(0, count)
        bar_width = value * scale
        number = format_number(value, 0, lang)
        body.append(
            _tag(
                "g",
                _tag("title", _esc(f"{name}: {number}"))
                + _text(left, top + 14, _truncate(name, width - left, 13), class_="bar-label")
                + _tag(
                    "rect",
                    x=left,
                    y=top + 20,
                    width=max(bar_width, 1.0),
                    height=bar_height,
                    rx=2,
                    fill=SERIES_COLOUR,
                    class_="bar",
                )
                + _text(
                    left + bar_width + 6,
                    top + 20 + bar_height / 2 + 4.5,
                    number,
                    font_weight="bold",
                    class_="count",
                ),
                class_="category",
            )
        )
    height = len(counts) * row_height + 4
    return _svg(id_prefix, width, height, title, desc, "".join(body))
