"""iCalendar feed views: public feeds of the latest schedule version, and the staff feed.

A feed is rendered once per schedule version, feed and language and kept in
Django's cache; requests are answered from there, with a content ETag and the
version's publication time as Last-Modified, so a calendar client polling
every few hours mostly gets a 304.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from api import ical
from scheduler.models import FeedToken, ScheduleVersion
from scheduler.publishing import latest_version, published_events
from venues.models import Venue

FEED_CACHE_SECONDS = 24 * 60 * 60
FEED_MAX_AGE_SECONDS = 60 * 60
FeedRenderer = Callable[[ScheduleVersion | None, str], bytes]
"""Renders a feed's bytes from a version (None before the first) and a language."""
CATEGORY_FEEDS = {"sports": "sports", "exhibitions": "exhibition", "conferences": "conference"}
"""Feed name in the URL -> event category."""


def request_lang(request: HttpRequest) -> str:
    """The language asked for with ``?lang=``: "en" or, by default, "zh"."""
    return "en" if request.GET.get("lang", "").lower().startswith("en") else "zh"


def request_version(request: HttpRequest) -> ScheduleVersion | None:
    """The latest version, looked up once per request (the decorator asks three times)."""
    if not hasattr(request, "_schedule_version"):
        request._schedule_version = latest_version()
    return request._schedule_version


def render_public_feed(feed_key: str, version: ScheduleVersion | None, lang: str) -> bytes:
    """The bytes of public feed ``feed_key``: "all", a category feed, "venue:X" or "event:X"."""
    kind, _sep, code = feed_key.partition(":")
    with translation.override(ical.LANGS[lang]):
        if kind == "all":
            events = published_events(version)
            name = ical.feed_title("all", lang)
            description = _("Conferences, exhibitions and sports events in Hefei.")
        elif kind in CATEGORY_FEEDS:
            events = published_events(version, category=CATEGORY_FEEDS[kind])
            name = ical.feed_title(CATEGORY_FEEDS[kind], lang)
            description = name
        elif kind == "venue":
            events = published_events(version, venue_code=code)
            first = events.first()
            if first is None and not Venue.objects.filter(pk=code).exists():
                # Nothing is rendered or cached for a code no venue has.
                raise Http404("No such venue")
            venue = first.venue_name(lang) if first else code
            name = _("Events at %(venue)s") % {"venue": venue}
            description = name
        elif kind == "event":
            events = published_events(version, event_code=code)
            first = events.first()
            if first is None:
                raise Http404("No such published event")
            name = description = first.name(lang)
        else:
            raise Http404("No such feed")
        return ical.public_feed(
            version=version,
            events=events,
            feed_key=feed_key,
            name=name,
            description=description,
            lang=lang,
        )


def feed_cache_key(request: HttpRequest, feed_key: str) -> str:
    """The cache key of a feed in this request's version and language."""
    version, lang = request_version(request), request_lang(request)
    # The publication time too: the cache (Redis) can outlive the database, and a
    # new database numbers its versions from 1 again.
    published = f"{version.number}.{version.published_at.timestamp()}" if version else "0"
    return f"calendar-feed:{published}:{feed_key}:{lang}"


def render_and_cache(
    request: HttpRequest, feed_key: str, render: FeedRenderer
) -> tuple[str, bytes]:
    """Render the feed, keep its bytes and their ETag side by side, return both."""
    body = render(request_version(request), request_lang(request))
    etag = feed_etag(body)
    key = feed_cache_key(request, feed_key)
    cache.set_many({f"{key}:etag": etag, f"{key}:body": body}, FEED_CACHE_SECONDS)
    return etag, body


def cached_feed_etag(request: HttpRequest, feed_key: str, render: FeedRenderer) -> str:
    """The feed's ETag, rendered at most once: a 304 reads a few bytes, never the feed."""
    etag = cache.get(f"{feed_cache_key(request, feed_key)}:etag")
    return etag if etag is not None else render_and_cache(request, feed_key, render)[0]


def cached_feed(request: HttpRequest, feed_key: str, render: FeedRenderer) -> bytes:
    """The feed's bytes for this request's version and language, rendered at most once.

    Rendering is deterministic, so bytes rendered again after an eviction still
    match the ETag kept beside them.
    """
    body = cache.get(f"{feed_cache_key(request, feed_key)}:body")
    return body if body is not None else render_and_cache(request, feed_key, render)[1]


def feed_etag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def last_modified(request: HttpRequest, *args, **kwargs):
    version = request_version(request)
    return version.published_at if version else None


def calendar_response(body: bytes, filename: str, *, lang: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Content-Language"] = "zh-Hans" if lang == "zh" else "en"
    return response


def feed_cache_control(*, private: bool) -> Callable:
    """Cache-Control on a feed and on its 304 alike (RFC 9110 15.4.5), never on an error.

    ``condition`` answers a 304 without calling the view, so the header is set here,
    outside it.
    """
    visibility = {"private": True} if private else {"public": True}

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def with_cache_control(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if response.status_code in (200, 304):
                patch_cache_control(response, **visibility, max_age=FEED_MAX_AGE_SECONDS)
            return response

        return with_cache_control

    return decorator


def public_feed_key(feed: str = "", venue: str = "", event: str = "") -> str:
    """The cache and render key of a public feed from its URL arguments."""
    if venue:
        return f"venue:{venue}"
    if event:
        return f"event:{event}"
    return feed


def public_feed_etag(request: HttpRequest, **kwargs) -> str:
    key = public_feed_key(**kwargs)
    return cached_feed_etag(request, key, lambda v, lang: render_public_feed(key, v, lang))


@require_safe
@feed_cache_control(private=False)
@condition(etag_func=public_feed_etag, last_modified_func=last_modified)
def public_feed(request: HttpRequest, **kwargs) -> HttpResponse:
    """/calendar/all.ics, /calendar/sports.ics, /calendar/venues/X.ics, /calendar/events/X.ics."""
    key = public_feed_key(**kwargs)
    body = cached_feed(request, key, lambda v, lang: render_public_feed(key, v, lang))
    filename = key.replace(":", "-") + ".ics"
    return calendar_response(body, filename, lang=request_lang(request))


def staff_user_token(token: str) -> FeedToken:
    """The token of an active staff member, else 404 (a wrong token reveals nothing)."""
    found = FeedToken.objects.filter(token=token, user__is_active=True, user__is_staff=True).first()
    if found is None:
        raise Http404("No such feed")
    return found


def staff_feed_etag(request: HttpRequest, token: str) -> str:
    staff_user_token(token)
    return cached_feed_etag(request, "staff", lambda v, lang: ical.staff_feed(version=v, lang=lang))


@require_safe
@feed_cache_control(private=True)
@condition(etag_func=staff_feed_etag, last_modified_func=last_modified)
def staff_feed(request: HttpRequest, token: str) -> HttpResponse:
    """/calendar/staff/<token>/occupancy.ics: venue occupancy and room blocks, for staff."""
    staff_user_token(token)
    body = cached_feed(request, "staff", lambda v, lang: ical.staff_feed(version=v, lang=lang))
    return calendar_response(body, "occupancy.ics", lang=request_lang(request))
