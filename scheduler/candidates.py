"""Where and when each event could go, before any solver runs.

An (event, venue) pair exists only when the venue fits the event (rule 4),
enough suitable hotel rooms exist near it (rule 6), and some first public day
keeps the public days inside the window and clear of blackouts (rule 5) and
the occupancy inside the horizon and clear of the venue's closures (rule 2).
These facts need no search, so the model starts from them and the diagnosis
can state them as certain. When an event has no pair, ``reason`` says at
which of those steps the last venue dropped out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduler.days import DayIndex
from scheduler.geo import haversine_km
from scheduler.problem import DateRange, Event, Hotel, Problem, Venue

Spans = list[tuple[int, int]]


def subtract(spans: Spans, first: int, last: int) -> Spans:
    """``spans`` (sorted, disjoint, inclusive) without the days first..last."""
    kept = []
    for lo, hi in spans:
        if hi < first or lo > last:
            kept.append((lo, hi))
            continue
        if lo < first:
            kept.append((lo, first - 1))
        if hi > last:
            kept.append((last + 1, hi))
    return kept


def expand(spans: Spans) -> tuple[int, ...]:
    return tuple(day for lo, hi in spans for day in range(lo, hi + 1))


@dataclass(frozen=True)
class HotelOption:
    """A hotel that may hold rooms for an event, and its distance to each venue.

    ``rooms`` is the hotel's largest nightly figure over the nights the event
    may need: an event holds the same rooms every night, so never more.
    """

    hotel: Hotel
    km: dict[str, float | None]  # venue id -> km (None: venue has no location)
    rooms: int


@dataclass
class EventOptions:
    """The legal first public days of an event per venue, and the hotels it may use."""

    event: Event
    starts: dict[str, tuple[int, ...]] = field(default_factory=dict)
    hotels: list[HotelOption] = field(default_factory=list)
    nights: DateRange | None = None  # every night some start may need rooms for
    reason: str | None = None

    @property
    def placeable(self) -> bool:
        return bool(self.starts)


def nights_count(event: Event) -> int:
    """How many hotel nights the event needs (rule 6); 0 when none."""
    if event.hotel is None or event.hotel.rooms_per_night == 0:
        return 0
    need = event.hotel
    return max(
        0, event.duration_days - 1 + need.effective_nights_before + need.effective_nights_after
    )


def night_span(event: Event, first: int, last: int) -> tuple[int, int] | None:
    """The first and last night (day numbers) any start from ``first`` to ``last`` may need
    rooms for; None when the event needs no rooms."""
    count = nights_count(event)
    if count == 0:
        return None
    before = event.hotel.effective_nights_before
    return first - before, last - before + count - 1


def hotel_km(hotel: Hotel, venue: Venue) -> float | None:
    """The hotel's distance to the venue, None when the venue has no location."""
    return None if venue.location is None else haversine_km(hotel.location, venue.location)


def hotel_serves(event: Event, hotel: Hotel, venue: Venue) -> bool:
    """Whether ``hotel`` may hold rooms for ``event`` held in ``venue`` (rule 6)."""
    need = event.hotel
    if need is None or hotel.stars < need.effective_min_stars:
        return False
    if need.max_distance_km is None:
        return True
    km = hotel_km(hotel, venue)
    return km is not None and km <= need.max_distance_km


def _quote(items: list[str]) -> str:
    return ", ".join(f"'{item}'" for item in sorted(items))


class _Analysis:
    """Narrows one event's venues and days step by step, noting why the last one went."""

    def __init__(self, problem: Problem, event: Event) -> None:
        self.problem = problem
        self.event = event
        self.days = DayIndex(problem.horizon.start)

    def public_day_spans(self) -> tuple[Spans, str | None]:
        """First public days allowed by horizon, window and blackouts (rules 2, 5)."""
        event, days = self.event, self.days
        window = self.problem.window_of(event)
        horizon_last = days.index(self.problem.horizon.end)
        lo = max(days.index(window.start), event.effective_setup_days)
        hi = min(
            days.index(window.end) - event.duration_days + 1,
            horizon_last - event.duration_days + 1 - event.effective_teardown_days,
        )
        if lo > hi:
            if window.days < event.duration_days:
                return [], (
                    f"its window {window.start}..{window.end} is shorter than its "
                    f"{event.duration_days} public days"
                )
            return (
                [],
                "its public days with setup and teardown do not fit the horizon in its window",
            )
        spans = [(lo, hi)]
        blocking = []
        for blackout in self.problem.blackouts:
            if blackout.applies_to(event.category):
                first, last = days.span(blackout.range)
                narrowed = subtract(spans, first - event.duration_days + 1, last)
                if narrowed != spans:
                    blocking.append(blackout.reason or f"{blackout.start}..{blackout.end}")
                spans = narrowed
        if not spans:
            return [], f"every start in its window hits a blackout ({'; '.join(blocking)})"
        return spans, None

    def venue_spans(self, venue: Venue, spans: Spans) -> Spans:
        """``spans`` without starts whose occupancy meets a closure of the venue (rule 2)."""
        event = self.event
        for closed in venue.effective_unavailable:
            first, last = self.days.span(closed.range)
            spans = subtract(
                spans,
                first - event.duration_days + 1 - event.effective_teardown_days,
                last + event.effective_setup_days,
            )
        return spans

    def options(self) -> EventOptions:
        event = self.event
        options = EventOptions(event)
        spans, options.reason = self.public_day_spans()
        if not spans:
            return options
        venues, options.reason = self.fitting_venues()
        if not venues:
            return options
        if event.fixed_start is not None:
            pinned_day = self.days.index(event.fixed_start)
            spans = (
                [(pinned_day, pinned_day)]
                if any(lo <= pinned_day <= hi for lo, hi in spans)
                else []
            )
            if not spans:
                options.reason = (
                    f"its pinned start {event.fixed_start} breaks its window, "
                    "a blackout or the horizon"
                )
                return options
        open_spans = {}
        for venue in venues:
            venue_spans = self.venue_spans(venue, spans)
            if venue_spans:
                open_spans[venue.id] = venue_spans
        if not open_spans:
            names = ", ".join(v.name.text("en") for v in venues)
            options.reason = (
                f"every suitable venue ({names}) is unavailable whenever it could be held"
            )
            return options
        options.nights = self.nights(open_spans)
        hotels, hotel_venues = self.hotel_options(
            [v for v in venues if v.id in open_spans], options.nights
        )
        if not hotel_venues:
            need = event.hotel
            reach = "any distance" if need.max_distance_km is None else f"{need.max_distance_km} km"
            options.reason = (
                f"no suitable hotel rooms: fewer than {need.rooms_per_night} rooms a night at "
                f"{need.effective_min_stars}+ stars within {reach} of any suitable venue"
            )
            return options
        options.hotels = hotels
        options.starts = {v: expand(open_spans[v]) for v in hotel_venues}
        options.reason = None
        return options

    def fitting_venues(self) -> tuple[list[Venue], str | None]:
        """Venues passing allowed_venues, features, capacity and area (rules 3, 4)."""
        event = self.event
        venues = list(self.problem.venues)
        where = "venue"
        if event.fixed_venue is not None:
            venues = [v for v in venues if v.id == event.fixed_venue]
            where = "pinned venue"
            if event.allowed_venues is not None and event.fixed_venue not in event.allowed_venues:
                return [], f"its pinned venue {event.fixed_venue} is not one of its allowed venues"
        elif event.allowed_venues is not None:
            venues = [v for v in venues if v.id in event.allowed_venues]
            where = "allowed venue"
        if not venues:
            return [], "no venue is allowed for it" if self.problem.venues else "there is no venue"
        needed = event.effective_required_features
        fitting = [v for v in venues if needed <= v.effective_features]
        if not fitting:
            missing = [f for f in needed if not any(f in v.effective_features for v in venues)]
            if missing:
                return [], f"no {where} has feature {_quote(missing)}"
            return [], f"no {where} has all of {_quote(list(needed))}"
        with_features = f" with {_quote(list(needed))}" if needed else ""
        attendance = event.effective_attendance
        fitting, before = [v for v in fitting if v.capacity >= attendance], fitting
        if not fitting:
            best = max(v.capacity for v in before)
            return [], f"no {where}{with_features} holds {attendance} people (largest: {best})"
        area = event.effective_area_m2
        fitting, before = [v for v in fitting if v.effective_area_m2 >= area], fitting
        if not fitting:
            best = max(v.effective_area_m2 for v in before)
            return [], (
                f"no {where}{with_features} for {attendance} people has {area} m² of area "
                f"(largest: {best} m²)"
            )
        return fitting, None

    def nights(self, open_spans: dict[str, Spans]) -> DateRange | None:
        """Every night some start may need rooms for; None when the event needs none."""
        spans = [span for spans in open_spans.values() for span in spans]
        nights = night_span(self.event, min(lo for lo, _ in spans), max(hi for _, hi in spans))
        return None if nights is None else self.days.range(*nights)

    def hotel_options(
        self, venues: list[Venue], nights: DateRange | None
    ) -> tuple[list[HotelOption], list[str]]:
        """Hotels that may serve the event, and the venues with enough such rooms nearby."""
        event = self.event
        if nights is None:
            return [], [v.id for v in venues]
        rooms_needed = event.hotel.rooms_per_night
        options, served_rooms = [], {v.id: 0 for v in venues}
        for hotel in self.problem.hotels:
            serving = [v for v in venues if hotel_serves(event, hotel, v)]
            rooms = hotel.most_rooms(nights) if serving else 0
            if rooms == 0:
                continue
            options.append(HotelOption(hotel, {v.id: hotel_km(hotel, v) for v in serving}, rooms))
            for venue in serving:
                served_rooms[venue.id] += rooms
        usable = [v.id for v in venues if served_rooms[v.id] >= rooms_needed]
        options = [o for o in options if any(v in o.km for v in usable)]
        for option in options:
            for venue_id in list(option.km):
                if venue_id not in usable:
                    del option.km[venue_id]
        return options, usable


def event_options(problem: Problem) -> dict[str, EventOptions]:
    """Every event's legal venues and first public days, keyed by event id."""
    return {event.id: _Analysis(problem, event).options() for event in problem.events}
