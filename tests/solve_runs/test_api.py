"""POST /api/v1/solve-runs/ answers 202 at once; the run's status and plan follow."""

import pytest
from rest_framework.test import APIClient

from scheduler.models import SolveRun
from tests.roles import user_with_role
from tests.solve_runs.helpers import wait_until_finished

RANGE = {"start": "2026-01-01", "end": "2026-12-31", "time_limit_s": 10, "workers": 1}


@pytest.fixture
def planner_client(db) -> APIClient:
    user = user_with_role("planner", "planner", password="x")
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_a_planner_starts_a_run_and_follows_it_to_its_plan(small_city, planner_client):
    response = planner_client.post("/api/v1/solve-runs/", RANGE, format="json")

    assert response.status_code == 202
    assert response["Location"] == response.data["url"]
    assert response.data["status"] in {"queued", "running", "succeeded"}
    run = wait_until_finished(response.data["id"])
    assert run.status == SolveRun.Status.SUCCEEDED, run.error

    shown = planner_client.get(response["Location"]).data
    assert shown["status"] == "succeeded"
    assert shown["solver_status"] == "OPTIMAL"
    assert shown["gap"] == 0
    assert shown["elapsed_s"] > 0
    assert shown["targets_met"] is True
    plan = planner_client.get(shown["plan"]).data
    placed = {p["event"]: p for p in plan["placements"]}
    assert set(placed) == {"expo-a", "expo-b", "run"}
    assert placed["expo-a"]["event_name_en"] == "Expo A"
    assert placed["expo-a"]["venue_name_zh"] == "会展中心"
    assert placed["expo-a"]["room_blocks"][0]["rooms_per_night"] == 200

    listed = planner_client.get("/api/v1/plans/").data
    assert listed["count"] == 1


def test_anonymous_users_cannot_start_a_run(small_city):
    response = APIClient().post("/api/v1/solve-runs/", RANGE, format="json")

    assert response.status_code in {401, 403}
    assert not SolveRun.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end": "2025-12-31"}, "end"),
        ({"start": "not-a-date"}, "start"),
        ({"end": "2040-12-31"}, "end"),
        ({"time_limit_s": 0}, "time_limit_s"),
        ({"workers": 0}, "workers"),
        ({"seed": "x"}, "seed"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(small_city, planner_client, change, field):
    response = planner_client.post("/api/v1/solve-runs/", {**RANGE, **change}, format="json")

    assert response.status_code == 400
    assert field in {error["field"] for error in response.json()["errors"]}
    assert not SolveRun.objects.exists()
