"""The feeds and public pages fuzzed: they are outside the OpenAPI schema, so fuzzed here.

Any code in the path and any query (language, month, category, venue and
stray parameters) gets a 2xx, 3xx, 304 or 4xx, never a 5xx; every feed that
answers 200 parses as iCalendar. Derandomised and bounded like the API fuzz.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import icalendar
import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.publishing import plan_publish
from tests.publishing import factories as pub

D = pub.D
PATHS = [
    "/calendar/all.ics",
    "/calendar/sports.ics",
    "/calendar/exhibitions.ics",
    "/calendar/conferences.ics",
    "/calendar/venues/{code}.ics",
    "/calendar/events/{code}.ics",
    "/calendar/staff/{code}/occupancy.ics",
    "/",
    "/events/{code}/",
    "/venues/{code}/",
    "/subscribe/",
]
any_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
codes = st.one_of(st.sampled_from(["wmc", "expo", "nowhere"]), any_text.filter(bool))
queries = st.dictionaries(
    st.one_of(st.sampled_from(["lang", "month", "category", "venue"]), any_text),
    st.one_of(st.sampled_from(["en", "zh", "2026-09", "9999-12", "0000-00", "sports"]), any_text),
    max_size=4,
)


@pytest.fixture
def published(db):
    """One published version; built once per test, not per example (the examples only read)."""
    expo = pub.venue("expo")
    return plan_publish(plan=pub.plan([(pub.event("wmc"), expo, D(2026, 9, 20), D(2026, 9, 23))]))


@pytest.mark.django_db
@settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(path=st.sampled_from(PATHS), code=codes, query=queries, etag=st.booleans())
def test_no_feed_or_page_fails(client, published, path, code, query, etag):
    if etag:
        cache.clear()
    url = path.format(code=quote(code, safe="")) + ("?" + urlencode(query) if query else "")
    headers = {"HTTP_IF_NONE_MATCH": '"x"', "HTTP_IF_MODIFIED_SINCE": "garbage"} if etag else {}
    response = client.get(url, **headers)
    assert response.status_code < 500, url
    if response.status_code == 200 and path.endswith(".ics"):
        calendar = icalendar.Calendar.from_ical(response.content)
        assert calendar.name == "VCALENDAR"
