"""Celery tasks for solve runs, used when CELERY_BROKER_URL is set."""

from celery import shared_task
from celery.signals import task_failure

from scheduler.services import solve_run_execute, solve_run_fail


@shared_task(name="scheduler.execute_solve_run", acks_late=True)
def execute_solve_run(run_id: str) -> str:
    """Execute one solve run; its outcome is stored on the run, not in Celery."""
    return solve_run_execute(run_id=run_id).status


@task_failure.connect(sender=execute_solve_run)
def mark_run_failed(sender=None, task_id=None, exception=None, args=(), kwargs=None, **_) -> None:
    """Fail the run when its task dies outside our own handler.

    Celery sends this from the worker's main process too when the child that
    ran the task is killed (WorkerLostError), where no code of ours ran.
    """
    run_id = (args or [None])[0] or (kwargs or {}).get("run_id")
    if run_id:
        solve_run_fail(run_id=run_id, reason=f"worker failed: {exception!r}")
