"""A first plan, built greedily, handed to CP-SAT as its hint.

With two workers CP-SAT spends most of its time in large neighbourhood
search, which improves a plan it already has; a plan that places most
events at once makes that search start near the optimum. The greedy pass
books events one by one (musts first, then previous placements, then by
value), each at the legal (venue, start) nearest its preferred start where
area, exclusivity, spacing, concurrency and hotel rooms still allow it.
The solver checks and repairs a hint, so a missed rule here would cost
speed; ``solve`` returns this plan itself only when the search is cut
before its first solution and the independent checker accepts it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from scheduler.candidates import nights_count
from scheduler.days import year_spans
from scheduler.model.hotels import cheapest_rooms
from scheduler.model.plan import PlanModel
from scheduler.model.targets import achieved
from scheduler.problem import Event

# Placements tried per event, nearest to the preferred start first.
TRIES_PER_EVENT = 400


@dataclass
class _Booking:
    """What the plan so far takes, day by day and night by night."""

    area: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    events: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    exclusive: set[tuple[str, int]] = field(default_factory=set)
    rooms: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    major: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    spaced: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))


@dataclass(frozen=True)
class Choice:
    """Where the greedy pass put an event: venue, first public day (day number), rooms by hotel."""

    venue: str
    start: int
    rooms: dict[str, int]


def _order(plan: PlanModel, counted_by: str) -> tuple[list[Event], set[str]]:
    """Pins, mandatory events, events a target counts (priced highest), previous, by value."""
    spans = year_spans(plan.problem.horizon)

    def for_target(event: Event) -> bool:
        days = [d for starts in plan.options[event.id].starts.values() for d in starts]
        return any(
            target.counts(event)
            and target.year in spans
            and any(spans[target.year][0] <= d <= spans[target.year][1] for d in days)
            for target in plan.problem.targets
        )

    def rank(event: Event) -> tuple:
        must = event.pinned is not None or event.is_mandatory
        counted = for_target(event)
        starts = plan.options[event.id].starts.values()
        # Among events a target counts: by value, the hardest to place first, or by deadline.
        key = 0
        if counted and counted_by == "hardest":
            key = sum(map(len, starts))
        elif counted and counted_by == "deadline":
            key = max(max(days) for days in starts)
        return (
            not must,
            event.pinned is None,
            not counted,
            key,
            event.previous is None,
            -event.effective_value,
        )

    return sorted(plan.events, key=rank), {e.id for e in plan.events if for_target(e)}


def _tries(plan: PlanModel, event: Event, packed: bool) -> list[tuple[str, int]]:
    """Placements to try, cheapest first: days from the preferred start plus the rooms' distance.

    When ``packed``, or with no day to aim at, the earliest days come first.
    Among equal days the venue with the nearest rooms wins, so the hint does
    not send delegates across town when a closer venue is free. The previous
    placement comes before those, and a suggested one (``plan.suggested``)
    before everything.
    """
    options = plan.options[event.id].starts
    previous = event.previous
    anchor = None if packed else event.preferred_start or (previous.start if previous else None)
    target = plan.days.index(anchor) if anchor else None
    per_day = plan.problem.effective_rules.effective_weights.preference_per_day
    rooms = cheapest_rooms(plan, event)
    tries = [
        (per_day * abs(day - target) + rooms[v] if target is not None else day, rooms[v], v, day)
        for v, days in options.items()
        for day in days
    ]
    tries.sort()
    ordered = [(v, day) for *_, v, day in tries[:TRIES_PER_EVENT]]
    if previous is not None:
        day = plan.days.index(previous.start)
        if day in options.get(previous.venue, ()):
            ordered.insert(0, (previous.venue, day))
    if event.id in plan.suggested:
        ordered.insert(0, plan.suggested[event.id])
    return ordered


class _Greedy:
    def __init__(self, plan: PlanModel) -> None:
        self.plan = plan
        self.booked = _Booking()
        rules = plan.problem.effective_rules
        self.gaps = rules.min_gap_days or {}
        self.major = rules.max_concurrent_major

    def fits_venue(self, event: Event, venue_id: str, start: int) -> bool:
        venue = self.plan.problem.venue(venue_id)
        first = start - event.effective_setup_days
        last = start + event.duration_days - 1 + event.effective_teardown_days
        for day in range(first, last + 1):
            key = (venue_id, day)
            if key in self.booked.exclusive:
                return False
            if event.is_exclusive and self.booked.events[key]:
                return False
            if self.booked.area[key] + event.effective_area_m2 > venue.effective_area_m2:
                return False
        return True

    def fits_calendar(self, event: Event, start: int) -> bool:
        end = start + event.duration_days - 1
        major = self.major and event.effective_attendance >= self.major.attendance_at_least
        if major and any(
            self.booked.major[d] >= self.major.max_events for d in range(start, end + 1)
        ):
            return False
        gap = self.gaps.get(event.category)
        if gap is not None and event.international:
            for s, e in self.booked.spaced[event.category]:
                if not (start - e - 1 >= gap or s - end - 1 >= gap):
                    return False
        return True

    def find_rooms(self, event: Event, venue_id: str, start: int) -> dict[str, int] | None:
        nights = nights_count(event)
        if nights == 0:
            return {}
        first = start - event.hotel.effective_nights_before
        hotels = [o for o in self.plan.options[event.id].hotels if venue_id in o.km]
        hotels.sort(key=lambda o: o.km[venue_id] or 0.0)
        need, taken = event.hotel.rooms_per_night, {}
        for option in hotels:
            free = min(
                option.hotel.rooms_on(self.plan.days.date(n))
                - self.booked.rooms[option.hotel.id, n]
                for n in range(first, first + nights)
            )
            if free > 0:
                taken[option.hotel.id] = min(free, need)
                need -= taken[option.hotel.id]
            if need == 0:
                return taken
        return None

    def book(self, event: Event, choice: Choice) -> None:
        start = choice.start
        for day in range(
            start - event.effective_setup_days,
            start + event.duration_days + event.effective_teardown_days,
        ):
            key = (choice.venue, day)
            self.booked.area[key] += event.effective_area_m2
            self.booked.events[key] += 1
            if event.is_exclusive:
                self.booked.exclusive.add(key)
        end = start + event.duration_days - 1
        if self.major and event.effective_attendance >= self.major.attendance_at_least:
            for day in range(start, end + 1):
                self.booked.major[day] += 1
        if event.international and event.category in self.gaps:
            self.booked.spaced[event.category].append((start, end))
        if choice.rooms:
            first = start - event.hotel.effective_nights_before
            for hotel_id, rooms in choice.rooms.items():
                for night in range(first, first + nights_count(event)):
                    self.booked.rooms[hotel_id, night] += rooms

    def place(self, event: Event, packed: bool) -> Choice | None:
        for venue_id, start in _tries(self.plan, event, packed):
            if not (self.fits_calendar(event, start) and self.fits_venue(event, venue_id, start)):
                continue
            rooms = self.find_rooms(event, venue_id, start)
            if rooms is not None:
                return Choice(venue_id, start, rooms)
        return None


def _greedy_pass(plan: PlanModel, *, counted_by: str, pack: bool) -> dict[str, Choice]:
    greedy = _Greedy(plan)
    order, counted = _order(plan, counted_by)
    chosen = {}
    for event in order:
        choice = greedy.place(event, packed=pack and event.id in counted)
        if choice is not None:
            greedy.book(event, choice)
            chosen[event.id] = choice
    return chosen


def _shortfall(plan: PlanModel, chosen: dict[str, Choice]) -> int:
    return sum(
        max(0, target.min_count - achieved(plan, chosen, target)) for target in plan.problem.targets
    )


def greedy_plan(plan: PlanModel) -> dict[str, Choice]:
    """A plan that keeps the hard rules, placing events greedily in order of importance.

    The passes differ in how they serve targets: by value, the hardest
    first, or earliest deadline first (what spacing rules reward), near the
    preferred start or packed as early as possible. The one with the fewest
    musts left out, then the best objective, wins.
    """
    passes = [
        _greedy_pass(plan, counted_by="value", pack=False),
        _greedy_pass(plan, counted_by="hardest", pack=False),
        _greedy_pass(plan, counted_by="deadline", pack=False),
        _greedy_pass(plan, counted_by="deadline", pack=True),
    ]
    musts = {e.id for e in plan.events if e.pinned is not None or e.is_mandatory}
    return min(passes, key=lambda chosen: (len(musts - chosen.keys()), -_worth(plan, chosen)))


def _worth(plan: PlanModel, chosen: dict[str, Choice]) -> float:
    """The objective of a greedy plan, hotel distances aside."""
    weights = plan.problem.effective_rules.effective_weights
    worth = -weights.target_shortfall * _shortfall(plan, chosen)
    for event in plan.problem.events:
        choice = chosen.get(event.id)
        previous = event.previous
        if previous is not None and (
            choice is None
            or (choice.venue, choice.start) != (previous.venue, plan.days.index(previous.start))
        ):
            worth -= weights.change_penalty
        if choice is None:
            continue
        worth += event.effective_value
        if event.preferred_start is not None:
            late = abs(choice.start - plan.days.index(event.preferred_start))
            worth -= weights.preference_per_day * late
    return worth


def add_warm_start(plan: PlanModel) -> None:
    """Hints every decision variable with the greedy plan (``plan.warm_start``)."""
    model = plan.model
    model.clear_hints()
    chosen = plan.warm_start
    for event in plan.events:
        choice = chosen.get(event.id)
        starts = plan.options[event.id].starts
        model.add_hint(plan.placed[event.id], choice is not None)
        # Starts of absent alternatives get a value too: CP-SAT takes only a
        # complete hint as its first solution.
        first = min(min(days) for days in starts.values())
        model.add_hint(plan.start[event.id], choice.start if choice else first)
        for venue_id, days in starts.items():
            here = choice is not None and choice.venue == venue_id
            present = plan.present[event.id, venue_id]
            if present is not plan.placed[event.id]:
                model.add_hint(present, here)
            venue_start = plan.venue_start[event.id, venue_id]
            if venue_start is not plan.start[event.id]:
                model.add_hint(venue_start, choice.start if here else min(days))
        for option in plan.options[event.id].hotels:
            key = (event.id, option.hotel.id)
            if key in plan.rooms:
                held = choice.rooms.get(option.hotel.id, 0) if choice else 0
                model.add_hint(plan.rooms[key], held)
    _hint_derived(plan, chosen)


def _hint_derived(plan: PlanModel, chosen: dict[str, Choice]) -> None:
    """Hints the variables that follow from the placement, so the hint is complete."""
    model, days = plan.model, plan.days
    for (event_id, year), literal in plan.in_year.items():
        choice = chosen.get(event_id)
        model.add_hint(literal, choice is not None and days.date(choice.start).year == year)
    for event_id, slots in plan.slots.items():
        choice = chosen.get(event_id)
        for day, slot in slots.items():
            model.add_hint(slot, choice is not None and choice.start == day)
    for event_id, deviation in plan.deviation.items():
        choice = chosen.get(event_id)
        preferred = days.index(plan.problem.event(event_id).preferred_start)
        model.add_hint(deviation, abs(choice.start - preferred) if choice else 0)
    for event_id, kept in plan.kept.items():
        choice, previous = chosen.get(event_id), plan.problem.event(event_id).previous
        same = choice is not None and (choice.venue, days.date(choice.start)) == (
            previous.venue,
            previous.start,
        )
        model.add_hint(kept, same)
    for event_id, (cost, prices) in plan.hotel_cost.items():
        choice = chosen.get(event_id)
        total = 0
        if choice is not None:
            total = sum(prices[choice.venue].get(h, 0) * n for h, n in choice.rooms.items())
        model.add_hint(cost, total)
    for index, shortfall in plan.shortfall.items():
        target = plan.problem.targets[index]
        model.add_hint(shortfall, max(0, target.min_count - achieved(plan, chosen, target)))
