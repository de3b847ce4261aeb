"""A tiny published catalogue for planner tests: solved for real, published as version 1."""

import copy
import datetime as dt

import pytest
from django.core.cache import cache

from events.exchange import catalogue_import
from scheduler.format import read_problem
from scheduler.models import Scenario, ScheduleVersion, SolveRun
from scheduler.publishing import plan_publish
from scheduler.scenarios import scenario_create
from scheduler.services import solve_run_create, solve_run_execute
from tests.roles import user_with_role
from tests.solve_runs.conftest import SMALL_CITY

YEAR_START, YEAR_END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def tiny_city() -> dict:
    """The small city with a sports target, a spacing rule and a blackout, for planner views."""
    city = copy.deepcopy(SMALL_CITY)
    city["targets"].append(
        {"year": 2026, "category": "sports", "international": True, "min_count": 1}
    )
    city["blackouts"] = [
        {"start": "2026-10-01", "end": "2026-10-07", "categories": None, "reason": "Golden Week"}
    ]
    city["rules"] = {"min_gap_days": {"sports": 14}}
    return city


def solve_now(run_id) -> None:
    """Execute a queued run here and now, as the worker thread would."""
    run = solve_run_execute(run_id=run_id)
    assert run.status == "succeeded", run.error


def running_run(start, end, *, elapsed_s: float, **fields) -> SolveRun:
    """A solve under way: 60 s limit, objective 3,232.1, gap 3.15%."""
    return SolveRun.objects.create(
        status=SolveRun.Status.RUNNING,
        horizon_start=start,
        horizon_end=end,
        time_limit_s=60,
        workers=2,
        problem={},
        objective=3232.1,
        best_bound=3334.0,
        gap=0.0315,
        elapsed_s=elapsed_s,
        **fields,
    )


def running_scenario(*, name: str, owner, elapsed_s: float) -> Scenario:
    """A scenario whose solve is under way (``running_run``)."""
    scenario = scenario_create(name=name, events=[], owner=owner)
    scenario.solve_run = running_run(
        scenario.horizon_start, scenario.horizon_end, elapsed_s=elapsed_s
    )
    scenario.save()
    return scenario


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.SITE_URL = "https://events.hefei.example"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(db) -> ScheduleVersion:
    """Version 1: the tiny city solved for 2026 and published."""
    catalogue_import(read_problem(tiny_city()))
    run = solve_run_create(start=YEAR_START, end=YEAR_END, time_limit_s=10, workers=2)
    solve_now(run.pk)
    run.refresh_from_db()
    return plan_publish(plan=run.plan, comment="Programme 2026")


@pytest.fixture
def planner(db):
    return user_with_role("planner", "planner", password="pw")


# The headless Chromium of the publishing browser tests and the security tests' client per
# role, shared rather than copied.
from tests.publishing.test_browser import driver  # noqa: E402, F401
from tests.security.conftest import as_role  # noqa: E402, F401
