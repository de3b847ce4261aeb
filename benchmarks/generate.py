"""Deterministic synthetic city instances for the benchmarks.

Each size is a seeded random city around Hefei's coordinates: venues of every
kind, hotels clustered near the centre, events whose requirements are drawn
from a venue that can hold them, holidays, closures, hotel needs, pins and
previous placements. Targets are set from a witness plan (a greedy pass that
books the international events first), so every instance is feasible with
all targets met, yet the arrival-order diary tends to miss them: contested,
not impossible.

CLI: ``python -m benchmarks.generate medium -o medium.json [--seed N]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from benchmarks.baseline import fcfs_schedule
from scheduler.format import write_problem
from scheduler.geo import haversine_km
from scheduler.problem import (
    Blackout,
    DateRange,
    Event,
    Hotel,
    HotelNeed,
    Location,
    MaxConcurrentMajor,
    Name,
    Placement,
    Problem,
    ReducedBlock,
    Rules,
    Target,
    Unavailability,
    Venue,
    Weights,
)

CITY_CENTRE = Location(31.82, 117.25)
FIRST_YEAR = 2027


@dataclass(frozen=True)
class Size:
    """How big a synthetic city is and how tight its city-wide rules are."""

    venues: int
    hotels: int
    events: int
    years: int
    sports_gap_days: int
    max_concurrent_major: int


SIZES: dict[str, Size] = {
    "small": Size(venues=13, hotels=14, events=48, years=2, sports_gap_days=14,
                  max_concurrent_major=2),
    "medium": Size(venues=20, hotels=60, events=200, years=2, sports_gap_days=7,
                   max_concurrent_major=3),
    "large": Size(venues=40, hotels=150, events=600, years=4, sports_gap_days=3,
                  max_concurrent_major=4),
}  # fmt: skip

# A fixed cycle, so every size has each kind of venue an event may need.
KIND_CYCLE = (
    "exhibition_centre",
    "stadium",
    "arena",
    "convention_centre",
    "outdoor",
    "gymnasium",
    "exhibition_centre",
    "theatre",
    "hotel_ballroom",
    "arena",
    "exhibition_centre",
    "gymnasium",
    "hotel_ballroom",
)
# kind: (capacity range, area range, always-features, sometimes-features)
VENUE_SHAPES: dict[str, tuple[tuple[int, int], tuple[int, int], list[str], list[str]]] = {
    "exhibition_centre": ((8000, 30000), (20000, 110000), ["exhibition_halls", "meeting_rooms"],
                          ["plenary_hall"]),
    "convention_centre": ((2000, 8000), (4000, 20000), ["plenary_hall", "meeting_rooms"],
                          ["exhibition_halls"]),
    "stadium": ((20000, 60000), (0, 0), ["football_pitch"], ["athletics_track", "floodlights"]),
    "arena": ((3000, 12000), (0, 0), ["indoor_court"], ["swimming_pool"]),
    "gymnasium": ((1500, 7000), (0, 0), ["indoor_court"], ["swimming_pool"]),
    "outdoor": ((10000, 40000), (0, 0), ["outdoor_grounds", "marathon_course"], []),
    "theatre": ((800, 2000), (0, 0), ["plenary_hall", "stage"], []),
    "hotel_ballroom": ((400, 1200), (600, 2000), ["plenary_hall", "meeting_rooms"], []),
}  # fmt: skip
SPORT_FEATURES = ("football_pitch", "athletics_track", "indoor_court", "swimming_pool",
                  "marathon_course")  # fmt: skip
ONE_DAY_SPORTS = ("football_pitch", "marathon_course")
CATEGORY_WORDS = {
    "exhibition": ("博览会", "Expo"),
    "conference": ("大会", "Conference"),
    "sports": ("赛事", "Games"),
}


def generate(size: str, seed: int = 0) -> Problem:
    """The synthetic instance of ``size`` for ``seed``: same arguments, same problem."""
    shape = SIZES[size]
    rng = random.Random(f"{size}:{seed}")
    horizon = DateRange(dt.date(FIRST_YEAR, 1, 1), dt.date(FIRST_YEAR + shape.years - 1, 12, 31))
    years = list(range(FIRST_YEAR, FIRST_YEAR + shape.years))
    venues = [_venue(rng, i, years) for i in range(shape.venues)]
    hotels = [_hotel(rng, i, years, venues) for i in range(shape.hotels)]
    blackouts = [b for year in years for b in _holidays(rng, year)]
    events = [_event(rng, i, rng.choice(years), venues, hotels) for i in range(shape.events)]
    draft = Problem(
        horizon=horizon,
        name=f"synthetic-{size}-seed{seed}",
        timezone="Asia/Shanghai",
        venues=tuple(venues),
        hotels=tuple(hotels),
        events=tuple(events),
        blackouts=tuple(blackouts),
        rules=Rules(
            min_gap_days={"sports": shape.sports_gap_days},
            max_concurrent_major=MaxConcurrentMajor(10000, shape.max_concurrent_major),
            weights=Weights(),
        ),
    )
    return _with_witness_commitments(rng, draft, years)


# -- catalogue ----------------------------------------------------------------


def _near(rng: random.Random, centre: Location, spread_deg: float) -> Location:
    return Location(
        round(centre.lat + rng.gauss(0, spread_deg), 4),
        round(centre.lon + rng.gauss(0, spread_deg), 4),
    )


def _closures(rng: random.Random, years: list[int]) -> tuple[Unavailability, ...]:
    """About one maintenance closure every other year per venue."""
    closures = []
    for year in years:
        if rng.random() < 0.5:
            start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(0, 330))
            end = start + dt.timedelta(days=rng.randint(7, 35))
            closures.append(Unavailability(start, end, "maintenance"))
    return tuple(closures)


def _venue(rng: random.Random, i: int, years: list[int]) -> Venue:
    kind = KIND_CYCLE[i % len(KIND_CYCLE)]
    (cap_lo, cap_hi), (area_lo, area_hi), always, sometimes = VENUE_SHAPES[kind]
    features = list(always) + [f for f in sometimes if rng.random() < 0.4]
    return Venue(
        id=f"venue-{i:02d}",
        name=Name(zh=f"场馆{i:02d}", en=f"Venue {i:02d} ({kind.replace('_', ' ')})"),
        kind=kind,
        capacity=rng.randrange(cap_lo, cap_hi + 1, 100),
        location=_near(rng, CITY_CENTRE, 0.06),
        area_m2=rng.randrange(area_lo, area_hi + 1, 100) if area_hi else 0,
        features=tuple(features),
        unavailable=_closures(rng, years),
    )


def _hotel(rng: random.Random, i: int, years: list[int], venues: list[Venue]) -> Hotel:
    """A hotel, half of them clustered around a venue as they are in real cities."""
    if rng.random() < 0.5:
        venue = rng.choice(venues)
        assert venue.location is not None
        location = _near(rng, venue.location, 0.02)
    else:
        location = _near(rng, CITY_CENTRE, 0.07)
    block = rng.randrange(60, 301, 10)
    golden_week = rng.uniform(0.3, 0.6)
    return Hotel(
        id=f"hotel-{i:03d}",
        name=Name(zh=f"酒店{i:03d}", en=f"Hotel {i:03d}"),
        stars=rng.choice((3, 4, 4, 5, 5)),
        location=location,
        block_rooms=block,
        reduced=tuple(
            ReducedBlock(dt.date(y, 10, 1), dt.date(y, 10, 7), int(block * golden_week))
            for y in years
        ),
    )


def _holidays(rng: random.Random, year: int) -> list[Blackout]:
    """Chinese-style public holidays; Spring Festival moves with the lunar calendar."""
    spring = dt.date(year, 1, 21) + dt.timedelta(days=rng.randrange(0, 25))
    return [
        Blackout(spring, spring + dt.timedelta(days=6), None, "Spring Festival"),
        Blackout(dt.date(year, 5, 1), dt.date(year, 5, 5), None, "Labour Day"),
        Blackout(dt.date(year, 6, 7), dt.date(year, 6, 10), ("sports",), "gaokao"),
        Blackout(dt.date(year, 10, 1), dt.date(year, 10, 7), None, "National Day"),
    ]


# -- events -------------------------------------------------------------------


def _event(
    rng: random.Random, i: int, year: int, venues: list[Venue], hotels: list[Hotel]
) -> Event:
    """An event whose needs are drawn from a home venue, so some venue can hold it."""
    category = rng.choices(("exhibition", "conference", "sports"), (0.35, 0.25, 0.40))[0]
    international = rng.random() < 0.45
    if category == "exhibition":
        home = rng.choice([v for v in venues if "exhibition_halls" in v.effective_features])
        features = ("exhibition_halls",)
        attendance = rng.randint(home.capacity // 10, home.capacity)
        area = rng.randrange(
            max(3000, int(home.effective_area_m2 * 0.4)),
            max(3100, int(home.effective_area_m2 * 0.9)),
            100,
        )
        duration, setup, teardown = rng.randint(3, 7), rng.randint(2, 4), rng.randint(1, 2)
        exclusive = False
    elif category == "conference":
        home = rng.choice([v for v in venues if "plenary_hall" in v.effective_features])
        features = ("plenary_hall",)
        attendance = rng.randint(min(200, home.capacity), min(home.capacity, 3000))
        area = 0
        duration, setup, teardown = rng.randint(1, 4), rng.randint(0, 1), 0
        exclusive = rng.random() < 0.3
    else:
        home = rng.choice([v for v in venues if v.effective_features & set(SPORT_FEATURES)])
        sport = rng.choice(sorted(home.effective_features & set(SPORT_FEATURES)))
        features = (sport,)
        attendance = rng.randint(home.capacity // 4, home.capacity * 9 // 10)
        area = 0
        duration = 1 if sport in ONE_DAY_SPORTS else rng.randint(2, 7)
        setup, teardown = rng.randint(1, 2), rng.randint(0, 1)
        exclusive = True
    preferred = _preferred_start(rng, year)
    window = DateRange(
        max(dt.date(year, 1, 1) + dt.timedelta(days=setup), preferred - _slack(rng)),
        min(
            dt.date(year, 12, 31) - dt.timedelta(days=teardown),
            preferred + dt.timedelta(days=duration - 1) + _slack(rng),
        ),
    )
    zh_word, en_word = CATEGORY_WORDS[category]
    scope = ("国际", "International ") if international else ("", "")
    return Event(
        id=f"ev-{i:04d}",
        name=Name(zh=f"{scope[0]}{zh_word}{i:04d}", en=f"{scope[1]}{en_word} {i:04d}"),
        category=category,
        international=international,
        duration_days=duration,
        setup_days=setup,
        teardown_days=teardown,
        window=window,
        preferred_start=preferred,
        attendance=attendance,
        area_m2=area,
        exclusive=exclusive,
        required_features=features,
        hotel=_hotel_need(rng, international, attendance, home, hotels),
        value=float(rng.randint(60, 150) if international else rng.randint(20, 60)),
        mandatory=False,
    )


def _preferred_start(rng: random.Random, year: int) -> dt.date:
    """A requested first day, four times in five in the spring or autumn season."""
    if rng.random() < 0.8:
        season_start, length = rng.choice(((dt.date(year, 3, 10), 100), (dt.date(year, 9, 5), 85)))
    else:
        season_start, length = dt.date(year, 1, 15), 320
    return season_start + dt.timedelta(days=rng.randrange(length))


def _slack(rng: random.Random) -> dt.timedelta:
    """How far an organiser will move from the requested day, each way."""
    return dt.timedelta(days=rng.randint(3, 21))


def _hotel_need(
    rng: random.Random, international: bool, attendance: int, home: Venue, hotels: list[Hotel]
) -> HotelNeed | None:
    """Rooms for visitors, never more than half of what the home venue can reach."""
    if rng.random() > (0.75 if international else 0.4):
        return None
    min_stars = rng.choice((0, 3, 4, 4, 5))
    max_km = rng.choice((10.0, 15.0, 20.0, 30.0, None))
    assert home.location is not None
    reach = sum(
        h.block_rooms
        for h in hotels
        if h.stars >= min_stars
        and (max_km is None or haversine_km(home.location, h.location) <= max_km)
    )
    rooms = min(int(attendance * rng.uniform(0.03, 0.12)), 1500, reach * 2 // 3)
    if rooms < 10:
        return None
    return HotelNeed(
        rooms_per_night=rooms,
        min_stars=min_stars,
        max_distance_km=max_km,
        nights_before=1,
        nights_after=rng.choice((0, 0, 1)),
    )


# -- targets, pins and history from a witness plan ----------------------------


def _with_witness_commitments(rng: random.Random, draft: Problem, years: list[int]) -> Problem:
    """Targets, pins, mandatory events and previous placements that one plan satisfies.

    The witness books international exhibitions and sports first (then the
    rest by preferred day), so its counts are reachable together; targets
    sit a little under them, pins and mandatory events are taken from it.
    """
    order = sorted(
        draft.events,
        key=lambda e: (
            not (e.international and e.category in ("exhibition", "sports")),
            e.preferred_start,
            e.id,
        ),
    )
    witness = fcfs_schedule(draft, order=order)
    placed = {a.event: a for a in witness.assignments}
    counts = Counter(
        (a.start.year, draft.event(a.event).category)
        for a in witness.assignments
        if draft.event(a.event).international
    )
    targets = tuple(
        Target(year, category, counts[year, category] * 19 // 20, international=True)
        for year in years
        for category in ("sports", "exhibition")
        if counts[year, category]
    )
    events = []
    for event in draft.events:
        assignment = placed.get(event.id)
        pinned = previous = None
        mandatory = False
        if assignment is not None:
            here = Placement(assignment.venue, assignment.start)
            roll = rng.random()
            if roll < 0.03:
                pinned = here
            elif roll < 0.08:
                mandatory = True
            if rng.random() < 0.25:
                moved = assignment.start + dt.timedelta(days=rng.choice((0, 0, -3, -1, 2, 5)))
                previous = Placement(assignment.venue, moved)
        events.append(
            dataclasses.replace(event, pinned=pinned, previous=previous, mandatory=mandatory)
        )
    return dataclasses.replace(draft, events=tuple(events), targets=targets)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    text = json.dumps(write_problem(generate(args.size, args.seed)), ensure_ascii=False, indent=1)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
