"""Nothing signed is undone: an edit made from an old copy never reverts a confirm or a cancel.

Every update locks the row, reads it again and writes only its own fields;
the lifecycle (status, contract, published placement) moves through confirm,
place and cancel alone. A client that sends back the ETag it read as
If-Match is refused with a 412 when the row has changed since.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

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
    for language, words in (("en", "changed since it was read"), ("zh-hans", "在读取之后已被修改")):
        stale = staff.patch(
            f"/api/v1/{kind}/{code}/",
            change,
            format="json",
            HTTP_IF_MATCH=old,
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert stale.status_code == 412
        (message,) = errors_by_field(stale)[None]
        assert words in message
    assert staff.get(f"/api/v1/{kind}/{code}/").json() == current


def test_if_match_takes_a_list_and_a_weak_tag_matches_nothing(
    staff,  # noqa: F811
    catalogue,
):
    current = staff.get("/api/v1/events/wmc/")["ETag"]
    listed = staff.patch(
        "/api/v1/events/wmc/", {"organiser": "a"}, format="json", HTTP_IF_MATCH=f'"999", {current}'
    )
    assert listed.status_code == 200  # RFC 9110: any tag of the list may match
    weak = staff.patch(
        "/api/v1/events/wmc/",
        {"organiser": "b"},
        format="json",
        HTTP_IF_MATCH=f"W/{listed['ETag']}",
    )
    assert weak.status_code == 412  # strong comparison: a weak tag never matches
    assert (
        "a weak ETag never matches"
        in staff.patch(
            "/api/v1/events/wmc/",
            {},
            format="json",
            HTTP_IF_MATCH='W/"1"',
            HTTP_ACCEPT_LANGUAGE="en",
        ).json()["errors"][0]["message"]
    )
    malformed = staff.patch(
        "/api/v1/events/wmc/", {"organiser": "c"}, format="json", HTTP_IF_MATCH="1"
    )
    assert malformed.status_code == 400
    assert "If-Match" in errors_by_field(malformed)
    assert Event.objects.get(pk="wmc").organiser == "a"


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/v1/events/wmc/confirm/", CONTRACT),
        ("post", "/api/v1/events/wmc/place/", CONTRACT),
        ("post", "/api/v1/events/wmc/cancel/", None),
        ("delete", "/api/v1/events/wmc/", None),
        ("delete", "/api/v1/venues/expo/", None),
        ("delete", "/api/v1/hotels/grand/", None),
    ],
)
def test_a_lifecycle_step_or_a_delete_with_an_old_etag_is_a_412(
    staff,  # noqa: F811
    catalogue,
    method,
    url,
    body,
):
    row = url.rsplit("/", 2)[0] + "/" if url.endswith(("confirm/", "place/", "cancel/")) else url
    old = staff.get(row)["ETag"]
    staff.patch(row, {"name_en": "Renamed"}, format="json")
    refused = getattr(staff, method)(url, body, format="json", HTTP_IF_MATCH=old)
    assert refused.status_code == 412, refused.content
    assert staff.get(row).json()["name_en"] == "Renamed"
    assert Event.objects.get(pk="wmc").status == "requested"


@pytest.mark.django_db
def test_a_save_from_an_old_copy_never_hands_out_a_revision_again():
    read_before = f.event("wmc")  # revision 1
    services.event_update(event=Event.objects.get(pk="wmc"), organiser="desk")  # 2
    read_before.organiser = "admin"
    read_before.save(update_fields=["organiser"])  # a save past the services
    assert Event.objects.get(pk="wmc").revision == 3 == read_before.revision


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


def action(code: str, name: str, body: dict | None, auth: str) -> tuple:
    return ("POST", f"/api/v1/events/{code}/{name}/", body, auth)


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


def races(
    live_server, prepare: Callable[[str], object], requests: Callable[[str], list[tuple]]
) -> Iterator[tuple[str, list[tuple[int, dict]]]]:
    """Each of the RACES attempts: a code of its own (event, venue), prepared, and the answers
    to ``requests(code)`` sent at the same moment."""
    for attempt in range(RACES):
        code = f"wmc-{attempt}"
        prepare(code)
        yield code, requests_at_once(live_server.url, requests(code))


def a_venue_and_an_event(code: str) -> None:
    f.venue(code), f.event(code)


def a_contract(code: str) -> None:
    services.event_confirm(event=f.event(code), venue=f.venue(code), start=D(2026, 9, 20))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_confirmation_and_an_edit_at_once_keep_the_contract(live_server, no_throttling):
    booker, editor = desk("booker"), desk("editor")
    for code, (confirm, patch) in races(
        live_server, a_venue_and_an_event, lambda c: [contract(c, booker), edit(c, editor)]
    ):
        assert confirm[0] == 200, confirm
        assert_contracted(code, patch)
        assert_edit_kept_or_refused(patch, code)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_cancellation_and_an_edit_at_once_keep_it_cancelled(live_server, no_throttling):
    booker, editor = desk("booker"), desk("editor")
    for code, (cancel, patch) in races(
        live_server, f.event, lambda c: [action(c, "cancel", None, booker), edit(c, editor)]
    ):
        assert cancel[0] == 200, cancel
        assert Event.objects.get(pk=code).status == "cancelled", patch
        assert_edit_kept_or_refused(patch, code)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_confirmation_and_a_publication_at_once_keep_the_contract(live_server, no_throttling):
    """The plan places the event on 1 October; the desk signs 20 September at the same moment."""
    booker, publisher = desk("booker"), planner("publisher")
    plans = {}

    def a_plan(code: str) -> None:
        plans[code] = f.stored_plan([(f.event(code), f.venue(code), D(2026, 10, 1), [])])

    def publish_it(code: str) -> tuple:
        return ("POST", f"/api/v1/plans/{plans[code].pk}/publish/", {"comment": "w"}, publisher)

    for code, (confirm, publish) in races(
        live_server, a_plan, lambda c: [contract(c, booker), publish_it(c)]
    ):
        assert confirm[0] == 200, confirm
        assert publish[0] in (201, 400, 409), publish
        assert_contracted(code, publish)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_publishing_a_placement_and_an_edit_at_once_never_deadlock(live_server, no_throttling):
    """Place locks no venue, so it cannot invert the venue-before-event order of an edit."""
    booker, editor = desk("booker"), desk("editor")
    for code, (place, patch) in races(
        live_server,
        a_contract,
        lambda c: [action(c, "place", CONTRACT | {"venue": c}, booker), edit(c, editor)],
    ):
        assert place[0] == 200, place
        assert_contracted(code, patch)
        assert_edit_kept_or_refused(patch, code)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_edit_of_an_event_deleted_at_that_moment_is_a_404(live_server, no_throttling):
    booker, editor = desk("booker"), desk("editor")
    for code, (delete, patch) in races(
        live_server,
        f.event,
        lambda c: [("DELETE", f"/api/v1/events/{c}/", None, booker), edit(c, editor)],
    ):
        assert delete[0] == 204, delete
        assert patch[0] in (200, 404), patch
        assert not Event.objects.filter(pk=code).exists()
