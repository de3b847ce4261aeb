"""No N+1: every list endpoint, feed and page costs as many queries for 30 rows as for 3.

Each case builds 3 rows, counts the queries of one request, builds 27 more
and asserts the same request stays within that count. A serializer field or
template that reads a relation per row shows up here as a count that grows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import services as events
from scheduler.models import SolveRun
from scheduler.publishing import feed_token_get_or_create, plan_publish
from tests.api.conftest import staff  # noqa: F401 (fixture)
from tests.holds import factories as holds
from tests.publishing import factories as pub
from venues import services as venues

pytestmark = pytest.mark.django_db
D = dt.date
DAY = dt.timedelta(days=1)


def add_venues(start: int, stop: int) -> None:
    for i in range(start, stop):
        venues.venue_create(
            id=f"venue-{i}",
            name_en=f"Venue {i}",
            kind="exhibition_centre",
            capacity=1000,
            features=[holds.feature("plenary_hall")],
            unavailable=[{"start": D(2026, 1, 1), "end": D(2026, 1, 2), "reason": "works"}],
        )


def add_hotels(start: int, stop: int) -> None:
    for i in range(start, stop):
        venues.hotel_create(
            id=f"hotel-{i}",
            name_en=f"Hotel {i}",
            stars=4,
            lat=31.7,
            lon=117.2,
            block_rooms=100,
            reduced=[{"start": D(2026, 10, 1), "end": D(2026, 10, 7), "block_rooms": 10}],
        )


def add_events(start: int, stop: int) -> None:
    expo = holds.venue("expo") if start == 0 else None
    for i in range(start, stop):
        holds.event(
            f"event-{i}",
            required_features=[holds.feature("plenary_hall")],
            allowed_venues=[expo or "expo"],
        )


def add_targets(start: int, stop: int) -> None:
    for i in range(start, stop):
        events.target_create(year=2000 + i, category="conference", min_count=1)


def add_blackouts(start: int, stop: int) -> None:
    for i in range(start, stop):
        events.blackout_create(
            start=D(2026, 1, 1) + i * DAY, end=D(2026, 1, 1) + i * DAY, reason_en=f"day {i}"
        )


def add_holds(start: int, stop: int) -> None:
    expo = holds.venue("expo") if start == 0 else holds.Venue.objects.get(pk="expo")
    for i in range(start, stop):
        holds.hold(holds.event(f"event-{i}", area_m2=0), expo, D(2026, 9, 1) + i * DAY)


def add_solve_runs(start: int, stop: int) -> None:
    for _ in range(start, stop):
        SolveRun.objects.create(
            horizon_start=D(2026, 1, 1),
            horizon_end=D(2026, 12, 31),
            time_limit_s=1,
            workers=1,
            problem={},
        )


def one_plan(start: int, stop: int):
    expo = pub.venue("expo")
    placements = [
        (pub.event(f"event-{i}"), expo, D(2026, 3, 1) + i * DAY, D(2026, 3, 3) + i * DAY)
        for i in range(start, stop)
    ]
    return pub.plan(placements)


def add_plans(start: int, stop: int) -> None:
    for i in range(start, stop):
        one_plan(i, i + 1)


def add_versions(start: int, stop: int) -> None:
    for i in range(start, stop):
        plan_publish(plan=one_plan(i, i + 1), comment=f"version {i}")


def publish_version(start: int, stop: int) -> None:
    """A new version holding every event so far (a feed of ``stop`` events)."""
    plan_publish(plan=one_plan(0, stop), comment=f"{stop} events")
    cache.clear()  # measure a render, not a cache hit


API_LISTS: dict[str, tuple[str, Callable[[int, int], None]]] = {
    "venues": ("/api/v1/venues/", add_venues),
    "hotels": ("/api/v1/hotels/", add_hotels),
    "events": ("/api/v1/events/", add_events),
    "targets": ("/api/v1/targets/", add_targets),
    "blackouts": ("/api/v1/blackouts/", add_blackouts),
    "holds": ("/api/v1/holds/", add_holds),
    "solve-runs": ("/api/v1/solve-runs/", add_solve_runs),
    "plans": ("/api/v1/plans/", add_plans),
    "schedule-versions": ("/api/v1/schedule-versions/", add_versions),
    "plan detail": ("/api/v1/plans/{last_plan}/", one_plan),
    "version detail": ("/api/v1/schedule-versions/{last_version}/", publish_version),
    "feed all": ("/calendar/all.ics", publish_version),
    "feed exhibitions": ("/calendar/exhibitions.ics?lang=en", publish_version),
    "feed venue": ("/calendar/venues/expo.ics", publish_version),
    "page upcoming": ("/?month=2026-03", publish_version),
    "page venue": ("/venues/expo/", publish_version),
    "staff feed": ("/calendar/staff/{token}/occupancy.ics", publish_version),
}


def url_now(template: str, user) -> str:
    """The URL with the newest plan, version or the staff user's feed token filled in."""
    from scheduler.models import Plan, ScheduleVersion

    last_plan = Plan.objects.order_by("-id").first()
    last_version = ScheduleVersion.objects.order_by("-number").first()
    return template.format(
        last_plan=last_plan.pk if last_plan else 0,
        last_version=last_version.number if last_version else 0,
        token=feed_token_get_or_create(user=user).token,
    )


@pytest.mark.parametrize("name", API_LISTS)
def test_queries_do_not_grow_with_the_rows(name, staff, django_assert_max_num_queries):  # noqa: F811
    template, add_rows = API_LISTS[name]
    add_rows(0, 3)
    user = staff.handler._force_user
    with CaptureQueriesContext(connection) as few:
        response = staff.get(url_now(template, user))
    assert response.status_code == 200, response.content[:500]
    add_rows(3, 30)
    url = url_now(template, user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    if name in {"venues", "hotels", "events", "targets", "blackouts", "holds", "solve-runs"}:
        assert response.json()["count"] == 30
    if name.startswith("feed"):
        assert body.count("BEGIN:VEVENT") >= 30
