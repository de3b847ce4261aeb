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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import SolveCaps, solve_caps
from events.exchange import catalogue_export
from scheduler.format import read_problem, write_problem, write_solution
from scheduler.models import SolveRun
from scheduler.plans import plan_create_from_solution
from scheduler.problem import Problem, Solution, has_plan
from scheduler.solve import Progress, solve

logger = logging.getLogger(__name__)

PROGRESS_WRITE_INTERVAL_S = 0.5
STALE_GRACE_S = 120
HEARTBEATS_PER_TIMEOUT = 6
"""Heartbeats written within SOLVER_HEARTBEAT_TIMEOUT_S (every 5 s of 30 s): a run is failed
as silent only after several in a row were missed, never for one slow write."""

WEB_PROCESS_SOLVE = SolveCaps(time_limit_s=300, workers=4)
"""The largest solve a web process runs in a thread when no broker is configured; a longer
or wider one needs a Celery worker, so it cannot hold a web worker's CPU for an hour."""

_ROLE_CAP_MESSAGES = {
    "time_limit_s": _("Your role may ask for at most %(cap)s seconds."),
    "workers": _("Your role may ask for at most %(cap)s search workers."),
}
_WEB_PROCESS_CAP_MESSAGES = {
    "time_limit_s": _(
        "At most %(cap)s seconds without a solver worker: this server solves in its web "
        "processes. Longer solves need CELERY_BROKER_URL and a Celery worker."
    ),
    "workers": _(
        "At most %(cap)s search workers without a solver worker: this server solves in its "
        "web processes. More need CELERY_BROKER_URL and a Celery worker."
    ),
}


class SolveQueueUnavailable(Exception):
    """The broker could not be reached: the run was never sent, and is failed already.

    Raised out of the commit that dispatches the run; the API answers 503, a
    page shows ``message`` in its reader's language.
    """

    message = _("The solver queue cannot be reached; the run was not started. Try again later.")

    def __str__(self) -> str:
        return str(self.message)


def solve_run_create(
    *,
    start: dt.date,
    end: dt.date,
    time_limit_s: float | None = None,
    workers: int | None = None,
    seed: int = 0,
    requested_by: Any = None,
    problem: Problem | None = None,
) -> SolveRun:
    """A queued run holding a snapshot of the catalogue for ``start``..``end``.

    ``problem`` replaces the catalogue snapshot when the caller built one
    itself (a what-if scenario's, say). Refused (``ValidationError``) when the
    problem is larger than the settings allow (``solve_size_check``).

    ``requested_by`` is the user asking over the web, whose run is solved in
    the background: its time limit and workers are capped by the user's role
    and, without a broker, by what a web process may carry (``solve_limits``).
    Without a user (the ``solve`` command, solving in its own foreground
    process for the operator) only the defaults apply.
    """
    if requested_by is not None:
        time_limit_s, workers = solve_limits(
            user=requested_by, time_limit_s=time_limit_s, workers=workers
        )
    solve_size_check(start=start, end=end)
    problem = problem or catalogue_export(start=start, end=end)
    solve_size_check(start=start, end=end, events=len(problem.events))
    return SolveRun.objects.create(
        horizon_start=start,
        horizon_end=end,
        time_limit_s=time_limit_s or settings.SOLVER_TIME_LIMIT_S,
        workers=workers or settings.SOLVER_WORKERS,
        seed=seed,
        requested_by=requested_by if getattr(requested_by, "is_authenticated", False) else None,
        problem=write_problem(problem),
    )


def solve_limits(
    *, user: Any, time_limit_s: float | None, workers: int | None
) -> tuple[float, int]:
    """The time limit and workers of a solve ``user`` starts over the web.

    Asked beyond the user's role caps (``accounts.roles.SOLVE_CAPS``) or,
    with no broker, beyond ``WEB_PROCESS_SOLVE``: a ``ValidationError`` naming
    the field and the cap. Not asked: the default, within both, so a page's
    solve button is never refused for a default the operator set higher.
    """
    bounds = [(solve_caps(user), _ROLE_CAP_MESSAGES)]
    if not settings.CELERY_BROKER_URL:
        bounds.append((WEB_PROCESS_SOLVE, _WEB_PROCESS_CAP_MESSAGES))
    asked = {"time_limit_s": time_limit_s, "workers": workers}
    errors: dict[str, str] = {}
    for field, value in asked.items():
        for caps, messages in bounds:
            cap = getattr(caps, field)
            if value is not None and value > cap and field not in errors:
                errors[field] = messages[field] % {"cap": f"{cap:g}"}
    if errors:
        raise ValidationError(errors)
    most_time = min(caps.time_limit_s for caps, _messages in bounds)
    most_workers = min(caps.workers for caps, _messages in bounds)
    return (
        time_limit_s or min(settings.SOLVER_TIME_LIMIT_S, most_time),
        workers or min(settings.SOLVER_WORKERS, most_workers),
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

    A broker that cannot be reached fails the run there and then and raises
    ``SolveQueueUnavailable`` out of the commit (the outermost atomic block's
    exit, or this call outside one): no run waits queued for a task never sent.
    """

    def start() -> None:
        if settings.CELERY_BROKER_URL:
            _send_to_celery(run)
        else:
            threading.Thread(
                target=_execute_in_thread, args=(run.pk,), name=f"solve-{run.pk}", daemon=True
            ).start()

    transaction.on_commit(start)


def _send_to_celery(run: SolveRun) -> None:
    """Queue the run's task; a broker that refuses it fails the run (``SolveQueueUnavailable``).

    Kombu reports a broker it cannot reach, after its publish retries (under
    a second against a closed port), as ``OperationalError``; a socket error
    that escapes it is an ``OSError``.
    """
    from kombu.exceptions import KombuError

    from scheduler.tasks import execute_solve_run

    try:
        execute_solve_run.apply_async(
            (str(run.pk),),
            soft_time_limit=run.time_limit_s + STALE_GRACE_S / 2,
            time_limit=run.time_limit_s + STALE_GRACE_S,
        )
    except (KombuError, OSError) as exc:
        logger.error("Solve run %s not dispatched: the broker refused it: %r", run.pk, exc)
        solve_run_fail(run_id=run.pk, reason=f"the solver queue could not be reached: {exc}")
        raise SolveQueueUnavailable(run.pk) from exc


def _execute_in_thread(run_id) -> None:
    """Run a solve in a background thread with its own database connection."""
    try:
        solve_run_execute(run_id=run_id)
    finally:
        connection.close()


def solve_run_execute(*, run_id, on_progress: Callable[[Progress], None] | None = None) -> SolveRun:
    """Solve the run's problem snapshot and store the solution and its plan.

    Any exception marks the run failed with the reason; nothing of the plan
    is stored then. While it solves, the run's heartbeat says the process is
    alive (``_heartbeat``).
    """
    now = timezone.now()
    claimed = SolveRun.objects.filter(pk=run_id, status=SolveRun.Status.QUEUED).update(
        status=SolveRun.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    run = SolveRun.objects.get(pk=run_id)
    if not claimed:
        logger.warning("Solve run %s is %s, not queued; not running it again", run_id, run.status)
        return run
    try:
        with _heartbeat(run_id):
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


@contextmanager
def _heartbeat(run_id) -> Iterator[None]:
    """Write the run's ``heartbeat_at`` from a thread of its own while the block runs.

    Apart from the solver's progress callbacks, which may be silent for
    minutes on a hard problem: the heartbeat stops only when the process does
    (killed, out of memory, restarted), and ``solve_runs_fail_stale`` fails a
    run whose heartbeat stopped. It ends itself once the run is no longer
    running, and a failed write is logged, not raised, as for progress.
    """
    stop = threading.Event()
    interval = settings.SOLVER_HEARTBEAT_TIMEOUT_S / HEARTBEATS_PER_TIMEOUT

    def beat() -> None:
        try:
            while not stop.wait(interval) and _beat_once(run_id):
                pass
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-{run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval)


def _beat_once(run_id) -> bool:
    """One heartbeat; False once the run is no longer running, so there is nothing to vouch for."""
    try:
        return bool(
            SolveRun.objects.filter(pk=run_id, status=SolveRun.Status.RUNNING).update(
                heartbeat_at=timezone.now()
            )
        )
    except DatabaseError:
        logger.warning("Could not record the heartbeat of solve run %s", run_id, exc_info=True)
        return True


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
    if has_plan(solution.status) and not run.scenarios.exists():
        plan_create_from_solution(run=run, solution=solution)


def solve_run_fail(*, run_id, reason: str) -> None:
    """Mark a run that has not finished as failed, saying why."""
    _fail_unfinished(SolveRun.objects.filter(pk=run_id), reason=reason)


def _fail_unfinished(runs: QuerySet[SolveRun], *, reason: str) -> int:
    """Fail those of ``runs`` still queued or running, in one update; how many.

    The status is checked in the update itself, so a run that finished (or
    was claimed) meanwhile is left as it is.
    """
    return runs.filter(status__in=[SolveRun.Status.QUEUED, SolveRun.Status.RUNNING]).update(
        status=SolveRun.Status.FAILED, error=reason[:2000], finished_at=timezone.now()
    )


def solve_runs_fail_stale() -> int:
    """Fail the runs no process will finish; how many. Called before runs are shown and
    before a scenario refuses a change for its run, so nothing waits on a dead run."""
    now = timezone.now()
    return _fail_silent(now) + _fail_overran(now) + _fail_unclaimed(now)


def _fail_silent(now: dt.datetime) -> int:
    """Fail running runs whose heartbeat is older than ``SOLVER_HEARTBEAT_TIMEOUT_S``: the
    process solving them is gone (killed, out of memory, its machine restarted)."""
    silence = settings.SOLVER_HEARTBEAT_TIMEOUT_S
    since = now - dt.timedelta(seconds=silence)
    return _fail_unfinished(
        SolveRun.objects.filter(status=SolveRun.Status.RUNNING).filter(
            Q(heartbeat_at__lt=since) | Q(heartbeat_at__isnull=True, started_at__lt=since)
        ),
        reason=f"the solving process stopped answering (no heartbeat for {silence:g} s): "
        "it was killed or its machine restarted",
    )


def _fail_overran(now: dt.datetime) -> int:
    """Fail running runs past their time limit plus ``STALE_GRACE_S``: a process alive but
    hung. The solver honours its limit and Celery kills a task past it, but a thread of a
    web process has no one else to end it."""
    running = SolveRun.objects.filter(status=SolveRun.Status.RUNNING, started_at__isnull=False)
    overran = [
        run.pk
        for run in running.only("started_at", "time_limit_s")
        if now > run.started_at + dt.timedelta(seconds=run.time_limit_s + STALE_GRACE_S)
    ]
    return _fail_unfinished(
        SolveRun.objects.filter(pk__in=overran),
        reason=f"the solve ran past its time limit plus {STALE_GRACE_S} s (the solver hung)",
    )


def _fail_unclaimed(now: dt.datetime) -> int:
    """Fail runs queued for ``SOLVER_QUEUE_TIMEOUT_S`` while no run anywhere gave a heartbeat
    in that time: no process takes runs (no worker started, or the task was lost).

    A run waiting behind a long solve on a busy worker is not failed: that
    solve's heartbeat is the sign of life.
    """
    wait = settings.SOLVER_QUEUE_TIMEOUT_S
    since = now - dt.timedelta(seconds=wait)
    if SolveRun.objects.filter(heartbeat_at__gte=since).exists():
        return 0
    return _fail_unfinished(
        SolveRun.objects.filter(status=SolveRun.Status.QUEUED, created_at__lt=since),
        reason=f"no solving process took the run within {wait:g} s (is a Celery worker running?)",
    )
