"""A run the broker refuses ends failed in the same request: 503, and the scenario is free.

The broker is Redis on a closed port of this machine: the real Celery client
and its real error, no broker needed to run these.
"""

import datetime as dt
import socket
from collections.abc import Iterator

import pytest

from config.celery import app as celery_app
from scheduler.models import Scenario, SolveRun
from scheduler.scenarios import scenario_create
from tests.roles import user_with_role
from tests.solve_runs.helpers import wait_until_finished

pytestmark = pytest.mark.django_db(transaction=True)  # dispatched when the request commits

YEAR = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)}
QUEUE_DOWN = {
    "en": "The solver queue cannot be reached; the run was not started. Try again later.",
    "zh": "无法连接求解队列，求解未启动。请稍后再试。",
}


def point_celery_at(url: str) -> None:
    celery_app.conf.broker_url = url
    # Celery keeps the connection pools it made for the URL before (as after a fork, reset).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def unreachable_broker(settings) -> Iterator[str]:
    """Dispatch through Celery to a broker that refuses connections."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"redis://127.0.0.1:{port}/0"
    before = celery_app.conf.broker_url
    settings.CELERY_BROKER_URL = url
    point_celery_at(url)
    yield url
    point_celery_at(before)


def assert_failed_for_the_queue(run: SolveRun) -> None:
    assert run.status == SolveRun.Status.FAILED
    assert "the solver queue could not be reached" in run.error
    assert "Connection refused" in run.error
    assert run.finished_at is not None


def test_a_solve_run_the_broker_refuses_is_a_503_and_failed_at_once(
    small_city,
    unreachable_broker,
    as_role,
):
    body = {"start": "2026-01-01", "end": "2026-12-31", "time_limit_s": 10}
    response = as_role("planner").post("/api/v1/solve-runs/", body, format="json")

    assert response.status_code == 503
    assert response.json() == {"errors": [{"field": None, "message": QUEUE_DOWN["zh"]}]}
    assert response["Retry-After"] == "30"
    assert_failed_for_the_queue(SolveRun.objects.get())


def test_a_scenario_solve_the_broker_refuses_leaves_the_scenario_usable(
    small_city,
    unreachable_broker,
    as_role,
    settings,
):
    client = as_role("sports")
    url = f"/api/v1/scenarios/{scenario_create(name='What if', events=[], **YEAR).pk}/"

    response = client.post(url + "solve/", {}, format="json", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response.json() == {"errors": [{"field": None, "message": QUEUE_DOWN["en"]}]}
    assert_failed_for_the_queue(SolveRun.objects.get())

    response = client.post(url + "withdraw/", {"event": "run"}, format="json")
    assert response.status_code == 200, response.content
    settings.CELERY_BROKER_URL = ""  # the solver is back (here: a thread of this process)
    response = client.post(url + "solve/", {}, format="json")
    assert response.status_code == 202, response.content
    run = wait_until_finished(response.json()["solve_run"]["id"])
    assert run.status == SolveRun.Status.SUCCEEDED, run.error


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_scenario_page_says_the_queue_is_down_in_its_readers_language(
    small_city, unreachable_broker, client, lang
):
    scenario = scenario_create(name="What if", events=[], **YEAR)
    client.force_login(user_with_role("planner", "planner"))

    response = client.post(f"/planner/scenarios/{scenario.pk}/?lang={lang}", {"action": "solve"})

    assert response.status_code == 400
    assert QUEUE_DOWN[lang] in response.content.decode()
    assert_failed_for_the_queue(Scenario.objects.get().solve_run)


def test_the_season_what_if_form_says_the_queue_is_down(small_city, unreachable_broker, client):
    client.force_login(user_with_role("sports", "sports"))

    response = client.post(
        "/planner/season/?year=2026&lang=en",
        {
            "scenario_name": "Earlier marathon",
            "event": "run",
            "window_start": "2026-11-01",
            "window_end": "2026-11-05",
        },
    )

    assert response.status_code == 400
    assert QUEUE_DOWN["en"] in response.content.decode()
    assert_failed_for_the_queue(Scenario.objects.get().solve_run)
