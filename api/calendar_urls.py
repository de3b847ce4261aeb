"""Routes of the public calendar: pages at the site root, feeds under /calendar/.

Included once from config/urls.py under the ``calendar`` namespace.
"""

from django.urls import path

from api import feeds, pages
from api.feeds import CATEGORY_FEEDS

app_name = "calendar"

urlpatterns = [
    path("", pages.upcoming, name="upcoming"),
    path("events/<str:code>/", pages.event_page, name="event"),
    path("venues/<str:code>/", pages.venue_page, name="venue"),
    path("subscribe/", pages.subscribe, name="subscribe"),
    path("subscribe/staff/", pages.staff_feed_page, name="staff-feed-page"),
    path("calendar/all.ics", feeds.public_feed, {"feed": "all"}, name="feed-all"),
    *(
        path(f"calendar/{name}.ics", feeds.public_feed, {"feed": name}, name=f"feed-{name}")
        for name in CATEGORY_FEEDS
    ),
    path("calendar/venues/<str:venue>.ics", feeds.public_feed, name="feed-venue"),
    path("calendar/events/<str:event>.ics", feeds.public_feed, name="feed-event"),
    path("calendar/staff/<str:token>/occupancy.ics", feeds.staff_feed, name="feed-staff"),
]
