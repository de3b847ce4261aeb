"""A small catalogue with a row of every kind a write can touch, and a client per role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from events import services as event_services
from scheduler.scenarios import scenario_create
from tests.holds import factories as f
from tests.holds.conftest import placed_on
from tests.publishing import factories as publishing
from tests.roles import user_with_role

__all__ = ["ROLES", "placed_on", "role_user"]

D = dt.date
ROLES = ["anonymous", "citizen", "convention", "sports", "planner", "admin"]
"""Everyone the tables test: no login, a signed-in user without a role, the three roles and
an administrator (a superuser)."""


def role_user(role: str):
    """The user acting as ``role``; None for an anonymous visitor."""
    users = get_user_model().objects
    if role == "anonymous":
        return None
    if role == "citizen":
        return users.create_user("citizen")
    if role == "admin":
        return users.create_superuser("admin", password=None)  # no hashing: faster
    return user_with_role(f"{role}-staff", role)


@pytest.fixture
def as_role(db) -> Callable[[str], APIClient]:
    """An API client authenticated as the role."""

    def client(role: str) -> APIClient:
        api = APIClient()
        if (user := role_user(role)) is not None:
            api.force_authenticate(user)
        return api

    return client


@pytest.fixture
def world(db) -> dict:
    """The rows the write endpoints act on, by name."""
    f.feature("wifi")  # no venue has it: free to delete
    expo = f.venue("expo")
    f.venue("spare-hall")  # nothing refers to it: free to delete
    f.hotel("grand")
    f.hotel("inn")
    window = {"window_start": D(2026, 9, 1), "window_end": D(2026, 10, 31)}
    conference = f.event("conf", category="conference", **window)
    f.event("conf-spare", category="conference", **window)
    sports = f.event("run", category="sports", attendance=5000, area_m2=0, **window)
    conference_hold = f.hold(conference, expo, D(2026, 9, 10))
    sports_hold = f.hold(sports, expo, D(2026, 10, 10))
    target = event_services.target_create(year=2026, category="sports", min_count=1)
    blackout = event_services.blackout_create(
        start=D(2026, 10, 1), end=D(2026, 10, 7), reason_en="Golden Week"
    )
    plan = publishing.plan([(conference, expo, D(2026, 9, 20), D(2026, 9, 23))])
    scenario = scenario_create(name="what if", events=[], start=D(2026, 1, 1), end=D(2026, 12, 31))
    solved = scenario_create(name="solved", events=[], start=D(2026, 1, 1), end=D(2026, 12, 31))
    solved.solve_run = publishing.plan([(sports, expo, D(2026, 10, 12), D(2026, 10, 15))]).solve_run
    solved.save()
    return {
        "conference_hold": conference_hold.pk,
        "sports_hold": sports_hold.pk,
        "target": target.pk,
        "blackout": blackout.pk,
        "plan": plan.pk,
        "scenario": scenario.pk,
        "solved_scenario": solved.pk,
    }
