"""The scheduling problem and its solution as plain, immutable dataclasses.

These mirror ``shared/spec/problem-format.md`` field by field. Optional fields
keep their absence (``None``) rather than the spec default, so that a problem
read from a file and written back is the same file; the ``effective_*``
helpers apply the defaults where the solver needs them.

No Django import here: the solver core must run, be tested and benchmarked on
a JSON file alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

PROBLEM_FORMAT = "city-events-problem/1"
SOLUTION_FORMAT = "city-events-solution/1"
DEFAULT_TIMEZONE = "Asia/Shanghai"

VENUE_KINDS = (
    "exhibition_centre",
    "convention_centre",
    "stadium",
    "arena",
    "gymnasium",
    "outdoor",
    "theatre",
    "hotel_ballroom",
)
CATEGORIES = ("conference", "exhibition", "sports")
STATUSES = ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN", "MODEL_INVALID")
PLAN_STATUSES = ("OPTIMAL", "FEASIBLE")
"""The statuses that come with a plan keeping every hard rule: stored, shown and published."""


def has_plan(status: str) -> bool:
    """Whether a solve (or a search) of this status found a plan keeping every hard rule."""
    return status in PLAN_STATUSES


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of days."""

    start: dt.date
    end: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, other: DateRange) -> bool:
        return self.start <= other.end and other.start <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Name:
    """A bilingual name; at least one of the two is set."""

    zh: str | None = None
    en: str | None = None

    def text(self, lang: str = "zh") -> str:
        """The name in ``lang``, falling back to the other language."""
        first, second = (self.zh, self.en) if lang == "zh" else (self.en, self.zh)
        return first or second or ""


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float


@dataclass(frozen=True)
class Unavailability:
    start: dt.date
    end: dt.date
    reason: str | None = None

    @property
    def range(self) -> DateRange:
        return DateRange(self.start, self.end)


@dataclass(frozen=True)
class Venue:
    id: str
    name: Name
    kind: str
    capacity: int
    location: Location | None = None
    area_m2: int | None = None
    features: tuple[str, ...] | None = None
    unavailable: tuple[Unavailability, ...] | None = None

    @property
    def effective_area_m2(self) -> int:
        return self.area_m2 or 0

    @property
    def effective_features(self) -> frozenset[str]:
        return frozenset(self.features or ())

    @property
    def effective_unavailable(self) -> tuple[Unavailability, ...]:
        return self.unavailable or ()


@dataclass(frozen=True)
class ReducedBlock:
    """The rooms a hotel offers on the nights of a range instead of its block (Golden Week, say)."""

    start: dt.date
    end: dt.date
    block_rooms: int


@dataclass(frozen=True)
class Hotel:
    id: str
    name: Name
    stars: int
    location: Location
    block_rooms: int
    reduced: tuple[ReducedBlock, ...] | None = None

    def rooms_on(self, night: dt.date) -> int:
        """Rooms the hotel will contract on ``night`` (rule 7).

        The format calls ``reduced`` per-night overrides, so a figure replaces
        ``block_rooms`` on its nights even when it is larger; where ranges
        overlap the smallest of their figures applies.
        """
        figures = [r.block_rooms for r in self.reduced or () if r.start <= night <= r.end]
        return min(figures, default=self.block_rooms)

    def rooms_by_run(self, nights: DateRange) -> list[tuple[DateRange, int]]:
        """``nights`` cut into runs of one nightly figure each, in order.

        The figure can change only where a ``reduced`` range begins or the
        night after one ends, so this costs a step per range, not per night.
        """
        one_day = dt.timedelta(days=1)
        edges = {d for r in self.reduced or () for d in (r.start, r.end + one_day)}
        firsts = sorted({nights.start} | {d for d in edges if nights.start < d <= nights.end})
        runs: list[tuple[DateRange, int]] = []
        for first, after in zip(firsts, [*firsts[1:], nights.end + one_day], strict=True):
            rooms = self.rooms_on(first)
            if runs and runs[-1][1] == rooms:
                first = runs.pop()[0].start
            runs.append((DateRange(first, after - one_day), rooms))
        return runs

    def most_rooms(self, nights: DateRange) -> int:
        """The largest nightly figure over ``nights``: what bounds the rooms held on any of them."""
        return max(rooms for _, rooms in self.rooms_by_run(nights))


@dataclass(frozen=True)
class HotelNeed:
    rooms_per_night: int
    min_stars: int | None = None
    max_distance_km: float | None = None
    nights_before: int | None = None
    nights_after: int | None = None

    @property
    def effective_min_stars(self) -> int:
        return self.min_stars or 0

    @property
    def effective_nights_before(self) -> int:
        return 1 if self.nights_before is None else self.nights_before

    @property
    def effective_nights_after(self) -> int:
        return self.nights_after or 0


@dataclass(frozen=True)
class Placement:
    """A venue and first public day, as pinned by contract or last published."""

    venue: str
    start: dt.date


@dataclass(frozen=True)
class Event:
    id: str
    name: Name
    category: str
    international: bool
    duration_days: int
    setup_days: int | None = None
    teardown_days: int | None = None
    window: DateRange | None = None
    preferred_start: dt.date | None = None
    attendance: int | None = None
    area_m2: int | None = None
    exclusive: bool | None = None
    required_features: tuple[str, ...] | None = None
    allowed_venues: tuple[str, ...] | None = None
    hotel: HotelNeed | None = None
    value: float | None = None
    mandatory: bool | None = None
    pinned: Placement | None = None
    previous: Placement | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    # Partial pins (a project extension of the format): the contract fixes one of the two.
    pinned_venue: str | None = None
    pinned_start: dt.date | None = None

    @property
    def effective_setup_days(self) -> int:
        return self.setup_days or 0

    @property
    def effective_teardown_days(self) -> int:
        return self.teardown_days or 0

    @property
    def effective_attendance(self) -> int:
        return self.attendance or 0

    @property
    def effective_area_m2(self) -> int:
        return self.area_m2 or 0

    @property
    def effective_value(self) -> float:
        return self.value or 0

    @property
    def is_exclusive(self) -> bool:
        return bool(self.exclusive)

    @property
    def is_mandatory(self) -> bool:
        """Whether it must be placed without a full pin: flagged mandatory or partly pinned.

        ``pinned is not None or is_mandatory`` is therefore every must of rule 1.
        """
        return bool(self.mandatory) or self.is_partly_pinned

    @property
    def is_partly_pinned(self) -> bool:
        return self.pinned_venue is not None or self.pinned_start is not None

    @property
    def fixed_venue(self) -> str | None:
        """The venue a contract fixes, by a full or a partial pin; None when it is free."""
        return self.pinned.venue if self.pinned is not None else self.pinned_venue

    @property
    def fixed_start(self) -> dt.date | None:
        """The first public day a contract fixes, by a full or a partial pin; None when free."""
        return self.pinned.start if self.pinned is not None else self.pinned_start

    @property
    def effective_required_features(self) -> frozenset[str]:
        return frozenset(self.required_features or ())

    def public_days(self, start: dt.date) -> DateRange:
        """Public days when the first public day is ``start``."""
        return DateRange(start, start + dt.timedelta(days=self.duration_days - 1))

    def occupancy(self, start: dt.date) -> DateRange:
        """Days the venue is taken, move-in and move-out included (rule 2)."""
        return DateRange(
            start - dt.timedelta(days=self.effective_setup_days),
            start + dt.timedelta(days=self.duration_days - 1 + self.effective_teardown_days),
        )

    def hotel_nights(self, start: dt.date) -> DateRange | None:
        """Nights delegates need rooms (rule 6), or None when the range is empty."""
        if self.hotel is None:
            return None
        first = start - dt.timedelta(days=self.hotel.effective_nights_before)
        last = start + dt.timedelta(days=self.duration_days - 2 + self.hotel.effective_nights_after)
        return DateRange(first, last) if first <= last else None


@dataclass(frozen=True)
class Target:
    year: int
    category: str
    min_count: int
    international: bool | None = None

    def counts(self, event: Event) -> bool:
        """Whether a placed ``event`` counts towards this target, year aside."""
        return event.category == self.category and (
            self.international is None or event.international == self.international
        )


@dataclass(frozen=True)
class Blackout:
    start: dt.date
    end: dt.date
    categories: tuple[str, ...] | None = None
    reason: str | None = None

    def applies_to(self, category: str) -> bool:
        return self.categories is None or category in self.categories

    @property
    def range(self) -> DateRange:
        return DateRange(self.start, self.end)


@dataclass(frozen=True)
class MaxConcurrentMajor:
    attendance_at_least: int
    max_events: int


@dataclass(frozen=True)
class Weights:
    preference_per_day: float = 1.0
    hotel_km_per_room_night: float = 0.001
    change_penalty: float = 50.0
    target_shortfall: float = 10000.0


@dataclass(frozen=True)
class Rules:
    min_gap_days: dict[str, int] | None = None
    max_concurrent_major: MaxConcurrentMajor | None = None
    weights: Weights | None = None

    @property
    def effective_weights(self) -> Weights:
        return self.weights or Weights()


@dataclass(frozen=True)
class Problem:
    horizon: DateRange
    format: str = PROBLEM_FORMAT
    name: str | None = None
    timezone: str | None = None
    venues: tuple[Venue, ...] = ()
    hotels: tuple[Hotel, ...] = ()
    events: tuple[Event, ...] = ()
    targets: tuple[Target, ...] = ()
    blackouts: tuple[Blackout, ...] = ()
    rules: Rules | None = None

    @property
    def effective_timezone(self) -> str:
        return self.timezone or DEFAULT_TIMEZONE

    @property
    def effective_rules(self) -> Rules:
        return self.rules or Rules()

    def window_of(self, event: Event) -> DateRange:
        """The event's window, the horizon when it has none."""
        return event.window or self.horizon

    def venue(self, venue_id: str) -> Venue:
        return next(v for v in self.venues if v.id == venue_id)

    def hotel(self, hotel_id: str) -> Hotel:
        return next(h for h in self.hotels if h.id == hotel_id)

    def event(self, event_id: str) -> Event:
        return next(e for e in self.events if e.id == event_id)


# --- solution -----------------------------------------------------------------


@dataclass(frozen=True)
class RoomBlock:
    hotel: str
    rooms_per_night: int
    first_night: dt.date
    last_night: dt.date


@dataclass(frozen=True)
class Assignment:
    event: str
    venue: str
    start: dt.date
    end: dt.date
    occupancy: DateRange
    rooms: tuple[RoomBlock, ...] = ()


@dataclass(frozen=True)
class Unplaced:
    event: str
    reason: str


@dataclass(frozen=True)
class TargetResult:
    year: int
    category: str
    min_count: int
    achieved: int
    met: bool
    international: bool | None = None


@dataclass(frozen=True)
class Solution:
    status: str
    problem: str | None = None
    format: str = SOLUTION_FORMAT
    objective: float | None = None
    best_bound: float | None = None
    gap: float | None = None
    wall_time_s: float | None = None
    assignments: tuple[Assignment, ...] = ()
    unplaced: tuple[Unplaced, ...] = ()
    targets: tuple[TargetResult, ...] = ()
    targets_met: bool = True
    diagnosis: tuple[str, ...] = field(default_factory=tuple)
