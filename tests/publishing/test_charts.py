import math
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retning.publishing.charts import (
    BASELINE_COLOUR,
    ENGLISH_LABELS,
    LINK_COLOUR,
    PHASE_COLOURS,
    SERIES_COLOUR,
    TARGET_COLOUR,
    TODAY_COLOUR,
    UNKNOWN_PHASE_COLOUR,
    ChartPoint,
    IndicatorChartData,
    Milestone,
    TargetPoint,
    TimelineData,
    TimelineItem,
    format_compact,
    format_number,
    indicator_chart,
    nice_ticks,
    phase_distribution_bar,
    roadmap_timeline,
)

NS = "{http://www.w3.org/2000/svg}"
NBSP = "\u00a0"


def parse(svg: str) -> ET.Element:
    assert not svg.startswith("<?xml")
    return ET.fromstring(svg)


def find_all(root: ET.Element, tag: str, css_class: str | None = None) -> list[ET.Element]:
    found = root.iter(NS + tag)
    return [e for e in found if css_class is None or css_class in e.get("class", "").split()]


def texts(root: ET.Element, css_class: str | None = None) -> list[str]:
    return ["".join(e.itertext()) for e in find_all(root, "text", css_class)]


def indicator(points, **overrides) -> IndicatorChartData:
    fields = {
        "title": "Andel",
        "unit": "%",
        "decimals": 1,
        "points": points,
        "baseline": None,
        "targets": (),
        "today_x": None,
        "show_trajectory": False,
    }
    fields.update(overrides)
    return IndicatorChartData(**fields)


def yearly(*values) -> list[ChartPoint]:
    return [ChartPoint(2020.0 + i, v, str(2020 + i)) for i, v in enumerate(values)]


def item(title="Aktivitet", **overrides) -> TimelineItem:
    fields = {
        "title": title,
        "href": None,
        "phase_index": 2,
        "phase_last_index": None,
        "start": date(2025, 1, 1),
        "end": date(2026, 12, 31),
        "tentative": False,
        "lane": "Felles",
        "milestones": (),
    }
    fields.update(overrides)
    return TimelineItem(**fields)


def all_charts(prefix: str = "c") -> list[str]:
    return [
        indicator_chart(indicator(yearly(1, 2)), id_prefix=f"{prefix}1"),
        indicator_chart(indicator([]), id_prefix=f"{prefix}2"),
        phase_distribution_bar([("Konsept", 2), ("I bruk", 1)], id_prefix=f"{prefix}3", title="F"),
        phase_distribution_bar([], id_prefix=f"{prefix}4", title="Tom"),
        roadmap_timeline(TimelineData([item()]), id_prefix=f"{prefix}5"),
        roadmap_timeline(TimelineData([]), id_prefix=f"{prefix}6"),
    ]


# --- Number formatting ---------------------------------------------------------------------------


def test_it_formats_norwegian_numbers_with_decimal_comma_and_space_between_thousands():
    assert format_number(109_500_000, 0) == f"109{NBSP}500{NBSP}000"
    assert format_number(57.5, 1) == "57,5"
    assert format_number(1234.567, 2, "nb") == f"1{NBSP}234,57"


def test_it_formats_english_numbers_with_decimal_point_and_comma_between_thousands():
    assert format_number(109_500_000, 0, "en") == "109,500,000"
    assert format_number(57.5, 1, "en") == "57.5"


def test_it_writes_a_true_minus_in_norwegian_and_never_a_negative_zero():
    assert format_number(-3.5, 1) == "\u22123,5"
    assert format_number(-3.5, 1, "en") == "-3.5"
    assert format_number(-0.004, 2) == "0,00"


def test_it_refuses_to_format_a_number_that_is_not_finite():
    with pytest.raises(ValueError):
        format_number(math.nan, 0)


def test_it_shortens_millions_and_billions():
    assert format_compact(100_000_000) == f"100{NBSP}mill."
    assert format_compact(109_500_000) == f"109,5{NBSP}mill."
    assert format_compact(1_500_000_000, "en") == "1.5B"
    assert format_compact(100_000_000, "en") == "100M"
    assert format_compact(15_000) == f"15{NBSP}000"


# --- Ticks ---------------------------------------------------------------------------------------

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@given(finite, finite)
def test_ticks_are_nice_evenly_spaced_and_cover_the_range(a, b):
    low, high = min(a, b), max(a, b)
    ticks = nice_ticks(low, high)

    assert 3 <= len(ticks) <= 8
    assert ticks[0] <= low and ticks[-1] >= high
    step = ticks[1] - ticks[0]
    for before, after in zip(ticks, ticks[1:], strict=False):
        assert after - before == pytest.approx(step, rel=1e-6)
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(mantissa == pytest.approx(nice, rel=1e-6) for nice in (1, 2, 2.5, 5, 10))


def test_ticks_for_whole_numbers_never_step_by_two_and_a_half():
    ticks = nice_ticks(0, 12, min_step=1)
    assert all(t == int(t) for t in ticks)
    assert ticks[0] == 0 and ticks[-1] >= 12


# --- Wiring shared by every chart ----------------------------------------------------------------


@pytest.mark.parametrize("index", range(6))
def test_every_chart_is_a_labelled_image_that_scales(index):
    root = parse(all_charts()[index])

    assert root.tag == NS + "svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("font-family") == "inherit"
    assert len(root.get("viewBox").split()) == 4
    title_id, desc_id = root.get("aria-labelledby").split()
    title, desc = root.find(NS + "title"), root.find(NS + "desc")
    assert title.get("id") == title_id and title.text
    assert desc.get("id") == desc_id and desc.text


def test_charts_with_different_prefixes_share_no_ids():
    ids: list[str] = []
    for svg in all_charts("a") + all_charts("b"):
        ids += [e.get("id") for e in parse(svg).iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_every_internal_reference_points_at_an_element_in_the_same_chart():
    for svg in all_charts():
        root = parse(svg)
        ids = {e.get("id") for e in root.iter() if e.get("id")}
        references = re.findall(r"url\(#([^)]+)\)", svg)
        assert set(references) <= ids


def test_it_refuses_an_id_prefix_that_cannot_be_an_xml_id():
    with pytest.raises(ValueError):
        indicator_chart(indicator([]), id_prefix="1 bad")


def test_caller_text_is_escaped_everywhere():
    evil = '<script>alert("x")</script> & co'
    svgs = [
        indicator_chart(
            indicator(yearly(1, 2), title=evil, unit=evil, baseline=ChartPoint(2020, 1, evil)),
            id_prefix="e1",
        ),
        phase_distribution_bar([(evil, 3)], id_prefix="e2", title=evil),
        roadmap_timeline(TimelineData([item(evil, lane=evil)]), id_prefix="e3", title=evil),
    ]
    for svg in svgs:
        assert "<script" not in svg
        root = parse(svg)
        assert evil in root.find(NS + "title").text or evil in root.find(NS + "desc").text


@given(st.text(max_size=40))
def test_any_caller_text_gives_well_formed_svg(text):
    svg = roadmap_timeline(
        TimelineData(
            [item(text, lane=text, milestones=[Milestone(date(2025, 6, 1), "available", text)])]
        ),
        id_prefix="t",
        title=text,
    )
    parse(svg)


# --- Indicator chart -----------------------------------------------------------------------------


def test_a_higher_value_is_drawn_higher_and_a_later_point_further_right():
    root = parse(indicator_chart(indicator(yearly(10, 40, 25)), id_prefix="i"))
    points = find_all(root, "circle", "point")
    cx = [float(p.get("cx")) for p in points]
    cy = [float(p.get("cy")) for p in points]

    assert cx == sorted(cx)
    assert cy[1] < cy[2] < cy[0]


def test_the_value_axis_covers_every_value_and_starts_at_zero_for_positive_data():
    root = parse(indicator_chart(indicator(yearly(40, 57.5)), id_prefix="i"))
    labels = texts(root, "y-tick")

    assert labels[0] == "0"
    assert float(labels[-1].replace(",", ".")) >= 57.5
    assert 4 <= len(labels) <= 6


def test_the_value_axis_zooms_in_when_every_value_is_far_from_zero():
    root = parse(indicator_chart(indicator(yearly(95.2, 96.8, 97.5)), id_prefix="i"))
    bottom = float(texts(root, "y-tick")[0].replace(",", "."))
    assert 90 <= bottom <= 95.2


def test_a_missing_value_breaks_the_line():
    root = parse(indicator_chart(indicator(yearly(1, 2, None, 4, 5)), id_prefix="i"))
    assert len(find_all(root, "polyline", "series")) == 2
    assert len(find_all(root, "circle", "point")) == 4


def test_no_points_gives_a_no_data_message_that_can_be_translated():
    root = parse(indicator_chart(indicator([ChartPoint(2024, None, "2024")]), id_prefix="i"))
    assert texts(root, "no-data") == ["Ingen målinger ennå"]

    english = indicator_chart(indicator([]), id_prefix="i", labels=ENGLISH_LABELS, lang="en")
    assert texts(parse(english), "no-data") == ["No measurements yet"]


def test_a_single_point_and_equal_values_still_get_an_axis():
    for points in (yearly(12), yearly(5, 5, 5), yearly(0, 0)):
        root = parse(indicator_chart(indicator(points, decimals=0), id_prefix="i"))
        labels = texts(root, "y-tick")
        assert len(labels) >= 2
        assert len(set(labels)) == len(labels)
        assert len(find_all(root, "circle", "point")) == len(points)


def test_hundreds_of_millions_get_compact_tick_labels():
    data = indicator(yearly(61e6, 109.5e6), decimals=0)

    nb = texts(parse(indicator_chart(data, id_prefix="i")), "y-tick")
    en = texts(parse(indicator_chart(data, id_prefix="i", lang="en")), "y-tick")

    assert f"100{NBSP}mill." in nb
    assert "100M" in en


def test_negative_values_get_an_axis_below_zero():
    root = parse(indicator_chart(indicator(yearly(-3.5, 2.25)), id_prefix="i"))
    ticks = [float(t.replace("\u2212", "-").replace(",", ".")) for t in texts(root, "y-tick")]
    assert ticks[0] <= -3.5 and ticks[-1] >= 2.25


def test_baseline_and_targets_get_their_own_markers_and_the_example_is_dashed():
    data = indicator(
        yearly(40, 45),
        baseline=ChartPoint(2020.0, 40.0, "2020"),
        targets=[TargetPoint(2025.0, 70, "2025", example=True), TargetPoint(2030.0, 90, "2030")],
        show_trajectory=True,
    )
    root = parse(indicator_chart(data, id_prefix="i"))

    assert len(find_all(root, "rect", "baseline")) == 1
    [published] = find_all(root, "path", "target")
    [example] = find_all(root, "path", "target-example")
    assert published.get("stroke-dasharray") is None
    assert example.get("stroke-dasharray")
    assert "90,0" in texts(root, "target-label")
    assert "70,0 (eksempel)" in texts(root, "target-label")
    [trajectory] = find_all(root, "polyline", "trajectory")
    assert trajectory.get("stroke-dasharray")
    assert len(trajectory.get("points").split()) == 3


def test_the_description_names_the_first_and_latest_value_and_the_target():
    data = indicator(
        yearly(41, 44.5, 57.5), unit="prosent", targets=[TargetPoint(2030.0, 90, "2030")]
    )
    desc = parse(indicator_chart(data, id_prefix="i")).find(NS + "desc").text

    assert "41,0 prosent (2020)" in desc
    assert "57,5 prosent (2022)" in desc
    assert "Målverdi 90,0 prosent (2030)" in desc


def test_the_today_line_sits_between_the_right_year_ticks():
    data = indicator(yearly(1, 2, 3, 4, 5, 6), today_x=2023.5)
    root = parse(indicator_chart(data, id_prefix="i"))
    ticks = {"".join(t.itertext()): float(t.get("x")) for t in find_all(root, "text", "x-tick")}
    [today] = find_all(root, "line", "today")

    assert ticks["2023"] < float(today.get("x1")) < ticks["2024"]


# --- Phase distribution bar ----------------------------------------------------------------------


def test_phase_segments_are_as_wide_as_their_share_and_differ_in_fill():
    root = parse(
        phase_distribution_bar(
            [("Konsept", 1), ("Utvikling", 3), ("Tilpasning", 0), ("Innføring", 2)],
            id_prefix="p",
            title="Faser",
        )
    )
    segments = find_all(root, "rect", "segment")
    widths = [float(s.get("width")) for s in segments]

    assert len(segments) == 3
    assert widths[1] == pytest.approx(3 * widths[0], abs=0.05)
    assert widths[2] == pytest.approx(2 * widths[0], abs=0.05)
    assert len({s.get("fill") for s in segments}) == 3
    assert texts(root, "count") == ["1", "3", "2"]


def test_the_phase_description_lists_every_count_in_words():
    desc = (
        parse(
            phase_distribution_bar(
                [("Konsept", 2), ("I bruk", 0), ("Ukjent fase", 1)],
                id_prefix="p",
                title="Delmål 1A",
            )
        )
        .find(NS + "desc")
        .text
    )

    assert "Delmål 1A" in desc
    assert "Antall aktiviteter: 3" in desc
    assert "Konsept: 2" in desc and "I bruk: 0" in desc and "Ukjent fase: 1" in desc


def test_a_goal_without_initiatives_says_so():
    root = parse(phase_distribution_bar([("Konsept", 0)], id_prefix="p", title="Tom"))
    assert texts(root, "no-data") == ["Ingen aktiviteter"]
    assert find_all(root, "rect", "segment") == []


# --- Roadmap timeline ----------------------------------------------------------------------------


def rows(root: ET.Element) -> list[ET.Element]:
    return find_all(root, "g", "item")


def test_tentative_items_are_dashed_and_planned_ones_solid():
    root = parse(
        roadmap_timeline(
            TimelineData([item("Planlagt"), item("Tentativ", tentative=True)]), id_prefix="r"
        )
    )
    planned, tentative = rows(root)

    assert find_all(planned, "path", "outline")[0].get("stroke-dasharray") is None
    assert find_all(tentative, "path", "outline")[0].get("stroke-dasharray")
    assert "Antall aktiviteter: 2, tentative: 1" in root.find(NS + "desc").text


def test_a_range_of_phases_is_split_into_one_part_per_phase():
    root = parse(
        roadmap_timeline(TimelineData([item(phase_index=2, phase_last_index=4)]), id_prefix="r")
    )
    bars = find_all(root, "rect", "bar")
    assert len(bars) == 3
    assert len({b.get("fill") for b in bars}) == 3


def test_items_without_dates_say_so_and_open_ended_items_run_to_the_edge():
    root = parse(
        roadmap_timeline(
            TimelineData([item("Udatert", start=None, end=None), item("Åpen", end=None)]),
            id_prefix="r",
        )
    )
    undated, open_ended = rows(root)

    assert texts(undated, "no-dates") == ["Ingen datoer"]
    assert find_all(undated, "rect", "bar") == []
    assert len(find_all(open_ended, "path", "open-end")) == 1
    assert "uten datoer: 1" in root.find(NS + "desc").text


def test_long_titles_are_shortened_with_the_full_title_on_hover():
    title = "Pasientoppsummering med opptil atten seksjoner og obligatoriske seksjoner fra 2029"
    root = parse(roadmap_timeline(TimelineData([item(title)]), id_prefix="r"))
    [row] = rows(root)
    [shown] = texts(row, "item-title")

    assert shown.endswith("…") and len(shown) < len(title)
    assert title in row.find(NS + "title").text


def test_an_item_with_a_link_becomes_a_link_and_unsafe_links_are_refused():
    root = parse(roadmap_timeline(TimelineData([item(href="/veikart/12/")]), id_prefix="r"))
    [link] = find_all(root, "a")
    assert link.get("href") == "/veikart/12/"
    assert find_all(link, "rect", "bar")

    for unsafe in (
        "javascript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,x",
        "java\tscript:x",
    ):
        with pytest.raises(ValueError):
            roadmap_timeline(TimelineData([item(href=unsafe)]), id_prefix="r")


def test_the_timeline_today_line_sits_in_the_right_year_column():
    root = parse(roadmap_timeline(TimelineData([item()], today=date(2026, 3, 15)), id_prefix="r"))
    centres = {"".join(t.itertext()): float(t.get("x")) for t in find_all(root, "text", "x-tick")}
    [today] = find_all(root, "line", "today")
    half_column = (centres["2027"] - centres["2026"]) / 2

    assert centres["2026"] - half_column < float(today.get("x1")) < centres["2026"]


def test_the_years_default_to_2023_to_2031_and_can_be_changed():
    default = texts(parse(roadmap_timeline(TimelineData([item()]), id_prefix="r")), "x-tick")
    custom = roadmap_timeline(TimelineData([item()], start_year=2025, end_year=2027), id_prefix="r")

    assert default == [str(y) for y in range(2023, 2032)]
    assert texts(parse(custom), "x-tick") == ["2025", "2026", "2027"]


def test_milestones_get_a_symbol_per_kind_with_their_label():
    milestones = [
        Milestone(date(2025, 3, 1), "available", "Klar"),
        Milestone(date(2025, 9, 1), "provisional", "Kanskje"),
        Milestone(date(2026, 6, 1), "completed", "Ferdig"),
    ]
    root = parse(roadmap_timeline(TimelineData([item(milestones=milestones)]), id_prefix="r"))
    for kind, label in (("available", "Klar"), ("provisional", "Kanskje"), ("completed", "Ferdig")):
        [symbol] = find_all(root, "g", f"milestone-{kind}")
        assert label in symbol.find(NS + "title").text


def test_the_timeline_grows_with_its_rows_and_groups_them_into_lanes():
    def height(svg: str) -> float:
        return float(parse(svg).get("viewBox").split()[3])

    few = roadmap_timeline(TimelineData([item(lane="A")]), id_prefix="r")
    many = roadmap_timeline(
        TimelineData([item(lane="A"), item(lane="B"), item(lane="A"), item(lane="B")]),
        id_prefix="r",
    )

    assert height(many) > height(few)
    assert texts(parse(many), "lane") == ["A", "B"]


def test_an_empty_timeline_says_there_are_no_initiatives():
    root = parse(roadmap_timeline(TimelineData([]), id_prefix="r"))
    assert texts(root, "no-data") == ["Ingen aktiviteter"]


# --- Colours -------------------------------------------------------------------------------------


def relative_luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_with_white(hex_colour: str) -> float:
    return 1.05 / (relative_luminance(hex_colour) + 0.05)


def test_the_contrast_helper_agrees_with_wcag_reference_values():
    assert contrast_with_white("#000000") == pytest.approx(21)
    assert contrast_with_white("#767676") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(
    "colour",
    [
        *PHASE_COLOURS.values(),
        UNKNOWN_PHASE_COLOUR,
        SERIES_COLOUR,
        BASELINE_COLOUR,
        TARGET_COLOUR,
        TODAY_COLOUR,
        LINK_COLOUR,
    ],
)
def test_every_colour_is_readable_as_text_on_white(colour):
    assert contrast_with_white(colour) >= 4.5


def test_there_is_a_colour_for_each_of_the_five_phases():
    assert sorted(PHASE_COLOURS) == [1, 2, 3, 4, 5]
    assert len(set(PHASE_COLOURS.values())) == 5


def test_phases_can_be_named_so_a_subset_keeps_the_phase_colours():
    counts = [("Innføring", 3), ("Ukjent fase", 1)]
    by_position = parse(phase_distribution_bar(counts, id_prefix="p", title="F"))
    by_phase = parse(phase_distribution_bar(counts, id_prefix="p", title="F", phases=[4, None]))

    assert [s.get("data-phase") for s in find_all(by_position, "rect", "segment")] == ["1", "2"]
    assert [s.get("data-phase") for s in find_all(by_phase, "rect", "segment")] == ["4", "0"]
    with pytest.raises(ValueError):
        phase_distribution_bar(counts, id_prefix="p", title="F", phases=[4])


def test_a_sparkline_is_small_accessible_and_ends_at_the_latest_value() -> None:
    import xml.etree.ElementTree as ET

    from retning.publishing.charts import (
        ChartPoint,
        IndicatorChartData,
        TargetPoint,
        indicator_sparkline,
    )

    data = IndicatorChartData(
        title="Andel <digital>",
        unit="%",
        decimals=0,
        points=[ChartPoint(2019.5, 33, "2019"), ChartPoint(2023.5, 57, "2023")],
        targets=[TargetPoint(2030.5, 75, "2030", example=True)],
    )
    svg = indicator_sparkline(data, id_prefix="sp")
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert "57" in root.find(f"{ns}desc").text and "75" in root.find(f"{ns}desc").text
    assert "<digital>" in root.find(f"{ns}title").text
    line = root.find(f"{ns}polyline")
    (x1, y1), (x2, y2) = (tuple(map(float, p.split(","))) for p in line.get("points").split())
    assert x2 > x1 and y2 < y1  # time runs right, the higher value is drawn higher
    circle = root.find(f"{ns}circle")
    assert (float(circle.get("cx")), float(circle.get("cy"))) == (x2, y2)
    assert root.find(f"{ns}path").get("stroke-dasharray")  # the example target is dashed


def test_a_timeline_with_links_is_a_named_group_so_its_links_stay_reachable():
    linked = parse(roadmap_timeline(TimelineData([item(href="/veikart/1/")]), id_prefix="r"))
    plain = parse(roadmap_timeline(TimelineData([item()]), id_prefix="r"))
    assert linked.get("role") == "group"
    assert linked.get("aria-labelledby") == "r-title r-desc"
    assert plain.get("role") == "img"
