"""What-if scenarios: isolation until publish, differences, the API."""

import json
from urllib.request import Request, urlopen

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from events.models import Event
from events.services import event_cancel
from scheduler.models import Placement, Plan, Scenario, ScheduleVersion
from scheduler.publishing import PublishError
from scheduler.scenarios import (
    ScenarioError,
    scenario_create,
    scenario_diff,
    scenario_publish,
    scenario_solve,
)
from tests.planner.conftest import solve_now
from tests.roles import user_with_role

# A new domestic sports event, Expo B moved to October, the marathon given a
# feature no venue has: added, moved and dropped in one scenario.
CHANGES = [
    {
        "id": "cup",
        "name": {"zh": "城市杯", "en": "City <Cup> & Co"},
        "category": "sports",
        "international": False,
        "duration_days": 2,
        "window": {"start": "2026-11-10", "end": "2026-11-30"},
        "attendance": 20000,
        "required_features": ["athletics_track"],
        "value": 40,
    },
    {"id": "expo-b", "window": {"start": "2026-10-10", "end": "2026-10-31"}},
    {"id": "run", "required_features": ["ice_rink"]},
]


def solved(scenario, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run = scenario_solve(scenario=scenario, time_limit_s=10, workers=2)
    solve_now(run.pk)
    scenario.refresh_from_db()
    return scenario


def feeds(client) -> list[bytes]:
    cache.clear()  # render again: the bytes must be the same, not merely cached
    paths = ["/calendar/all.ics", "/calendar/sports.ics", "/calendar/all.ics?lang=en"]
    return [client.get(path).content for path in paths]


def test_solving_a_scenario_leaves_catalogue_plan_and_feeds_alone(
    client, published, planner, django_capture_on_commit_callbacks
):
    before = feeds(client)
    expo_b_window = Event.objects.get(pk="expo-b").window_start
    placements = Placement.objects.count()
    scenario = scenario_create(name="Autumn swap", events=CHANGES, owner=planner)
    solved(scenario, django_capture_on_commit_callbacks)

    assert scenario.solve_run.status == "succeeded"
    assert feeds(client) == before
    assert ScheduleVersion.objects.count() == 1 and Plan.objects.count() == 1
    assert Placement.objects.count() == placements
    assert not Event.objects.filter(pk="cup").exists()
    assert Event.objects.get(pk="expo-b").window_start == expo_b_window
    assert Event.objects.get(pk="run").required_features.filter(code="ice_rink").count() == 0


def test_differences_against_the_published_version(
    published, planner, django_capture_on_commit_callbacks
):
    scenario = solved(
        scenario_create(name="Autumn swap", events=CHANGES, owner=planner),
        django_capture_on_commit_callbacks,
    )
    diff = scenario_diff(scenario=scenario)

    assert diff["base_version"] == 1
    assert [e["event"] for e in diff["added"]] == ["cup"]
    assert [e["event"] for e in diff["moved"]] == ["expo-b"]
    moved = diff["moved"][0]
    assert moved["old"]["start"].startswith("2026-09") and moved["new"]["start"] >= "2026-10-10"
    assert [e["event"] for e in diff["dropped"]] == ["run"]
    targets = {(t["category"], t["international"]): t for t in diff["targets"]}
    sports = targets[("sports", True)]
    assert (sports["before"], sports["after"]) == (1, 0)
    assert (sports["met_before"], sports["met_after"]) == (True, False)
    exhibitions = targets[("exhibition", True)]
    assert (exhibitions["before"], exhibitions["after"]) == (2, 2)
    assert diff["objective"]["before"] is not None and diff["objective"]["after"] is not None
    assert any("sports" in line for line in diff["diagnosis"])


def test_unchanged_scenario_moves_nothing(published, planner, django_capture_on_commit_callbacks):
    """Every published placement is the solver's ``previous``: nothing moves without reason."""
    scenario = solved(
        scenario_create(name="No change", events=[], owner=planner),
        django_capture_on_commit_callbacks,
    )
    diff = scenario_diff(scenario=scenario)
    assert diff["added"] == diff["moved"] == diff["dropped"] == []
    assert diff["objective"]["before"] == pytest.approx(diff["objective"]["after"])


def test_publishing_the_scenario_adopts_its_changes(
    client, published, planner, django_capture_on_commit_callbacks
):
    before = feeds(client)
    scenario = solved(
        scenario_create(name="Autumn swap", events=CHANGES, owner=planner),
        django_capture_on_commit_callbacks,
    )
    version = scenario_publish(scenario=scenario, comment="Autumn swap", user=planner)

    assert version.number == 2
    assert [e["event"] for e in version.changelog["moved"]] == ["expo-b"]
    assert [e["event"] for e in version.changelog["added"]] == ["cup"]
    assert [e["event"] for e in version.changelog["cancelled"]] == ["run"]
    assert Event.objects.get(pk="cup").status == Event.Status.PLACED
    assert str(Event.objects.get(pk="expo-b").window_start) == "2026-10-10"
    assert feeds(client) != before
    assert scenario_publish(scenario=scenario, user=planner) == version  # once only


def test_bad_changes_are_named_by_pointer(published, planner):
    with pytest.raises(ScenarioError) as error:
        scenario_create(
            name="Broken",
            events=[{"id": "expo-a", "duration_days": 0}, {"id": "new", "category": "sports"}],
            owner=planner,
        )
    messages = error.value.message_dict["events"]
    assert any(m.startswith("/events/0/duration_days") for m in messages)
    assert any(m.startswith("/events/1/") for m in messages)


# --- the API ---------------------------------------------------------------------------


def test_api_create_solve_and_read(client, published, planner, django_capture_on_commit_callbacks):
    client.force_login(planner)
    response = client.post(
        "/api/v1/scenarios/",
        {"name": "Autumn swap", "events": CHANGES},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    url = response["Location"]
    detail = client.get(url).json()
    assert detail["diff"] is None and detail["base_version"] == 1
    assert detail["horizon_start"] == "2026-01-01"

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            url + "solve/", {"time_limit_s": 10}, content_type="application/json"
        )
    assert response.status_code == 202, response.content
    run_id = response.json()["solve_run"]["id"]
    assert response.json()["solve_run"]["status"] == "queued"
    again = client.post(url + "solve/", {}, content_type="application/json")
    assert again.status_code == 400  # one solve at a time

    solve_now(run_id)
    diff = client.get(url).json()["diff"]
    assert [e["event"] for e in diff["added"]] == ["cup"]
    assert [e["event"] for e in diff["dropped"]] == ["run"]


@pytest.mark.parametrize("events", ["not a list", ["not an object"], [{"id": 7}]])
def test_api_refuses_malformed_changes(client, published, planner, events):
    client.force_login(planner)
    response = client.post(
        "/api/v1/scenarios/", {"name": "Broken", "events": events}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "events"


def test_api_refuses_bad_changes_with_the_error_shape(client, published, planner):
    client.force_login(planner)
    response = client.post(
        "/api/v1/scenarios/",
        {"name": "Broken", "events": [{"id": "expo-a", "window": {"start": "x"}}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0]["field"] == "events" and "/events/0/window" in errors[0]["message"]


@pytest.mark.parametrize(
    ("cancelled", "end"),
    [
        (False, "2026-06-30"),  # the marathon runs in November, outside the range
        (True, "2026-12-31"),  # a cancelled marathon keeps its id
    ],
)
def test_api_refuses_a_new_event_under_a_catalogue_events_id(
    client, published, planner, cancelled, end
):
    """Publishing imports by id: the new spring race would have replaced the marathon."""
    if cancelled:
        event_cancel(event=Event.objects.get(pk="run"))
    spring_race = CHANGES[0] | {"id": "run", "window": {"start": "2026-03-01", "end": "2026-03-31"}}
    client.force_login(planner)
    response = client.post(
        "/api/v1/scenarios/",
        {"name": "Spring race", "events": [spring_race], "start": "2026-01-01", "end": end},
        content_type="application/json",
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "events"
    assert error["message"].startswith("/events/0/id: 'run' is a catalogue event outside")
    assert not Scenario.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"start": "2000-01-01", "end": "2099-12-31"}, "end", "a solve covers at most 6 years"),
        (
            {"events": [{"id": "expo-a", "duration_days": 10**23}]},
            "events",
            "/events/0/duration_days",
        ),
        (  # the catalogue's rule: the window holds the public days
            {"events": [{"id": "expo-a", "window": {"start": "2026-09-01", "end": "2026-09-02"}}]},
            "events",
            "/events/0/window/end: The window 2026-09-01..2026-09-02 has 2 days",
        ),
        (
            {"events": [{"id": "run", "start_time": "10:00", "end_time": "09:00"}]},
            "events",
            "/events/0/end_time: Ends at 09:00:00",
        ),
    ],
)
def test_api_refuses_at_creation_what_its_solve_or_publication_would(
    client, published, planner, settings, body, field, message
):
    settings.SOLVER_MAX_HORIZON_YEARS = 6
    client.force_login(planner)
    response = client.post(
        "/api/v1/scenarios/", {"name": "Too much"} | body, content_type="application/json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0]["field"] == field and errors[0]["message"].startswith(message), errors
    assert not Scenario.objects.exists()


@pytest.mark.parametrize("staff", [None, False])
def test_api_is_staff_only(client, published, django_user_model, staff):
    if staff is not None:
        client.force_login(django_user_model.objects.create_user("visitor", is_staff=staff))
    assert client.get("/api/v1/scenarios/").status_code in (401, 403)
    response = client.post("/api/v1/scenarios/", {"name": "x"}, content_type="application/json")
    assert response.status_code in (401, 403)


def test_api_publish(client, published, planner, django_capture_on_commit_callbacks):
    client.force_login(planner)
    url = client.post(
        "/api/v1/scenarios/", {"name": "Swap", "events": CHANGES}, content_type="application/json"
    )["Location"]
    early = client.post(url + "publish/", {}, content_type="application/json")
    assert early.status_code == 400  # nothing solved yet
    with django_capture_on_commit_callbacks(execute=False):
        run_id = client.post(url + "solve/", {}, content_type="application/json").json()[
            "solve_run"
        ]["id"]
    solve_now(run_id)
    response = client.post(url + "publish/", {"comment": "Swap"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2
    assert response.json()["published_by"] == planner.username  # staff see who published
    assert client.get("/api/v1/schedule-versions/2/").json()["comment"] == "Swap"
    again = client.post(url + "solve/", {}, content_type="application/json")
    assert again.status_code == 400  # a published scenario keeps the solve it became
    assert "published" in again.json()["errors"][0]["message"]
    assert client.get(url).json()["solve_run"]["id"] == run_id


def test_publish_refuses_a_stale_scenario(published, planner, django_capture_on_commit_callbacks):
    """Another version published after the solve makes its differences stale."""
    first = solved(
        scenario_create(name="First", events=CHANGES[:1], owner=planner),
        django_capture_on_commit_callbacks,
    )
    second = solved(
        scenario_create(name="Second", events=CHANGES[1:2], owner=planner),
        django_capture_on_commit_callbacks,
    )
    scenario_publish(scenario=first, user=planner)
    with pytest.raises(PublishError, match="solve again"):
        scenario_publish(scenario=second, user=planner)


@pytest.mark.django_db(transaction=True)
def test_a_real_server_answers_a_new_scenario_with_its_location(live_server):
    # The test client does not run the WSGI server, whose headers must be plain str.
    token = Token.objects.create(user=user_with_role("desk", "planner")).key
    request = Request(
        f"{live_server.url}/api/v1/scenarios/",
        data=json.dumps({"name": "Try", "start": "2026-01-01", "end": "2026-12-31"}).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urlopen(request, timeout=30) as response:
        assert response.status == 201
        body = json.load(response)
        assert response.headers["Location"] == body["url"]
