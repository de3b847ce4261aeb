"""Nothing double-booked: of two clashing confirmations exactly one wins, the other is a 409.

The confirm service checks contracts under the venue's row lock (every
database); on PostgreSQL an exclusion constraint refuses an exclusive clash
even from a write that skips the service.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from rest_framework.authtoken.models import Token

from events import services
from events.models import Event
from tests.api.conftest import errors_by_field, staff  # noqa: F401 (fixture)
from tests.holds import factories as f
from tests.roles import user_with_role
from tests.threads import requests_at_once

D = f.D


def confirm(client, event: str, start: str = "2026-09-20", venue: str = "expo"):
    return client.post(
        f"/api/v1/events/{event}/confirm/", {"venue": venue, "start": start}, format="json"
    )


@pytest.mark.django_db
def test_a_second_exclusive_booking_of_the_same_days_is_a_409_naming_the_first(staff):  # noqa: F811
    f.venue("expo")
    f.event("a", exclusive=True), f.event("b")
    assert confirm(staff, "a").status_code == 200
    clash = confirm(staff, "b", "2026-09-22")
    assert clash.status_code == 409, clash.json()
    (message,) = errors_by_field(clash)["start"]
    assert "booked by a 2026-09-18..2026-09-24 (exclusive)" in message
    assert Event.objects.get(pk="b").status == Event.Status.REQUESTED


@pytest.mark.django_db
def test_shared_bookings_fit_while_the_floor_area_lasts(staff):  # noqa: F811
    f.venue("expo", area_m2=100000)
    for code in "abc":
        f.event(code, area_m2=40000)
    assert confirm(staff, "a").status_code == 200
    assert confirm(staff, "b", "2026-09-21").status_code == 200
    full = confirm(staff, "c", "2026-09-26")  # move-in 09-24 meets a's and b's last days
    assert full.status_code == 409
    assert "has 20000 of 100000 m2 left beside a, b" in errors_by_field(full)["start"][0]
    assert confirm(staff, "c", "2026-10-10").status_code == 200  # later days are free


@pytest.mark.django_db
def test_an_edit_of_a_confirmed_event_that_would_clash_is_a_409(staff):  # noqa: F811
    f.venue("expo")
    f.event("a", area_m2=40000), f.event("b", area_m2=40000)
    assert confirm(staff, "a").status_code == 200
    assert confirm(staff, "b", "2026-09-22").status_code == 200  # shared: both fit
    for change in ({"exclusive": True}, {"area_m2": 70000}):
        edit = staff.patch("/api/v1/events/b/", change, format="json")
        assert edit.status_code == 409, edit.json()
        assert "a" in errors_by_field(edit)["pinned_start"][0]
    assert not Event.objects.get(pk="b").exclusive
    assert staff.patch("/api/v1/events/b/", {"teardown_days": 3}, format="json").status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_refuses_an_exclusive_clash_written_past_the_service():
    expo = f.venue("expo")
    services.event_confirm(event=f.event("a", exclusive=True), venue=expo, start=D(2026, 9, 20))
    f.event("b")
    with (
        pytest.raises(IntegrityError, match="event_confirmed_beside_exclusive"),
        transaction.atomic(),
    ):
        Event.objects.filter(pk="b").update(
            status="confirmed", pinned_venue=expo, pinned_start=D(2026, 9, 24)
        )
    # Shared events side by side are the service's to judge (floor area), not the constraint's.
    Event.objects.filter(pk="a").update(exclusive=False)
    Event.objects.filter(pk="b").update(
        status="confirmed", pinned_venue=expo, pinned_start=D(2026, 9, 24)
    )


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_contract_of_the_venue_alone_holds_no_days_in_the_database():
    """Its occupancy would be daterange(NULL, NULL): every day, clashing with every contract."""
    expo = f.venue("expo")
    f.event("sited", exclusive=True, status="confirmed", pinned_venue=expo)
    f.event("b", exclusive=True)
    Event.objects.filter(pk="b").update(
        status="confirmed", pinned_venue=expo, pinned_start=D(2026, 9, 24)
    )
    assert Event.objects.filter(status="confirmed", pinned_venue=expo).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_constraints_refusal_reaches_the_client_as_a_409(staff, monkeypatch):  # noqa: F811
    f.venue("expo")
    f.event("a", exclusive=True), f.event("b", exclusive=True)
    assert confirm(staff, "a").status_code == 200
    monkeypatch.setattr(services, "clash_messages", lambda **kwargs: [])  # as if raced past it
    clash = confirm(staff, "b")
    assert clash.status_code == 409
    assert "already booked on those days" in errors_by_field(clash)["start"][0]


# --- at the same moment, against a live server -------------------------------------------


def desk_token(name: str) -> str:
    """The Authorization header of a convention-desk staff member of their own."""
    return f"Token {Token.objects.create(user=user_with_role(name, 'convention')).key}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_staff_confirming_clashing_bookings_at_once_leave_it_to_the_first_option(
    live_server, settings, attempt
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None},
    }
    expo = f.venue("expo")
    f.event("a", exclusive=True), f.event("b", exclusive=True)
    hold = f.hold(f.event("c"), expo, D(2026, 9, 21))  # 1st option: its days were free
    results = requests_at_once(
        live_server.url,
        [
            (
                "POST",
                "/api/v1/events/a/confirm/",
                {"venue": "expo", "start": "2026-09-20"},
                desk_token("a"),
            ),
            (
                "POST",
                "/api/v1/events/b/confirm/",
                {"venue": "expo", "start": "2026-09-22"},
                desk_token("b"),
            ),
            ("POST", f"/api/v1/holds/{hold.pk}/confirm/", {}, desk_token("c")),
        ],
    )
    # The 1st option wins: a direct contract over it is refused while it is held (400)
    # or once it is booked (409), whichever the other desk meets first.
    (direct_a, direct_b, through_hold) = results
    assert through_hold[0] == 200, results
    for status, body in (direct_a, direct_b):
        words = {400: "is held for c", 409: "booked by"}.get(status)
        assert words is not None and words in body["errors"][0]["message"], results
    confirmed = Event.objects.filter(status=Event.Status.CONFIRMED)
    assert list(confirmed.values_list("id", flat=True)) == ["c"]
    connection.close()
