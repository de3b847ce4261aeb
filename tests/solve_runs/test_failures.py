"""A run that fails says why and leaves no plan; a run whose worker vanished is failed."""

import datetime as dt

from django.utils import timezone

from scheduler import services
from scheduler.models import Plan, SolveRun
from scheduler.services import solve_run_create, solve_run_execute, solve_runs_fail_stale


def start_run() -> SolveRun:
    return solve_run_create(
        start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), time_limit_s=5, workers=1
    )


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


def test_a_running_run_past_its_time_limit_is_failed(small_city):
    stuck = start_run()
    started = timezone.now() - dt.timedelta(seconds=stuck.time_limit_s + 600)
    SolveRun.objects.filter(pk=stuck.pk).update(status="running", started_at=started)
    fresh = start_run()
    SolveRun.objects.filter(pk=fresh.pk).update(status="running", started_at=timezone.now())

    assert solve_runs_fail_stale() == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == SolveRun.Status.FAILED
    assert "worker lost" in stuck.error
    assert fresh.status == SolveRun.Status.RUNNING
