"""Inline SVG pictures for the planner pages, drawn on the server from plain data.

No JavaScript and no chart library: a page is readable as soon as it loads,
prints, and shows the same picture in any browser. Every text that reaches
the SVG goes through ``esc`` (names come from the catalogue, typed by
people), and every mark carries a ``<title>`` so hovering tells the whole
story where a label does not fit. Callers pass texts already translated;
this module knows nothing of languages or of Django.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
from collections.abc import Sequence
from dataclasses import dataclass, field

FONT = 'system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif'
CATEGORY_COLOURS = {"conference": "#0b5cad", "exhibition": "#b35900", "sports": "#1a7f37"}
OTHER_COLOUR = "#4a5360"
SHORT_COLOUR = "#a4161a"
BLACKOUT_COLOUR = "#8a8f98"
PEAK_SHARE = 0.9
"""A night at or above this share of the block capacity is a peak night."""

WIDTH = 960
LABEL_W = 220
ROW_H = 30
AXIS_H = 28


def esc(text: object) -> str:
    """Text safe inside an SVG element or a double-quoted attribute."""
    return html.escape(str(text), quote=True)


def text_width(text: str, size: float = 12) -> float:
    """About how wide ``text`` runs at ``size`` px: CJK glyphs are square, Latin half as wide."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.55 for c in text)


def fit(text: str, width: float, size: float = 12) -> str:
    """``text`` cut with an ellipsis to run at most ``width`` px; "" when not even one glyph fits.

    Labels never run into their neighbours; the whole text stays in the mark's ``<title>``.
    """
    if text_width(text, size) <= width:
        return text
    kept = ""
    for char in text:
        if text_width(kept + char + "…", size) > width:
            break
        kept += char
    return kept + "…" if kept else ""


def _svg(width: int, height: int, title: str, body: list[str], css_class: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{esc(FONT)}" font-size="12">'
        f"<title>{esc(title)}</title>{''.join(body)}</svg>"
    )


def _attrs(attrs: dict[str, str]) -> str:
    """Keyword arguments as SVG attributes: ``class_`` is class, ``fill_opacity`` fill-opacity."""
    return "".join(
        f' {name.rstrip("_").replace("_", "-")}="{esc(value)}"' for name, value in attrs.items()
    )


def _rect(x: float, y: float, w: float, h: float, title: str, **attrs: str) -> str:
    extra = _attrs(attrs)
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0.5):.1f}" height="{h:.1f}"{extra}>'
        f"<title>{esc(title)}</title></rect>"
    )


def _text(x: float, y: float, text: str, **attrs: str) -> str:
    extra = _attrs(attrs)
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{esc(text)}</text>'


def _next_month(day: dt.date) -> dt.date | None:
    """The first day of the month after ``day``'s; None after December of year 9999."""
    if day.month < 12:
        return dt.date(day.year, day.month + 1, 1)
    return dt.date(day.year + 1, 1, 1) if day.year < dt.MAXYEAR else None


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months that begin inside start..end (and start itself).

    Stepped month by month rather than by adding days, so a range that ends on
    the last day ``datetime`` knows still draws instead of overflowing.
    """
    firsts = [start]
    day = _next_month(start)
    while day is not None and day <= end:
        firsts.append(day)
        day = _next_month(day)
    return firsts


class _DayScale:
    """Maps days of start..end onto the plot's x axis."""

    def __init__(self, start: dt.date, end: dt.date, x0: float, width: float) -> None:
        self.start, self.end = start, end
        self.x0 = x0
        self.day_w = width / ((end - start).days + 1)

    def x(self, day: dt.date) -> float:
        return self.x0 + (day - self.start).days * self.day_w

    def span(self, first: dt.date, last: dt.date) -> tuple[float, float] | None:
        """x and width of the days first..last clipped to the range; None when outside."""
        first, last = max(first, self.start), min(last, self.end)
        if first > last:
            return None
        return self.x(first), ((last - first).days + 1) * self.day_w

    def axis(self, y: float, height: float) -> list[str]:
        marks = []
        for first in _months(self.start, self.end):
            x = self.x(first)
            marks.append(
                f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{y + height:.1f}" '
                f'stroke="#d6dbe1"/>'
            )
            marks.append(_text(x + 2, y - 8, f"{first:%Y-%m}", fill="#4a5360", font_size="11"))
        return marks


# --- venue timeline -------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One event in a venue: public days, and the move-in and move-out days around them."""

    event: str
    label: str
    category: str
    start: dt.date
    end: dt.date
    occupancy_start: dt.date
    occupancy_end: dt.date
    note: str = ""


@dataclass(frozen=True)
class TimelineRow:
    venue: str
    label: str
    bars: Sequence[Bar] = ()


@dataclass(frozen=True)
class Shade:
    """Days drawn across every row: a blackout, say.

    ``partial`` marks one that holds for some categories only (the Gaokao for
    sports, say): it is hatched rather than filled, so nobody reads it as a
    venue closed to every event, and its title should say which categories.
    """

    start: dt.date
    end: dt.date
    title: str
    partial: bool = False


@dataclass(frozen=True)
class TimelineTexts:
    title: str
    public: str = "public days"
    move_in: str = "move-in"
    move_out: str = "move-out"
    blackout: str = "blackout"
    partial_blackout: str = "blackout for some categories"
    categories: dict[str, str] = field(default_factory=dict)


def timeline_svg(
    rows: Sequence[TimelineRow],
    *,
    start: dt.date,
    end: dt.date,
    shades: Sequence[Shade] = (),
    texts: TimelineTexts,
) -> str:
    """A Gantt chart: one row per venue, public days solid, move-in/out hatched and pale.

    Move-in and move-out differ from public days by pattern as well as by
    shade, so they stay apart in print and for colour-blind readers.
    """
    scale = _DayScale(start, end, LABEL_W, WIDTH - LABEL_W - 10)
    top = AXIS_H + 24
    laned = [_lanes(row.bars, scale) for row in rows]
    rows_h = ROW_H * max(sum(lanes for _, lanes in laned), 1)
    # Ids unique to this picture: a scenario page inlines two timelines.
    suffix = hashlib.sha1(texts.title.encode()).hexdigest()[:8]
    hatch, blackout_hatch = f"hatch-{suffix}", f"blackout-hatch-{suffix}"
    body = [
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#4a5360" stroke-width="2"/></pattern>'
        f'<pattern id="{blackout_hatch}" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(-45)"><line x1="0" y1="0" x2="0" y2="8" '
        f'stroke="{BLACKOUT_COLOUR}" stroke-width="3" stroke-opacity="0.45"/></pattern></defs>'
    ]
    body += _timeline_legend(texts, hatch)
    body += _blackout_legend(shades, texts, blackout_hatch)
    for shade in shades:
        span = scale.span(shade.start, shade.end)
        if span:
            body.append(_shade(shade, span, top, rows_h, blackout_hatch))
    body += scale.axis(top, rows_h)
    y = top
    for row, (bars, lanes) in zip(rows, laned, strict=True):
        bottom = y + ROW_H * lanes
        body.append(
            f'<g class="venue-row" data-venue="{esc(row.venue)}">'
            f'<line x1="0" y1="{bottom:.1f}" x2="{WIDTH}" y2="{bottom:.1f}" stroke="#d6dbe1"/>'
        )
        body.append(
            f'<text x="4" y="{y + ROW_H / 2 + 4:.1f}" class="venue-label">'
            f"{esc(fit(row.label, LABEL_W - 8))}<title>{esc(row.label)}</title></text>"
        )
        for bar, lane, room in bars:
            body += _bar(scale, bar, y + lane * ROW_H, texts, hatch, room)
        body.append("</g>")
        y = bottom
    return _svg(WIDTH, int(top + rows_h + 10), texts.title, body, "timeline")


def _lanes(bars: Sequence[Bar], scale: _DayScale) -> tuple[list[tuple[Bar, int, float]], int]:
    """Each bar with its lane and the room its label has, and the lanes needed.

    Venues are shared by area (rule 3), so two events in one venue at once
    are normal; drawn in one lane they would hide each other. A label may
    run from its public days to the next bar of its lane.
    """
    ends: list[dt.date] = []
    laned: list[tuple[Bar, int]] = []
    for bar in sorted(bars, key=lambda b: (b.occupancy_start, b.event)):
        lane = next((i for i, end in enumerate(ends) if end < bar.occupancy_start), len(ends))
        if lane == len(ends):
            ends.append(bar.occupancy_end)
        else:
            ends[lane] = bar.occupancy_end
        laned.append((bar, lane))
    plot_end = scale.x(scale.end) + scale.day_w
    with_room = []
    for index, (bar, lane) in enumerate(laned):
        after = next((b for b, other in laned[index + 1 :] if other == lane), None)
        stop = plot_end if after is None else scale.x(max(after.occupancy_start, scale.start))
        with_room.append((bar, lane, stop - scale.x(max(bar.start, scale.start)) - 4))
    return with_room, max(len(ends), 1)


def _shade(
    shade: Shade, span: tuple[float, float], top: float, height: float, blackout_hatch: str
) -> str:
    """A blackout band over every row: grey for all events, hatched for some categories."""
    paint = (
        {"fill": f"url(#{blackout_hatch})", "class_": "blackout partial"}
        if shade.partial
        else {"fill": BLACKOUT_COLOUR, "fill_opacity": "0.25", "class_": "blackout"}
    )
    title = f"{shade.title}: {shade.start}..{shade.end}"
    return _rect(span[0], top, span[1], height, title, **paint)


def _blackout_legend(
    shades: Sequence[Shade], texts: TimelineTexts, blackout_hatch: str
) -> list[str]:
    """Legend entries, on a second line, for the kinds of blackout the picture shows."""
    marks, x = [], LABEL_W
    kinds = (
        (False, texts.blackout, f'fill="{BLACKOUT_COLOUR}" fill-opacity="0.25"'),
        (True, texts.partial_blackout, f'fill="url(#{blackout_hatch})" stroke="{BLACKOUT_COLOUR}"'),
    )
    for partial, label, paint in kinds:
        if any(shade.partial == partial for shade in shades):
            marks.append(f'<rect x="{x}" y="22" width="14" height="12" {paint}/>')
            marks.append(_text(x + 18, 32, label))
            x += 18 + text_width(label) + 24
    return marks


def _timeline_legend(texts: TimelineTexts, hatch: str) -> list[str]:
    marks, x = [], LABEL_W
    for category, label in texts.categories.items():
        colour = CATEGORY_COLOURS.get(category, OTHER_COLOUR)
        marks.append(f'<rect x="{x}" y="4" width="14" height="12" fill="{colour}"/>')
        marks.append(_text(x + 18, 14, label))
        x += 30 + 8 * len(label) + 20
    marks.append(
        f'<rect x="{x}" y="4" width="14" height="12" fill="url(#{hatch})" stroke="#4a5360"/>'
    )
    marks.append(_text(x + 18, 14, f"{texts.move_in} / {texts.move_out}"))
    return marks


def _bar(
    scale: _DayScale, bar: Bar, y: float, texts: TimelineTexts, hatch: str, room: float
) -> list[str]:
    colour = CATEGORY_COLOURS.get(bar.category, OTHER_COLOUR)
    days = f"{bar.start}..{bar.end}"
    what = texts.categories.get(bar.category, bar.category)
    tip = f"{bar.label} ({what}) {texts.public}: {days}" + (f" — {bar.note}" if bar.note else "")
    marks = [f'<g class="placement" data-event="{esc(bar.event)}">']
    one_day = dt.timedelta(days=1)
    for kind, first, last, label in (
        ("move-in", bar.occupancy_start, bar.start - one_day, texts.move_in),
        ("move-out", bar.end + one_day, bar.occupancy_end, texts.move_out),
    ):
        span = scale.span(first, last) if first <= last else None
        if span:
            marks.append(
                _rect(
                    span[0],
                    y + 8,
                    span[1],
                    ROW_H - 16,
                    f"{bar.label} {label}: {first}..{last}",
                    fill=f"url(#{hatch})",
                    stroke=colour,
                    class_=kind,
                )
            )
    span = scale.span(bar.start, bar.end)
    if span:
        marks.append(_rect(span[0], y + 4, span[1], ROW_H - 8, tip, fill=colour, class_="public"))
        label = fit(bar.label, room, 11)
        if label:
            # A white halo keeps the label readable over bars and blackouts alike.
            marks.append(
                _text(
                    span[0] + 2,
                    y + ROW_H - 10,
                    label,
                    fill="#1b1f24",
                    stroke="#ffffff",
                    stroke_width="3",
                    paint_order="stroke",
                    class_="event-label",
                )
            )
    marks.append("</g>")
    return marks


# --- hotel pressure --------------------------------------------------------------------


@dataclass(frozen=True)
class NightLoad:
    night: dt.date
    held: int
    capacity: int

    @property
    def is_peak(self) -> bool:
        return self.capacity > 0 and self.held >= PEAK_SHARE * self.capacity


@dataclass(frozen=True)
class PressureTexts:
    title: str
    held: str = "rooms held"
    capacity: str = "block capacity"
    peak: str = "peak night"


def pressure_top(nights: Sequence[NightLoad]) -> int:
    """The rooms at the top of a pressure chart's scale: the most held or offered on a night."""
    return max([1, *(n.capacity for n in nights), *(n.held for n in nights)])


def pressure_svg(
    nights: Sequence[NightLoad], *, texts: PressureTexts, height: int = 170, most: int = 0
) -> str:
    """Rooms held per night as bars under the block capacity line; peak nights in red.

    ``most`` is the top of the scale (by default ``pressure_top`` of these
    nights): charts meant to be compared, a plan above a what-if, share one.
    """
    if not nights:
        return _svg(WIDTH, 40, texts.title, [_text(4, 24, texts.title)], "pressure")
    top, plot_h = 44, height - 60
    scale = _DayScale(nights[0].night, nights[-1].night, 60, WIDTH - 70)
    most = max(most, pressure_top(nights))

    def y(rooms: int) -> float:
        return top + plot_h - plot_h * rooms / most

    body = [_text(4, 16, texts.title, font_weight="600")]
    body.append(_text(4, y(most) + 4, f"{most:,}", fill="#4a5360", font_size="11"))
    body.append(_text(4, top + plot_h, "0", fill="#4a5360", font_size="11"))
    body += scale.axis(top, plot_h)
    for load in nights:
        if not load.held:
            continue
        x, w = scale.span(load.night, load.night) or (0.0, 0.0)
        peak = load.is_peak
        body.append(
            _rect(
                x,
                y(load.held),
                w,
                top + plot_h - y(load.held),
                f"{load.night}: {load.held:,} / {load.capacity:,} {texts.held}"
                + (f" — {texts.peak}" if peak else ""),
                fill=SHORT_COLOUR if peak else "#0b5cad",
                class_="night peak" if peak else "night",
            )
        )
    points = []
    for load in nights:
        x, w = scale.span(load.night, load.night) or (0.0, 0.0)
        points += [f"{x:.1f},{y(load.capacity):.1f}", f"{x + w:.1f},{y(load.capacity):.1f}"]
    body.append(
        f'<polyline class="capacity" points="{" ".join(points)}" fill="none" '
        f'stroke="#1b1f24" stroke-width="1.5" stroke-dasharray="4 2">'
        f"<title>{esc(texts.capacity)}</title></polyline>"
    )
    legend_x = WIDTH - 330
    body.append(f'<rect x="{legend_x}" y="6" width="12" height="10" fill="#0b5cad"/>')
    body.append(_text(legend_x + 16, 15, texts.held))
    body.append(f'<rect x="{legend_x + 110}" y="6" width="12" height="10" fill="{SHORT_COLOUR}"/>')
    body.append(_text(legend_x + 126, 15, texts.peak))
    body.append(
        f'<line x1="{legend_x + 210}" y1="11" x2="{legend_x + 230}" y2="11" stroke="#1b1f24" '
        f'stroke-dasharray="4 2"/>'
    )
    body.append(_text(legend_x + 234, 15, texts.capacity))
    return _svg(WIDTH, height, texts.title, body, "pressure")


# --- targets ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetBar:
    label: str
    required: int
    achieved: int
    category: str = ""

    @property
    def met(self) -> bool:
        return self.achieved >= self.required


@dataclass(frozen=True)
class TargetTexts:
    title: str
    required: str = "required"
    achieved: str = "achieved"


def targets_svg(bars: Sequence[TargetBar], *, texts: TargetTexts) -> str:
    """Required vs achieved per target: a grey bar to reach, a coloured bar reached."""
    row_h, top = 34, 30
    height = top + row_h * max(len(bars), 1) + 10
    most = max([1, *(b.required for b in bars), *(b.achieved for b in bars)])
    plot_w = WIDTH - LABEL_W - 120
    body = [
        f'<rect x="{LABEL_W}" y="6" width="12" height="10" fill="#d6dbe1"/>',
        _text(LABEL_W + 16, 15, texts.required),
        f'<rect x="{LABEL_W + 120}" y="6" width="12" height="10" fill="#1a7f37"/>',
        _text(LABEL_W + 136, 15, texts.achieved),
    ]
    for index, bar in enumerate(bars):
        y = top + index * row_h
        colour = "#1a7f37" if bar.met else SHORT_COLOUR
        summary = f"{bar.label}: {bar.achieved} / {bar.required}"
        body.append(
            f'<g class="target {"met" if bar.met else "short"}" '
            f'data-category="{esc(bar.category)}">'
        )
        body.append(_text(4, y + row_h / 2 + 4, bar.label))
        body.append(
            _rect(
                LABEL_W,
                y + 4,
                plot_w * bar.required / most,
                row_h - 8,
                f"{summary} ({texts.required})",
                fill="#d6dbe1",
                class_="required",
            )
        )
        body.append(
            _rect(
                LABEL_W,
                y + 10,
                plot_w * bar.achieved / most,
                row_h - 20,
                f"{summary} ({texts.achieved})",
                fill=colour,
                class_="achieved",
            )
        )
        body.append(
            _text(
                LABEL_W + plot_w + 10,
                y + row_h / 2 + 4,
                f"{bar.achieved} / {bar.required}",
                fill=colour,
                font_weight="600",
            )
        )
        body.append("</g>")
    return _svg(WIDTH, height, texts.title, body, "targets")
