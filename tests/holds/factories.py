"""Rows for holds and availability tests: catalogue through the services, a published plan."""

from __future__ import annotations

import datetime as dt

from bookings import services
from bookings.models import VenueHold
from events.models import Event
from scheduler.models import Placement, Plan, RoomBlock, ScheduleVersion, SolveRun
from scheduler.publishing import plan_publish
from tests.catalogue.factories import event, feature, hotel, venue
from venues.models import Venue

__all__ = ["D", "PLACED_ON", "event", "feature", "hold", "hotel", "published_plan", "venue"]

D = dt.date
EXPIRES = D(2099, 1, 1)
# The day the tests' holds are placed: their stories happen before their 2026 days,
# whatever the calendar says when the tests run (a hold's first day may not have passed).
PLACED_ON = D(2026, 6, 1)


def hold(ev: Event, ve: Venue, start: dt.date, **fields) -> VenueHold:
    defaults = {
        "expires_on": EXPIRES,
        "holder_email": f"{ev.pk}@organiser.example",
        "today": PLACED_ON,
    }
    return services.hold_place(event=ev, venue=ve, start=start, **defaults | fields)


Placements = list[tuple[Event, Venue, dt.date, list[tuple[str, int]]]]


def published_plan(placements: Placements) -> ScheduleVersion:
    """Publish a plan placing each (event, venue, first day, [(hotel id, rooms)])."""
    return plan_publish(plan=stored_plan(placements), comment="test")


def stored_plan(placements: Placements) -> Plan:
    """A solved plan, not published, placing each (event, venue, first day, [(hotel, rooms)])."""
    run = SolveRun.objects.create(
        status=SolveRun.Status.SUCCEEDED,
        horizon_start=D(2026, 1, 1),
        horizon_end=D(2026, 12, 31),
        time_limit_s=1,
        workers=1,
        problem={},
        solver_status="OPTIMAL",
    )
    plan = Plan.objects.create(
        solve_run=run,
        horizon_start=run.horizon_start,
        horizon_end=run.horizon_end,
        solver_status="OPTIMAL",
        targets_met=True,
    )
    for ev, ve, start, rooms in placements:
        days = dt.timedelta
        placement = Placement.objects.create(
            plan=plan,
            event=ev,
            venue=ve,
            start=start,
            end=start + days(ev.duration_days - 1),
            occupancy_start=start - days(ev.setup_days),
            occupancy_end=start + days(ev.duration_days - 1 + ev.teardown_days),
        )
        for hotel_id, count in rooms:
            RoomBlock.objects.create(
                placement=placement,
                hotel_id=hotel_id,
                rooms_per_night=count,
                first_night=start - days(1),
                last_night=start + days(ev.duration_days - 2),
            )
    return plan
