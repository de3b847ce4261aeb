"""The SVG pictures: well-formed XML, a row per venue, move-in/out apart, text escaped."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from api import charts

D = dt.date
SVG = "{http://www.w3.org/2000/svg}"
NASTY = 'Cup <script>alert("x")</script> & "Co"'


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def timeline() -> ET.Element:
    rows = [
        charts.TimelineRow(
            "expo",
            "会展中心",
            [
                charts.Bar(
                    "fair",
                    NASTY,
                    "exhibition",
                    D(2026, 9, 10),
                    D(2026, 9, 12),
                    D(2026, 9, 8),
                    D(2026, 9, 13),
                ),
                charts.Bar(
                    "forum",
                    "论坛",
                    "conference",
                    D(2026, 10, 2),
                    D(2026, 10, 2),
                    D(2026, 10, 2),
                    D(2026, 10, 2),
                ),
            ],
        ),
        charts.TimelineRow("stadium", "Stadium & Track", []),
    ]
    svg = charts.timeline_svg(
        rows,
        start=D(2026, 9, 1),
        end=D(2026, 10, 31),
        shades=[charts.Shade(D(2026, 10, 1), D(2026, 10, 7), "Golden <Week>")],
        texts=charts.TimelineTexts(title="Timeline", categories={"exhibition": "展览"}),
    )
    return parse(svg)


def test_timeline_has_a_row_per_venue_and_a_bar_per_placement():
    root = timeline()
    rows = root.findall(f".//{SVG}g[@class='venue-row']")
    assert [r.get("data-venue") for r in rows] == ["expo", "stadium"]
    placements = root.findall(f".//{SVG}g[@class='placement']")
    assert [p.get("data-event") for p in placements] == ["fair", "forum"]
    fair = placements[0]
    kinds = [r.get("class") for r in fair.findall(f"{SVG}rect")]
    assert kinds == ["move-in", "move-out", "public"]
    move_in, move_out, public = fair.findall(f"{SVG}rect")
    # Move-in and move-out are drawn differently from public days, not only in colour.
    assert move_in.get("fill") == move_out.get("fill")
    assert move_in.get("fill").startswith("url(#hatch-")
    assert public.get("fill") == charts.CATEGORY_COLOURS["exhibition"]
    assert float(move_in.get("width")) < float(public.get("width"))  # 2 days against 3
    # A one-day event without setup or teardown has public days only.
    forum = placements[1]
    assert [r.get("class") for r in forum.findall(f"{SVG}rect")] == ["public"]


def test_timeline_escapes_names_and_titles():
    root = timeline()
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "event-label"]
    assert NASTY in labels  # parsed back intact: it was escaped, not interpreted
    assert not list(root.iter(f"{SVG}script"))
    tips = [t.text for t in root.iter(f"{SVG}title")]
    assert any(tip.startswith(NASTY) and "2026-09-10..2026-09-12" in tip for tip in tips)
    blackout = root.find(f".//{SVG}rect[@class='blackout']")
    assert blackout.find(f"{SVG}title").text == "Golden <Week>: 2026-10-01..2026-10-07"
    venue_labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "venue-label"]
    assert venue_labels == ["会展中心", "Stadium & Track"]


def test_bars_outside_the_range_are_clipped_away():
    rows = [
        charts.TimelineRow(
            "expo",
            "Expo",
            [
                charts.Bar(
                    "old",
                    "Old",
                    "sports",
                    D(2025, 5, 1),
                    D(2025, 5, 2),
                    D(2025, 5, 1),
                    D(2025, 5, 2),
                )
            ],
        )
    ]
    root = parse(
        charts.timeline_svg(
            rows, start=D(2026, 1, 1), end=D(2026, 12, 31), texts=charts.TimelineTexts(title="t")
        )
    )
    assert not root.findall(f".//{SVG}g[@class='placement']/{SVG}rect")


def test_hotel_pressure_marks_peak_nights():
    nights = [
        charts.NightLoad(D(2026, 9, 1), 0, 300),
        charts.NightLoad(D(2026, 9, 2), 120, 300),
        charts.NightLoad(D(2026, 9, 3), 290, 300),
        charts.NightLoad(D(2026, 9, 4), 80, 80),
    ]
    root = parse(charts.pressure_svg(nights, texts=charts.PressureTexts(title="Grand <Hotel>")))
    assert root.find(f"{SVG}title").text == "Grand <Hotel>"
    bars = [r for r in root.iter(f"{SVG}rect") if "night" in (r.get("class") or "")]
    assert [r.get("class") for r in bars] == ["night", "night peak", "night peak"]
    assert root.find(f"{SVG}polyline").get("class") == "capacity"
    assert "2026-09-03: 290 / 300" in bars[1].find(f"{SVG}title").text


def test_pressure_charts_to_compare_share_one_scale():
    """The same rooms are drawn the same height whichever chart holds the busier night."""
    quiet = [charts.NightLoad(D(2026, 9, 1), 100, 300)]
    busy = [charts.NightLoad(D(2026, 9, 1), 100, 300), charts.NightLoad(D(2026, 9, 2), 600, 300)]
    most = max(charts.pressure_top(quiet), charts.pressure_top(busy))
    assert most == 600

    def first_bar_height(nights, **scale) -> float:
        texts = charts.PressureTexts(title="Grand")
        root = parse(charts.pressure_svg(nights, texts=texts, **scale))
        return float(next(r for r in root.iter(f"{SVG}rect") if r.get("class")).get("height"))

    assert first_bar_height(quiet, most=most) == first_bar_height(busy, most=most)
    assert first_bar_height(quiet) > first_bar_height(busy)  # each on its own scale


def test_targets_chart_shows_short_targets():
    bars = [
        charts.TargetBar("Sports (international)", 3, 1, "sports"),
        charts.TargetBar("Exhibition", 2, 2, "exhibition"),
    ]
    root = parse(charts.targets_svg(bars, texts=charts.TargetTexts(title="Targets 2026")))
    groups = root.findall(f"{SVG}g")
    assert [g.get("class") for g in groups] == ["target short", "target met"]
    assert groups[0].find(f"{SVG}rect[@class='achieved']").get("fill") == charts.SHORT_COLOUR
    assert [t.text for t in groups[0].iter(f"{SVG}text")][-1] == "1 / 3"


def test_events_sharing_a_venue_at_once_get_lanes_of_their_own():
    both = [
        charts.Bar(
            "a", "A", "exhibition", D(2026, 9, 10), D(2026, 9, 12), D(2026, 9, 8), D(2026, 9, 13)
        ),
        charts.Bar(
            "b", "B", "exhibition", D(2026, 9, 11), D(2026, 9, 12), D(2026, 9, 11), D(2026, 9, 12)
        ),
        charts.Bar(
            "c", "C", "exhibition", D(2026, 9, 20), D(2026, 9, 21), D(2026, 9, 20), D(2026, 9, 21)
        ),
    ]
    root = parse(
        charts.timeline_svg(
            [charts.TimelineRow("expo", "Expo", both)],
            start=D(2026, 9, 1),
            end=D(2026, 9, 30),
            texts=charts.TimelineTexts(title="t"),
        )
    )
    tops = {
        g.get("data-event"): float(g.find(f"{SVG}rect[@class='public']").get("y"))
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "placement"
    }
    assert tops["a"] != tops["b"] and tops["c"] == tops["a"]


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("Expo", 100, "Expo"),
        ("Hefei International Convention Centre", 60, "Hefei In…"),
        ("合肥国际会展中心", 50, "合肥国…"),
        ("合肥", 5, ""),
    ],
)
def test_labels_are_cut_to_their_room(text, width, expected):
    assert charts.fit(text, width) == expected


def test_crowded_labels_do_not_run_into_the_next_event():
    bars = [
        charts.Bar(
            "a",
            "A very long exhibition name indeed",
            "exhibition",
            D(2026, 9, 1),
            D(2026, 9, 1),
            D(2026, 9, 1),
            D(2026, 9, 1),
        ),
        charts.Bar(
            "b", "B", "exhibition", D(2026, 9, 3), D(2026, 9, 3), D(2026, 9, 3), D(2026, 9, 3)
        ),
    ]
    root = parse(
        charts.timeline_svg(
            [charts.TimelineRow("expo", "Expo", bars)],
            start=D(2026, 1, 1),
            end=D(2026, 12, 31),
            texts=charts.TimelineTexts(title="t"),
        )
    )
    labels = {
        g.get("data-event"): g.find(f"{SVG}text[@class='event-label']")
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "placement"
    }
    assert labels["a"] is None or labels["a"].text.endswith("…")
    tip = root.find(f".//{SVG}g[@data-event='a']/{SVG}rect[@class='public']/{SVG}title").text
    assert tip.startswith("A very long exhibition name indeed")


def test_a_blackout_for_some_categories_is_hatched_and_says_which():
    """The Gaokao keeps sports out, not exhibitions: it must not look like a closed city."""
    root = parse(
        charts.timeline_svg(
            [charts.TimelineRow("expo", "Expo")],
            start=D(2026, 6, 1),
            end=D(2026, 10, 31),
            shades=[
                charts.Shade(D(2026, 10, 1), D(2026, 10, 7), "Golden Week"),
                charts.Shade(D(2026, 6, 7), D(2026, 6, 9), "Gaokao (Sports only)", partial=True),
            ],
            texts=charts.TimelineTexts(title="t"),
        )
    )
    (everyone,) = root.findall(f".//{SVG}rect[@class='blackout']")
    (some,) = root.findall(f".//{SVG}rect[@class='blackout partial']")
    assert everyone.get("fill") == charts.BLACKOUT_COLOUR
    assert some.get("fill").startswith("url(#blackout-hatch-")
    assert some.find(f"{SVG}title").text == "Gaokao (Sports only): 2026-06-07..2026-06-09"
    legend = [t.text for t in root.iter(f"{SVG}text")]
    assert "blackout" in legend and "blackout for some categories" in legend


def test_a_picture_without_blackouts_has_no_blackout_legend():
    root = parse(
        charts.timeline_svg(
            [charts.TimelineRow("expo", "Expo")],
            start=D(2026, 1, 1),
            end=D(2026, 12, 31),
            texts=charts.TimelineTexts(title="t"),
        )
    )
    assert not {"blackout", "blackout for some categories"} & {
        t.text for t in root.iter(f"{SVG}text")
    }


def test_the_last_days_a_date_can_have_are_drawn_not_overflowed():
    """A range ending on 9999-12-31 once crashed stepping to the month after it."""
    timeline = parse(
        charts.timeline_svg(
            [charts.TimelineRow("expo", "Expo")],
            start=D(9999, 11, 20),
            end=D(9999, 12, 31),
            texts=charts.TimelineTexts(title="t"),
        )
    )
    assert {"9999-11", "9999-12"} <= {t.text for t in timeline.iter(f"{SVG}text")}
    nights = [charts.NightLoad(D(9999, 12, 30), 10, 20), charts.NightLoad(D(9999, 12, 31), 19, 20)]
    pressure = parse(charts.pressure_svg(nights, texts=charts.PressureTexts(title="Grand")))
    peaks = [r for r in pressure.iter(f"{SVG}rect") if r.get("class") == "night peak"]
    assert [r.find(f"{SVG}title").text for r in peaks] == [
        "9999-12-31: 19 / 20 rooms held — peak night"
    ]
