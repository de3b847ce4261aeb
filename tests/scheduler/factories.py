"""Tiny problems for the solver tests, built from the problem dataclasses."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from scheduler.problem import (
    DateRange,
    Event,
    Hotel,
    HotelNeed,
    Location,
    MaxConcurrentMajor,
    Name,
    Problem,
    Rules,
    Target,
    Venue,
    Weights,
)

CENTRE = Location(31.82, 117.25)
JAN = DateRange(dt.date(2026, 1, 1), dt.date(2026, 1, 31))


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def span(start: str, end: str) -> DateRange:
    return DateRange(day(start), day(end))


def north_of(km: float, origin: Location = CENTRE) -> Location:
    """A point ``km`` north of ``origin`` (1 degree of latitude is about 111.2 km)."""
    return Location(origin.lat + km / 111.195, origin.lon)


def venue(id: str, **fields) -> Venue:
    defaults = dict(
        name=Name(en=id), kind="exhibition_centre", capacity=10_000, location=CENTRE, area_m2=1000
    )
    return Venue(id=id, **{**defaults, **fields})


def hotel(id: str, **fields) -> Hotel:
    defaults = dict(name=Name(en=id), stars=5, location=CENTRE, block_rooms=100)
    return Hotel(id=id, **{**defaults, **fields})


def event(id: str, **fields) -> Event:
    defaults = dict(
        name=Name(en=id), category="conference", international=True, duration_days=2, value=100
    )
    return Event(id=id, **{**defaults, **fields})


def rooms(count: int, **fields) -> HotelNeed:
    return HotelNeed(rooms_per_night=count, **fields)


def problem(*events: Event, venues=(), hotels=(), horizon: DateRange = JAN, **fields) -> Problem:
    return Problem(
        horizon=horizon,
        name="test",
        venues=tuple(venues) or (venue("hall"),),
        hotels=tuple(hotels),
        events=events,
        **fields,
    )


def rules(**fields) -> Rules:
    return Rules(**fields)


def with_events(base: Problem, *events: Event) -> Problem:
    return replace(base, events=base.events + events)


def generated_problem(events: int, venues: int, hotels: int, seed: int = 0) -> Problem:
    """A random city-sized problem over 2026, for timing and determinism tests."""
    rng = random.Random(seed)
    features = ["halls", "track", "pool", "stage"]
    venue_list = [
        venue(
            f"v{i}",
            capacity=rng.choice([2000, 8000, 20000]),
            area_m2=rng.choice([0, 5000, 20000]),
            features=tuple(rng.sample(features, 2)),
            location=north_of(rng.uniform(0, 15)),
        )
        for i in range(venues)
    ]
    hotel_list = [
        hotel(
            f"h{i}",
            stars=rng.choice([3, 4, 5]),
            block_rooms=rng.choice([100, 200, 400]),
            location=north_of(rng.uniform(0, 20)),
        )
        for i in range(hotels)
    ]
    event_list = []
    for i in range(events):
        home = rng.choice(venue_list)
        month = rng.randint(1, 11)
        first = dt.date(2026, month, 1)
        event_list.append(
            event(
                f"e{i}",
                category=rng.choice(["conference", "exhibition", "sports"]),
                international=rng.random() < 0.5,
                duration_days=rng.randint(1, 4),
                setup_days=rng.randint(0, 2),
                window=DateRange(first, first + dt.timedelta(days=55)),
                preferred_start=first + dt.timedelta(days=rng.randint(0, 40)),
                attendance=min(home.capacity, rng.choice([500, 3000, 12000])),
                area_m2=min(home.area_m2 or 0, rng.choice([0, 2000, 5000])),
                required_features=(rng.choice(home.features),),
                hotel=rooms(rng.choice([50, 150, 300]), min_stars=4, max_distance_km=15)
                if rng.random() < 0.6
                else None,
                value=rng.randint(10, 100),
            )
        )
    return Problem(
        horizon=DateRange(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        name=f"generated-{seed}",
        venues=tuple(venue_list),
        hotels=tuple(hotel_list),
        events=tuple(event_list),
        targets=(Target(year=2026, category="sports", min_count=2, international=True),),
        rules=Rules(
            min_gap_days={"sports": 3},
            max_concurrent_major=MaxConcurrentMajor(10000, 2),
            weights=Weights(),
        ),
    )
