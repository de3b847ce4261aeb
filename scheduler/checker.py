"""An independent check of a solution against its problem: every hard rule and the bookkeeping.

Written from the spec alone, day by day and night by night, without the
model code, so that a mistake in the model shows up here rather than being
repeated. Any plan from any tool can be checked with it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from scheduler.geo import haversine_km
from scheduler.problem import Assignment, Event, Problem, Solution, Target, TargetResult

OBJECTIVE_TOLERANCE = 1e-3


@dataclass(frozen=True)
class Violation:
    """A broken rule: ``rule`` is the spec's rule number or the bookkeeping item."""

    rule: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def check(problem: Problem, solution: Solution) -> list[Violation]:
    """Every violation of the problem's hard rules and of the solution's bookkeeping."""
    found: list[Violation] = []
    events = {e.id: e for e in problem.events}
    venues = {v.id for v in problem.venues}
    hotels = {h.id for h in problem.hotels}
    known = []
    for a in solution.assignments:
        if a.event not in events:
            found.append(Violation("1", f"assignment of unknown event '{a.event}'"))
        elif a.venue not in venues:
            found.append(Violation("4", f"{a.event}: unknown venue '{a.venue}'"))
        elif any(b.hotel not in hotels for b in a.rooms):
            found.append(Violation("6", f"{a.event}: rooms in an unknown hotel"))
        else:
            known.append(a)
    checks = (
        _placement,
        _shape,
        _venue_fit,
        _calendar,
        _venue_sharing,
        _rooms,
        _hotel_capacity,
        _min_gap,
        _max_concurrent,
        _targets,
        _objective,
    )
    for rule in checks:
        found += rule(problem, solution, known)
    return found


def _placement(problem: Problem, solution: Solution, assignments) -> list[Violation]:
    """Rule 1: at most one placement per event; pins kept; musts placed (unless diagnosed)."""
    found = []
    counts = Counter(a.event for a in assignments)
    found += [Violation("1", f"{e} is placed {n} times") for e, n in counts.items() if n > 1]
    placed = {a.event: a for a in assignments}
    unplaced = {u.event for u in solution.unplaced}
    found += [Violation("1", f"{e} is both placed and unplaced") for e in unplaced & placed.keys()]
    # A file that is a diagnosis, not a plan, may leave out the musts it names.
    diagnosed = solution.status in ("INFEASIBLE", "UNKNOWN") and bool(solution.diagnosis)
    for event in problem.events:
        a = placed.get(event.id)
        must = event.pinned is not None or event.is_mandatory
        if a is None and must and not (diagnosed and event.id in unplaced):
            kind = "pinned" if event.pinned or event.is_partly_pinned else "mandatory"
            found.append(Violation("1", f"{kind} event {event.id} is not placed"))
        if a is not None:
            found += _pin_kept(event, a)
    if solution.status == "INFEASIBLE" and not solution.diagnosis:
        found.append(Violation("diagnosis", "status INFEASIBLE without a diagnosis"))
    return found


def _pin_kept(event: Event, a: Assignment) -> list[Violation]:
    """A placed event sits where its contract puts it: full pin, pinned venue or pinned start."""
    pinned = event.pinned
    if pinned is not None and (a.venue, a.start) != (pinned.venue, pinned.start):
        return [Violation("1", f"{event.id} is not where it is pinned")]
    found = []
    if event.pinned_venue is not None and a.venue != event.pinned_venue:
        found.append(Violation("1", f"{event.id} is not in its pinned venue {event.pinned_venue}"))
    if event.pinned_start is not None and a.start != event.pinned_start:
        found.append(
            Violation("1", f"{event.id} does not start on its pinned start {event.pinned_start}")
        )
    return found


def _shape(problem: Problem, solution: Solution, assignments) -> list[Violation]:
    """Public days and occupancy follow from start, duration, setup and teardown (rule 2)."""
    found = []
    for a in assignments:
        e = problem.event(a.event)
        end = a.start + dt.timedelta(days=e.duration_days - 1)
        occ_start = a.start - dt.timedelta(days=e.setup_days or 0)
        occ_end = end + dt.timedelta(days=e.teardown_days or 0)
        if a.end != end:
            found.append(Violation("bookkeeping", f"{a.event}: end should be {end}"))
        if (a.occupancy.start, a.occupancy.end) != (occ_start, occ_end):
            found.append(
                Violation("bookkeeping", f"{a.event}: occupancy should be {occ_start}..{occ_end}")
            )
        if occ_start < problem.horizon.start or occ_end > problem.horizon.end:
            found.append(
                Violation("2", f"{a.event}: occupancy {occ_start}..{occ_end} leaves the horizon")
            )
        venue = problem.venue(a.venue)
        for closed in venue.unavailable or ():
            if occ_start <= closed.end and closed.start <= occ_end:
                found.append(
                    Violation(
                        "2", f"{a.event}: {venue.id} is unavailable {closed.start}..{closed.end}"
                    )
                )
    return found


def _venue_fit(problem: Problem, solution: Solution, assignments) -> list[Violation]:
    """Rule 4: features, capacity, allowed venues."""
    found = []
    for a in assignments:
        e, venue = problem.event(a.event), problem.venue(a.venue)
        missing = set(e.required_features or ()) - set(venue.features or ())
        if missing:
            found.append(Violation("4", f"{a.event}: {venue.id} lacks {sorted(missing)}"))
        if venue.capacity < (e.attendance or 0):
            found.append(
                Violation("4", f"{a.event}: {venue.id} holds {venue.capacity} < {e.attendance}")
            )
        if e.allowed_venues is not None and venue.id not in e.allowed_venues:
            found.append(Violation("4", f"{a.event}: {venue.id} is not an allowed venue"))
    return found


def _calendar(problem: Problem, solution: Solution, assignments) -> list[Violation]:
    """Rule 5: public days inside the window and outside the category's blackouts."""
    found = []
    for a in assignments:
        e = problem.event(a.event)
        window = e.window or problem.horizon
        if a.start < window.start or a.end > window.end:
            found.append(Violation("5", f"{a.event}: public days leave the window"))
        for b in problem.blackouts:
            applies = b.categories is None or e.category in b.categories
            if applies and a.start <= b.end and b.start <= a.end:
                found.append(
                    Violation("5", f"{a.event}: public days hit blackout {b.start}..{b.end}")
                )
    return found


def _venue_sharing(problem: Problem, solution: Solution, assignments) -> list[Violation]:
    """Rule 3: area per venue and day; exclusive events alone."""
    found = []
    by_day: dict[tuple[str, dt.date], list[Event]] = defaultdict(list)
    for a in assignments:
        for day in _days(a.occupancy.start, a.occupancy.end):
            by_day[a.venue, day].append(problem.event(a.event))
    reported = set()
    for (venue_id, day), present in sorted(by_day.items()):
        area = problem.venue(venue_id).area_m2 or 0
        used = sum(e.area_m2 or 0 for e in present)
        ids = tuple(sorted(e.id for e in present))
        if used > area and (venue_id, ids, "area") not in reported:
            reported.add((venue_id, ids, "area"))
            found.append(
                Violation("3", f"{venue_id} on {day}: {used} m² > {area} m² ({', '.join(ids)})")
            )
        shared = len(present) > 1 and any(e.exclusive for e in present)
        if shared and (venue_id, ids, "excl") not in reported:
            reported.add((venue_id, ids, "excl"))
            found.append(
                Violation("3", f"{venue_id} on {day}: exclusive event shared ({', '.join(ids)})")
            )
    return found


def _rooms(problem: Problem, solution: Solution, assignments) -> list[Violation]:
    """Rule 6: rooms on every night, from eligible hotels, same count every night."""
    found = []
    for a in assignments:
        e = problem.event(a.event)
        venue = problem.venue(a.venue)
        hotels = [b.hotel for b in a.rooms]
        if len(hotels) != len(set(hotels)):
            found.append(Violation("6", f"{a.event}: a hotel appears twice in its rooms"))
        need = e.hotel
        first = last = None
        if need is not None:
            first = a.start - dt.timedelta(
                days=1 if need.nights_before is None else need.nights_before
            )
            last = a.start + dt.timedelta(days=e.duration_days - 2 + (need.nights_after or 0))
        if need is None or first > last or need.rooms_per_night == 0:
            if any(b.rooms_per_night for b in a.rooms):
                found.append(Violation("6", f"{a.event}: holds rooms it does not need"))
            continue
        total = sum(b.rooms_per_night for b in a.rooms)
        if total < need.rooms_per_night:
            found.append(
                Violation("6", f"{a.event}: {total} rooms a night < {need.rooms_per_night}")
            )
        for b in a.rooms:
            hotel = problem.hotel(b.hotel)
            if (b.first_night, b.last_night) != (first, last):
                found.append(
                    Violation("6", f"{a.event}: {b.hotel} nights should be {first}..{last}")
                )
            if hotel.stars < (need.min_stars or 0):
                found.append(Violation("6", f"{a.event}: {b.hotel} has {hotel.stars} stars"))
            if need.max_distance_km is not None and b.rooms_per_night > 0:
                if venue.location is None:
                    found.append(
                        Violation("6", f"{a.event}: {venue.id} has no location to measure")
                    )
                elif haversine_km(hotel.location, venue.location) > need.max_distance_km:
                    found.append(Violation("6", f"{a.event}: {b.hotel} is too far from {venue.id}"))
    return found


def _hotel_capacity(problem: Problem, solution: Solution, assignments) -> list[Violation]:
    """Rule 7: per hotel and night, rooms held within the block (reduced where stated)."""
    held: dict[tuple[str, dt.date], int] = defaultdict(int)
    for a in assignments:
        for b in a.rooms:
            for night in _days(b.first_night, b.last_night):
                held[b.hotel, night] += b.rooms_per_night
    found = []
    for (hotel_id, night), rooms in sorted(held.items()):
        block = problem.hotel(hotel_id).rooms_on(night)
        if rooms > block:
            found.append(
                Violation("7", f"{hotel_id} on the night of {night}: {rooms} > {block} rooms")
            )
    return found


def _min_gap(problem: Problem, solution: Solution, assignments) -> list[Violation]:
    """Rule 8: clear days between public days of international events of a category."""
    found = []
    gaps = (problem.rules.min_gap_days if problem.rules else None) or {}
    for category, gap in gaps.items():
        spaced = sorted(
            (a for a in assignments if _is_intl(problem, a, category)), key=lambda a: a.start
        )
        for i, first in enumerate(spaced):
            for second in spaced[i + 1 :]:
                if (
                    not (second.start - first.end).days - 1 >= gap
                    and not (first.start - second.end).days - 1 >= gap
                ):
                    found.append(
                        Violation(
                            "8", f"{first.event} and {second.event}: fewer than {gap} clear days"
                        )
                    )
    return found


def _is_intl(problem: Problem, a: Assignment, category: str) -> bool:
    e = problem.event(a.event)
    return e.category == category and e.international


def _max_concurrent(problem: Problem, solution: Solution, assignments) -> list[Violation]:
    """Rule 9: major events with a public day on the same day."""
    major = problem.rules.max_concurrent_major if problem.rules else None
    if major is None:
        return []
    per_day: dict[dt.date, list[str]] = defaultdict(list)
    for a in assignments:
        if (problem.event(a.event).attendance or 0) >= major.attendance_at_least:
            for day in _days(a.start, a.end):
                per_day[day].append(a.event)
    return [
        Violation("9", f"{day}: {len(ids)} major events > {major.max_events} ({', '.join(ids)})")
        for day, ids in sorted(per_day.items())
        if len(ids) > major.max_events
    ]


def _targets(problem: Problem, solution: Solution, assignments) -> list[Violation]:
    """Rule 10 bookkeeping: every target reported once, achieved and met truthful.

    The format gives reported targets no order, so each is matched to the
    problem's by all the problem says of it; targets alike in all of that
    have the same truth, so which of them pairs with which does not matter.
    """
    truth = {_target_key(t): _target_truth(problem, t, assignments) for t in problem.targets}
    found = _target_roll_call(problem, solution)
    for result in solution.targets:
        key = _target_key(result)
        if key in truth and (result.achieved, result.met) != truth[key]:
            achieved, met = truth[key]
            found.append(
                Violation("10", f"target {_describe(key)}: achieved {achieved}, met {met}")
            )
    all_met = all(met for _, met in truth.values())
    if solution.targets_met != all_met:
        found.append(Violation("10", f"targets_met should be {str(all_met).lower()}"))
    if not all_met and not solution.diagnosis:
        found.append(Violation("diagnosis", "targets are missed but the diagnosis is empty"))
    return found


TargetKey = tuple[int, str, bool | None, int]


def _target_key(target: Target | TargetResult) -> TargetKey:
    return (target.year, target.category, target.international, target.min_count)


def _describe(key: TargetKey) -> str:
    year, category, international, min_count = key
    kind = {True: " international", False: " domestic", None: ""}[international]
    return f"{year}{kind} {category} (at least {min_count})"


def _target_truth(problem: Problem, target: Target, assignments) -> tuple[int, bool]:
    """What the solution must report for ``target``: events achieved, and whether met."""
    achieved = sum(
        1
        for a in assignments
        if a.start.year == target.year and target.counts(problem.event(a.event))
    )
    in_horizon = problem.horizon.start.year <= target.year <= problem.horizon.end.year
    return achieved, in_horizon and achieved >= target.min_count


def _target_roll_call(problem: Problem, solution: Solution) -> list[Violation]:
    """Targets the solution leaves out or reports too often, and ones the problem lacks."""
    expected = Counter(_target_key(t) for t in problem.targets)
    reported = Counter(_target_key(r) for r in solution.targets)
    found = []
    for key in [*expected, *(k for k in reported if k not in expected)]:
        wanted, got = expected[key], reported[key]
        if got == 0:
            found.append(Violation("10", f"target {_describe(key)} is not reported"))
        elif wanted == 0:
            found.append(Violation("10", f"target {_describe(key)} is not in the problem"))
        elif got != wanted:
            found.append(
                Violation("10", f"target {_describe(key)} is reported {got} times, not {wanted}")
            )
    return found


def _objective(problem: Problem, solution: Solution, assignments) -> list[Violation]:
    """The reported objective against the spec's formula, recomputed here."""
    if solution.objective is None:
        return []
    w = problem.rules.weights if problem.rules and problem.rules.weights else None
    pref = 1.0 if w is None else w.preference_per_day
    km_w = 0.001 if w is None else w.hotel_km_per_room_night
    change = 50.0 if w is None else w.change_penalty
    short = 10000.0 if w is None else w.target_shortfall
    total = 0.0
    placed = {}
    for a in assignments:
        e = problem.event(a.event)
        placed[e.id] = a
        total += e.value or 0
        if e.preferred_start:
            total -= pref * abs((a.start - e.preferred_start).days)
        venue = problem.venue(a.venue)
        for b in a.rooms:
            if venue.location is not None:
                km = haversine_km(problem.hotel(b.hotel).location, venue.location)
                nights = (b.last_night - b.first_night).days + 1
                total -= km_w * b.rooms_per_night * nights * km
    for e in problem.events:
        if e.previous is not None:
            a = placed.get(e.id)
            if a is None or a.venue != e.previous.venue or a.start != e.previous.start:
                total -= change
    for target in problem.targets:
        achieved = sum(
            1
            for a in assignments
            if a.start.year == target.year and target.counts(problem.event(a.event))
        )
        total -= short * max(0, target.min_count - achieved)
    if abs(total - solution.objective) > OBJECTIVE_TOLERANCE * max(1.0, abs(total)):
        return [Violation("objective", f"reported {solution.objective}, recomputed {total:.6f}")]
    return []
