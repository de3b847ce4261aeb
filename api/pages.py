"""The public calendar pages, in Chinese (default) and English (``?lang=en``).

Like the feeds they read only the latest published schedule version, so a
page shows nothing the city has not published. The language is a query
parameter rather than the visitor's browser setting so that every URL shows
one language and can be shared, cached and linked from a feed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from functools import wraps
from itertools import groupby
from typing import Any
from urllib.parse import urlencode

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from api import ical
from api.feeds import CATEGORY_FEEDS, request_lang
from scheduler.models import PublishedEvent
from scheduler.problem import CATEGORIES
from scheduler.publishing import (
    feed_token_get_or_create,
    feed_token_rotate,
    latest_version,
    published_events,
)

MIN_YEAR, MAX_YEAR = 2000, 2100
"""The years the pages show; a year or month outside them is a 400, and no link leads there."""


def shown_year(year: int) -> bool:
    """Whether the pages show ``year`` (and so may link to it)."""
    return MIN_YEAR <= year <= MAX_YEAR


MONTH_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}")
View = Callable[..., HttpResponse]


class BadParameter(Exception):
    """A query parameter a page cannot honour; the page answers 400 and names it.

    Showing the default instead would answer a question nobody asked.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """``template`` rendered in the language of ``?lang=``, with the language switch."""
    lang = request_lang(request)
    other = ical.other_lang(lang)
    query = request.GET.copy()
    query["lang"] = other
    context |= {
        "lang": lang,
        "html_lang": "zh-Hans" if lang == "zh" else "en",
        "other_lang": other,
        "switch_url": f"{request.path}?{query.urlencode()}",
        "lang_query": "" if lang == "zh" else "?lang=en",
    }
    if "version" not in context:
        context["version"] = latest_version()
    with translation.override(ical.LANGS[lang]):
        response = render(request, template, context)
    response["Content-Language"] = context["html_lang"]
    return response


def bad_parameter_pages(base_template: str) -> Callable[[View], View]:
    """A decorator: the view, with a ``BadParameter`` shown as a 400 page naming the parameter.

    The page extends ``base_template``, so it keeps the look of the pages it
    stands for (public calendar, planner). The view runs in the page's
    language, so the message is in the reader's.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def answering(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            lang = request_lang(request)
            with translation.override(ical.LANGS[lang]):
                try:
                    return view(request, *args, **kwargs)
                except BadParameter as bad:
                    error = bad
            response = page(
                request,
                "calendar/bad_parameter.html",
                {
                    "base_template": base_template,
                    "error": error,
                    "retry_url": with_lang(request.path, lang),
                },
            )
            response.status_code = 400
            return response

        return answering

    return decorator


answers_bad_parameters = bad_parameter_pages("calendar/base.html")
"""Public pages with a ``BadParameter`` shown as a 400 calendar page naming it."""


def with_lang(url: str, lang: str, **params: str) -> str:
    """``url`` with ``?lang=en`` (when English) and ``params`` as its query."""
    query = {k: v for k, v in params.items() if v} | ({"lang": lang} if lang == "en" else {})
    return f"{url}?{urlencode(query)}" if query else url


def feed_links(path: str, lang: str) -> dict[str, str]:
    """A feed's https and webcal URLs in ``lang``, for links and the subscribe page."""
    url = ical.absolute_url(path, lang)
    return {"https": url, "webcal": ical.webcal_url(url)}


def venues_of(events: Iterable[PublishedEvent], lang: str) -> list[tuple[str, str]]:
    """(code, name) of every venue that the events use, sorted by name."""
    names = {e.venue_code: e.venue_name(lang) for e in events}
    return sorted(names.items(), key=lambda item: item[1])


def given_month(request: HttpRequest) -> dt.date | None:
    """The first day of ``?month=YYYY-MM``; None when not given."""
    given = request.GET.get("month", "").strip()
    if not given:
        return None
    if MONTH_PATTERN.fullmatch(given):
        year, month = int(given[:4]), int(given[5:])
        if shown_year(year) and 1 <= month <= 12:
            return dt.date(year, month, 1)
    raise BadParameter(
        "month",
        _("Give a month from %(first)s-01 to %(last)s-12 as YYYY-MM, not “%(given)s”.")
        % {"first": MIN_YEAR, "last": MAX_YEAR, "given": given},
    )


def given_choice(request: HttpRequest, name: str, choices: Iterable[str]) -> str:
    """``?name=`` when it is one of ``choices``; "" when not given (every one)."""
    given = request.GET.get(name, "")
    choices = list(choices)
    if not given or given in choices:
        return given
    raise BadParameter(
        name,
        _("Choose one of %(choices)s, not “%(given)s”.")
        % {"choices": ", ".join(choices) or "–", "given": given},
    )


def add_months(month: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``month``'s."""
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_url(path: str, lang: str, month: dt.date, **filters: str) -> str | None:
    """The page of ``month`` with ``filters``; None for a month the pages do not show."""
    if not shown_year(month.year):
        return None
    return with_lang(path, lang, month=f"{month:%Y-%m}", **filters)


@require_safe
@answers_bad_parameters
def upcoming(request: HttpRequest) -> HttpResponse:
    """The calendar: upcoming events by month, or one month (``?month=YYYY-MM``), filtered.

    A category, venue or month the page cannot show is a 400 naming it.
    """
    lang = request_lang(request)
    version = latest_version()
    every_event = list(published_events(version))
    venues = venues_of(every_event, lang)
    category = given_choice(request, "category", CATEGORIES)
    venue = given_choice(request, "venue", (code for code, _name in venues))
    month = given_month(request)
    events = [
        e
        for e in every_event
        if (not category or e.category == category) and (not venue or e.venue_code == venue)
    ]
    today = timezone.localdate()
    if month is not None:
        last_day = add_months(month, 1) - dt.timedelta(days=1)
        events = [e for e in events if e.start_date <= last_day and e.end_date >= month]
    else:
        events = [e for e in events if e.end_date >= today]
    months = [
        (first_day, list(group))
        for first_day, group in groupby(
            events, key=lambda e: max(e.start_date, month or e.start_date).replace(day=1)
        )
    ]
    filters = {"category": category, "venue": venue}
    nav_month = month or today.replace(day=1)
    return page(
        request,
        "calendar/upcoming.html",
        {
            "version": version,
            "months": months,
            "month": month,
            "category": category,
            "venue": venue,
            "categories": [(c, ical.category_label_in(c, lang)) for c in CATEGORIES],
            "venues": venues,
            "previous_month_url": month_url(
                request.path, lang, add_months(nav_month, -1), **filters
            ),
            "next_month_url": month_url(request.path, lang, add_months(nav_month, 1), **filters),
            "upcoming_url": with_lang(request.path, lang, **filters),
        },
    )


def google_calendar_url(event: PublishedEvent, lang: str) -> str:
    """A Google Calendar "add event" link prefilled with the event."""
    start, end = ical.event_times(event)
    if isinstance(start, dt.datetime):
        dates = f"{start:%Y%m%dT%H%M%S}/{end:%Y%m%dT%H%M%S}"
    else:
        dates = f"{start:%Y%m%d}/{end:%Y%m%d}"
    params = {
        "action": "TEMPLATE",
        "text": event.name(lang),
        "dates": dates,
        "details": ical.event_description(event, lang),
        "location": ", ".join(p for p in (event.venue_name(lang), event.venue_address(lang)) if p),
        "ctz": "Asia/Shanghai",
    }
    days = (event.end_date - event.start_date).days + 1
    if isinstance(start, dt.datetime) and days > 1:
        params["recur"] = f"RRULE:FREQ=DAILY;COUNT={days}"
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


def map_url(lat: float | None, lon: float | None) -> str | None:
    """OpenStreetMap at the venue; None when its location is unknown."""
    if lat is None or lon is None:
        return None
    return (
        f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=16/{lat:.5f}/{lon:.5f}"
    )


@require_safe
def event_page(request: HttpRequest, code: str) -> HttpResponse:
    """One published event: dates, venue and map, description, add-to-calendar links."""
    lang = request_lang(request)
    version = latest_version()
    event = published_events(version, event_code=code).first()
    if event is None:
        raise Http404("No such published event")
    feed_path = reverse("calendar:feed-event", args=[code])
    return page(
        request,
        "calendar/event.html",
        {
            "version": version,
            "event": event,
            "name": event.name(lang),
            "description": event.description(lang),
            "venue_name": event.venue_name(lang),
            "venue_address": event.venue_address(lang),
            "category_label": ical.category_label_in(event.category, lang),
            "map_url": map_url(event.venue_lat, event.venue_lon),
            "ics_url": with_lang(feed_path, lang),
            "feed": feed_links(feed_path, lang),
            "google_url": google_calendar_url(event, lang),
            "venue_url": with_lang(reverse("calendar:venue", args=[event.venue_code]), lang),
        },
    )


@require_safe
def venue_page(request: HttpRequest, code: str) -> HttpResponse:
    """A venue of the published schedule, with its events and its feed."""
    lang = request_lang(request)
    version = latest_version()
    events = list(published_events(version, venue_code=code))
    if not events:
        raise Http404("No such venue in the published schedule")
    venue = events[-1]  # the facts of the venue as most recently published
    today = timezone.localdate()
    return page(
        request,
        "calendar/venue.html",
        {
            "version": version,
            "venue_code": code,
            "venue_name": venue.venue_name(lang),
            "venue_address": venue.venue_address(lang),
            "map_url": map_url(venue.venue_lat, venue.venue_lon),
            "upcoming": [e for e in events if e.end_date >= today],
            "past": [e for e in events if e.end_date < today],
            "feed": feed_links(reverse("calendar:feed-venue", args=[code]), lang),
        },
    )


@require_safe
def subscribe(request: HttpRequest) -> HttpResponse:
    """Every public feed with its subscribe links, and how to add one to a calendar app."""
    lang = request_lang(request)
    version = latest_version()
    feeds = [
        (ical.feed_title("all", lang), feed_links(reverse("calendar:feed-all"), lang)),
        *(
            (
                ical.feed_title(category, lang),
                feed_links(reverse(f"calendar:feed-{name}"), lang),
            )
            for name, category in CATEGORY_FEEDS.items()
        ),
    ]
    venue_feeds = [
        (name, feed_links(reverse("calendar:feed-venue", args=[code]), lang))
        for code, name in venues_of(published_events(version), lang)
    ]
    return page(
        request,
        "calendar/subscribe.html",
        {"version": version, "feeds": feeds, "venue_feeds": venue_feeds},
    )


@staff_member_required
@require_http_methods(["GET", "POST"])
def staff_feed_page(request: HttpRequest) -> HttpResponse:
    """The signed-in staff member's private feed URL; POST replaces its secret."""
    if request.method == "POST":
        feed_token_rotate(user=request.user)
        return redirect(with_lang(reverse("calendar:staff-feed-page"), request_lang(request)))
    token = feed_token_get_or_create(user=request.user)
    path = reverse("calendar:feed-staff", args=[token.token])
    return page(
        request,
        "calendar/staff_feed.html",
        {"feed": feed_links(path, request_lang(request)), "token": token},
    )
