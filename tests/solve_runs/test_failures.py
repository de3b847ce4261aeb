"""A run that fails says why and leaves no plan; a run no process will finish is failed,
and a scenario is never held by one."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone

from scheduler import services
from scheduler.format import write_problem
from scheduler.models import Plan, Scenario, SolveRun
from scheduler.scenarios import scenario_create
from scheduler.services import solve_run_create, solve_run_execute, solve_runs_fail_stale
from tests.solve_runs.helpers import database_url

ROOT = Path(__file__).resolve().parents[2]
YEAR = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)}


def start_run() -> SolveRun:
    return solve_run_create(**YEAR, time_limit_s=5, workers=1)


def queued_run(*, age_s: float) -> SolveRun:
    """A run created ``age_s`` ago that no process took."""
    run = start_run()
    created = timezone.now() - dt.timedelta(seconds=age_s)
    SolveRun.objects.filter(pk=run.pk).update(created_at=created)
    return run


def running_run(
    *, heartbeat_age_s: float, started_age_s: float = 60, time_limit_s: float = 5
) -> SolveRun:
    """A run claimed ``started_age_s`` ago whose process last gave a heartbeat
    ``heartbeat_age_s`` ago."""
    run = start_run()
    now = timezone.now()
    SolveRun.objects.filter(pk=run.pk).update(
        status=SolveRun.Status.RUNNING,
        time_limit_s=time_limit_s,
        started_at=now - dt.timedelta(seconds=started_age_s),
        heartbeat_at=now - dt.timedelta(seconds=heartbeat_age_s),
    )
    return run


def status(run: SolveRun) -> str:
    run.refresh_from_db()
    return run.status


def test_a_solver_error_fails_the_run_with_the_reason_and_no_plan(small_city, monkeypatch):
    def broken_solve(*args, **kwargs):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(services, "solve", broken_solve)
    run = solve_run_execute(run_id=start_run().pk)

    assert run.status == SolveRun.Status.FAILED
    assert "solver crashed" in run.error
    assert run.finished_at is not None
    assert not Plan.objects.exists()


def test_an_error_while_writing_the_plan_leaves_no_half_plan(small_city, monkeypatch):
    def broken_plan(*, run, solution):
        Plan.objects.create(
            solve_run=run,
            horizon_start=run.horizon_start,
            horizon_end=run.horizon_end,
            solver_status=solution.status,
            targets_met=True,
        )
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "plan_create_from_solution", broken_plan)
    run = solve_run_execute(run_id=start_run().pk)

    assert run.status == SolveRun.Status.FAILED
    assert "disk full" in run.error
    assert run.solution is None
    assert not Plan.objects.exists()


def test_a_run_is_executed_once(small_city):
    run = start_run()
    solve_run_execute(run_id=run.pk)
    again = solve_run_execute(run_id=run.pk)

    assert again.status == SolveRun.Status.SUCCEEDED
    assert Plan.objects.count() == 1


def test_a_running_run_whose_heartbeat_stopped_is_failed(small_city, settings):
    settings.SOLVER_HEARTBEAT_TIMEOUT_S = 30
    silent = running_run(heartbeat_age_s=31)
    alive = running_run(heartbeat_age_s=5)

    assert solve_runs_fail_stale() == 1
    assert (status(silent), status(alive)) == ("failed", "running")
    assert "the solving process stopped answering (no heartbeat for 30 s)" in silent.error
    assert silent.finished_at is not None


def test_a_live_run_past_its_time_limit_is_failed(small_city):
    """A process that still beats but whose solve overran its limit (hung) is ended too."""
    limit = 5 + services.STALE_GRACE_S
    hung = running_run(heartbeat_age_s=1, started_age_s=limit + 1)
    fresh = running_run(heartbeat_age_s=1, started_age_s=limit - 10)

    assert solve_runs_fail_stale() == 1
    assert (status(hung), status(fresh)) == ("failed", "running")
    assert "ran past its time limit" in hung.error


def test_a_queued_run_no_process_takes_is_failed(small_city, settings):
    settings.SOLVER_QUEUE_TIMEOUT_S = 600
    forgotten = queued_run(age_s=601)
    recent = queued_run(age_s=30)

    assert solve_runs_fail_stale() == 1
    assert (status(forgotten), status(recent)) == ("failed", "queued")
    assert "no solving process took the run within 600 s" in forgotten.error


def test_a_queued_run_behind_a_busy_worker_waits(small_city, settings):
    """One worker, a long solve ahead: that solve's heartbeat shows the queue is served."""
    settings.SOLVER_QUEUE_TIMEOUT_S = 600
    waiting = queued_run(age_s=900)
    running_run(heartbeat_age_s=2, started_age_s=899, time_limit_s=3600)

    assert solve_runs_fail_stale() == 0
    assert status(waiting) == "queued"


@pytest.mark.parametrize(
    "dead",
    [lambda: queued_run(age_s=601), lambda: running_run(heartbeat_age_s=31)],
    ids=["queued, never taken", "running, heartbeat stopped"],
)
@pytest.mark.parametrize(
    ("action", "body", "answer"),
    [("withdraw", {"event": "run"}, 200), ("solve", {}, 202)],
)
def test_a_scenario_is_never_held_by_a_dead_run(small_city, as_role, dead, action, body, answer):
    scenario = scenario_create(name="What if", events=[], **YEAR)
    Scenario.objects.filter(pk=scenario.pk).update(solve_run=(run := dead()))

    response = as_role("sports").post(
        f"/api/v1/scenarios/{scenario.pk}/{action}/", body, format="json"
    )

    assert response.status_code == answer, response.content
    assert status(run) == "failed"


@pytest.mark.django_db(transaction=True)  # the heartbeat writes from a thread of its own
def test_a_solve_silent_for_longer_than_the_bound_keeps_beating(small_city, settings, monkeypatch):
    """The solver may call back nothing for minutes; its process still says it is alive."""
    settings.SOLVER_HEARTBEAT_TIMEOUT_S = 0.6
    solve, failed_meanwhile = services.solve, []

    def silent_then_solve(*args, **kwargs):
        time.sleep(1.5)  # two and a half bounds without a progress callback
        failed_meanwhile.append(solve_runs_fail_stale())
        return solve(*args, **kwargs)

    monkeypatch.setattr(services, "solve", silent_then_solve)
    run = solve_run_execute(run_id=start_run().pk)

    assert failed_meanwhile == [0]
    assert run.status == SolveRun.Status.SUCCEEDED, run.error
    assert run.heartbeat_at > run.started_at + dt.timedelta(seconds=1)


SOLVE_ONE_RUN = (
    "import sys, django; django.setup(); "
    "from scheduler.services import solve_run_execute; solve_run_execute(run_id=sys.argv[1])"
)


@pytest.mark.django_db(transaction=True)  # a second process reads what this one wrote
def test_a_killed_solving_process_fails_its_run_within_seconds(small_city, settings, as_role):
    """SIGKILL a process mid-solve (no handler of ours runs): the run is failed and its
    scenario free again within seconds of the heartbeat bound, not its time limit."""
    from benchmarks.generate import generate

    bound = settings.SOLVER_HEARTBEAT_TIMEOUT_S = 3
    city = generate("medium", seed=1)
    run = SolveRun.objects.create(
        horizon_start=city.horizon.start,
        horizon_end=city.horizon.end,
        time_limit_s=120,
        workers=1,
        problem=write_problem(city),
    )
    scenario = scenario_create(name="Killed", events=[], **YEAR)
    Scenario.objects.filter(pk=scenario.pk).update(solve_run=run)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "SOLVER_HEARTBEAT_TIMEOUT_S": str(bound),
    }
    solver = subprocess.Popen([sys.executable, "-c", SOLVE_ONE_RUN, str(run.pk)], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while not beating(run):
            assert time.monotonic() < deadline, f"the solve never started: {run.status} {run.error}"
            time.sleep(0.2)
    finally:
        solver.send_signal(signal.SIGKILL)
        solver.wait(timeout=30)
    killed = time.monotonic()

    client = as_role("sports")
    url = f"/api/v1/scenarios/{scenario.pk}/withdraw/"
    assert client.post(url, {"event": "run"}, format="json").status_code == 400  # still fresh
    while (response := client.post(url, {"event": "run"}, format="json")).status_code == 400:
        assert time.monotonic() - killed < bound + 5, response.json()
        time.sleep(0.2)

    assert response.status_code == 200
    assert status(run) == "failed"
    assert "stopped answering" in run.error
    assert not Plan.objects.exists()


def beating(run: SolveRun) -> bool:
    """Whether the run is being solved and its heartbeat thread has written since the claim."""
    run.refresh_from_db()
    assert run.status in {"queued", "running"}, run.error
    return run.status == "running" and run.heartbeat_at > run.started_at
