"""Withdrawing an event in a scenario: the re-plan leaves it out, publishing cancels it."""

import datetime as dt

import pytest

from events.models import Event
from events.services import event_cancel, event_confirm
from scheduler.models import Scenario
from scheduler.publishing import PublishError
from scheduler.scenarios import (
    ScenarioError,
    scenario_create,
    scenario_diff,
    scenario_publish,
    scenario_withdraw,
)
from tests.planner.conftest import running_scenario, solve_now
from tests.planner.test_scenarios import CHANGES, feeds, solved
from tests.security.conftest import ROLES
from venues.models import Venue

# An exhibition that fits the expo only on Expo A's days (80,000 of 100,000 m² taken).
FAIR = {
    "id": "fair",
    "name": {"zh": "秋季展", "en": "Autumn Fair"},
    "category": "exhibition",
    "international": False,
    "duration_days": 3,
    "window": {"start": "2026-09-08", "end": "2026-09-13"},
    "attendance": 3000,
    "area_m2": 60000,
    "required_features": ["exhibition_halls"],
    "value": 40,
}


def withdrawn(code: str, planner, capture, events=()) -> Scenario:
    """A solved scenario of 2026 that withdraws ``code`` (after the ``events`` changes)."""
    scenario = scenario_create(name=f"Without {code}", events=list(events), owner=planner)
    return solved(scenario_withdraw(scenario=scenario, event=code), capture)


def test_the_re_plan_leaves_the_event_out_and_moves_nothing_for_nothing(
    published, planner, django_capture_on_commit_callbacks
):
    """Expo B could now have its preferred day (4 days of preference) but a move costs 50."""
    diff = scenario_diff(scenario=withdrawn("expo-a", planner, django_capture_on_commit_callbacks))

    assert [(e["event"], e["withdrawn"], e["confirmed"]) for e in diff["dropped"]] == [
        ("expo-a", True, False)
    ]
    assert diff["moved"] == diff["added"] == diff["unplaced"] == []
    exhibitions = next(t for t in diff["targets"] if t["category"] == "exhibition")
    assert (exhibitions["before"], exhibitions["after"]) == (2, 1)
    assert (exhibitions["met_before"], exhibitions["met_after"]) == (True, False)
    assert diff["objective"]["after"] < diff["objective"]["before"]


def test_the_freed_days_go_to_an_event_that_needed_them(
    published, planner, django_capture_on_commit_callbacks
):
    crowded = solved(
        scenario_create(name="Fair", events=[FAIR], owner=planner),
        django_capture_on_commit_callbacks,
    )
    assert [u["event"] for u in scenario_diff(scenario=crowded)["unplaced"]] == ["fair"]

    diff = scenario_diff(
        scenario=withdrawn("expo-a", planner, django_capture_on_commit_callbacks, [FAIR])
    )
    assert [e["event"] for e in diff["added"]] == ["fair"]
    assert [e["event"] for e in diff["dropped"]] == ["expo-a"]
    assert diff["moved"] == []  # Expo B stays where the public saw it


def test_withdrawing_leaves_catalogue_plan_and_feeds_alone(
    client, published, planner, django_capture_on_commit_callbacks
):
    before = feeds(client)
    withdrawn("run", planner, django_capture_on_commit_callbacks)
    assert feeds(client) == before
    assert Event.objects.get(pk="run").status == Event.Status.PLACED


def test_publishing_cancels_the_withdrawn_event(
    client, published, planner, django_capture_on_commit_callbacks
):
    scenario = withdrawn("run", planner, django_capture_on_commit_callbacks)
    version = scenario_publish(scenario=scenario, user=planner)

    assert [e["event"] for e in version.changelog["cancelled"]] == ["run"]
    assert version.changelog["moved"] == version.changelog["added"] == []
    assert Event.objects.get(pk="run").status == Event.Status.CANCELLED
    cancelled = Event.objects.get(pk="run").history.first()
    assert cancelled.history_change_reason == f"withdrawn in scenario {scenario.name!r}"
    assert version.events.get(event_code="run").is_cancelled
    sports_feed = feeds(client)[1].decode()
    (marathon,) = [e for e in sports_feed.split("BEGIN:VEVENT") if "马拉松" in e]
    assert "STATUS:CANCELLED" in marathon


def test_a_confirmed_event_may_be_withdrawn_and_the_differences_say_so(
    published, planner, django_capture_on_commit_callbacks
):
    """What if a contract breaks? Allowed in a scenario, marked, and cancelled on publishing."""
    event_confirm(
        event=Event.objects.get(pk="run"),
        venue=Venue.objects.get(pk="stadium"),
        start=dt.date(2026, 11, 1),
    )
    scenario = withdrawn("run", planner, django_capture_on_commit_callbacks)
    (dropped,) = scenario_diff(scenario=scenario)["dropped"]
    assert (dropped["event"], dropped["withdrawn"], dropped["confirmed"]) == ("run", True, True)

    scenario_publish(scenario=scenario, user=planner)
    run = Event.objects.get(pk="run")
    assert run.status == Event.Status.CANCELLED and run.pinned_venue_id == "stadium"


def test_a_withdrawn_event_confirmed_since_the_solve_is_not_cancelled(
    published, planner, django_capture_on_commit_callbacks
):
    """The solve withdrew a placed marathon; publishing must not break the contract signed since."""
    scenario = withdrawn("run", planner, django_capture_on_commit_callbacks)
    event_confirm(
        event=Event.objects.get(pk="run"),
        venue=Venue.objects.get(pk="stadium"),
        start=dt.date(2026, 11, 1),
    )
    with pytest.raises(PublishError, match="since this scenario was solved: run; solve it again"):
        scenario_publish(scenario=scenario, user=planner)
    assert Event.objects.get(pk="run").status == Event.Status.CONFIRMED


def test_a_long_scenario_name_is_cut_to_fit_the_history(
    published, planner, django_capture_on_commit_callbacks
):
    """A reason holds 100 characters (PostgreSQL refuses more); a scenario's name 200."""
    name = ("What if the organiser of the marathon pulls out " * 5)[:200]
    scenario = scenario_create(name=name, events=CHANGES[1:2], owner=planner)  # expo-b moves
    scenario = solved(
        scenario_withdraw(scenario=scenario, event="run"), django_capture_on_commit_callbacks
    )
    scenario_publish(scenario=scenario, user=planner)

    withdrawn = Event.objects.get(pk="run").history.first().history_change_reason
    placed = Event.objects.get(pk="expo-b").history.first().history_change_reason
    assert withdrawn.startswith("withdrawn in scenario 'What if the organiser")
    assert placed.startswith("published from scenario 'What if the organiser")
    assert len(withdrawn) == len(placed) == 100


def test_withdrawing_forgets_the_previous_solve(
    published, planner, django_capture_on_commit_callbacks
):
    """The old differences no longer describe the scenario: none shown, none publishable."""
    scenario = solved(
        scenario_create(name="Then withdraw", events=[], owner=planner),
        django_capture_on_commit_callbacks,
    )
    scenario = scenario_withdraw(scenario=scenario, event="run")
    assert scenario.solve_run is None and scenario_diff(scenario=scenario) is None
    assert scenario.withdrawn == ["run"]


def test_no_withdrawal_while_solving_or_once_published(
    published, planner, django_capture_on_commit_callbacks
):
    with pytest.raises(ScenarioError, match="being solved"):
        scenario_withdraw(
            scenario=running_scenario(name="Busy", owner=planner, elapsed_s=1), event="run"
        )
    done = solved(
        scenario_create(name="Done", events=[], owner=planner), django_capture_on_commit_callbacks
    )
    scenario_publish(scenario=done, user=planner)
    with pytest.raises(ScenarioError, match="published"):
        scenario_withdraw(scenario=done, event="run")


# --- the API ---------------------------------------------------------------------------


def test_api_withdraw_then_solve(client, published, planner, django_capture_on_commit_callbacks):
    client.force_login(planner)
    url = client.post(
        "/api/v1/scenarios/", {"name": "No marathon"}, content_type="application/json"
    )["Location"]
    response = client.post(url + "withdraw/", {"event": "run"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["withdrawn"] == ["run"] and response.json()["solve_run"] is None

    with django_capture_on_commit_callbacks(execute=False):
        run_id = client.post(url + "solve/", {}, content_type="application/json").json()[
            "solve_run"
        ]["id"]
    solve_now(run_id)
    diff = client.get(url).json()["diff"]
    assert [(e["event"], e["withdrawn"]) for e in diff["dropped"]] == [("run", True)]
    sports = next(t for t in diff["targets"] if t["category"] == "sports")
    assert (sports["before"], sports["after"]) == (1, 0)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("no-such-event", "no event 'no-such-event' in the catalogue"),
        ("run", "not in this scenario's range 2026-01-01 to 2026-06-30"),  # November
        ("expo-b", "withdrawn in this scenario already"),
        ("expo-a", "cancelled in the catalogue already"),
        ("", ""),  # the serializer's own message, in the site's language
    ],
)
def test_api_refuses_a_bad_withdrawal_naming_the_field(client, published, planner, event, message):
    event_cancel(event=Event.objects.get(pk="expo-a"))
    scenario = scenario_create(
        name="Spring", events=[], start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)
    )
    scenario.withdrawn = ["expo-b"]  # by hand: "twice" is checked before the range
    scenario.save()
    client.force_login(planner)
    response = client.post(
        f"/api/v1/scenarios/{scenario.pk}/withdraw/",
        {"event": event},
        content_type="application/json",
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "event" and message in error["message"]
    assert Scenario.objects.get(pk=scenario.pk).withdrawn == ["expo-b"]


def test_api_refuses_a_withdrawal_while_solving(client, published, planner):
    scenario = running_scenario(name="Busy", owner=planner, elapsed_s=3)
    client.force_login(planner)
    response = client.post(
        f"/api/v1/scenarios/{scenario.pk}/withdraw/",
        {"event": "run"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] is None


@pytest.mark.parametrize("role", ROLES)
def test_api_withdraw_is_for_the_roles_that_may_cancel_the_event(published, role, as_role):
    """The marathon is a sports event: the convention group may not cancel it directly,
    so not by withdrawing it either."""
    scenario = scenario_create(name="What if", events=[])
    response = as_role(role).post(
        f"/api/v1/scenarios/{scenario.pk}/withdraw/", {"event": "run"}, format="json"
    )
    assert response.status_code == (200 if role in ("sports", "planner", "admin") else 403)
    scenario.refresh_from_db()
    assert scenario.withdrawn == (["run"] if response.status_code == 200 else [])


# --- the page --------------------------------------------------------------------------


def test_the_scenario_page_withdraws_and_re_plans(
    client, published, planner, django_capture_on_commit_callbacks
):
    event_confirm(
        event=Event.objects.get(pk="run"),
        venue=Venue.objects.get(pk="stadium"),
        start=dt.date(2026, 11, 1),
    )
    scenario = scenario_create(name="No marathon", events=[], owner=planner)
    client.force_login(planner)
    url = f"/planner/scenarios/{scenario.pk}/?lang=en"
    html = client.get(url).content.decode()
    assert '<option value="run">\u2068Marathon (run)\u2069 — confirmed booking</option>' in html
    assert '<option value="expo-a">\u2068Expo A (expo-a)\u2069</option>' in html

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url, {"action": "withdraw", "event": "run"})
    assert response.status_code == 302 and response["Location"] == url
    scenario.refresh_from_db()
    assert scenario.withdrawn == ["run"] and scenario.solve_run.status == "queued"
    solve_now(scenario.solve_run_id)

    html = client.get(url).content.decode()
    assert '<tr class="dropped short" data-event="run">' in html
    assert "withdrawn in this scenario" in html
    assert "a confirmed booking: publishing breaks its contract" in html
    assert '<option value="run">' not in html  # withdrawn once only
    zh = client.get(f"/planner/scenarios/{scenario.pk}/").content.decode()
    assert "本方案中撤出" in zh


def test_the_scenario_page_shows_a_refused_withdrawal(client, published, planner):
    scenario = scenario_create(
        name="Spring", events=[], start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)
    )
    client.force_login(planner)
    response = client.post(
        f"/planner/scenarios/{scenario.pk}/?lang=en", {"action": "withdraw", "event": "run"}
    )
    assert response.status_code == 400
    assert "not in this scenario&#x27;s range" in response.content.decode()
    scenario.refresh_from_db()
    assert scenario.withdrawn == [] and scenario.solve_run is None
