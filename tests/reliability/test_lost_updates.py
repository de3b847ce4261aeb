"""Nothing signed is undone: an edit made from an old copy never reverts a confirm or a cancel.

Every update locks the row, reads it again and writes only its own fields;
the lifecycle (status, contract, published placement) moves through confirm,
place and cancel alone. A client that sends back the ETag it read as
If-Match is refused with a 412 when the row has changed since.
"""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from events import services
from events.models import Event
from tests.api.conftest import errors_by_field, staff  # noqa: F401 (fixture)
from tests.holds import factories as f
from tests.roles import user_with_role
from tests.threads import requests_at_once
from venues.models import Hotel, Venue

D = f.D
CONTRACT = {"venue": "expo", "start": "2026-09-20"}


# --- an old copy -------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_edit_from_a_copy_read_before_the_confirmation_keeps_the_contract():
    expo = f.venue("expo")
    read_before = f.event("wmc")
    services.event_confirm(event=Event.objects.get(pk="wmc"), venue=expo, start=D(2026, 9, 20))
    services.event_update(event=read_before, description_en="typo fixed")
    event = Event.objects.get(pk="wmc")
    assert (event.status, event.pinned_venue_id, event.pinned_start) == (
        "confirmed",
        "expo",
        D(2026, 9, 20),
    )
    assert event.description_en == "typo fixed"


@pytest.mark.django_db
def test_an_edit_from_a_copy_read_before_the_cancellation_keeps_it_cancelled():
    read_before = f.event("wmc")
    services.event_cancel(event=Event.objects.get(pk="wmc"))
    services.event_update(event=read_before, organiser="Hefei Expo Group")
    assert Event.objects.get(pk="wmc").status == "cancelled"


@pytest.mark.django_db
def test_an_edit_cannot_write_the_lifecycle():
    with pytest.raises(TypeError, match="status change through confirm, place or cancel only"):
        services.event_update(event=f.event("wmc"), status="requested")


# --- If-Match in the API -----------------------------------------------------------------

ROWS = [
    ("events", "wmc", {"description_en": "typo fixed"}),
    ("venues", "expo", {"district": "Binhu"}),
    ("hotels", "grand", {"block_rooms": 250}),
]


@pytest.fixture
def catalogue(db):
    f.venue("expo"), f.hotel("grand"), f.event("wmc")


@pytest.mark.parametrize(("kind", "code", "change"), ROWS)
def test_a_change_sent_with_the_etag_it_read_is_made_and_a_new_etag_given(
    staff,  # noqa: F811
    catalogue,
    kind,
    code,
    change,
):
    read = staff.get(f"/api/v1/{kind}/{code}/")
    assert read["ETag"] == f'"{read.json()["revision"]}"'
    changed = staff.patch(
        f"/api/v1/{kind}/{code}/", change, format="json", HTTP_IF_MATCH=read["ETag"]
    )
    assert changed.status_code == 200, changed.json()
    assert changed["ETag"] != read["ETag"]
    assert changed["ETag"] == staff.get(f"/api/v1/{kind}/{code}/")["ETag"]


@pytest.mark.parametrize(("kind", "code", "change"), ROWS)
def test_a_change_sent_with_an_old_etag_is_a_412_and_changes_nothing(
    staff,  # noqa: F811
    catalogue,
    kind,
    code,
    change,
):
    old = staff.get(f"/api/v1/{kind}/{code}/")["ETag"]
    assert (
        staff.patch(f"/api/v1/{kind}/{code}/", {"name_zh": "新名"}, format="json").status_code
        == 200
    )
    current = staff.get(f"/api/v1/{kind}/{code}/").json()
    stale = staff.patch(f"/api/v1/{kind}/{code}/", change, format="json", HTTP_IF_MATCH=old)
    assert stale.status_code == 412
    (message,) = errors_by_field(stale)[None]
    assert "changed since it was read" in message
    assert staff.get(f"/api/v1/{kind}/{code}/").json() == current


@pytest.mark.parametrize("header", ['W/"1"', '"1", "2"', "1"])
def test_an_if_match_that_is_not_one_strong_etag_is_a_400_naming_the_header(
    staff,  # noqa: F811
    catalogue,
    header,
):
    answer = staff.patch(
        "/api/v1/events/wmc/", {"organiser": "x"}, format="json", HTTP_IF_MATCH=header
    )
    assert answer.status_code == 400
    assert "If-Match" in errors_by_field(answer)
    assert Event.objects.get(pk="wmc").organiser == ""


def test_a_confirmation_moves_the_etag_so_an_edit_read_before_it_is_refused(
    staff,  # noqa: F811
    catalogue,
):
    before = staff.get("/api/v1/events/wmc/")["ETag"]
    confirmed = staff.post("/api/v1/events/wmc/confirm/", CONTRACT, format="json")
    assert confirmed["ETag"] != before
    stale = staff.patch(
        "/api/v1/events/wmc/", {"description_en": "x"}, format="json", HTTP_IF_MATCH=before
    )
    assert stale.status_code == 412
    assert Event.objects.get(pk="wmc").status == "confirmed"


def test_a_star_or_no_if_match_changes_what_is_sent_over_the_row_as_stored(
    staff,  # noqa: F811
    catalogue,
):
    assert (
        staff.patch(
            "/api/v1/venues/expo/", {"district": "Binhu"}, format="json", HTTP_IF_MATCH="*"
        ).status_code
        == 200
    )
    assert staff.patch("/api/v1/hotels/grand/", {"stars": 4}, format="json").status_code == 200
    assert Venue.objects.get(pk="expo").district == "Binhu"
    assert Hotel.objects.get(pk="grand").stars == 4


# --- at the same moment, against a live server (PostgreSQL) ------------------------------

RACES = 20


def desk(name: str) -> str:
    """The Authorization header of a convention-group member of their own."""
    return f"Token {Token.objects.create(user=user_with_role(name, 'convention')).key}"


def planner(name: str) -> str:
    return f"Token {Token.objects.create(user=user_with_role(name, 'planner')).key}"


@pytest.fixture
def no_throttling(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None},
    }


def edit(code: str, auth: str) -> tuple:
    return ("PATCH", f"/api/v1/events/{code}/", {"description_en": f"typo fixed in {code}"}, auth)


def contract(code: str, auth: str) -> tuple:
    return ("POST", f"/api/v1/events/{code}/confirm/", {"venue": code, "start": "2026-09-20"}, auth)


def assert_edit_kept_or_refused(answer: tuple, code: str) -> None:
    """The PATCH either took (and its text is there) or was refused as stale: never a revert."""
    status, body = answer
    assert status in (200, 409, 412), answer
    if status == 200:
        assert Event.objects.get(pk=code).description_en == f"typo fixed in {code}"


def assert_contracted(code: str, answer: tuple) -> None:
    event = Event.objects.get(pk=code)
    signed = (event.status, event.pinned_venue_id, event.pinned_start)
    assert signed == ("confirmed", code, D(2026, 9, 20)), answer


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_confirmation_and_an_edit_at_once_keep_the_contract(live_server, no_throttling):
    booker, editor = desk("booker"), desk("editor")
    for attempt in range(RACES):
        code = f"wmc-{attempt}"  # an event and a venue of its own each time
        f.venue(code), f.event(code)
        confirm, patch = requests_at_once(
            live_server.url, [contract(code, booker), edit(code, editor)]
        )
        assert confirm[0] == 200, confirm
        assert_contracted(code, patch)
        assert_edit_kept_or_refused(patch, code)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_cancellation_and_an_edit_at_once_keep_it_cancelled(live_server, no_throttling):
    booker, editor = desk("booker"), desk("editor")
    for attempt in range(RACES):
        code = f"wmc-{attempt}"
        f.event(code)
        cancel, patch = requests_at_once(
            live_server.url,
            [("POST", f"/api/v1/events/{code}/cancel/", None, booker), edit(code, editor)],
        )
        assert cancel[0] == 200, cancel
        assert Event.objects.get(pk=code).status == "cancelled", patch
        assert_edit_kept_or_refused(patch, code)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_confirmation_and_a_publication_at_once_keep_the_contract(live_server, no_throttling):
    """The plan places the event on 1 October; the desk signs 20 September at the same moment."""
    booker, publisher = desk("booker"), planner("publisher")
    for attempt in range(RACES):
        code = f"wmc-{attempt}"
        plan = f.stored_plan([(f.event(code), f.venue(code), D(2026, 10, 1), [])])
        confirm, publish = requests_at_once(
            live_server.url,
            [
                contract(code, booker),
                ("POST", f"/api/v1/plans/{plan.pk}/publish/", {"comment": "week"}, publisher),
            ],
        )
        assert confirm[0] == 200, confirm
        assert publish[0] in (201, 400, 409), publish
        assert_contracted(code, publish)
