"""Routes of the public calendar: pages at the site root, feeds under /calendar/.

Included once from config/urls.py under the ``calendar`` namespace.
"""

from django.urls import path, register_converter
from django.urls.converters import StringConverter

from api import feeds, pages
from api.feeds import CATEGORY_FEEDS
from scheduler.format import ID_PATTERN

app_name = "calendar"


class CodeConverter(StringConverter):
    """An id of the exchange format (an event's, a venue's), or a feed secret, which fits it.

    Any other text in the path is a 404 before a query: PostgreSQL refuses a
    query holding a NUL character, and /events/a%00b/ was a 500.
    """

    regex = ID_PATTERN.pattern


register_converter(CodeConverter, "code")

urlpatterns = [
    path("", pages.upcoming, name="upcoming"),
    path("events/<code:code>/", pages.event_page, name="event"),
    path("venues/<code:code>/", pages.venue_page, name="venue"),
    path("subscribe/", pages.subscribe, name="subscribe"),
    path("subscribe/staff/", pages.staff_feed_page, name="staff-feed-page"),
    path("calendar/all.ics", feeds.public_feed, {"feed": "all"}, name="feed-all"),
    *(
        path(f"calendar/{name}.ics", feeds.public_feed, {"feed": name}, name=f"feed-{name}")
        for name in CATEGORY_FEEDS
    ),
    path("calendar/venues/<code:venue>.ics", feeds.public_feed, name="feed-venue"),
    path("calendar/events/<code:event>.ics", feeds.public_feed, name="feed-event"),
    path("calendar/staff/<code:token>/occupancy.ics", feeds.staff_feed, name="feed-staff"),
]
