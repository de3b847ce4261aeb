"""Holds and history over HTTP: staff only, 400s naming fields, who changed what."""

import pytest
from rest_framework.test import APIClient

from bookings.models import VenueHold
from tests.api.conftest import errors_by_field
from tests.holds import factories as f
from tests.roles import user_with_role

D = f.D
# Holds here are placed in June 2026, before the September days they hold.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("placed_on")]
URL = "/api/v1/holds/"


@pytest.fixture
def expo():
    return f.venue("expo")


def place(client, event="a", start="2026-09-20", **extra):
    body = {"event": event, "venue": "expo", "start": start, "expires_on": "2099-01-01"}
    return client.post(URL, body | extra, format="json")


def place_body(client, body):
    defaults = {"event": "a", "venue": "expo", "start": "2026-09-20", "expires_on": "2099-01-01"}
    return client.post(URL, defaults | body, format="json")


def test_staff_place_list_release_and_confirm(expo, staff):
    f.event("a"), f.event("b")
    created = place(staff, "a", holder_email="a@organiser.example")
    assert created.status_code == 201, created.json()
    assert created.json()["rank"] == 1 and created.json()["holder"] is not None
    second = place(staff, "b", "2026-09-21").json()
    assert second["rank"] == 2
    listed = staff.get(URL, {"venue": "expo", "status": "active"}).json()["results"]
    assert [(h["event"], h["rank"]) for h in listed] == [("a", 1), ("b", 2)]
    released = staff.post(f"{URL}{created.json()['id']}/release/")
    assert released.json()["status"] == "released"
    assert staff.get(f"{URL}{second['id']}/").json()["rank"] == 1
    confirmed = staff.post(f"{URL}{second['id']}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert staff.get("/api/v1/events/b/").json()["status"] == "confirmed"
    again = staff.post(f"{URL}{second['id']}/release/")
    assert again.status_code == 400 and "status" in errors_by_field(again)


def test_listing_expires_what_is_past(expo, staff):
    f.event("a"), f.event("b")
    place(staff, "a"), place(staff, "b", "2026-09-21")
    VenueHold.objects.filter(event_id="a").update(expires_on=D(2020, 1, 1))
    listed = {h["event"]: h for h in staff.get(URL).json()["results"]}
    assert (listed["a"]["status"], listed["b"]["rank"]) == ("expired", 1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"event": "nope"}, "event"),
        ({"venue": "nope"}, "venue"),
        ({"start": "soon"}, "start"),
        ({"expires_on": "2020-01-01"}, "expires_on"),
        ({"holder_email": "not-an-address"}, "holder_email"),
        ({"start": "2026-12-30"}, "start"),  # outside the event's window
        ({"start": "2026-05-31"}, "start"),  # the day before it is placed
        ({"start": "9999-12-31"}, "start"),  # its days would run off the calendar
        ({"venue": "hall"}, "venue"),  # too small for the event
    ],
)
def test_bad_holds_are_400s_naming_the_field(expo, staff, body, field):
    f.event("a"), f.venue("hall", capacity=100)
    response = place_body(staff, body)
    assert response.status_code == 400
    assert field in errors_by_field(response), response.json()


def test_a_lapsed_hold_is_not_confirmed_and_its_rival_is_not_superseded(expo, staff):
    f.event("a"), f.event("b")
    first, second = place(staff, "a").json(), place(staff, "b", "2026-09-21").json()
    VenueHold.objects.filter(pk=first["id"]).update(expires_on=D(2020, 1, 1))  # no run since
    refused = staff.post(f"{URL}{first['id']}/confirm/")
    assert refused.status_code == 400
    assert errors_by_field(refused) == {"status": ["The hold is expired, not active."]}
    assert staff.get(f"{URL}{second['id']}/").json()["status"] == "active"
    confirmed = staff.post(f"{URL}{second['id']}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"


def test_a_contract_signed_over_another_events_option_is_a_400(expo, staff):
    f.event("a"), f.event("b")
    first = place(staff, "a").json()
    signed = staff.post(
        "/api/v1/events/b/confirm/", {"venue": "expo", "start": "2026-09-21"}, format="json"
    )
    assert signed.status_code == 400
    errors = errors_by_field(signed)
    assert set(errors) == {"venue", "start"}
    assert "held for a from 2026-09-20 (1st option, kept until 2099-01-01)" in errors["start"][0]
    # The 1st option's holder books the days as promised.
    assert staff.post(f"{URL}{first['id']}/confirm/").status_code == 200


def test_expiry_and_promotion_are_recorded_as_the_systems_doing(expo, staff):
    f.event("a"), f.event("b")
    place(staff, "a"), place(staff, "b", "2026-09-21")
    VenueHold.objects.filter(event_id="a").update(expires_on=D(2020, 1, 1))
    desk = APIClient()
    desk.force_authenticate(user_with_role("desk", "convention"))
    assert desk.get(URL).status_code == 200  # the listing ends the lapsed hold
    expired = staff.get("/api/v1/events/a/history/").json()["history"][0]
    assert (expired["reason"], expired["by"]) == ("expired after 2020-01-01", None)
    promoted = staff.get("/api/v1/events/b/history/").json()["history"][0]
    assert (promoted["reason"], promoted["by"]) == ("moved up from 2nd to 1st option", None)


def test_holds_are_staff_only(expo, anonymous, user):
    f.event("a")
    assert anonymous.get(URL).status_code in (401, 403)
    assert user.get(URL).status_code == 403
    assert place(user).status_code == 403


def test_the_history_says_who_changed_what(expo, staff):
    f.event("a"), f.event("b")
    changed = staff.patch("/api/v1/events/a/", {"attendance": 25000}, format="json")
    assert changed.status_code == 200
    first = place(staff, "a").json()
    place(staff, "b", "2026-09-21")
    staff.post(f"{URL}{first['id']}/release/")
    history = staff.get("/api/v1/events/a/history/").json()["history"]
    edit = next(h for h in history if h["object"] == "event" and h["type"] == "changed")
    assert edit["by"] == "planner"
    assert {"field": "attendance", "old": 20000, "new": 25000} in edit["changes"]
    reasons = [(h["object"], h["reason"], h["by"]) for h in history if h["object"] == "hold"]
    assert ("hold", "released", "planner") in reasons and (
        "hold",
        "placed as 1st option",
        "planner",
    ) in reasons
    promoted = staff.get("/api/v1/events/b/history/").json()["history"]
    assert promoted[0]["reason"] == "moved up from 2nd to 1st option"
    assert {"field": "rank", "old": 2, "new": 1} in promoted[0]["changes"]


def test_the_history_shows_a_role_the_holds_of_its_own_categories_only(expo, staff):
    f.event("a")  # an exhibition: the convention group's
    place(staff, "a")
    sports = APIClient()
    sports.force_authenticate(user_with_role("bureau", "sports"))
    convention = APIClient()
    convention.force_authenticate(user_with_role("desk", "convention"))
    seen_by = {
        name: {h["object"] for h in client.get("/api/v1/events/a/history/").json()["history"]}
        for name, client in (("sports", sports), ("convention", convention))
    }
    # As in the holds list, which hides the exhibition's hold (and its organiser) from sports.
    assert seen_by == {"sports": {"event"}, "convention": {"event", "hold"}}
    assert sports.get(URL).json()["results"] == []


def test_the_history_lists_what_a_change_of_allowed_venues_was(expo, staff):
    f.venue("hall"), f.event("a")
    staff.patch("/api/v1/events/a/", {"allowed_venues": ["expo", "hall"]}, format="json")
    staff.patch("/api/v1/events/a/", {"allowed_venues": ["hall"]}, format="json")
    history = staff.get("/api/v1/events/a/history/").json()["history"]
    changes = [h["changes"] for h in history if h["type"] == "changed"]
    assert changes == [
        [{"field": "allowed_venues", "old": ["expo", "hall"], "new": ["hall"]}],
        [{"field": "allowed_venues", "old": [], "new": ["expo", "hall"]}],
    ]


def test_publishing_an_event_where_it_already_was_records_nothing(expo, staff):
    a = f.event("a")
    f.published_plan([(a, expo, D(2026, 9, 20), [])])
    before = a.history.count()
    f.published_plan([(a, expo, D(2026, 9, 20), [])])
    assert a.history.count() == before
    assert all(h["changes"] or h["type"] != "changed" for h in history_of(staff, "a"))


def history_of(client, event: str) -> list[dict]:
    return client.get(f"/api/v1/events/{event}/history/").json()["history"]


def test_history_is_staff_only_and_404s_for_unknown_events(expo, staff, user):
    f.event("a")
    assert user.get("/api/v1/events/a/history/").status_code == 403
    assert staff.get("/api/v1/events/nope/history/").status_code == 404


def test_publishing_is_recorded_without_breaking_immutability(expo):
    version = f.published_plan([(f.event("a"), expo, D(2026, 9, 20), [])])
    assert version.history.count() == 1 and version.plan.history.count() == 1
    with pytest.raises(ValueError, match="immutable"):
        version.save()


def test_the_admin_lists_holds_with_their_history(expo, client, django_user_model):
    hold = f.hold(f.event("a"), expo, D(2026, 9, 20))
    client.force_login(
        django_user_model.objects.create(username="boss", is_staff=True, is_superuser=True)
    )
    assert client.get("/admin/bookings/venuehold/").status_code == 200
    assert client.get(f"/admin/bookings/venuehold/{hold.pk}/history/").status_code == 200
    assert client.get("/admin/events/event/a/history/").status_code == 200
    response = client.post(
        "/admin/bookings/venuehold/",
        {"action": "release", "_selected_action": [hold.pk]},
    )
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.status == VenueHold.Status.RELEASED


def test_the_admin_adds_a_hold_through_the_service(expo, client, django_user_model):
    f.event("a")
    boss = django_user_model.objects.create(username="boss", is_staff=True, is_superuser=True)
    client.force_login(boss)
    body = {"event": "a", "venue": "expo", "start": "2026-09-20", "expires_on": "2099-01-01"}
    response = client.post("/admin/bookings/venuehold/add/", body | {"holder_email": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    hold = VenueHold.objects.get()
    assert (hold.rank, hold.holder, hold.occupancy_start) == (1, boss, D(2026, 9, 18))
    refused = client.post("/admin/bookings/venuehold/add/", body | {"start": "2026-12-30"})
    assert refused.status_code == 302 and VenueHold.objects.count() == 1
