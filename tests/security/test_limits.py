"""Limits on what one request may ask: body size, page size, problem size of a solve."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from scheduler.models import SolveRun
from tests.api.conftest import errors_by_field
from tests.holds import factories as f
from tests.security.conftest import role_user
from venues.models import Feature

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner() -> APIClient:
    client = APIClient()
    client.force_authenticate(role_user("planner"))
    return client


def test_a_body_over_the_limit_is_a_413_in_the_error_shape(settings, planner):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = planner.post(
        "/api/v1/features/", {"code": "x", "name_en": "y" * 2000}, format="json"
    )
    assert response.status_code == 413
    (message,) = errors_by_field(response)[None]
    assert "at most 1000" in message
    assert not Feature.objects.exists()
    small = planner.post("/api/v1/features/", {"code": "x", "name_en": "y"}, format="json")
    assert small.status_code == 201


def test_a_page_holds_at_most_500_rows():
    Feature.objects.bulk_create(Feature(code=f"f{i:04}", name_en=f"F{i}") for i in range(501))
    page = APIClient().get("/api/v1/features/", {"page_size": 100000}).json()
    assert page["count"] == 501 and len(page["results"]) == 500


def test_a_solve_over_the_horizon_limit_names_the_end(settings, planner):
    settings.SOLVER_MAX_HORIZON_YEARS = 2
    response = planner.post(
        "/api/v1/solve-runs/", {"start": "2026-01-01", "end": "2028-12-31"}, format="json"
    )
    assert response.status_code == 400
    assert "at most 2 years" in errors_by_field(response)["end"][0]
    assert not SolveRun.objects.exists()


def test_a_solve_over_the_event_limit_names_the_events(settings, planner):
    settings.SOLVER_MAX_EVENTS = 1
    f.venue("expo")
    f.event("a")
    f.event("b")
    response = planner.post(
        "/api/v1/solve-runs/", {"start": "2026-01-01", "end": "2026-12-31"}, format="json"
    )
    assert response.status_code == 400
    assert "at most 1" in errors_by_field(response)["events"][0]
    assert not SolveRun.objects.exists()


def test_a_solve_asks_for_bounded_time_and_workers(planner):
    body = {"start": "2026-01-01", "end": "2026-12-31", "time_limit_s": 10**6, "workers": 999}
    response = planner.post("/api/v1/solve-runs/", body, format="json")
    assert response.status_code == 400
    assert set(errors_by_field(response)) == {"time_limit_s", "workers"}
