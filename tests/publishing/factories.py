"""Small factories for publishing tests: real catalogue rows, solve runs and plans."""

from __future__ import annotations

import datetime as dt

from events.models import Event
from scheduler.models import Placement, Plan, RoomBlock, SolveRun
from venues.models import Hotel, Venue

D = dt.date


def venue(code: str = "expo", **fields) -> Venue:
    defaults = {
        "name_zh": "滨湖国际会展中心",
        "name_en": "Binhu International Expo Center",
        "kind": "exhibition_centre",
        "address_zh": "合肥市包河区锦绣大道",
        "address_en": "Jinxiu Avenue, Baohe District, Hefei",
        "lat": 31.73,
        "lon": 117.30,
        "capacity": 30000,
        "area_m2": 100000,
    }
    return Venue.objects.update_or_create(id=code, defaults=defaults | fields)[0]


def hotel(code: str = "grand", **fields) -> Hotel:
    defaults = {
        "name_zh": "大酒店",
        "name_en": "Grand Hotel",
        "stars": 5,
        "lat": 31.74,
        "lon": 117.28,
        "block_rooms": 300,
    }
    return Hotel.objects.update_or_create(id=code, defaults=defaults | fields)[0]


def event(code: str, category: str = "exhibition", **fields) -> Event:
    defaults = {
        "name_zh": f"{code} 博览会",
        "name_en": f"{code} Expo",
        "category": category,
        "international": True,
        "duration_days": 3,
        "description_zh": "中文介绍",
        "description_en": "English description",
    }
    return Event.objects.update_or_create(id=code, defaults=defaults | fields)[0]


def plan(
    placements: list[tuple[Event, Venue, dt.date, dt.date]],
    *,
    horizon: tuple[dt.date, dt.date] = (D(2026, 1, 1), D(2026, 12, 31)),
    run_status: str = SolveRun.Status.SUCCEEDED,
    solver_status: str = "OPTIMAL",
    setup_days: int = 1,
) -> Plan:
    """A plan of a solve run placing each (event, venue, first day, last day)."""
    run = SolveRun.objects.create(
        status=run_status,
        horizon_start=horizon[0],
        horizon_end=horizon[1],
        time_limit_s=1,
        workers=1,
        problem={},
        solver_status=solver_status,
    )
    made = Plan.objects.create(
        solve_run=run,
        horizon_start=horizon[0],
        horizon_end=horizon[1],
        solver_status=solver_status,
        targets_met=True,
    )
    for ev, ve, start, end in placements:
        Placement.objects.create(
            plan=made,
            event=ev,
            venue=ve,
            start=start,
            end=end,
            occupancy_start=start - dt.timedelta(days=setup_days),
            occupancy_end=end + dt.timedelta(days=1),
        )
    return made


def room_block(placement: Placement, hotel_row: Hotel, rooms: int = 100) -> RoomBlock:
    return RoomBlock.objects.create(
        placement=placement,
        hotel=hotel_row,
        rooms_per_night=rooms,
        first_night=placement.start - dt.timedelta(days=1),
        last_night=placement.end,
    )
