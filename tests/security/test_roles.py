"""Every write endpoint, role by role: refused (403) unless the role may, 2xx when it may.

One table row per endpoint: the method, the path (with ``{names}`` from the
``world`` fixture), the body, the roles allowed and the status they get.
Anyone else gets a 403: anonymous visitors too, as the session comes first
in the API's authentication (docs/security.md).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from tests.security.conftest import ROLES

CONVENTION = {"convention", "admin"}
SPORTS = {"sports", "admin"}
PLANNER = {"planner", "admin"}
WHAT_IF = {"convention", "sports", "planner", "admin"}  # try scenarios; planners publish them
CATALOGUE = {"convention", "planner", "admin"}
CONFERENCE_EVENTS = {"convention", "planner", "admin"}  # planners change any event
SPORTS_EVENTS = {"sports", "planner", "admin"}

VENUE = {
    "id": "hall-b",
    "name_zh": "二号馆",
    "name_en": "Hall B",
    "kind": "exhibition_centre",
    "lat": 31.7,
    "lon": 117.3,
    "capacity": 5000,
    "area_m2": 20000,
}
HOTEL = {
    "id": "lodge",
    "name_zh": "宾馆",
    "name_en": "Lodge",
    "stars": 4,
    "lat": 31.7,
    "lon": 117.3,
}
HOTEL |= {"block_rooms": 50}
EVENT = {
    "name_zh": "论坛",
    "name_en": "Forum",
    "international": True,
    "duration_days": 2,
    "window_start": "2026-05-01",
    "window_end": "2026-05-31",
}
HOLD = {"venue": "spare-hall", "expires_on": "2099-01-01"}


class Write(NamedTuple):
    method: str
    path: str
    body: dict[str, Any] | None
    allowed: set[str]
    status: int


WRITES = {
    "feature create": Write(
        "post", "features/", {"code": "wifi2", "name_en": "Wi-Fi"}, CATALOGUE, 201
    ),
    "feature update": Write("patch", "features/wifi/", {"name_en": "WLAN"}, CATALOGUE, 200),
    "feature delete": Write("delete", "features/wifi/", None, CATALOGUE, 204),
    "venue create": Write("post", "venues/", VENUE, CATALOGUE, 201),
    "venue update": Write("patch", "venues/expo/", {"district": "Shushan"}, CATALOGUE, 200),
    "venue delete": Write("delete", "venues/spare-hall/", None, CATALOGUE, 204),
    "hotel create": Write("post", "hotels/", HOTEL, CATALOGUE, 201),
    "hotel update": Write("patch", "hotels/grand/", {"stars": 4}, CATALOGUE, 200),
    "hotel delete": Write("delete", "hotels/inn/", None, CATALOGUE, 204),
    "conference create": Write(
        "post", "events/", EVENT | {"id": "forum", "category": "conference"}, CONVENTION, 201
    ),
    "sports create": Write(
        "post", "events/", EVENT | {"id": "race", "category": "sports"}, SPORTS, 201
    ),
    "conference update": Write(
        "patch", "events/conf/", {"attendance": 900}, CONFERENCE_EVENTS, 200
    ),
    "sports update": Write("patch", "events/run/", {"attendance": 900}, SPORTS_EVENTS, 200),
    "conference made sports": Write(
        "patch", "events/conf/", {"category": "sports"}, {"planner", "admin"}, 200
    ),
    "sports made exhibition": Write(
        "patch", "events/run/", {"category": "exhibition"}, {"planner", "admin"}, 200
    ),
    "conference delete": Write("delete", "events/conf-spare/", None, CONVENTION, 204),
    "conference cancel": Write("post", "events/conf/cancel/", None, CONFERENCE_EVENTS, 200),
    "sports cancel": Write("post", "events/run/cancel/", None, SPORTS_EVENTS, 200),
    "conference confirm": Write(
        "post",
        "events/conf/confirm/",
        {"venue": "expo", "start": "2026-09-10"},
        CONFERENCE_EVENTS,
        200,
    ),
    "sports place": Write(
        "post", "events/run/place/", {"venue": "expo", "start": "2026-10-12"}, SPORTS_EVENTS, 200
    ),
    "target create": Write(
        "post",
        "targets/",
        {"year": 2027, "category": "conference", "min_count": 2},
        PLANNER,
        201,
    ),
    "target update": Write("patch", "targets/{target}/", {"min_count": 3}, PLANNER, 200),
    "target delete": Write("delete", "targets/{target}/", None, PLANNER, 204),
    "blackout create": Write(
        "post", "blackouts/", {"start": "2027-02-01", "end": "2027-02-07"}, PLANNER, 201
    ),
    "blackout update": Write("patch", "blackouts/{blackout}/", {"reason_en": "Fair"}, PLANNER, 200),
    "blackout delete": Write("delete", "blackouts/{blackout}/", None, PLANNER, 204),
    "rules update": Write("patch", "rules/", {"min_gap_sports_days": 10}, PLANNER, 200),
    "conference hold": Write(
        "post", "holds/", HOLD | {"event": "conf", "start": "2026-10-15"}, CONVENTION, 201
    ),
    "sports hold": Write(
        "post", "holds/", HOLD | {"event": "run", "start": "2026-09-20"}, SPORTS, 201
    ),
    "conference hold release": Write(
        "post", "holds/{conference_hold}/release/", None, CONVENTION, 200
    ),
    "sports hold confirm": Write("post", "holds/{sports_hold}/confirm/", None, SPORTS, 200),
    "solve": Write(
        "post", "solve-runs/", {"start": "2026-01-01", "end": "2026-12-31"}, PLANNER, 202
    ),
    "plan publish": Write("post", "plans/{plan}/publish/", {"comment": "v1"}, PLANNER, 201),
    "scenario create": Write(
        "post",
        "scenarios/",
        {"name": "fewer fairs", "start": "2026-01-01", "end": "2026-12-31"},
        WHAT_IF,
        201,
    ),
    "scenario solve": Write("post", "scenarios/{scenario}/solve/", {}, WHAT_IF, 202),
    # Withdrawing the marathon cancels it when published: the sports event's roles only.
    "scenario withdraw": Write(
        "post", "scenarios/{scenario}/withdraw/", {"event": "run"}, SPORTS_EVENTS, 200
    ),
    "scenario publish": Write(
        "post", "scenarios/{solved_scenario}/publish/", {"comment": "v1"}, PLANNER, 201
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", WRITES)
@pytest.mark.usefixtures("placed_on")  # the world is set in 2026: holds are placed before it
def test_each_write_is_for_its_roles_only(name, role, world, as_role):
    write = WRITES[name]
    url = "/api/v1/" + write.path.format(**world)
    response = getattr(as_role(role), write.method)(url, write.body, format="json")

    expected = write.status if role in write.allowed else 403
    assert response.status_code == expected, (name, role, response.content[:500])


STAFF_READS = ["holds/", "solve-runs/", "plans/", "events/", "events/conf/", "events/conf/history/"]
PUBLIC_READS = ["features/", "venues/", "hotels/", "targets/", "blackouts/", "rules/"]
PUBLIC_READS += ["schedule-versions/"]


@pytest.mark.parametrize("path", STAFF_READS)
@pytest.mark.parametrize("role", ROLES)
def test_staff_reads_are_for_the_roles(path, role, world, as_role):
    expected = 403 if role in ("anonymous", "citizen") else 200
    assert as_role(role).get("/api/v1/" + path).status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_scenarios_and_availability_reads(role, world, as_role):
    client = as_role(role)
    scenarios = client.get("/api/v1/scenarios/").status_code
    assert scenarios == (200 if role in WHAT_IF else 403)
    question = {"category": "conference", "duration_days": 2}
    question |= {"window_start": "2026-11-01", "window_end": "2026-11-30"}
    availability = client.get("/api/v1/availability/", question).status_code
    assert availability == (403 if role in ("anonymous", "citizen") else 200)


@pytest.mark.parametrize("path", PUBLIC_READS)
def test_the_catalogue_and_published_versions_are_public(path, world, as_role):
    assert as_role("anonymous").get("/api/v1/" + path).status_code == 200


@pytest.mark.parametrize(
    ("role", "holds"),
    [
        ("convention", {"conf"}),
        ("sports", {"run"}),
        ("planner", {"conf", "run"}),
        ("admin", {"conf", "run"}),
    ],
)
def test_each_role_lists_the_holds_of_its_categories(role, holds, world, as_role):
    listed = as_role(role).get("/api/v1/holds/").json()["results"]
    assert {hold["event"] for hold in listed} == holds


def test_another_categorys_hold_is_not_shown_but_its_write_is_a_403(world, as_role):
    sports = as_role("sports")
    path = f"/api/v1/holds/{world['conference_hold']}/"
    assert sports.get(path).status_code == 404
    assert sports.post(path + "release/").status_code == 403
