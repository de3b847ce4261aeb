"""Catalogue rows made through the services, so every test row passed validation."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from events import services
from events.models import Event
from scheduler.format import read_problem
from scheduler.problem import Problem
from venues import services as venue_services
from venues.models import Feature, Hotel, Venue

D = dt.date
DATA = Path(__file__).parent / "data"
EVERY_FIELD = DATA / "every-field.json"


def every_field_problem() -> Problem:
    return read_problem(json.loads(EVERY_FIELD.read_text(encoding="utf-8")))


def feature(code: str = "plenary_hall") -> Feature:
    return venue_services.features_ensure(codes=[code])[0]


def venue(id: str = "expo", **fields) -> Venue:
    defaults = {
        "name_zh": "滨湖国际会展中心",
        "name_en": "Binhu Expo",
        "kind": "exhibition_centre",
        "district": "Baohe",
        "lat": 31.73,
        "lon": 117.30,
        "capacity": 30000,
        "area_m2": 100000,
        "features": [feature("plenary_hall"), feature("exhibition_halls")],
    }
    return venue_services.venue_create(id=id, **defaults | fields)


def hotel(id: str = "grand", **fields) -> Hotel:
    defaults = {
        "name_zh": "大酒店",
        "name_en": "Grand Hotel",
        "stars": 5,
        "lat": 31.74,
        "lon": 117.28,
        "block_rooms": 300,
    }
    return venue_services.hotel_create(id=id, **defaults | fields)


def event(id: str = "wmc", **fields) -> Event:
    defaults = {
        "name_zh": "世界制造业大会",
        "name_en": "World Manufacturing Convention",
        "category": "exhibition",
        "international": True,
        "duration_days": 4,
        "setup_days": 2,
        "teardown_days": 1,
        "window_start": D(2026, 9, 1),
        "window_end": D(2026, 10, 31),
        "attendance": 20000,
        "area_m2": 60000,
    }
    lifecycle = {name: fields.pop(name) for name in LIFECYCLE if name in fields}
    created = services.event_create(id=id, **defaults | fields)
    return lifecycle_reach(created, **lifecycle)


LIFECYCLE = ("status", "pinned_venue", "pinned_start", "previous_venue", "previous_start")


def lifecycle_reach(
    event: Event,
    *,
    status: str = Event.Status.REQUESTED,
    pinned_venue: Venue | None = None,
    pinned_start: dt.date | None = None,
    previous_venue: Venue | None = None,
    previous_start: dt.date | None = None,
) -> Event:
    """The event moved to ``status`` the way staff would: placed, then confirmed or cancelled."""
    if previous_venue is not None:
        event = services.event_place(event=event, venue=previous_venue, start=previous_start)
    if status == Event.Status.CONFIRMED:
        event = services.event_confirm(event=event, venue=pinned_venue, start=pinned_start)
    elif status == Event.Status.CANCELLED:
        event = services.event_cancel(event=event)
    return event
