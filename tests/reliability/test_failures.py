"""What a failure leaves behind: a timed-out or failed run, a publish broken half-way, retries.

Beside ``tests/solve_runs/test_failures.py`` (solver raising, plan write
failing, stale run) and ``test_celery.py`` (killed worker): a run that
times out, and proof that the public side (the latest version and the
feeds' bytes) does not move when a run fails or a publish breaks. Retried
writes (import, publish, hold promotion) end where one would.
"""

from __future__ import annotations

import datetime as dt

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError

from bookings import services as bookings
from bookings.models import VenueHold
from events.models import Event
from scheduler import publishing, services
from scheduler.models import Plan, PublishedEvent, ScheduleVersion, SolveRun
from scheduler.publishing import plan_publish
from tests.holds import factories as holds
from tests.publishing import factories as pub

pytestmark = pytest.mark.django_db
D = dt.date
FEEDS = ("/calendar/all.ics", "/calendar/exhibitions.ics?lang=en", "/calendar/venues/expo.ics")


@pytest.fixture
def published(small_city):
    """The small city with version 1 published (Expo A at the Expo in September)."""
    plan = pub.plan(
        [(Event.objects.get(pk="expo-a"), pub.venue("expo"), D(2026, 9, 10), D(2026, 9, 12))]
    )
    cache.clear()
    return plan_publish(plan=plan, comment="version 1")


def public_side(client) -> dict:
    """What the public sees: versions, frozen events, and each feed's bytes rendered afresh."""
    cache.clear()
    return {
        "versions": list(ScheduleVersion.objects.values_list("number", "plan_id")),
        "events": list(PublishedEvent.objects.order_by("pk").values()),
        "statuses": dict(Event.objects.values_list("pk", "status")),
        **{path: client.get(path).content for path in FEEDS},
    }


def failing_solve(error: Exception):
    def solve(*args, **kwargs):
        raise error

    return solve


@pytest.mark.parametrize(
    "error",
    [SoftTimeLimitExceeded("SoftTimeLimitExceeded()"), RuntimeError("solver crashed")],
    ids=["timed out", "crashed"],
)
def test_a_failed_run_leaves_the_published_plan_and_feeds_untouched(
    published, client, monkeypatch, error
):
    before = public_side(client)
    plans_before = Plan.objects.count()
    run = services.solve_run_create(start=D(2026, 1, 1), end=D(2026, 12, 31), time_limit_s=5)
    monkeypatch.setattr(services, "solve", failing_solve(error))
    run = services.solve_run_execute(run_id=run.pk)

    assert run.status == SolveRun.Status.FAILED
    assert type(error).__name__ in run.error
    assert Plan.objects.count() == plans_before
    assert public_side(client) == before


def test_a_run_past_its_time_limit_is_failed_and_the_public_side_stays(published, client):
    before = public_side(client)
    run = services.solve_run_create(start=D(2026, 1, 1), end=D(2026, 12, 31), time_limit_s=5)
    long_ago = run.created_at - dt.timedelta(seconds=run.time_limit_s + services.STALE_GRACE_S + 1)
    SolveRun.objects.filter(pk=run.pk).update(status="running", started_at=long_ago)

    assert services.solve_runs_fail_stale() == 1  # as any listing of runs does first
    run.refresh_from_db()
    assert run.status == SolveRun.Status.FAILED
    assert public_side(client) == before


def test_celery_gets_time_limits_past_the_solvers(
    settings, monkeypatch, django_capture_on_commit_callbacks, small_city
):
    from scheduler.tasks import execute_solve_run

    sent = {}
    monkeypatch.setattr(execute_solve_run, "apply_async", lambda args, **kw: sent.update(kw))
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    run = services.solve_run_create(start=D(2026, 1, 1), end=D(2026, 12, 31), time_limit_s=30)
    with django_capture_on_commit_callbacks(execute=True):
        services.solve_run_dispatch(run=run)
    assert 30 < sent["soft_time_limit"] < sent["time_limit"] <= 30 + services.STALE_GRACE_S


def test_an_error_half_way_through_publishing_leaves_no_version_and_the_feeds_unchanged(
    published, client, monkeypatch
):
    before = public_side(client)
    plan = pub.plan(
        [
            (Event.objects.get(pk="expo-a"), pub.venue("expo"), D(2026, 9, 14), D(2026, 9, 16)),
            (Event.objects.get(pk="expo-b"), pub.venue("expo"), D(2026, 9, 20), D(2026, 9, 21)),
        ]
    )
    placed = []

    def place_then_fail(**kwargs):
        if placed:
            raise RuntimeError("database went away")
        placed.append(kwargs["event"].pk)
        return Event.objects.get(pk=kwargs["event"].pk)

    monkeypatch.setattr(publishing, "event_place", place_then_fail)
    with pytest.raises(RuntimeError):
        plan_publish(plan=plan, comment="version 2")
    assert placed  # it failed after the version and its events were written
    assert public_side(client) == before


def test_publishing_twice_makes_one_version(published):
    again = plan_publish(plan=published.plan, comment="retried")
    assert again.pk == published.pk
    assert ScheduleVersion.objects.count() == 1


def test_a_retried_promotion_ends_where_one_would(django_capture_on_commit_callbacks):
    expo = holds.venue("expo")
    first, second, third = (
        holds.hold(holds.event(code), expo, D(2026, 9, 20 + i)) for i, code in enumerate("abc")
    )
    with django_capture_on_commit_callbacks(execute=True):
        bookings.hold_release(hold=first)
    after_one = list(VenueHold.objects.order_by("pk").values("pk", "status", "rank"))
    history = VenueHold.history.count()
    sent = len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError, match="released, not active"):
            bookings.hold_release(hold=first)  # the retry of the same request
        assert bookings.holds_expire() == 0
    assert list(VenueHold.objects.order_by("pk").values("pk", "status", "rank")) == after_one
    assert VenueHold.history.count() == history and len(mail.outbox) == sent

    with django_capture_on_commit_callbacks(execute=True):
        bookings.hold_confirm(hold=VenueHold.objects.get(pk=second.pk))
    booked = list(VenueHold.objects.order_by("pk").values("pk", "status", "rank"))
    with pytest.raises(ValidationError, match="confirmed, not active"):
        bookings.hold_confirm(hold=VenueHold.objects.get(pk=second.pk))
    assert list(VenueHold.objects.order_by("pk").values("pk", "status", "rank")) == booked
    assert Event.objects.get(pk="b").status == Event.Status.CONFIRMED
    assert VenueHold.objects.get(pk=third.pk).status == VenueHold.Status.SUPERSEDED
