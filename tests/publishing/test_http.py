"""Feeds over HTTP: conditional GETs, caching, staff tokens; public pages and what they show."""

import datetime as dt

import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from api import feeds
from scheduler.models import ScheduleVersion
from scheduler.publishing import feed_token_get_or_create, feed_token_rotate, plan_publish
from tests.publishing import factories as f

D = f.D
pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    expo = f.venue("expo")
    wmc = f.event("wmc")
    plan = f.plan([(wmc, expo, D(2026, 9, 20), D(2026, 9, 23))])
    f.room_block(plan.placements.get(), f.hotel())
    return plan_publish(plan=plan, comment="")


def test_conditional_get_answers_304(client, published):
    first = client.get("/calendar/all.ics")
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=3600"
    assert first["Content-Language"] == "zh-Hans"
    assert client.get("/calendar/all.ics?lang=en")["Content-Language"] == "en"
    assert client.head("/calendar/all.ics").status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    assert modified == http_date(published.published_at.timestamp())
    assert client.get("/calendar/all.ics", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/calendar/all.ics", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get("/calendar/all.ics", HTTP_IF_NONE_MATCH='"other"').status_code == 200
    # Each language is its own representation.
    assert client.get("/calendar/all.ics?lang=en", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_new_version_changes_etag_and_last_modified(client, published):
    etag = client.get("/calendar/all.ics")["ETag"]
    wmc, expo = f.event("wmc"), f.venue("expo")
    later = timezone.now() + dt.timedelta(seconds=5)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: later)
        plan_publish(plan=f.plan([(wmc, expo, D(2026, 9, 21), D(2026, 9, 24))]), comment="")
    response = client.get("/calendar/all.ics", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert event["SEQUENCE"] == 1


def test_a_feed_is_rendered_once_per_version_and_language(client, published, monkeypatch):
    calls = []
    render = feeds.render_public_feed

    def counting(*args):
        calls.append(args)
        return render(*args)

    monkeypatch.setattr(feeds, "render_public_feed", counting)
    for _ in range(3):
        client.get("/calendar/all.ics")
        client.get("/calendar/all.ics?lang=en")
    assert len(calls) == 2


def test_a_cached_feed_is_not_hashed_or_reread_per_request(client, published, monkeypatch):
    """After the render, a request costs a small cache read: a 304 never touches the body."""
    first = client.get("/calendar/all.ics")
    hashed, read = [], []
    monkeypatch.setattr(feeds, "feed_etag", lambda body: hashed.append(body) or "x")
    get = feeds.cache.get
    monkeypatch.setattr(feeds.cache, "get", lambda key, *a: read.append(key) or get(key, *a))
    for _ in range(3):
        assert client.get("/calendar/all.ics", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get("/calendar/all.ics").content == first.content
    assert hashed == []
    assert len([key for key in read if key.endswith(":body")]) == 1


def test_feeds_and_pages_do_not_load_the_changelog(client, published):
    """The changelog of a big version is large JSON; a request needs only number and time."""
    for url in ("/calendar/all.ics", "/calendar/all.ics?lang=en", "/", "/subscribe/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert not any("changelog" in query["sql"] for query in queries), url


def test_unknown_event_or_venue_feed_is_404_and_nothing_is_cached(client, published):
    assert client.get("/calendar/events/nope.ics").status_code == 404
    assert client.get("/calendar/venues/nope.ics").status_code == 404
    assert not [key for key in feeds.cache._cache if "nope" in key]


def test_a_venue_with_nothing_published_has_an_empty_feed(client, published):
    f.venue("quiet-hall")
    response = client.get("/calendar/venues/quiet-hall.ics")
    assert response.status_code == 200
    assert icalendar.Calendar.from_ical(response.content).walk("VEVENT") == []


def test_feeds_refuse_writes(client, published):
    assert client.post("/calendar/all.ics").status_code == 405


# --- staff feed -------------------------------------------------------------------


@pytest.fixture
def staff():
    return get_user_model().objects.create_user("staff", password="pw-staff-1", is_staff=True)


def test_staff_feed_needs_a_valid_token_and_rotation_revokes_it(client, published, staff):
    token = feed_token_get_or_create(user=staff).token
    url = f"/calendar/staff/{token}/occupancy.ics"
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    cal = icalendar.Calendar.from_ical(response.content)
    summaries = sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    assert summaries == ["大酒店：为wmc 博览会预留 100 间客房", "滨湖国际会展中心: wmc 博览会"]
    occupancy = next(e for e in cal.walk("VEVENT") if ".occupancy@" in e["UID"])
    # Move-in the day before, move-out the day after: the days the venue is taken.
    assert (occupancy["DTSTART"].dt, occupancy["DTEND"].dt) == (D(2026, 9, 19), D(2026, 9, 25))
    assert client.get("/calendar/staff/wrong-token/occupancy.ics").status_code == 404
    etag = response["ETag"]

    new_token = feed_token_rotate(user=staff).token
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404
    assert client.get(f"/calendar/staff/{new_token}/occupancy.ics").status_code == 200
    not_modified = client.get(f"/calendar/staff/{new_token}/occupancy.ics", HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified["Cache-Control"] == response["Cache-Control"]


def test_staff_feed_of_a_former_staff_member_is_closed(client, published, staff):
    token = feed_token_get_or_create(user=staff).token
    staff.is_staff = False
    staff.save()
    assert client.get(f"/calendar/staff/{token}/occupancy.ics").status_code == 404


def test_staff_feed_page_shows_and_rotates_the_secret(client, published, staff):
    assert client.get("/subscribe/staff/").status_code == 302  # to the login page
    client.force_login(staff)
    page = client.get("/subscribe/staff/")
    token = staff.feed_token.token
    assert token in page.content.decode()
    assert client.post("/subscribe/staff/").status_code == 302
    staff.feed_token.refresh_from_db()
    assert staff.feed_token.token != token


# --- public pages -------------------------------------------------------------------


PAGES = ["/", "/?month=2026-09", "/events/wmc/", "/venues/expo/", "/subscribe/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_exist_in_both_languages(client, published, url):
    zh = client.get(url)
    en = client.get(url + ("&" if "?" in url else "?") + "lang=en")
    assert zh.status_code == en.status_code == 200
    assert '<html lang="zh-Hans">' in zh.content.decode()
    assert '<html lang="en">' in en.content.decode()
    assert "合肥国际活动" in zh.content.decode()
    assert "Hefei international events" in en.content.decode()


def test_month_page_lists_the_event_and_filters(client, published):
    page = client.get("/", {"month": "2026-09", "lang": "en"}).content.decode()
    assert "wmc Expo" in page and "September 2026" in page
    assert 'for="filter-category"' in page and 'for="filter-venue"' in page
    sports = client.get("/", {"month": "2026-09", "category": "sports"}).content.decode()
    assert "wmc 博览会" not in sports
    assert "wmc 博览会" not in client.get("/", {"month": "2026-10"}).content.decode()


def test_month_page_filters_by_venue(client):
    expo, stadium = f.venue("expo"), f.venue("stadium")
    wmc, cup = f.event("wmc"), f.event("cup", category="sports")
    plan_publish(
        plan=f.plan(
            [
                (wmc, expo, D(2026, 9, 20), D(2026, 9, 23)),
                (cup, stadium, D(2026, 9, 6), D(2026, 9, 6)),
            ]
        ),
        comment="",
    )
    at_stadium = client.get("/", {"month": "2026-09", "venue": "stadium"})
    assert at_stadium.status_code == 200
    assert "cup 博览会" in at_stadium.content.decode()
    assert "wmc 博览会" not in at_stadium.content.decode()


def test_event_page_links(client, published):
    page = client.get("/events/wmc/").content.decode()
    assert "webcal://events.hefei.example/calendar/events/wmc.ics" in page
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page
    assert "dates=20260920%2F20260924" in page
    assert "openstreetmap.org/?mlat=31.73000" in page
    assert 'href="/calendar/events/wmc.ics"' in page


def test_subscribe_page_lists_every_feed_with_webcal(client, published):
    page = client.get("/subscribe/?lang=en").content.decode()
    for name in ("all", "sports", "exhibitions", "conferences", "venues/expo"):
        assert f"webcal://events.hefei.example/calendar/{name}.ics?lang=en" in page
    for app in ("Apple", "Google", "Outlook"):
        assert app in page


def test_pages_escape_catalogue_text(client):
    evil = '<script>alert("x")</script>'
    venue = f.venue("expo", name_zh=evil)
    event = f.event("evil", name_zh=evil, description_zh=evil)
    plan_publish(plan=f.plan([(event, venue, D(2026, 9, 1), D(2026, 9, 1))]), comment="")
    for url in ("/events/evil/", "/venues/expo/", "/?month=2026-09", "/subscribe/"):
        page = client.get(url).content.decode()
        assert evil not in page
        assert "&lt;script&gt;" in page


def test_nothing_unpublished_leaks(client):
    """A solved but unpublished plan, and requested events, appear nowhere public."""
    expo = f.venue("expo")
    secret = f.event("secret", name_zh="保密展会", name_en="Secret fair")
    f.plan([(secret, expo, D(2026, 9, 1), D(2026, 9, 3))])
    for url in ("/", "/?month=2026-09", "/subscribe/", "/calendar/all.ics"):
        body = client.get(url).content.decode()
        assert "保密展会" not in body and "secret" not in body.lower()
    assert client.get("/events/secret/").status_code == 404
    assert client.get("/venues/expo/").status_code == 404
    assert client.get("/calendar/events/secret.ics").status_code == 404
    assert (
        icalendar.Calendar.from_ical(client.get("/calendar/all.ics").content).walk("VEVENT") == []
    )

    # Once another plan is published, the unpublished one still does not show.
    other = f.event("public")
    plan_publish(plan=f.plan([(other, expo, D(2026, 10, 1), D(2026, 10, 1))]), comment="")
    assert "保密展会" not in client.get("/?month=2026-09").content.decode()
    assert client.get("/events/secret/").status_code == 404


def test_cancelled_event_shows_as_cancelled(client, published):
    plan_publish(plan=f.plan([]), comment="all off")
    page = client.get("/events/wmc/?lang=en").content.decode()
    assert "This event has been cancelled." in page
    assert "calendar.google.com" not in page
    (event,) = icalendar.Calendar.from_ical(client.get("/calendar/all.ics").content).walk("VEVENT")
    assert (event["STATUS"], event["SEQUENCE"]) == ("CANCELLED", 1)
    assert event["SUMMARY"].startswith("已取消：")


@pytest.mark.parametrize("validator", ["etag", "last_modified"])
def test_a_304_keeps_the_cache_headers(client, published, validator):
    """A 304 must carry the Cache-Control a 200 would (RFC 9110 15.4.5), else the hint is lost."""
    first = client.get("/calendar/all.ics")
    headers = (
        {"HTTP_IF_NONE_MATCH": first["ETag"]}
        if validator == "etag"
        else {"HTTP_IF_MODIFIED_SINCE": first["Last-Modified"]}
    )
    not_modified = client.get("/calendar/all.ics", **headers)
    assert not_modified.status_code == 304
    assert not_modified["Cache-Control"] == first["Cache-Control"]
    assert not_modified["ETag"] == first["ETag"]


def test_a_new_database_does_not_serve_the_old_databases_feed(client, published):
    """The cache outlives the database (Redis, a re-run demo): version 1 of a new one is new."""
    assert b"wmc@" in client.get("/calendar/all.ics").content
    ScheduleVersion.objects.all().delete()
    later = timezone.now() + dt.timedelta(seconds=5)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: later)
        version = plan_publish(
            plan=f.plan([(f.event("fair"), f.venue("expo"), D(2026, 3, 1), D(2026, 3, 2))]),
            comment="",
        )
    assert version.number == 1
    body = client.get("/calendar/all.ics").content
    assert b"fair@" in body and b"wmc@" not in body
