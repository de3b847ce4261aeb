"""iCalendar (RFC 5545) rendering of published schedules, with the ``icalendar`` library.

A handful of small functions, as in pretalx, plus what pretalx lacks:
SEQUENCE and STATUS:CANCELLED on every event and refresh hints on every
calendar. Everything here reads the frozen snapshot of a schedule version
(or, for staff, the version's plan); nothing reads the live catalogue.

Rendering is deterministic: DTSTAMP is the version's publication time (the
moment this export of the schedule came to be), and the calendar UID is
derived from the feed, so one version renders to the same bytes in every
process and the bytes can be cached and given a content ETag.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import zoneinfo
from collections.abc import Iterable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration, vText

from scheduler.models import Placement, PublishedEvent, ScheduleVersion
from scheduler.problem import Name
from venues.models import BilingualName

REFRESH_INTERVAL = dt.timedelta(hours=6)
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
"""Marks, embeddings, overrides and isolates of Unicode's bidirectional algorithm."""
LANGS = {"zh": "zh-hans", "en": "en"}
"""Feed and page language parameter -> Django language code."""


def site_host() -> str:
    """The host our UIDs are scoped to: SITE_URL's, stable across deployments of one site."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def event_uid(event_code: str) -> str:
    """The UID of an event in every version and every feed: it never changes."""
    return f"{event_code}@{site_host()}"


def absolute_url(path: str, lang: str = "zh") -> str:
    """``path`` on SITE_URL, with ``?lang=en`` when not in the default language."""
    query = "" if lang == "zh" else "?" + urlencode({"lang": lang})
    return f"{settings.SITE_URL}{path}{query}"


def webcal_url(url: str) -> str:
    """The same feed for calendar apps that subscribe on a webcal:// link."""
    return "webcal://" + url.split("://", 1)[1]


def clean_text(text: str) -> str:
    """``text`` without control characters (RFC 5545 TEXT allows none but HTAB) and
    without bidirectional controls.

    A calendar app shows a feed's text as plain text, with nothing to isolate
    it: a right-to-left override in an event's name would reverse whatever
    the app shows after it. Line breaks become LF, which the library escapes
    as ``\\n``; escaping of commas, semicolons and backslashes, and folding at
    75 octets on character boundaries, are the library's (tested in
    tests/publishing/test_ical.py).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        ch
        for ch in text
        if ch in "\n\t" or (unicodedata.category(ch) != "Cc" and ch not in BIDI_CONTROLS)
    )


def clean_line(text: str) -> str:
    """``text`` as one line, for a calendar's name and description."""
    return " ".join(clean_text(text).split())


def category_label(category: str) -> str:
    """The category's name in the active language."""
    labels = {"conference": _("Conference"), "exhibition": _("Exhibition"), "sports": _("Sports")}
    return labels.get(category, category)


def category_label_in(category: str, lang: str) -> str:
    with translation.override(LANGS[lang]):
        return category_label(category)


def feed_title(category: str, lang: str) -> str:
    """The name of the feed of all events ("all") or of one category, in ``lang``."""
    with translation.override(LANGS[lang]):
        if category == "all":
            return _("Hefei international events")
        return _("Hefei international events: %(category)s") % {
            "category": category_label(category)
        }


def other_lang(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


def event_times(published: PublishedEvent) -> tuple[dt.date | dt.datetime, dt.date | dt.datetime]:
    """DTSTART and DTEND of an event: dates (DTEND exclusive) or the first day's hours.

    With daily hours a multi-day event recurs daily (see ``event_component``).
    """
    if published.start_time is None or published.end_time is None:
        return published.start_date, published.end_date + dt.timedelta(days=1)
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(published.start_date, published.start_time, tzinfo=tz)
    end = dt.datetime.combine(published.start_date, published.end_time, tzinfo=tz)
    if end <= start:  # hours past midnight
        end += dt.timedelta(days=1)
    return start, end


def event_description(published: PublishedEvent, lang: str) -> str:
    """The description in ``lang``, then name and description in the other language, the URL."""
    other = other_lang(lang)
    parts = [
        getattr(published, f"description_{lang}"),
        "\n".join(
            text
            for text in (
                getattr(published, f"name_{other}"),
                getattr(published, f"description_{other}"),
            )
            if text
        ),
        event_page_url(published.event_code, lang),
    ]
    return "\n\n".join(part for part in parts if part)


def event_page_url(event_code: str, lang: str) -> str:
    return absolute_url(reverse("calendar:event", args=[event_code]), lang)


def event_component(published: PublishedEvent, *, lang: str, stamp: dt.datetime) -> Event:
    """The VEVENT of one published event, in ``lang`` ("zh" or "en")."""
    start, end = event_times(published)
    summary = published.name(lang)
    if published.is_cancelled:
        summary = _("Cancelled: %(name)s") % {"name": summary}
    location = ", ".join(
        part for part in (published.venue_name(lang), published.venue_address(lang)) if part
    )
    categories = [category_label(published.category)]
    if published.international:
        categories.append(_("International"))
    component = Event.new(
        uid=event_uid(published.event_code),
        sequence=published.sequence,
        status=published.status,
        summary=clean_text(summary),
        description=clean_text(event_description(published, lang)),
        location=clean_text(location),
        categories=[clean_text(c) for c in categories],
        url=event_page_url(published.event_code, lang),
        start=start,
        end=end,
        stamp=stamp,
        last_modified=published.last_modified,
    )
    days = (published.end_date - published.start_date).days + 1
    if isinstance(start, dt.datetime) and days > 1:
        component.add("rrule", {"freq": "daily", "count": days})
    if published.venue_lat is not None and published.venue_lon is not None:
        component.add("geo", (published.venue_lat, published.venue_lon))
    # Public events should not make a subscriber look busy.
    component.add("transp", "TRANSPARENT")
    return component


def calendar_new(
    *, name: str, description: str, uid: str, lang: str, stamp: dt.datetime
) -> Calendar:
    """An empty VCALENDAR with our PRODID, the refresh hints and X-WR names."""
    calendar = Calendar.new(
        prodid=f"-//Hefei International Events//city-events//{lang.upper()}",
        method="PUBLISH",
        calscale="GREGORIAN",
        uid=uid,
        last_modified=stamp,
    )
    # NAME and its X-WR- twins are TEXT (RFC 7986 5.1), but the library writes them
    # unescaped: a comma in a venue's name would end the calendar's name.
    for prop, text in (
        ("name", name),
        ("x-wr-calname", name),
        ("description", description),
        ("x-wr-caldesc", description),
    ):
        calendar.add(prop, vText(clean_line(text)))
    # RFC 7986 wants VALUE=DURATION spelled out; Outlook reads X-PUBLISHED-TTL instead.
    calendar.add("refresh-interval", vDuration(REFRESH_INTERVAL, params={"VALUE": "DURATION"}))
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def calendar_bytes(calendar: Calendar, *, first_day: dt.date | None) -> bytes:
    """The calendar serialised, with a VTIMEZONE for every TZID it uses."""
    if first_day is not None:
        calendar.add_missing_timezones(
            first_date=first_day - dt.timedelta(days=366),
            last_date=first_day + dt.timedelta(days=366 * 5),
        )
    return calendar.to_ical()


def public_feed(
    *,
    version: ScheduleVersion | None,
    events: Iterable[PublishedEvent],
    feed_key: str,
    name: str,
    description: str,
    lang: str,
) -> bytes:
    """A public feed: the given events of a version (an empty calendar before version 1)."""
    with translation.override(LANGS[lang]):
        stamp = version.published_at if version else dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        calendar = calendar_new(
            name=name,
            description=description,
            uid=f"{feed_key}.{lang}@{site_host()}",
            lang=lang,
            stamp=stamp,
        )
        events = list(events)
        for published in events:
            calendar.add_component(event_component(published, lang=lang, stamp=stamp))
        first_day = min((e.start_date for e in events), default=None)
        return calendar_bytes(calendar, first_day=first_day)


def staff_feed(*, version: ScheduleVersion | None, lang: str) -> bytes:
    """Venue occupancy (move-in and move-out days included) and hotel room blocks.

    Read from the latest version's plan, for staff. Its SEQUENCE is the
    version number: it rises with every version, which is all a staff
    calendar needs to pick up changes.
    """
    with translation.override(LANGS[lang]):
        stamp = version.published_at if version else dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        calendar = calendar_new(
            name=_("Hefei events: venue occupancy and room blocks (staff)"),
            description=_("Move-in to move-out days of every venue and hotel room blocks."),
            uid=f"staff.{lang}@{site_host()}",
            lang=lang,
            stamp=stamp,
        )
        if version is not None:
            placements = (
                Placement.objects.filter(plan=version.plan)
                .select_related("event", "venue")
                .prefetch_related("room_blocks__hotel")
                .order_by("occupancy_start", "event_id")
            )
            for placement in placements:
                for component in occupancy_components(placement, lang=lang, version=version):
                    calendar.add_component(component)
        return calendar.to_ical()


def _name(obj: BilingualName, lang: str) -> str:
    return Name(obj.name_zh, obj.name_en).text(lang)


def occupancy_components(
    placement: Placement, *, lang: str, version: ScheduleVersion
) -> Iterable[Event]:
    """The VEVENTs of one placement for staff: the venue taken, then each room block."""
    event_name, venue_name = _name(placement.event, lang), _name(placement.venue, lang)
    details = _(
        "Public days %(start)s to %(end)s; move-in from %(in)s; move-out until %(out)s."
    ) % {
        "start": placement.start.isoformat(),
        "end": placement.end.isoformat(),
        "in": placement.occupancy_start.isoformat(),
        "out": placement.occupancy_end.isoformat(),
    }
    yield Event.new(
        uid=f"{placement.event_id}.occupancy@{site_host()}",
        sequence=version.number,
        status="CONFIRMED",
        summary=clean_text(f"{venue_name}: {event_name}"),
        description=clean_text(details),
        location=clean_text(venue_name),
        categories=[_("Venue occupancy")],
        start=placement.occupancy_start,
        end=placement.occupancy_end + dt.timedelta(days=1),
        stamp=version.published_at,
    )
    for block in placement.room_blocks.all():
        hotel_name = _name(block.hotel, lang)
        yield Event.new(
            uid=f"{placement.event_id}.rooms.{block.hotel_id}@{site_host()}",
            sequence=version.number,
            status="CONFIRMED",
            summary=clean_text(
                _("%(hotel)s: %(rooms)d rooms for %(event)s")
                % {"hotel": hotel_name, "rooms": block.rooms_per_night, "event": event_name}
            ),
            location=clean_text(hotel_name),
            categories=[_("Room block")],
            # All-day days = the nights: the night of first_night .. the night of last_night.
            start=block.first_night,
            end=block.last_night + dt.timedelta(days=1),
            stamp=version.published_at,
        )
