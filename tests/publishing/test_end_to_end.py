"""From the catalogue to the feed: solve, publish (command and API), subscribe."""

import icalendar
import pytest
from django.core.management import call_command

from events.exchange import catalogue_import
from scheduler.format import read_problem
from scheduler.models import Plan, ScheduleVersion
from tests.roles import user_with_role
from tests.solve_runs.conftest import SMALL_CITY

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue():
    catalogue_import(read_problem(SMALL_CITY))


def solve(*extra: str) -> None:
    call_command(
        "solve", "--start", "2026-01-01", "--end", "2026-12-31", "--time-limit", "10", *extra
    )


def test_solve_with_publish_puts_the_plan_in_the_feeds(client, catalogue):
    solve("--publish", "--comment", "Programme 2026")
    version = ScheduleVersion.objects.get()
    assert (version.number, version.comment) == (1, "Programme 2026")
    cal = icalendar.Calendar.from_ical(client.get("/calendar/all.ics").content)
    uids = {str(e["UID"]).split("@")[0] for e in cal.walk("VEVENT")}
    assert uids == {a.event_id for a in version.plan.placements.all()}
    assert uids  # the small city places events


def test_publish_through_the_api(client, catalogue):
    solve()
    plan = Plan.objects.get()
    assert client.get("/calendar/all.ics").content.count(b"BEGIN:VEVENT") == 0
    client.force_login(user_with_role("planner", "planner"))
    response = client.post(f"/api/v1/plans/{plan.pk}/publish/", {"comment": "via API"})
    assert response.status_code == 201, response.content
    assert client.get("/api/v1/schedule-versions/1/").json()["comment"] == "via API"
    assert client.get("/calendar/all.ics").content.count(b"BEGIN:VEVENT") == plan.placements.count()
