"""Waiting for a solve run that executes elsewhere (a thread or a Celery worker)."""

import time

from scheduler.models import SolveRun


def wait_until_finished(run_id, timeout_s: float = 60) -> SolveRun:
    """The run once it has succeeded or failed; fails the test after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        run = SolveRun.objects.get(pk=run_id)
        if run.is_finished:
            return run
        time.sleep(0.2)
    raise AssertionError(f"solve run {run_id} still {run.status} after {timeout_s} s")


def database_url() -> str:
    """DATABASE_URL of the test database, for a process of its own (a worker, a solve)."""
    from django.db import connection

    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    host = f"{database['HOST']}:{database['PORT']}"
    return f"postgres://{database['USER']}@{host}/{database['NAME']}"
