"""Hostile text in every free-text field: kept faithfully, shown escaped, never breaks a feed.

Control characters, newlines, right-to-left marks, HTML and script tags go
in through the API; the API gives them back as sent, the public pages and
the admin show them escaped, the pages isolate them so a bidirectional
override reorders nothing around them, and the iCalendar feeds still
parse, without bidirectional controls. Text
longer than a column's ``max_length`` is a 400 naming the field, never a
database error.
"""

from __future__ import annotations

import re

import icalendar
import pytest
from django.core.cache import cache
from django.utils.html import escape

from scheduler.publishing import plan_publish
from tests.api.conftest import errors_by_field, staff  # noqa: F401 (fixture)
from tests.holds import factories as holds
from tests.publishing import factories as pub
from tests.roles import user_with_role

pytestmark = pytest.mark.django_db
D = pub.D

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
RTL = "\u202egnp.exe\u202c \u200f عربي"
CONTROL = "tab\there\x01\x07\x1b[31m\x7f line\r\nbreak\nend"
ICAL_SYNTAX = "END:VEVENT\nBEGIN:VEVENT\nSUMMARY:forged;X=1,\\n"
HOSTILE = {
    "script": SCRIPT,
    "rtl": RTL,
    "control": CONTROL,
    "ical": ICAL_SYNTAX,
}
LONG = "长" * 10_000
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Marks, embeddings, overrides and isolates: each can reorder the text shown after it."""
OVERRIDE = "\u202eevil\u202d\u2066x\u061c\u200e"
"""Right-to-left override, left-to-right override, an open isolate and marks, none closed."""


def venue_body(text: str) -> dict:
    return {
        "id": "expo",
        "name_zh": text[:200],
        "name_en": text[:200],
        "kind": "exhibition_centre",
        "district": text[:100],
        "address_zh": text[:300],
        "address_en": text[:300],
        "capacity": 1000,
        "unavailable": [{"start": "2026-01-01", "end": "2026-01-02", "reason": text[:300]}],
    }


def event_body(text: str, long: str) -> dict:
    return {
        "id": "wmc",
        "name_zh": text[:200],
        "name_en": text[:200],
        "category": "exhibition",
        "international": True,
        "duration_days": 3,
        "description_zh": long,
        "description_en": text,
        "organiser": text[:200],
    }


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_api_gives_back_exactly_what_was_stored(staff, kind):  # noqa: F811
    text = HOSTILE[kind]
    bodies = {
        "/api/v1/venues/": venue_body(text),
        "/api/v1/hotels/": {
            "id": "grand",
            "name_zh": text,
            "name_en": text,
            "stars": 4,
            "district": text[:100],
            "address_zh": text,
            "address_en": text,
            "lat": 31.7,
            "lon": 117.2,
            "block_rooms": 10,
        },
        "/api/v1/events/": event_body(text, LONG),
        "/api/v1/blackouts/": {
            "start": "2026-01-01",
            "end": "2026-01-02",
            "reason_zh": text,
            "reason_en": text,
        },
        "/api/v1/features/": {"code": "hall", "name_zh": text, "name_en": text},
    }
    for url, body in bodies.items():
        created = staff.post(url, body, format="json")
        assert created.status_code == 201, (url, created.json())
        key = body.get("id") or body.get("code") or created.json()["id"]
        shown = staff.get(f"{url}{key}/").json()
        for field, value in body.items():
            if isinstance(value, str):
                assert shown[field] == value, (url, field)
        if url == "/api/v1/venues/":
            assert shown["unavailable"][0]["reason"] == text[:300]


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/venues/", venue_body("v") | {"name_en": LONG}, "name_en"),
        ("/api/v1/venues/", venue_body("v") | {"district": LONG}, "district"),
        (
            "/api/v1/venues/",
            venue_body("v")
            | {"unavailable": [{"start": "2026-01-01", "end": "2026-01-01", "reason": LONG}]},
            "unavailable.0.reason",
        ),
        ("/api/v1/events/", event_body("e", "") | {"organiser": LONG}, "organiser"),
        ("/api/v1/events/", event_body("e", "") | {"name_zh": LONG}, "name_zh"),
        (
            "/api/v1/blackouts/",
            {"start": "2026-01-01", "end": "2026-01-01", "reason_en": LONG},
            "reason_en",
        ),
        ("/api/v1/features/", {"code": "hall", "name_en": LONG}, "name_en"),
    ],
)
def test_over_long_text_is_a_400_naming_the_field(staff, url, body, field):  # noqa: F811
    response = staff.post(url, body, format="json")
    assert response.status_code == 400
    assert field in errors_by_field(response), response.json()


def test_a_nul_character_is_a_400_not_a_database_error(staff):  # noqa: F811
    response = staff.post("/api/v1/events/", event_body("a\x00b", ""), format="json")
    assert response.status_code == 400
    assert "name_zh" in errors_by_field(response)


@pytest.fixture
def hostile_version():
    """A published version whose event and venue carry every hostile text at once."""
    text = " ".join(HOSTILE.values())
    expo = pub.venue("expo", name_zh=text[:200], name_en=SCRIPT, address_en=text[:300])
    wmc = pub.event("wmc", name_zh=text[:200], name_en=SCRIPT + RTL, description_en=text + LONG)
    cache.clear()
    return plan_publish(plan=pub.plan([(wmc, expo, D(2026, 9, 20), D(2026, 9, 23))]))


@pytest.mark.parametrize(
    "path", ["/?month=2026-09", "/events/wmc/", "/venues/expo/", "/?lang=en&month=2026-09"]
)
def test_public_pages_show_it_escaped(client, hostile_version, path):
    page = client.get(path).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(" in page


def test_the_admin_shows_it_escaped(admin_client, hostile_version):
    for path in ("/admin/events/event/", "/admin/events/event/wmc/change/", "/admin/venues/venue/"):
        page = admin_client.get(path).content.decode()
        assert "<script>alert" not in page, path
        assert "&lt;script&gt;alert(" in page, path


@pytest.mark.parametrize(
    "path", ["/calendar/all.ics", "/calendar/all.ics?lang=en", "/calendar/events/wmc.ics"]
)
def test_the_feeds_still_parse_with_one_event(client, hostile_version, path):
    body = client.get(path).content
    calendar = icalendar.Calendar.from_ical(body)
    (event,) = calendar.walk("VEVENT")
    summary = str(event["SUMMARY"])
    assert "forged" in summary or "<script>" in summary  # zh or en name, text not syntax
    text = summary + str(event["DESCRIPTION"]) + str(event["LOCATION"])
    assert all(ord(c) >= 32 or c in "\t\n" for c in text)
    assert not set(BIDI_CONTROLS) & set(text)  # nothing a calendar app would reorder by
    assert "gnp.exe" in text and "عربي" in text  # the text itself is kept
    assert b"\r\nBEGIN:VEVENT\r\n" in body and body.count(b"\r\nBEGIN:VEVENT\r\n") == 1


@pytest.fixture
def overriding_version():
    """A published event and venue whose names open bidirectional overrides they never close."""
    expo = pub.venue("expo", name_en=f"Hall {OVERRIDE}", address_en=f"Road {OVERRIDE}")
    wmc = pub.event("wmc", name_en=f"Expo {OVERRIDE}")
    cache.clear()
    return plan_publish(plan=pub.plan([(wmc, expo, D(2026, 9, 20), D(2026, 9, 23))]))


def isolated(page: str, text: str) -> bool:
    """Whether everywhere the body of ``page`` shows ``text``, an element isolates it."""
    body = page.split("<body", 1)[1]
    shown = re.escape(escape(text))
    isolating = re.findall(
        rf"<bdi>{shown}</bdi>|<(?:h1|div|option)[^>]* dir=\"auto\"[^>]*>{shown}<", body
    )
    return body.count(escape(text)) == len(isolating) > 0


@pytest.mark.parametrize(
    ("path", "texts"),
    [
        ("/?lang=en&month=2026-09", ["Expo " + OVERRIDE, "Hall " + OVERRIDE]),
        ("/events/wmc/?lang=en", ["Expo " + OVERRIDE, "Hall " + OVERRIDE, "Road " + OVERRIDE]),
        ("/venues/expo/?lang=en", ["Expo " + OVERRIDE, "Hall " + OVERRIDE, "Road " + OVERRIDE]),
        ("/subscribe/?lang=en", ["Hall " + OVERRIDE]),
    ],
)
def test_public_pages_isolate_names_so_they_reorder_nothing_around_them(
    client, overriding_version, path, texts
):
    page = client.get(path).content.decode()
    for text in texts:
        assert isolated(page, text), (path, text)
    title = re.search(r"<title>(.*?)</title>", page, re.S)[1]
    if OVERRIDE in title:  # a title holds no markup: isolated by FSI ... PDI instead
        assert re.search(rf"&#x2068;[^<]*{re.escape(escape(OVERRIDE))}&#x2069; – ", title)


def test_the_feeds_drop_bidirectional_controls(client, overriding_version):
    body = client.get("/calendar/all.ics?lang=en").content.decode()
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Expo evilx"
    assert str(event["LOCATION"]).startswith("Hall evilx")
    assert not set(BIDI_CONTROLS) & set(body)


def test_the_admin_availability_page_isolates_venue_and_hotel_names(client, db):
    names = {"name_zh": f"展馆 {OVERRIDE}", "name_en": f"Hall {OVERRIDE}"}
    holds.venue("expo", **names)
    holds.hotel("grand", **names)
    client.force_login(user_with_role("planner-staff", "planner"))
    question = {
        "category": "exhibition",
        "window_start": "2026-09-10",
        "window_end": "2026-09-30",
        "duration_days": "2",
        "rooms_per_night": "10",
    }
    page = client.get("/admin/availability/", question).content.decode()
    shown = [text for text in names.values() if escape(text) in page]
    assert shown and all(isolated(page, text) for text in shown)
