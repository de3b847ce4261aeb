"""Hostile text in every free-text field: kept faithfully, shown escaped, never breaks a feed.

Control characters, newlines, right-to-left marks, HTML and script tags go
in through the API; the API gives them back as sent, the public pages and
the admin show them escaped, and the iCalendar feeds still parse. Text
longer than a column's ``max_length`` is a 400 naming the field, never a
database error.
"""

from __future__ import annotations

import icalendar
import pytest
from django.core.cache import cache

from scheduler.publishing import plan_publish
from tests.api.conftest import errors_by_field, staff  # noqa: F401 (fixture)
from tests.publishing import factories as pub

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
    assert all(ord(c) >= 32 or c in "\t\n" for c in summary + str(event["DESCRIPTION"]))
    assert b"\r\nBEGIN:VEVENT\r\n" in body and body.count(b"\r\nBEGIN:VEVENT\r\n") == 1
