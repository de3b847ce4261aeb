"""Publishing from two places at once: never two versions of one plan, never a gap."""

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduler.models import ScheduleVersion
from scheduler.publishing import plan_publish
from tests.publishing import factories as f
from tests.threads import at_once

D = f.D
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def publish_together(plans) -> list:
    """The versions returned by publishing each plan in its own thread, all at once."""
    return at_once(
        *[lambda plan=plan: plan_publish(plan=plan, comment="at once") for plan in plans]
    )


def test_the_same_plan_published_twice_at_once_makes_one_version():
    plan = f.plan([(f.event("wmc"), f.venue(), D(2026, 9, 20), D(2026, 9, 23))])
    first, second = publish_together([plan, plan])
    assert isinstance(first, ScheduleVersion) and isinstance(second, ScheduleVersion)
    assert first.pk == second.pk
    assert ScheduleVersion.objects.count() == 1


def test_two_plans_published_at_once_become_versions_one_and_two():
    venue = f.venue()
    plans = [
        f.plan([(f.event(code), venue, D(2026, 9, 20), D(2026, 9, 23))]) for code in ("a", "b")
    ]
    results = publish_together(plans)
    assert all(isinstance(r, ScheduleVersion) for r in results), results
    assert sorted(v.number for v in results) == [1, 2]
    second = ScheduleVersion.objects.get(number=2)
    assert second.changelog["previous_version"] == 1
    assert len(second.changelog["added"]) == 1 and len(second.changelog["cancelled"]) == 1


ROW_LOCK = r"FOR (NO KEY )?UPDATE"


def locked_tables(publish: Callable[[], object]) -> list[str]:
    """The venue and event tables in the order ``publish`` first locks rows of them."""
    with CaptureQueriesContext(connection) as queries:
        publish()
    locks = [q["sql"] for q in queries.captured_queries if re.search(ROW_LOCK, q["sql"])]
    tables = [t for sql in locks for t in ("venues_venue", "events_event") if f'"{t}"' in sql]
    return list(dict.fromkeys(tables))


def test_publishing_locks_venues_before_events_as_every_booking_write_does():
    plan = f.plan([(f.event("wmc"), f.venue(), D(2026, 9, 20), D(2026, 9, 23))])
    assert locked_tables(lambda: plan_publish(plan=plan)) == ["venues_venue", "events_event"]
