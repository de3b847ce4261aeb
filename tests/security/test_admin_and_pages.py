"""The roles in the admin (rows of other categories read-only) and on the planner pages."""

from __future__ import annotations

import pytest
from django.test import Client

from bookings.models import VenueHold
from events.models import Event
from tests.security.conftest import ROLES, role_user


@pytest.fixture
def login(db):
    def client(role: str) -> Client:
        browser = Client()
        if (user := role_user(role)) is not None:
            browser.force_login(user)
        return browser

    return client


def test_the_admin_shows_another_categorys_event_read_only(world, login):
    sports = login("sports")
    assert 'name="_save"' in sports.get("/admin/events/event/run/change/").content.decode()
    other = sports.get("/admin/events/event/conf/change/")
    assert other.status_code == 200 and 'name="_save"' not in other.content.decode()
    assert sports.post("/admin/events/event/conf/change/", {}).status_code == 403
    assert sports.post("/admin/events/event/conf/delete/", {"post": "yes"}).status_code == 403
    assert Event.objects.filter(pk="conf").exists()


def test_a_new_event_can_only_be_in_the_roles_categories(world, login):
    form = login("sports").get("/admin/events/event/add/").context["adminform"].form
    assert [value for value, _label in form.fields["category"].choices] == ["sports"]


def test_admin_actions_touch_the_roles_rows_only(world, login):
    response = login("convention").post(
        "/admin/events/event/",
        {"action": "cancel", "_selected_action": ["conf", "run"]},
    )
    assert response.status_code == 302
    assert Event.objects.get(pk="conf").status == "cancelled"
    assert Event.objects.get(pk="run").status == "requested"


def test_a_role_that_only_reads_holds_has_no_hold_actions(world, login):
    planner = login("planner")
    assert planner.get("/admin/bookings/venuehold/").status_code == 200
    planner.post(
        "/admin/bookings/venuehold/",
        {"action": "release", "_selected_action": [world["conference_hold"]]},
    )
    assert VenueHold.objects.get(pk=world["conference_hold"]).status == "active"


def test_a_hold_is_added_for_the_roles_events_only(world, login):
    form = login("convention").get("/admin/bookings/venuehold/add/").context["adminform"].form
    assert {event.pk for event in form.fields["event"].queryset} == {"conf", "conf-spare"}


@pytest.mark.parametrize(("role", "allowed"), [("convention", False), ("planner", True)])
def test_only_planners_publish_in_the_admin(role, allowed, world, login):
    page = login(role).get("/admin/scheduler/plan/")
    assert page.status_code == 200
    actions = page.context["action_form"]
    choices = [value for value, _label in actions.fields["action"].choices] if actions else []
    assert ("publish" in choices) is allowed


# Visitors who are not staff go to the login; every staff role reads the pages.
PAGE_STATUS = {"anonymous": 302, "citizen": 302}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/planner/", "/planner/timeline/", "/planner/season/"])
def test_planner_pages_are_for_the_staff_roles(path, role, world, login):
    assert login(role).get(path).status_code == PAGE_STATUS.get(role, 200)


@pytest.mark.parametrize(("role", "status"), [("convention", 403), ("planner", 200)])
def test_only_planners_add_the_planning_rules(role, status, db, login):
    assert login(role).get("/admin/events/planningrules/add/").status_code == status
