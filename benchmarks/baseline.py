"""First-come-first-served baseline: the venue diary a booking clerk keeps.

Requests are taken one at a time in arrival order (contracts first, full or
partial pins, since they are already in the diary) and each is written into
the first (day, venue) where it fits every hard rule, hotel rooms included,
taken greedily from the nearest eligible hotel. Nothing already written is ever
moved and no request looks ahead. This is what the city does without a
solver, so it is the yardstick the CP-SAT figures are compared against.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from scheduler.days import DayIndex
from scheduler.geo import haversine_km
from scheduler.pricing import plan_objective, target_results
from scheduler.problem import (
    Assignment,
    Event,
    Hotel,
    Problem,
    RoomBlock,
    Solution,
    Unplaced,
    Venue,
)


@dataclass
class _Diary:
    """What has been booked so far, day by day (day numbers from the horizon start)."""

    problem: Problem
    days: DayIndex
    area_used: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    occupants: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    exclusive_days: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    rooms_used: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    major_on: dict[int, int] = field(default_factory=dict)
    public_spans: dict[str, list[tuple[int, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    # -- rules ---------------------------------------------------------------

    def venue_free(self, event: Event, venue: Venue, first: int, last: int) -> bool:
        """Rules 2-3: the occupancy days are open and leave room for the event."""
        area = event.effective_area_m2
        for day in range(first, last + 1):
            if day in self.exclusive_days[venue.id]:
                return False
            if event.is_exclusive and self.occupants[venue.id].get(day, 0):
                return False
            if area and self.area_used[venue.id].get(day, 0) + area > venue.effective_area_m2:
                return False
        return True

    def gap_ok(self, event: Event, first: int, last: int) -> bool:
        """Rule 8: enough clear days to every placed international event of its category."""
        gaps = self.problem.effective_rules.min_gap_days or {}
        if not event.international or event.category not in gaps:
            return True
        gap = gaps[event.category]
        return all(
            first - other_last - 1 >= gap or other_first - last - 1 >= gap
            for other_first, other_last in self.public_spans[event.category]
        )

    def major_ok(self, event: Event, first: int, last: int) -> bool:
        """Rule 9: the city-wide cap on concurrent major events."""
        rule = self.problem.effective_rules.max_concurrent_major
        if rule is None or event.effective_attendance < rule.attendance_at_least:
            return True
        return all(self.major_on.get(d, 0) < rule.max_events for d in range(first, last + 1))

    def rooms_free(self, hotel: Hotel, first_night: int, last_night: int) -> int:
        """Rooms the hotel can still give on every night of the range (rule 7)."""
        return min(
            hotel.rooms_on(self.days.date(night)) - self.rooms_used[hotel.id].get(night, 0)
            for night in range(first_night, last_night + 1)
        )

    def room_blocks(self, event: Event, venue: Venue, start: int) -> list[RoomBlock] | None:
        """Rule 6, greedily: fill the need from the nearest eligible hotels, or None."""
        nights = event.hotel_nights(self.days.date(start))
        if event.hotel is None or nights is None:
            return []
        first_night, last_night = self.days.span(nights)
        need = event.hotel.rooms_per_night
        blocks = []
        for hotel in _eligible_hotels(self.problem, event, venue):
            if need <= 0:
                break
            take = min(need, self.rooms_free(hotel, first_night, last_night))
            if take > 0:
                blocks.append(RoomBlock(hotel.id, take, nights.start, nights.end))
                need -= take
        return blocks if need <= 0 else None

    # -- booking -------------------------------------------------------------

    def book(self, event: Event, venue: Venue, start: int, blocks: Sequence[RoomBlock]) -> None:
        occupancy = self.days.span(event.occupancy(self.days.date(start)))
        public = self.days.span(event.public_days(self.days.date(start)))
        for day in range(occupancy[0], occupancy[1] + 1):
            used = self.area_used[venue.id]
            used[day] = used.get(day, 0) + event.effective_area_m2
            self.occupants[venue.id][day] = self.occupants[venue.id].get(day, 0) + 1
            if event.is_exclusive:
                self.exclusive_days[venue.id].add(day)
        rule = self.problem.effective_rules.max_concurrent_major
        if rule is not None and event.effective_attendance >= rule.attendance_at_least:
            for day in range(public[0], public[1] + 1):
                self.major_on[day] = self.major_on.get(day, 0) + 1
        if event.international:
            self.public_spans[event.category].append(public)
        for block in blocks:
            first_night, last_night = self.days.span(
                event.hotel_nights(self.days.date(start))  # type: ignore[arg-type]
            )
            for night in range(first_night, last_night + 1):
                used = self.rooms_used[block.hotel]
                used[night] = used.get(night, 0) + block.rooms_per_night

    def try_place(self, event: Event, venue: Venue, start: int) -> list[RoomBlock] | None:
        """Room blocks when the event fits at (venue, start) under every hard rule, else None."""
        day = self.days.date(start)
        occupancy = self.days.span(event.occupancy(day))
        public = self.days.span(event.public_days(day))
        horizon = self.days.span(self.problem.horizon)
        if occupancy[0] < horizon[0] or occupancy[1] > horizon[1]:
            return None
        occupancy_range = event.occupancy(day)
        if any(u.range.overlaps(occupancy_range) for u in venue.effective_unavailable):
            return None
        if not (
            self.venue_free(event, venue, *occupancy)
            and self.gap_ok(event, *public)
            and self.major_ok(event, *public)
        ):
            return None
        return self.room_blocks(event, venue, start)


def _eligible_hotels(problem: Problem, event: Event, venue: Venue) -> list[Hotel]:
    """Hotels that may serve the event at this venue, nearest first."""
    need = event.hotel
    assert need is not None
    hotels = []
    for hotel in problem.hotels:
        if hotel.stars < need.effective_min_stars:
            continue
        if need.max_distance_km is None:
            km = haversine_km(venue.location, hotel.location) if venue.location else 0.0
        elif venue.location is None:
            continue
        else:
            km = haversine_km(venue.location, hotel.location)
            if km > need.max_distance_km:
                continue
        hotels.append((km, hotel.id, hotel))
    return [hotel for _, _, hotel in sorted(hotels, key=lambda item: item[:2])]


def suitable_venues(problem: Problem, event: Event) -> list[Venue]:
    """Venues meeting rule 4 and able to hold the event's area at all, in catalogue order."""
    allowed = set(event.allowed_venues) if event.allowed_venues is not None else None
    return [
        venue
        for venue in problem.venues
        if (allowed is None or venue.id in allowed)
        and event.effective_required_features <= venue.effective_features
        and venue.capacity >= event.effective_attendance
        and event.effective_area_m2 <= venue.effective_area_m2
    ]


def candidate_starts(problem: Problem, event: Event) -> list[dt.date]:
    """First public days inside the window and clear of blackouts (rule 5).

    Ordered as a clerk would offer them: the requested day first, then the
    nearest ones, earlier before later on a tie; without a request, earliest first.
    """
    window = problem.window_of(event)
    blackouts = [b.range for b in problem.blackouts if b.applies_to(event.category)]
    starts = []
    day = window.start
    while event.public_days(day).end <= window.end:
        if not any(b.overlaps(event.public_days(day)) for b in blackouts):
            starts.append(day)
        day += dt.timedelta(days=1)
    if event.preferred_start is not None:
        preferred = event.preferred_start
        starts.sort(key=lambda d: (abs((d - preferred).days), d))
    return starts


def arrival_order(problem: Problem) -> list[Event]:
    """Requests in the order the diary sees them: contracts (pins, partial too), then file order."""
    return sorted(problem.events, key=lambda e: e.fixed_venue is None and e.fixed_start is None)


def fcfs_schedule(problem: Problem, order: Iterable[Event] | None = None) -> Solution:
    """A plan made first come, first served, priced with the solver's objective.

    ``order`` overrides the arrival order (the generator uses it to build a
    witness plan); by default pins come first, then the file order.
    """
    started = time.perf_counter()
    days = DayIndex(problem.horizon.start)
    diary = _Diary(problem, days)
    assignments: list[Assignment] = []
    unplaced: list[Unplaced] = []
    for event in order if order is not None else arrival_order(problem):
        placed = _place(problem, diary, event)
        if isinstance(placed, Assignment):
            assignments.append(placed)
        else:
            unplaced.append(Unplaced(event.id, placed))
    targets = target_results(problem, assignments)
    diagnosis = [
        f"target {t.year} {t.category}{' international' if t.international else ''}: "
        f"{t.achieved} of {t.min_count}"
        for t in targets
        if not t.met
    ]
    must = {e.id for e in problem.events if e.pinned or e.is_mandatory}
    missing = [u.event for u in unplaced if u.event in must]
    if missing:
        diagnosis.append("pinned or mandatory events not placed: " + ", ".join(missing))
    return Solution(
        status="INFEASIBLE" if missing else "FEASIBLE",
        problem=problem.name,
        objective=round(plan_objective(problem, assignments, targets), 6),
        best_bound=None,
        gap=None,
        wall_time_s=round(time.perf_counter() - started, 3),
        assignments=tuple(assignments),
        unplaced=tuple(unplaced),
        targets=tuple(targets),
        targets_met=all(t.met for t in targets),
        diagnosis=tuple(diagnosis),
    )


def _place(problem: Problem, diary: _Diary, event: Event) -> Assignment | str:
    """The assignment written into the diary, or why the event found no place."""
    # A contract's venue and day are the clerk's to keep, whatever they would offer instead.
    if event.fixed_venue is not None:
        venues = [v for v in problem.venues if v.id == event.fixed_venue]
    else:
        venues = suitable_venues(problem, event)
    if event.fixed_start is not None:
        starts = [event.fixed_start]
    else:
        starts = candidate_starts(problem, event)
    if not venues:
        return "no venue has the features, capacity and area it needs"
    if not starts:
        return "no start day in its window clear of blackouts"
    for start in starts:
        index = diary.days.index(start)
        for venue in venues:
            blocks = diary.try_place(event, venue, index)
            if blocks is not None:
                diary.book(event, venue, index, blocks)
                return Assignment(
                    event=event.id,
                    venue=venue.id,
                    start=start,
                    end=event.public_days(start).end,
                    occupancy=event.occupancy(start),
                    rooms=tuple(blocks),
                )
    return "every suitable venue and day was already taken when its request arrived"
