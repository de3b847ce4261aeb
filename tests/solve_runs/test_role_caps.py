"""How long and how wide a solve each role may start, and heavy solves only on a worker.

Runs start queued here: these tests' transactions never commit, so no solve
is dispatched (and no broker is contacted where one is set).
"""

import datetime as dt

import pytest

from scheduler.models import Scenario, SolveRun
from scheduler.scenarios import scenario_create


def solve_scenario(client, body: dict):
    scenario = scenario_create(
        name="What if", events=[], start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    return client.post(f"/api/v1/scenarios/{scenario.pk}/solve/", body, format="json")


def refusal(response) -> dict:
    assert response.status_code == 400, response.content
    (error,) = response.json()["errors"]
    assert not SolveRun.objects.exists()
    assert Scenario.objects.get().solve_run is None
    return error


@pytest.mark.parametrize("role", ["convention", "sports"])
@pytest.mark.parametrize(
    ("body", "field", "cap"),
    [({"time_limit_s": 121}, "time_limit_s", "120"), ({"workers": 3}, "workers", "2")],
)
def test_a_scenario_solve_over_the_roles_caps_is_a_400_naming_field_and_cap(
    small_city, as_role, role, body, field, cap
):
    error = refusal(solve_scenario(as_role(role), body))

    assert error["field"] == field
    assert cap in error["message"]


def test_the_cap_is_said_in_the_readers_language(small_city, as_role):
    client = as_role("sports")
    response = solve_scenario(client, {"time_limit_s": 600})
    assert refusal(response)["message"] == "您的角色最多可请求 120 秒。"


def test_planners_solve_past_the_other_roles_caps(small_city, as_role):
    response = solve_scenario(as_role("planner"), {"time_limit_s": 300, "workers": 4})

    assert response.status_code == 202, response.content
    run = SolveRun.objects.get()
    assert (run.time_limit_s, run.workers) == (300, 4)


@pytest.mark.parametrize(
    ("body", "field", "cap"),
    [({"time_limit_s": 301}, "time_limit_s", "300"), ({"workers": 5}, "workers", "4")],
)
def test_without_a_broker_a_heavy_solve_is_a_400_saying_a_worker_is_needed(
    small_city, as_role, body, field, cap
):
    client = as_role("planner")
    error = refusal(solve_scenario(client, body))

    assert error["field"] == field
    assert cap in error["message"] and "CELERY_BROKER_URL" in error["message"]


@pytest.mark.parametrize("path", ["scenario", "catalogue"])
def test_with_a_broker_planners_keep_the_global_caps(small_city, as_role, settings, path):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    client = as_role("planner")
    body = {"time_limit_s": 3600, "workers": 16}
    if path == "scenario":
        response = solve_scenario(client, body)
    else:
        response = client.post(
            "/api/v1/solve-runs/",
            {**body, "start": "2026-01-01", "end": "2026-12-31"},
            format="json",
        )

    assert response.status_code == 202, response.content
    run = SolveRun.objects.get()
    assert (run.time_limit_s, run.workers) == (3600, 16)


def test_a_default_over_the_cap_is_lowered_to_it(small_city, as_role, settings):
    """A page's solve button asks for nothing: it must not be refused for the default."""
    settings.SOLVER_TIME_LIMIT_S, settings.SOLVER_WORKERS = 900, 8

    response = solve_scenario(as_role("convention"), {})

    assert response.status_code == 202, response.content
    run = SolveRun.objects.get()
    assert (run.time_limit_s, run.workers) == (120, 2)
