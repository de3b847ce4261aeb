"""The catalogue over HTTP: CRUD, filters, lifecycle actions and the one error shape."""

import pytest

from events import services
from events.models import Event, PlanningRules
from tests.api.conftest import errors_by_field
from tests.catalogue import factories as make
from venues.models import Venue

pytestmark = pytest.mark.django_db
D = make.D

VENUE = {
    "id": "hall.A-1",
    "name_zh": "一号馆",
    "name_en": "Hall A-1",
    "kind": "exhibition_centre",
    "district": "Baohe",
    "address_zh": "",
    "address_en": "Jinxiu Avenue",
    "lat": 31.7,
    "lon": 117.3,
    "capacity": 5000,
    "area_m2": 20000,
    "features": ["plenary_hall"],
    "unavailable": [{"start": "2026-03-01", "end": "2026-03-05", "reason": "maintenance"}],
}
EVENT = {
    "id": "forum-2026",
    "name_zh": "论坛",
    "name_en": "Forum",
    "category": "conference",
    "international": True,
    "duration_days": 2,
    "window_start": "2026-05-01",
    "window_end": "2026-05-31",
    "attendance": 800,
    "required_features": ["plenary_hall"],
}


@pytest.fixture
def plenary():
    return make.feature("plenary_hall")


# --- reading and writing ------------------------------------------------------------------


def test_anyone_reads_only_staff_writes(anonymous, user, staff, plenary):
    make.venue()
    assert anonymous.get("/api/v1/venues/").status_code == 200
    assert anonymous.post("/api/v1/venues/", VENUE, format="json").status_code == 403
    assert user.post("/api/v1/venues/", VENUE, format="json").status_code == 403
    assert staff.post("/api/v1/venues/", VENUE, format="json").status_code == 201


def test_venue_create_read_update_delete(staff, plenary):
    created = staff.post("/api/v1/venues/", VENUE, format="json")
    assert created.status_code == 201, created.json()
    assert created.json() == VENUE | {"revision": 1}
    url = "/api/v1/venues/hall.A-1/"
    assert staff.get(url).json()["unavailable"][0]["reason"] == "maintenance"

    changed = staff.patch(
        url,
        {"capacity": 6000, "unavailable": [{"start": "2026-04-01", "end": "2026-04-02"}]},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["capacity"] == 6000
    assert changed.json()["unavailable"] == [
        {"start": "2026-04-01", "end": "2026-04-02", "reason": ""}
    ]
    assert changed.json()["features"] == ["plenary_hall"], "left alone when not sent"

    renamed = staff.put(url, {**VENUE, "id": "elsewhere", "name_en": "Hall One"}, format="json")
    assert renamed.status_code == 200
    assert renamed.json()["id"] == "hall.A-1", "an id is given once"

    assert staff.delete(url).status_code == 204
    assert not Venue.objects.exists()


def test_hotel_create_read_update(staff):
    hotel = {
        "id": "h1",
        "name_zh": "酒店",
        "name_en": "",
        "stars": 4,
        "district": "Shushan",
        "address_zh": "",
        "address_en": "",
        "lat": 31.8,
        "lon": 117.2,
        "block_rooms": 200,
        "reduced": [{"start": "2026-10-01", "end": "2026-10-07", "block_rooms": 50}],
    }
    created = staff.post("/api/v1/hotels/", hotel, format="json")
    assert created.status_code == 201, created.json()
    assert created.json() == hotel | {"revision": 1}
    changed = staff.patch("/api/v1/hotels/h1/", {"stars": 5, "reduced": []}, format="json")
    assert (changed.json()["stars"], changed.json()["reduced"]) == (5, [])
    assert staff.get("/api/v1/hotels/?stars__gte=5").json()["count"] == 1
    assert staff.get("/api/v1/hotels/?district=Baohe").json()["count"] == 0


def test_feature_create_update_and_delete_in_use(staff):
    created = staff.post(
        "/api/v1/features/", {"code": "go_hall", "name_zh": "围棋厅", "name_en": "Go hall"}
    )
    assert created.status_code == 201
    assert (
        staff.patch("/api/v1/features/go_hall/", {"name_en": "Go playing hall"}).status_code == 200
    )
    make.venue(features=["go_hall"])
    refused = staff.delete("/api/v1/features/go_hall/")
    assert refused.status_code == 400
    assert "still used" in errors_by_field(refused)[None][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("duration_days", 3661),
        ("attendance", 10**9 + 1),
        ("hotel_rooms_per_night", 10**6 + 1),
        ("window_end", "3000-01-01"),
        ("preferred_start", "1899-12-31"),
    ],
)
def test_an_event_the_solver_could_not_read_is_400_naming_the_field(staff, plenary, field, value):
    refused = staff.post("/api/v1/events/", EVENT | {field: value}, format="json")
    assert refused.status_code == 400
    assert field in errors_by_field(refused)
    assert not Event.objects.exists()


def test_event_create_read_update(staff, plenary):
    created = staff.post("/api/v1/events/", EVENT, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "requested"
    assert body["required_features"] == ["plenary_hall"]
    assert body["hotel_rooms_per_night"] is None

    changed = staff.patch(
        "/api/v1/events/forum-2026/",
        {"hotel_rooms_per_night": 120, "hotel_min_stars": 4, "status": "confirmed"},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["hotel_min_stars"] == 4
    assert changed.json()["status"] == "requested", "status moves through the actions only"


def test_event_filters_search_ordering_and_pagination(staff):
    expo = make.venue()
    make.event("a-2026", category="exhibition", required_features=["plenary_hall"])
    make.event(
        "b-2027",
        category="sports",
        international=False,
        area_m2=0,
        window_start=D(2027, 5, 1),
        window_end=D(2027, 5, 31),
    )
    placed = make.event("c-2026", category="conference", attendance=10, area_m2=0)
    services.event_place(event=placed, venue=expo, start=D(2026, 9, 2))

    def ids(query: str) -> list[str]:
        response = staff.get(f"/api/v1/events/?{query}")
        assert response.status_code == 200, response.json()
        return [e["id"] for e in response.json()["results"]]

    assert ids("category=sports") == ["b-2027"]
    assert ids("international=false") == ["b-2027"]
    assert ids("status=placed") == ["c-2026"]
    assert ids("year=2027") == ["b-2027"]
    assert ids("venue=expo") == ["c-2026"]
    assert ids("search=b-2027") == ["b-2027"]
    assert ids("feature=plenary_hall") == ["a-2026"]
    assert ids("ordering=-id") == ["c-2026", "b-2027", "a-2026"]
    page = staff.get("/api/v1/events/?page_size=2").json()
    assert (page["count"], len(page["results"]), page["next"] is not None) == (3, 2, True)


def test_venue_filters(anonymous):
    make.venue("big", capacity=50000, district="Baohe")
    make.venue("small", capacity=100, area_m2=0, kind="theatre", district="Shushan", features=[])

    def ids(query: str) -> list[str]:
        return [v["id"] for v in anonymous.get(f"/api/v1/venues/?{query}").json()["results"]]

    assert ids("kind=theatre") == ["small"]
    assert ids("district=Baohe") == ["big"]
    assert ids("capacity__gte=1000") == ["big"]
    assert ids("features=plenary_hall") == ["big"]
    assert ids("ordering=capacity") == ["small", "big"]


def test_targets_and_blackouts(staff, anonymous):
    target = {"year": 2026, "category": "sports", "international": True, "min_count": 3}
    created = staff.post("/api/v1/targets/", target, format="json")
    assert created.status_code == 201, created.json()
    duplicate = staff.post("/api/v1/targets/", target, format="json")
    assert duplicate.status_code == 400
    assert "already a target" in errors_by_field(duplicate)[None][0]
    update = staff.patch(f"/api/v1/targets/{created.json()['id']}/", {"min_count": 4})
    assert update.json()["min_count"] == 4
    assert anonymous.get("/api/v1/targets/?year=2027").json()["count"] == 0

    blackout = {
        "start": "2026-02-15",
        "end": "2026-02-23",
        "categories": None,
        "reason_zh": "春节",
        "reason_en": "Spring Festival",
    }
    created = staff.post("/api/v1/blackouts/", blackout, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["categories"] is None
    changed = staff.patch(
        f"/api/v1/blackouts/{created.json()['id']}/", {"categories": ["sports"]}, format="json"
    )
    assert changed.json()["categories"] == ["sports"]
    assert anonymous.get("/api/v1/blackouts/?year=2026").json()["count"] == 1
    assert anonymous.get("/api/v1/blackouts/?year=2025").json()["count"] == 0


def test_rules_read_and_update(staff, anonymous):
    assert anonymous.get("/api/v1/rules/").json()["min_gap_sports_days"] is None
    changed = staff.patch(
        "/api/v1/rules/",
        {"min_gap_sports_days": 14, "major_attendance_at_least": 10000, "major_max_events": 2},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert PlanningRules.objects.get().min_gap_sports_days == 14
    half = staff.patch("/api/v1/rules/", {"major_max_events": None}, format="json")
    assert half.status_code == 400
    assert errors_by_field(half)[None] == ["Give both the attendance and the number of events."]


# --- lifecycle actions --------------------------------------------------------------------


def test_confirm_and_cancel_actions(staff, anonymous):
    make.venue()
    make.event()
    assert anonymous.post("/api/v1/events/wmc/cancel/").status_code == 403
    confirmed = staff.post(
        "/api/v1/events/wmc/confirm/", {"venue": "expo", "start": "2026-09-20"}, format="json"
    )
    assert confirmed.status_code == 200, confirmed.json()
    assert (confirmed.json()["status"], confirmed.json()["pinned_venue"]) == ("confirmed", "expo")
    again = staff.post(
        "/api/v1/events/wmc/confirm/", {"venue": "expo", "start": "2026-09-21"}, format="json"
    )
    assert again.status_code == 400
    assert errors_by_field(again) == {
        "status": ["The contract already fixes venue and first day; cancel it to sign anew."]
    }
    assert staff.post("/api/v1/events/wmc/cancel/").json()["status"] == "cancelled"


def test_confirm_at_a_venue_that_cannot_host_is_400_naming_the_field(staff):
    make.venue("tiny", capacity=10, area_m2=10, features=[])
    make.event()
    response = staff.post(
        "/api/v1/events/wmc/confirm/", {"venue": "tiny", "start": "2026-09-20"}, format="json"
    )
    assert response.status_code == 400
    assert "holds 10 people" in errors_by_field(response)["pinned_venue"][0]
    assert Event.objects.get().status == "requested"


def test_confirm_needs_a_known_venue(staff):
    make.event()
    response = staff.post(
        "/api/v1/events/wmc/confirm/", {"venue": "nowhere", "start": "2026-09-20"}, format="json"
    )
    assert errors_by_field(response) == {"venue": ["Unknown venue nowhere."]}


@pytest.mark.parametrize(
    ("body", "contract"),
    [({"venue": "expo"}, ["expo", None]), ({"start": "2026-09-20"}, [None, "2026-09-20"])],
)
def test_confirm_signs_the_venue_or_the_days_alone_then_completes_the_contract(
    staff, body, contract
):
    make.venue()
    make.event()
    signed = staff.post("/api/v1/events/wmc/confirm/", body, format="json")
    assert signed.status_code == 200, signed.json()
    assert [signed.json()[f] for f in ("status", "pinned_venue", "pinned_start")] == [
        "confirmed",
        *contract,
    ]
    both = {"venue": "expo", "start": "2026-09-20"}
    completed = staff.post("/api/v1/events/wmc/confirm/", both, format="json")
    assert completed.status_code == 200, completed.json()
    assert [completed.json()[f] for f in ("pinned_venue", "pinned_start")] == ["expo", "2026-09-20"]
    history = staff.get("/api/v1/events/wmc/history/").json()["history"]
    assert history[0]["reason"] == "contract completed: expo from 2026-09-20"


@pytest.mark.parametrize(
    ("first", "body", "errors"),
    [
        (None, {}, {"venue", "start"}),
        (None, {"venue": None, "start": None}, {"venue", "start"}),
        (None, {"start": "2026-02-30"}, {"start"}),
        ({"venue": "expo"}, {"venue": "hall", "start": "2026-09-20"}, {"venue"}),
        ({"venue": "expo"}, {"venue": "expo"}, {"start"}),
        ({"start": "2026-09-20"}, {"venue": "expo", "start": "2026-09-21"}, {"start"}),
    ],
)
def test_confirm_without_a_half_or_changing_a_signed_one_is_400_naming_the_field(
    staff, first, body, errors
):
    make.venue(), make.venue("hall")
    make.event()
    if first:
        assert staff.post("/api/v1/events/wmc/confirm/", first, format="json").status_code == 200
    before = staff.get("/api/v1/events/wmc/").json()
    response = staff.post("/api/v1/events/wmc/confirm/", body, format="json")
    assert response.status_code == 400
    assert set(errors_by_field(response)) == errors
    assert staff.get("/api/v1/events/wmc/").json() == before


# --- validation: one error shape, the field named -----------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"window_end": "2026-04-01"}, "window_end", "before it starts"),
        ({"window_end": "2026-05-01"}, "window_end", "fewer than the event's 2 public days"),
        ({"window_end": None}, "window_end", "together, or neither"),
        ({"attendance": -1}, "attendance", ""),
        ({"setup_days": -2}, "setup_days", ""),
        ({"duration_days": 0}, "duration_days", ""),
        ({"value": -5}, "value", ""),
        ({"hotel_min_stars": 4}, "hotel_rooms_per_night", "rooms needed per night"),
        (
            {"hotel_rooms_per_night": 0, "hotel_nights_before": 1},
            "hotel_rooms_per_night",
            "rooms needed per night",
        ),
        ({"required_features": ["ballroom"]}, "required_features", "Unknown feature ballroom."),
        ({"allowed_venues": ["nowhere"]}, "allowed_venues", "Unknown venue nowhere."),
        ({"start_time": "18:00", "end_time": "09:00"}, "end_time", "not after it starts"),
        ({"name_zh": "", "name_en": ""}, "name_zh", "Chinese or English"),
        ({"id": "no spaces"}, "id", ""),
    ],
)
def test_event_validation_errors(staff, plenary, change, field, words):
    response = staff.post("/api/v1/events/", {**EVENT, **change}, format="json")
    assert response.status_code == 400, response.json()
    messages = errors_by_field(response)
    assert field in messages, messages
    assert words in " ".join(messages[field])
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"capacity": -1}, "capacity", ""),
        ({"area_m2": -10}, "area_m2", ""),
        ({"lon": None}, "lon", "together, or neither"),
        ({"features": ["moon_base"]}, "features", "Unknown feature moon_base."),
        (
            {"unavailable": [{"start": "2026-03-05", "end": "2026-03-01"}]},
            "unavailable.0.end",
            "before it starts",
        ),
        ({"kind": "castle"}, "kind", ""),
    ],
)
def test_venue_validation_errors(staff, plenary, change, field, words):
    response = staff.post("/api/v1/venues/", {**VENUE, **change}, format="json")
    assert response.status_code == 400, response.json()
    messages = errors_by_field(response)
    assert field in messages, messages
    assert words in " ".join(messages[field])
    assert not Venue.objects.exists(), "the venue and its rows are written in one transaction"


def test_nested_row_error_rolls_back_the_update(staff, plenary):
    staff.post("/api/v1/venues/", VENUE, format="json")
    response = staff.patch(
        "/api/v1/venues/hall.A-1/",
        {"capacity": 9, "unavailable": [{"start": "2026-03-05", "end": "2026-03-01"}]},
        format="json",
    )
    assert response.status_code == 400
    venue = Venue.objects.get()
    assert venue.capacity == 5000
    assert venue.unavailable.count() == 1


def test_hotel_and_blackout_validation_errors(staff):
    hotel = {"id": "h", "name_en": "H", "stars": 6, "lat": 1, "lon": 1, "block_rooms": -1}
    response = staff.post("/api/v1/hotels/", hotel, format="json")
    assert set(errors_by_field(response)) >= {"stars", "block_rooms"}
    response = staff.post(
        "/api/v1/hotels/",
        {
            **hotel,
            "stars": 3,
            "block_rooms": 10,
            "reduced": [{"start": "2026-10-07", "end": "2026-10-01", "block_rooms": 5}],
        },
        format="json",
    )
    assert "reduced.0.end" in errors_by_field(response)
    response = staff.post(
        "/api/v1/blackouts/", {"start": "2026-02-23", "end": "2026-02-15"}, format="json"
    )
    assert "before it starts" in errors_by_field(response)["end"][0]
    response = staff.post(
        "/api/v1/blackouts/",
        {"start": "2026-02-15", "end": "2026-02-16", "categories": ["opera"]},
        format="json",
    )
    assert "categories.0" in errors_by_field(response) or "categories" in errors_by_field(response)


def test_not_found_and_protected_use_the_same_shape(staff):
    assert errors_by_field(staff.get("/api/v1/venues/nowhere/"))[None]
    expo = make.venue()
    services.event_confirm(event=make.event(), venue=expo, start=D(2026, 9, 20))
    response = staff.delete("/api/v1/venues/expo/")
    assert response.status_code == 409
    assert "wmc" in errors_by_field(response)[None][0]


def test_schema_and_docs_load(anonymous):
    assert anonymous.get("/api/schema/").status_code == 200
    assert anonymous.get("/api/docs/").status_code == 200


def test_the_schema_documents_confirm_and_place_with_their_own_body(anonymous):
    schema = anonymous.get("/api/schema/?format=json").json()

    def component(ref: str) -> dict:
        return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]

    for action in ("confirm", "place"):
        body = schema["paths"][f"/api/v1/events/{{id}}/{action}/"]["post"]["requestBody"]
        assert set(
            component(body["content"]["application/json"]["schema"]["$ref"])["properties"]
        ) == {"venue", "start"}
    placements = component("#/PlanDetail")["properties"]["placements"]["items"]["$ref"]
    assert "room_blocks" in component(placements)["properties"], "a plan's placements"


def test_a_venue_update_that_breaks_a_confirmed_event_is_refused(staff):
    expo = make.venue()
    services.event_confirm(event=make.event(), venue=expo, start=D(2026, 9, 20))
    response = staff.patch(
        "/api/v1/venues/expo/",
        {"unavailable": [{"start": "2026-09-21", "end": "2026-09-21"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "Confirmed event wmc" in errors_by_field(response)[None][0]
    assert not expo.unavailable.exists()


@pytest.mark.parametrize("index", [0, 1])
def test_a_malformed_nested_row_is_named_by_its_index(staff, plenary, index):
    rows = [{"start": "2026-03-01", "end": "2026-03-02"}] * 2
    rows[index] = {"start": "2026-02-30", "end": "2026-03-01"}
    response = staff.post("/api/v1/venues/", {**VENUE, "unavailable": rows}, format="json")
    assert response.status_code == 400
    assert f"unavailable.{index}.start" in errors_by_field(response)


@pytest.mark.parametrize("resource", ["events", "blackouts"])
@pytest.mark.parametrize("year", ["10000", "0", "-1", "2026.5", "99999999999999999999"])
def test_a_year_no_calendar_has_is_400_naming_the_filter(staff, resource, year):
    response = staff.get(f"/api/v1/{resource}/?year={year}")
    assert response.status_code == 400
    assert "year" in errors_by_field(response)


@pytest.mark.parametrize(
    ("action", "start", "field"),
    [
        ("confirm", "9999-12-30", "pinned_start"),
        ("confirm", "0001-01-01", "pinned_start"),
        ("place", "9999-12-31", "previous_start"),
    ],
)
def test_a_placement_off_the_formats_calendar_is_400(staff, action, start, field):
    expo = make.venue()
    event = make.event(window_start=None, window_end=None)
    response = staff.post(
        f"/api/v1/events/{event.pk}/{action}/", {"venue": expo.pk, "start": start}, format="json"
    )
    assert response.status_code == 400
    assert "Dates run from 1900-01-01 to 2999-12-31" in errors_by_field(response)[field][0]
    assert Event.objects.get().status == "requested"


@pytest.mark.parametrize(
    ("resource", "queries"),
    # count, page, then one query per prefetched relation: never one per row
    [("venues", 4), ("hotels", 3), ("events", 4)],
)
def test_a_list_page_takes_the_same_few_queries_however_many_rows(
    staff, django_assert_num_queries, resource, queries
):
    for i in range(6):
        venue = make.venue(
            f"v{i}", unavailable=[{"start": D(2026, 1, 1), "end": D(2026, 1, 2), "reason": ""}]
        )
        make.hotel(
            f"h{i}", reduced=[{"start": D(2026, 10, 1), "end": D(2026, 10, 7), "block_rooms": 9}]
        )
        event = make.event(f"e{i}", required_features=["plenary_hall"], allowed_venues=[venue])
        services.event_place(event=event, venue=venue, start=D(2026, 9, 10))
    with django_assert_num_queries(queries):
        response = staff.get(f"/api/v1/{resource}/")
    assert len(response.json()["results"]) == 6


def test_a_partly_pinned_event_reads_and_filters_by_its_half_of_the_contract(staff):
    expo = make.venue()
    no_window = {"window_start": None, "window_end": None}
    make.event("sited", status="confirmed", pinned_venue=expo, **no_window)
    make.event("dated", status="confirmed", pinned_start=D(2026, 9, 20), **no_window)
    sited = staff.get("/api/v1/events/sited/").json()
    assert (sited["status"], sited["pinned_venue"], sited["pinned_start"]) == (
        "confirmed",
        "expo",
        None,
    )

    def ids(query: str) -> list[str]:
        return [e["id"] for e in staff.get(f"/api/v1/events/?{query}").json()["results"]]

    assert ids("venue=expo") == ["sited"]
    assert ids("year=2026") == ["dated", "sited"]
    assert ids("year=2027") == ["sited"], "days left open: any year; a pinned day ties it to 2026"


@pytest.mark.parametrize(
    ("pin", "change", "field", "words"),
    [
        ({"pinned_venue": "expo"}, {"attendance": 50000}, "pinned_venue", "holds 30000 people"),
        ({"pinned_start": D(2026, 9, 20)}, {"window_end": "2026-09-21"}, "pinned_start",
         "leave the window 2026-09-01..2026-09-21"),
    ],
)  # fmt: skip
def test_an_edit_a_partial_pin_cannot_hold_is_400_naming_the_field(
    staff, pin, change, field, words
):
    make.venue()
    pin = {k: Venue.objects.get(pk=v) if k == "pinned_venue" else v for k, v in pin.items()}
    make.event(status="confirmed", **pin)
    response = staff.patch("/api/v1/events/wmc/", change, format="json")
    assert response.status_code == 400
    assert words in " ".join(errors_by_field(response)[field])


def test_a_confirmed_event_is_cancelled_not_deleted(staff):
    event = make.event(id="signed")
    services.event_confirm(event=event, venue=make.venue(), start=make.D(2026, 9, 20))
    refused = staff.delete("/api/v1/events/signed/")
    assert refused.status_code == 400
    assert "cancelled, not deleted" in errors_by_field(refused)["status"][0]
    assert Event.objects.filter(pk="signed", status="confirmed").exists()
    assert staff.delete(f"/api/v1/events/{make.event(id='mistake').pk}/").status_code == 204
