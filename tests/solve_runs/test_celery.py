"""Solve runs on Celery workers with the real Redis broker."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app
from scheduler.models import Plan, SolveRun
from scheduler.problem import DateRange
from scheduler.services import solve_run_create, solve_run_dispatch
from tests.solve_runs.helpers import database_url, wait_until_finished

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "")
ROOT = Path(__file__).resolve().parents[2]
SMALL_CITY_YEAR = DateRange(dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@pytest.fixture
def broker(settings):
    """Route dispatch through Celery on the test broker, with an empty queue."""
    settings.CELERY_BROKER_URL = BROKER
    celery_app.conf.broker_url = BROKER
    celery_app.control.purge()
    return BROKER


def start_run(time_limit_s: float, horizon: DateRange = SMALL_CITY_YEAR) -> SolveRun:
    return solve_run_create(
        start=horizon.start, end=horizon.end, time_limit_s=time_limit_s, workers=1
    )


def test_a_run_dispatched_to_celery_is_solved_by_a_worker(small_city, broker):
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        run = start_run(time_limit_s=10)
        solve_run_dispatch(run=run)  # outside a transaction: sent at once
        run = wait_until_finished(run.pk)

    assert run.status == SolveRun.Status.SUCCEEDED, run.error
    assert Plan.objects.filter(solve_run=run).exists()


def worker_children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()] if children.exists() else []


@pytest.mark.postgres
def test_a_killed_worker_leaves_the_run_failed_and_no_plan(broker):
    """A worker process killed mid-solve: the run is failed, never half a plan."""
    from benchmarks.generate import generate
    from events.exchange import catalogue_import

    city = generate("medium", seed=1)
    catalogue_import(city)
    env = {**os.environ, "CELERY_BROKER_URL": BROKER, "DATABASE_URL": database_url()}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        run = start_run(time_limit_s=120, horizon=city.horizon)
        solve_run_dispatch(run=run)
        deadline = time.monotonic() + 60
        while (status := SolveRun.objects.get(pk=run.pk).status) == SolveRun.Status.QUEUED:
            assert time.monotonic() < deadline, "the worker never started the run"
            time.sleep(0.2)
        assert status == SolveRun.Status.RUNNING, SolveRun.objects.get(pk=run.pk).error
        for child in worker_children(worker.pid):
            os.kill(child, signal.SIGKILL)
        run = wait_until_finished(run.pk, timeout_s=60)
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    assert run.status == SolveRun.Status.FAILED
    assert "WorkerLostError" in run.error
    assert not Plan.objects.filter(solve_run=run).exists()
