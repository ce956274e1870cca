"""The status-over-rounds SVG: one point per rated round, placed by rating, text escaped."""

import re
import xml.etree.ElementTree as ET

from retning.reporting.trend import LEVEL, ROW_Y, TOP, Point, trend_svg

NAMES = {"green": "Grønn", "yellow": "Gul", "red": "Rød", "": "Ikke satt"}
SVG = "{http://www.w3.org/2000/svg}"


def test_no_rounds_no_chart() -> None:
    assert trend_svg([], NAMES, "Trend") == ""


def test_points_are_placed_by_rating_and_unrated_rounds_are_skipped() -> None:
    points = [Point("2026 T1", "green"), Point("2026 T2", ""), Point("2026 T3", "red")]
    root = ET.fromstring(trend_svg(points, NAMES, "Trend"))
    assert root.get("role") == "img"
    circles = root.findall(f"{SVG}circle")
    assert [float(c.get("cy", "")) for c in circles] == [
        TOP + ROW_Y * LEVEL["green"],
        TOP + ROW_Y * LEVEL["red"],
    ]
    titles = [c.find(f"{SVG}title").text for c in circles]  # type: ignore[union-attr]
    assert titles == ["2026 T1: Grønn", "2026 T3: Rød"]
    labels = [t.text for t in root.findall(f"{SVG}text")]
    assert "2026 T2" in labels


def test_text_is_escaped() -> None:
    svg = trend_svg([Point("<script>", "yellow")], NAMES, "A & B")
    assert "<script>" not in svg
    assert re.search(r"&lt;script&gt;", svg) and "A &amp; B" in svg
    ET.fromstring(svg)
