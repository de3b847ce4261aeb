"""Writes around solve runs: start one, execute it, store its plan, fail it cleanly.

A run moves queued -> running -> succeeded | failed. Progress figures are
written while the solver works so that the API and the command line can show
them; the plan is written in the same transaction that marks the run
succeeded, so a run that dies half-way never leaves half a plan.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from events.exchange import catalogue_export
from scheduler.format import read_problem, write_problem, write_solution
from scheduler.models import SolveRun
from scheduler.plans import plan_create_from_solution
from scheduler.problem import Problem, Solution
from scheduler.solve import Progress, solve

logger = logging.getLogger(__name__)

PROGRESS_WRITE_INTERVAL_S = 0.5
STALE_GRACE_S = 120


def solve_run_create(
    *,
    start: dt.date,
    end: dt.date,
    time_limit_s: float | None = None,
    workers: int | None = None,
    seed: int = 0,
    requested_by=None,
    problem: Problem | None = None,
) -> SolveRun:
    """A queued run holding a snapshot of the catalogue for ``start``..``end``.

    ``problem`` replaces the catalogue snapshot when the caller built one
    itself (a what-if scenario's, say). Refused (``ValidationError``) when the
    problem is larger than the settings allow (``solve_size_check``).
    """
    solve_size_check(start=start, end=end)
    problem = problem or catalogue_export(start=start, end=end)
    solve_size_check(start=start, end=end, events=len(problem.events))
    return SolveRun.objects.create(
        horizon_start=start,
        horizon_end=end,
        time_limit_s=time_limit_s or settings.SOLVER_TIME_LIMIT_S,
        workers=workers or settings.SOLVER_WORKERS,
        seed=seed,
        requested_by=requested_by,
        problem=write_problem(problem),
    )


def solve_size_check(*, start: dt.date, end: dt.date, events: int = 0) -> None:
    """Refuse a horizon or an event count over SOLVER_MAX_HORIZON_YEARS / SOLVER_MAX_EVENTS.

    One request must not be able to hold a worker and its memory for hours;
    the horizon is checked before the catalogue is even read.
    """
    if end < start:
        raise ValidationError({"end": "must not be before start"})
    years = settings.SOLVER_MAX_HORIZON_YEARS
    if (end - start).days + 1 > years * 366:
        raise ValidationError({"end": f"a solve covers at most {years} years"})
    if events > (most := settings.SOLVER_MAX_EVENTS):
        raise ValidationError({"events": f"{events} events to place; a solve takes at most {most}"})


def solve_run_dispatch(*, run: SolveRun) -> None:
    """Start ``run`` once the current transaction commits: on Celery, or in a thread.

    Dispatching after commit means a worker never looks for a run that is
    not yet visible to it. On Celery the task gets time limits past the
    solver's own: a solve that overruns anyway is interrupted (soft limit:
    ``SoftTimeLimitExceeded`` fails the run through our handler) or its
    process killed (hard limit: ``mark_run_failed``), so a run that times out
    ends failed without a plan instead of running forever.
    """

    def start() -> None:
        if settings.CELERY_BROKER_URL:
            from scheduler.tasks import execute_solve_run

            execute_solve_run.apply_async(
                (str(run.pk),),
                soft_time_limit=run.time_limit_s + STALE_GRACE_S / 2,
                time_limit=run.time_limit_s + STALE_GRACE_S,
            )
        else:
            threading.Thread(
                target=_execute_in_thread, args=(run.pk,), name=f"solve-{run.pk}", daemon=True
            ).start()

    transaction.on_commit(start)


def _execute_in_thread(run_id) -> None:
    """Run a solve in a background thread with its own database connection."""
    try:
        solve_run_execute(run_id=run_id)
    finally:
        connection.close()


def solve_run_execute(*, run_id, on_progress: Callable[[Progress], None] | None = None) -> SolveRun:
    """Solve the run's problem snapshot and store the solution and its plan.

    Any exception marks the run failed with the reason; nothing of the plan
    is stored then.
    """
    claimed = SolveRun.objects.filter(pk=run_id, status=SolveRun.Status.QUEUED).update(
        status=SolveRun.Status.RUNNING, started_at=timezone.now()
    )
    run = SolveRun.objects.get(pk=run_id)
    if not claimed:
        logger.warning("Solve run %s is %s, not queued; not running it again", run_id, run.status)
        return run
    try:
        solution = solve(
            read_problem(run.problem),
            time_limit_s=run.time_limit_s,
            workers=run.workers,
            seed=run.seed,
            on_progress=_progress_writer(run_id, on_progress),
        )
        _store_solution(run, solution)
    except Exception as exc:
        logger.exception("Solve run %s failed", run_id)
        solve_run_fail(run_id=run_id, reason=f"{type(exc).__name__}: {exc}")
    run.refresh_from_db()
    return run


def _progress_writer(run_id, echo: Callable[[Progress], None] | None) -> Callable[[Progress], None]:
    """A progress callback that writes figures to the run at most twice a second.

    CP-SAT calls it from its own search threads, so each write closes the
    connection it opened there, and a failed write is logged, not raised: a
    progress figure lost is no reason to lose the solve.
    """
    owner = threading.current_thread()
    last_write = 0.0

    def write(progress: Progress) -> None:
        nonlocal last_write
        if echo:
            echo(progress)
        now = time.monotonic()
        if now - last_write < PROGRESS_WRITE_INTERVAL_S:
            return
        last_write = now
        try:
            SolveRun.objects.filter(pk=run_id, status=SolveRun.Status.RUNNING).update(
                objective=progress.objective,
                best_bound=progress.best_bound,
                gap=progress.gap,
                elapsed_s=progress.elapsed_s,
                solutions_found=progress.solutions_found,
            )
        except DatabaseError:
            logger.warning("Could not record progress of solve run %s", run_id, exc_info=True)
        finally:
            if threading.current_thread() is not owner:
                connection.close()

    return write


@transaction.atomic
def _store_solution(run: SolveRun, solution: Solution) -> None:
    """Mark the run succeeded and write its plan, together or not at all."""
    run = SolveRun.objects.select_for_update().get(pk=run.pk)
    if run.status != SolveRun.Status.RUNNING:
        return
    run.status = SolveRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.solution = write_solution(solution)
    run.solver_status = solution.status
    run.objective = solution.objective
    run.best_bound = solution.best_bound
    run.gap = solution.gap
    run.elapsed_s = solution.wall_time_s
    run.targets_met = solution.targets_met
    run.diagnosis = list(solution.diagnosis)
    run.save()
    # A scenario's plan is written when the scenario is published: it may place
    # events the catalogue does not hold yet (scheduler.scenarios).
    if solution.status in {"OPTIMAL", "FEASIBLE"} and not run.scenarios.exists():
        plan_create_from_solution(run=run, solution=solution)


def solve_run_fail(*, run_id, reason: str) -> None:
    """Mark a run that has not finished as failed, saying why."""
    SolveRun.objects.filter(
        pk=run_id, status__in=[SolveRun.Status.QUEUED, SolveRun.Status.RUNNING]
    ).update(status=SolveRun.Status.FAILED, error=reason[:2000], finished_at=timezone.now())


def solve_runs_fail_stale() -> int:
    """Fail running runs whose worker must have died: past their time limit plus a grace.

    The solver honours its time limit, so a run still "running" long after it
    is one whose thread or worker process is gone.
    """
    failed = 0
    now = timezone.now()
    for run in SolveRun.objects.filter(status=SolveRun.Status.RUNNING, started_at__isnull=False):
        deadline = run.started_at + dt.timedelta(seconds=run.time_limit_s + STALE_GRACE_S)
        if now > deadline:
            solve_run_fail(run_id=run.pk, reason="the solver stopped responding (worker lost)")
            failed += 1
    return failed
