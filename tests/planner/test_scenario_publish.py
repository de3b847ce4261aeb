"""Publishing a scenario only while its solve is current, once, and saying so in the history."""

import datetime as dt
from contextlib import nullcontext

import pytest
from django.utils import timezone

from events import services as event_services
from events.models import Event
from scheduler.models import ScheduleVersion
from scheduler.publishing import PublishError
from scheduler.scenarios import ScenarioError, scenario_create, scenario_publish
from tests.planner.test_scenarios import CHANGES, solved
from tests.publishing.test_concurrency import locked_tables
from tests.threads import at_once

# The marathon's window narrowed to the second half of November.
LATER_RUN = [{"id": "run", "window": {"start": "2026-11-10", "end": "2026-11-30"}}]


def publish_over_api(client, planner, scenario):
    client.force_login(planner)
    return client.post(
        f"/api/v1/scenarios/{scenario.pk}/publish/", {}, content_type="application/json"
    )


@pytest.mark.parametrize(
    ("role", "path", "body", "event"),
    [
        ("sports", "events/run/confirm/", {"venue": "stadium", "start": "2026-11-15"}, "run"),
        ("convention", "events/expo-a/", {"attendance": 12000}, "expo-a"),
    ],
)
def test_an_event_changed_since_the_solve_stops_the_publication(
    client, published, planner, as_role, django_capture_on_commit_callbacks, role, path, body, event
):
    """Publishing would write back the event as solved: a contract signed since would be lost."""
    scenario = solved(
        scenario_create(name="Later marathon", events=LATER_RUN, owner=planner),
        django_capture_on_commit_callbacks,
    )
    method = "post" if path.endswith("confirm/") else "patch"
    changed = getattr(as_role(role), method)(f"/api/v1/{path}", body, format="json")
    assert changed.status_code == 200, changed.content
    before = Event.objects.get(pk=event)

    response = publish_over_api(client, planner, scenario)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "events"
    assert f": {event};" in error["message"] and "solve it again" in error["message"]
    after = Event.objects.get(pk=event)
    assert (after.status, after.pinned_start, after.attendance, after.window_start) == (
        before.status,
        before.pinned_start,
        before.attendance,
        before.window_start,
    )
    assert ScheduleVersion.objects.count() == 1


def test_solved_again_it_publishes_and_keeps_the_contract(
    client, published, planner, as_role, django_capture_on_commit_callbacks
):
    scenario = scenario_create(name="Later marathon", events=LATER_RUN, owner=planner)
    solved(scenario, django_capture_on_commit_callbacks)
    as_role("sports").post(
        "/api/v1/events/run/confirm/", {"venue": "stadium", "start": "2026-11-15"}, format="json"
    )
    assert publish_over_api(client, planner, scenario).status_code == 400
    solved(scenario, django_capture_on_commit_callbacks)

    response = publish_over_api(client, planner, scenario)
    assert response.status_code == 201, response.content
    run = Event.objects.get(pk="run")
    assert (run.status, run.pinned_venue_id, run.pinned_start) == (
        Event.Status.CONFIRMED,
        "stadium",
        dt.date(2026, 11, 15),
    )
    assert run.window_start == dt.date(2026, 11, 10)  # the scenario's change, adopted
    latest = run.history.first()
    assert latest.history_change_reason == "published from scenario 'Later marathon'"
    assert latest.history_user == planner
    assert run.history.filter(history_change_reason__startswith="confirmed: stadium").exists()


def test_every_history_row_of_the_publication_names_the_scenario(
    published, planner, django_capture_on_commit_callbacks
):
    scenario = solved(
        scenario_create(name="Autumn swap", events=CHANGES, owner=planner),
        django_capture_on_commit_callbacks,
    )
    started = timezone.now()
    scenario_publish(scenario=scenario, user=planner)
    written = Event.history.filter(history_date__gte=started)
    assert {"cup", "expo-b", "run"} <= {row.id for row in written}  # imported, maybe placed
    assert {row.history_change_reason for row in written} == {
        "published from scenario 'Autumn swap'"
    }


def test_a_new_event_whose_id_the_catalogue_took_since_is_not_published(
    published, planner, django_capture_on_commit_callbacks
):
    """The scenario's new "cup" must not overwrite a 2027 cup entered after its solve."""
    scenario = solved(
        scenario_create(name="Cup", events=CHANGES[:1], owner=planner),
        django_capture_on_commit_callbacks,
    )
    event_services.event_create(
        id="cup",
        name_en="Cup 2027",
        category="sports",
        international=True,
        duration_days=1,
        window_start=dt.date(2027, 5, 1),
        window_end=dt.date(2027, 5, 31),
    )
    with pytest.raises(ScenarioError, match="/events/0/id: 'cup' is a catalogue event outside"):
        scenario_publish(scenario=scenario, user=planner)
    cup = Event.objects.get(pk="cup")
    assert (cup.name_en, cup.window_start) == ("Cup 2027", dt.date(2027, 5, 1))
    assert ScheduleVersion.objects.count() == 1


# --- two publications at once (PostgreSQL: SQLite runs one transaction at a time) --------


def quietly_solved(scenario, monkeypatch):
    """``solved`` outside a test transaction, where on-commit callbacks run at once and
    cannot be captured: the run is executed here only, not also by a dispatched thread."""
    monkeypatch.setattr("scheduler.scenarios.solve_run_dispatch", lambda run: None)
    return solved(scenario, lambda execute: nullcontext())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_scenario_published_twice_at_once_makes_one_version(published, planner, monkeypatch):
    scenario = quietly_solved(
        scenario_create(name="Autumn swap", events=CHANGES, owner=planner), monkeypatch
    )
    results = at_once(*[lambda: scenario_publish(scenario=scenario, user=planner)] * 2)
    assert all(isinstance(r, ScheduleVersion) for r in results), results
    assert results[0] == results[1]
    assert ScheduleVersion.objects.count() == 2  # version 1 and this one


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_scenarios_published_at_once_make_one_version(published, planner, monkeypatch):
    """The second was solved on version 1 too: its differences are stale once the first is out."""
    autumn = quietly_solved(
        scenario_create(name="Autumn", events=CHANGES[1:2], owner=planner), monkeypatch
    )
    spring = quietly_solved(
        scenario_create(
            name="Spring", events=[], start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)
        ),
        monkeypatch,
    )
    results = at_once(
        lambda: scenario_publish(scenario=autumn, user=planner),
        lambda: scenario_publish(scenario=spring, user=planner),
    )
    assert sorted(type(r).__name__ for r in results) == ["PublishError", "ScheduleVersion"]
    (refused,) = [r for r in results if isinstance(r, PublishError)]
    assert "solve again" in refused.messages[0]
    assert ScheduleVersion.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_scenario_publication_locks_venues_before_events(
    published, planner, django_capture_on_commit_callbacks
):
    scenario = solved(
        scenario_create(name="Later marathon", events=LATER_RUN, owner=planner),
        django_capture_on_commit_callbacks,
    )
    publish = lambda: scenario_publish(scenario=scenario, user=planner)  # noqa: E731
    assert locked_tables(publish) == ["venues_venue", "events_event"]
