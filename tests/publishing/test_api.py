"""POST /api/v1/plans/{id}/publish/ and the read-only /api/v1/schedule-versions/."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from scheduler.models import ScheduleVersion
from tests.publishing import factories as f
from tests.roles import user_with_role

D = f.D
pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.publishing.urls")]


@pytest.fixture
def plan():
    return f.plan([(f.event("wmc"), f.venue("expo"), D(2026, 9, 20), D(2026, 9, 23))])


@pytest.fixture
def staff_client(client):
    client.force_login(user_with_role("planner", "planner"))
    return client


def test_publish_creates_then_returns_the_same_version(staff_client, plan):
    url = f"/api/v1/plans/{plan.pk}/publish/"
    first = staff_client.post(url, {"comment": "Programme 2026"}, content_type="application/json")
    assert first.status_code == 201
    assert first.json()["number"] == 1 and first.json()["published_by"] == "planner"
    again = staff_client.post(url, {"comment": "retry"}, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["number"] == 1 and again.json()["comment"] == "Programme 2026"


def test_publish_refuses_a_bad_plan_in_the_error_shape(staff_client):
    infeasible = f.plan([], solver_status="INFEASIBLE")
    response = staff_client.post(f"/api/v1/plans/{infeasible.pk}/publish/")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert "OPTIMAL or FEASIBLE" in error["message"]


def test_publish_needs_staff(client, plan):
    assert client.post(f"/api/v1/plans/{plan.pk}/publish/").status_code in (401, 403)
    user = get_user_model().objects.create_user("visitor")
    client.force_login(user)
    assert client.post(f"/api/v1/plans/{plan.pk}/publish/").status_code == 403


def test_schedule_versions_are_read_only_with_changelog(staff_client, plan, client):
    staff_client.post(f"/api/v1/plans/{plan.pk}/publish/")
    listing = client.get("/api/v1/schedule-versions/").json()
    (version,) = listing["results"]
    assert version["changelog"]["added"][0]["event"] == "wmc"
    detail = client.get("/api/v1/schedule-versions/1/").json()
    (event,) = detail["events"]
    assert (event["event_code"], event["status"], event["sequence"]) == ("wmc", "CONFIRMED", 0)
    assert staff_client.delete("/api/v1/schedule-versions/1/").status_code == 405


@pytest.mark.urls("config.urls")
def test_admin_action_asks_for_a_comment_then_publishes_one_plan(client, plan):
    admin = get_user_model().objects.create_superuser("admin", password="pw")
    client.force_login(admin)
    chosen = {"action": "publish", "_selected_action": [plan.pk]}
    confirm = client.post("/admin/scheduler/plan/", chosen)
    assert confirm.status_code == 200
    assert 'name="comment"' in confirm.content.decode()
    assert not ScheduleVersion.objects.exists()
    response = client.post(
        "/admin/scheduler/plan/",
        chosen | {"post": "yes", "comment": "Autumn fairs moved"},
        follow=True,
    )
    assert "Published as schedule version 1." in response.content.decode()
    version = ScheduleVersion.objects.get(plan=plan)
    assert (version.number, version.comment) == (1, "Autumn fairs moved")
    assert version.published_by == admin
    again = client.post("/admin/scheduler/plan/", chosen, follow=True)
    assert "This plan is already schedule version 1." in again.content.decode()
    assert ScheduleVersion.objects.count() == 1


def test_who_published_is_for_staff_only(staff_client, plan):
    staff_client.post(f"/api/v1/plans/{plan.pk}/publish/")
    public = Client().get("/api/v1/schedule-versions/1/").json()
    assert public["number"] == 1 and public["published_by"] is None
    (listed,) = Client().get("/api/v1/schedule-versions/").json()["results"]
    assert listed["published_by"] is None
    assert staff_client.get("/api/v1/schedule-versions/1/").json()["published_by"] == "planner"
