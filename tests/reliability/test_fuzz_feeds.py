"""The feeds and public pages fuzzed: they are outside the OpenAPI schema, so fuzzed here.

Any code in the path and any query (language, month, category, venue and
stray parameters) gets a 2xx, 3xx, 304 or 4xx, never a 5xx; every feed that
answers 200 parses as iCalendar. The pages' own parameters answer 200 when
the page can show them, else a 400 naming one of them, and every month link
a page offers opens. Derandomised and bounded like the API fuzz.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlencode

import icalendar
import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.problem import CATEGORIES
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
codes = st.one_of(st.sampled_from(["wmc", "expo", "nowhere", "a\x00b"]), any_text.filter(bool))
queries = st.dictionaries(
    st.one_of(st.sampled_from(["lang", "month", "category", "venue"]), any_text),
    st.one_of(st.sampled_from(["en", "zh", "2026-09", "9999-12", "0000-00", "sports"]), any_text),
    max_size=4,
)


months = st.builds("{:04d}-{:02d}".format, st.integers(1999, 2101), st.integers(1, 12))
"""Months the pages show (2000-01 to 2100-12) and the months just past either end."""
any_month = st.one_of(
    months, st.builds("{:04d}-{:02d}".format, st.integers(0, 10**5), st.integers(0, 99)), any_text
)
page_queries = st.fixed_dictionaries(
    {},
    optional={
        "lang": st.sampled_from(["en", "zh"]),
        "month": months.filter(lambda m: "2000-01" <= m <= "2100-12"),
        "category": st.sampled_from(CATEGORIES),
        "venue": st.just("expo"),
    },
)
"""Queries of the calendar page that it can show: each an answer of 200."""
any_page_queries = st.fixed_dictionaries(
    {},
    optional={
        "lang": st.one_of(st.sampled_from(["en", "zh"]), any_text),
        "month": any_month,
        "category": st.one_of(st.sampled_from(CATEGORIES), any_text),
        "venue": st.one_of(st.sampled_from(["expo", "nowhere"]), any_text),
    },
)
MONTH_LINK = re.compile(r'<a href="([^"]*)" rel="(?:prev|next)">')
fuzzing = settings(
    derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
"""Bounded and repeatable: CI sends the same requests each run."""


@pytest.fixture
def published(db):
    """One published version; built once per test, not per example (the examples only read)."""
    expo = pub.venue("expo")
    return plan_publish(plan=pub.plan([(pub.event("wmc"), expo, D(2026, 9, 20), D(2026, 9, 23))]))


@pytest.mark.django_db
@settings(fuzzing, max_examples=300)
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


@pytest.mark.django_db
@settings(fuzzing, max_examples=150)
@given(query=page_queries)
def test_the_calendar_shows_what_it_can_and_every_month_link_opens(client, published, query):
    response = client.get("/", query)
    assert response.status_code == 200, query
    links = [html.unescape(url) for url in MONTH_LINK.findall(response.content.decode())]
    for url in links:
        assert client.get(url).status_code == 200, url
    if query.get("month") in ("2000-01", "2100-12"):
        assert len(links) == 1  # no way before the first month or after the last


@pytest.mark.django_db
@settings(fuzzing, max_examples=300)
@given(
    path=st.sampled_from(["/", "/events/wmc/", "/venues/expo/", "/subscribe/"]),
    query=any_page_queries,
)
def test_page_parameters_are_shown_or_refused_by_name(client, published, path, query):
    response = client.get(path, query)
    if path != "/":  # these pages take only the language, which falls back to Chinese
        assert response.status_code == 200, query
        return
    assert response.status_code in (200, 400), query
    if response.status_code == 400:
        named = re.search(r'<code class="field">(\w+)</code>', response.content.decode())
        assert named and named[1] in query, query


@pytest.mark.parametrize(
    ("query", "named", "words"),
    [
        ({"month": "9999-12"}, "month", "2000-01 至 2100-12 之间的月份，而不是“9999-12”"),
        ({"month": "0001-01", "lang": "en"}, "month", "Give a month from 2000-01 to 2100-12"),
        ({"month": "2026-13"}, "month", "2026-13"),
        ({"category": "concerts", "lang": "en"}, "category", "conference, exhibition, sports"),
        ({"venue": "nowhere", "lang": "en"}, "venue", "Choose one of expo"),
    ],
)
def test_a_parameter_the_calendar_cannot_show_is_a_400_naming_it(
    client, published, query, named, words
):
    response = client.get("/", query)
    page = response.content.decode()
    assert response.status_code == 400
    assert f'<code class="field">{named}</code>' in page and words in page
    assert '<a href="/' in page  # back to the page without the parameters


@pytest.mark.parametrize(("month", "missing"), [("2000-01", "prev"), ("2100-12", "next")])
def test_the_first_and_last_month_offer_no_link_past_them(client, published, month, missing):
    page = client.get("/", {"month": month}).content.decode()
    assert f'rel="{missing}"' not in page
    assert {"prev", "next"} - {missing} <= set(re.findall(r'rel="(prev|next)"', page))


@pytest.mark.django_db
@pytest.mark.parametrize("path", [p for p in PATHS if "{code}" in p])
def test_a_code_no_id_can_have_is_a_404_before_any_query(client, published, path):
    """PostgreSQL refuses a query holding a NUL character: /events/a%00b/ was a 500."""
    assert client.get(path.format(code="a%00b")).status_code == 404
    assert client.get(path.format(code="wmc%20x")).status_code == 404
