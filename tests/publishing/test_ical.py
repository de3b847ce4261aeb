"""Feeds parse with two independent parsers, escape everything, and say what RFC 5545 wants."""

import datetime as dt
import zoneinfo

import icalendar
import pytest
import vobject

from events.models import Event
from scheduler.publishing import plan_publish
from tests.publishing import factories as f

D = f.D
pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def published():
    """Version 1 with an all-day exhibition, a timed two-day conference and a sports event."""
    expo, stadium = f.venue("expo"), f.venue("stadium", name_zh="体育场", name_en="Stadium")
    wmc = f.event("wmc")
    forum = f.event("forum", category="conference", start_time=dt.time(9), end_time=dt.time(17))
    run = f.event("run", category="sports", duration_days=1)
    plan = f.plan(
        [
            (wmc, expo, D(2026, 9, 20), D(2026, 9, 23)),
            (forum, expo, D(2026, 5, 7), D(2026, 5, 8)),
            (run, stadium, D(2026, 11, 9), D(2026, 11, 9)),
        ]
    )
    return plan_publish(plan=plan, comment="")


FEEDS = [
    ("/calendar/all.ics", {"wmc", "forum", "run"}),
    ("/calendar/sports.ics", {"run"}),
    ("/calendar/exhibitions.ics", {"wmc"}),
    ("/calendar/conferences.ics", {"forum"}),
    ("/calendar/venues/expo.ics", {"wmc", "forum"}),
    ("/calendar/events/run.ics", {"run"}),
]


def parse_both(body: bytes) -> tuple[icalendar.Calendar, vobject.base.Component]:
    """The feed read by icalendar and by vobject, an independent parser."""
    return icalendar.Calendar.from_ical(body), vobject.readOne(body.decode("utf-8"))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("url", "codes"), FEEDS)
def test_every_feed_parses_with_both_parsers(client, published, url, codes, lang):
    response = client.get(url, {"lang": lang})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    assert all(line.endswith(b"\r") or not line for line in body.split(b"\n"))
    cal, vcal = parse_both(body)
    uids = {str(e["UID"]) for e in cal.walk("VEVENT")}
    assert uids == {f"{code}@events.hefei.example" for code in codes}
    assert {e.uid.value for e in vcal.vevent_list} == uids
    assert cal["VERSION"] == "2.0" and cal["METHOD"] == "PUBLISH"
    assert str(cal["PRODID"]).startswith("-//Hefei International Events//")
    assert cal["X-WR-TIMEZONE"] == "Asia/Shanghai"
    assert cal["X-WR-CALNAME"] and cal["X-WR-CALDESC"]
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in body
    assert b"X-PUBLISHED-TTL:PT6H\r\n" in body
    stamps = {e["DTSTAMP"].dt for e in cal.walk("VEVENT")}
    assert stamps == {published.published_at.replace(microsecond=0)}
    for event in cal.walk("VEVENT"):
        assert event["STATUS"] == "CONFIRMED"
        assert event["SEQUENCE"] == 0
        assert event["LAST-MODIFIED"].dt == published.published_at.replace(microsecond=0)
        assert event["URL"].startswith("https://events.hefei.example/events/")
        assert event["GEO"].latitude == pytest.approx(31.73)
        assert event["LOCATION"]


def test_all_day_and_timed_events(client, published):
    cal, vcal = parse_both(client.get("/calendar/all.ics").content)
    events = {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}
    wmc = events["wmc"]
    assert (wmc["DTSTART"].dt, wmc["DTEND"].dt) == (D(2026, 9, 20), D(2026, 9, 24))
    assert wmc["DTSTART"].params["VALUE"] == "DATE"
    forum = events["forum"]
    assert forum["DTSTART"].dt == dt.datetime(2026, 5, 7, 9, tzinfo=SHANGHAI)
    assert forum["DTEND"].dt == dt.datetime(2026, 5, 7, 17, tzinfo=SHANGHAI)
    assert forum["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert forum["RRULE"] == {"FREQ": ["DAILY"], "COUNT": [2]}
    (tz,) = cal.walk("VTIMEZONE")
    assert tz["TZID"] == "Asia/Shanghai"
    vforum = next(e for e in vcal.vevent_list if e.uid.value.startswith("forum@"))
    assert vforum.dtstart.value.utcoffset() == dt.timedelta(hours=8)
    assert [d.date() for d in vforum.getrruleset()] == [D(2026, 5, 7), D(2026, 5, 8)]


def test_the_language_switch(client, published):
    zh = icalendar.Calendar.from_ical(client.get("/calendar/all.ics").content)
    en = icalendar.Calendar.from_ical(client.get("/calendar/all.ics?lang=en").content)
    zh_wmc = next(e for e in zh.walk("VEVENT") if e["UID"].startswith("wmc@"))
    en_wmc = next(e for e in en.walk("VEVENT") if e["UID"].startswith("wmc@"))
    assert zh_wmc["SUMMARY"] == "wmc 博览会" and en_wmc["SUMMARY"] == "wmc Expo"
    # The other language is in the description.
    assert "wmc Expo" in zh_wmc["DESCRIPTION"] and "English description" in zh_wmc["DESCRIPTION"]
    assert "wmc 博览会" in en_wmc["DESCRIPTION"] and "中文介绍" in en_wmc["DESCRIPTION"]
    assert zh["X-WR-CALNAME"] == "合肥国际活动"
    assert en["X-WR-CALNAME"] == "Hefei international events"
    assert zh_wmc.categories == ["展览", "国际"]
    assert en_wmc.categories == ["Exhibition", "International"]
    assert en_wmc["URL"].endswith("/events/wmc/?lang=en")
    assert en_wmc["LOCATION"] == f"{f.venue().name_en}, {f.venue().address_en}"


NASTY = [
    "Line one\nBEGIN:VEVENT\nUID:evil@x\nEND:VEVENT",
    "Comma, semicolon; backslash \\ and \\n literal",
    "CR\ronly and CRLF\r\nboth",
    "Control\x07chars\x0bgone\x1b",  # no NUL: PostgreSQL refuses it in text
    "END:VCALENDAR",
]


@pytest.mark.parametrize("text", NASTY)
def test_text_cannot_inject_properties_or_components(client, text):
    venue = f.venue("expo", name_en=text[:200], address_en=text)
    event = f.event("evil", name_en=text[:200], description_en=text, description_zh=text)
    plan_publish(plan=f.plan([(event, venue, D(2026, 6, 1), D(2026, 6, 2))]), comment="")
    for url in ("/calendar/all.ics?lang=en", "/calendar/events/evil.ics?lang=en"):
        body = client.get(url).content
        cal, vcal = parse_both(body)
        lines = body.split(b"\r\n")
        assert lines.count(b"BEGIN:VEVENT") == 1 and lines.count(b"END:VCALENDAR") == 1
        assert not any(line.startswith(b"UID:evil@x") for line in lines)
        (vevent,) = cal.walk("VEVENT")
        assert vevent["UID"] == "evil@events.hefei.example"
        (vvevent,) = vcal.vevent_list
        unified = text.replace("\r\n", "\n").replace("\r", "\n")
        expected = "".join(ch for ch in unified if ch == "\n" or ch.isprintable())
        assert vevent["SUMMARY"] == expected[:200] == vvevent.summary.value
        assert vevent["DESCRIPTION"].startswith(expected)
        assert vvevent.description.value.startswith(expected)


def test_two_thousand_cjk_characters_fold_cleanly(client):
    long_name = "合肥世界制造业大会" * 222 + "会会"  # 2,000 characters, 6,000 octets
    assert len(long_name) == 2000
    venue = f.venue("expo")
    event = f.event("long", description_zh=long_name)
    Event.objects.filter(pk="long").update(name_zh=long_name[:200])
    plan_publish(plan=f.plan([(event, venue, D(2026, 6, 1), D(2026, 6, 1))]), comment="")
    body = client.get("/calendar/events/long.ics").content
    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # no UTF-8 character split across a fold
    (vevent,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert vevent["DESCRIPTION"].startswith(long_name + "\n\n")
    assert vevent["SUMMARY"] == long_name[:200]
    (vvevent,) = vobject.readOne(body.decode()).vevent_list
    assert vvevent.description.value.startswith(long_name)
    # Exactly one DESCRIPTION property: the folded lines are continuations.
    vevent_lines = lines[lines.index(b"BEGIN:VEVENT") : lines.index(b"END:VEVENT")]
    assert sum(1 for line in vevent_lines if line.startswith(b"DESCRIPTION:")) == 1


def test_feed_before_any_version_is_an_empty_calendar(client):
    f.event("tentative")
    response = client.get("/calendar/all.ics")
    assert response.status_code == 200
    cal, _vcal = parse_both(response.content)
    assert cal.walk("VEVENT") == []


def test_missing_english_falls_back_to_chinese_and_no_location_means_no_geo(client):
    venue = f.venue("park", name_en="", lat=None, lon=None)
    event = f.event("go", name_en="", description_en="")
    plan_publish(plan=f.plan([(event, venue, D(2026, 5, 7), D(2026, 5, 8))]), comment="")
    (vevent,) = icalendar.Calendar.from_ical(
        client.get("/calendar/events/go.ics?lang=en").content
    ).walk("VEVENT")
    assert vevent["SUMMARY"] == "go 博览会"
    assert vevent["LOCATION"].startswith("滨湖国际会展中心")
    assert "GEO" not in vevent
    page = client.get("/events/go/?lang=en").content.decode()
    assert "go 博览会" in page and "openstreetmap" not in page


def test_calendar_names_are_escaped_text(client):
    """NAME and X-WR-CALNAME/-CALDESC are TEXT (RFC 7986 5.1): a comma must not end the name."""
    venue = f.venue("park", name_en="Quzhuang Pavilion, Xiaoyaojin Park; A\\B")
    event = f.event("go", name_en="Go, Masters; 2027 \\n")
    plan_publish(plan=f.plan([(event, venue, D(2026, 5, 7), D(2026, 5, 8))]), comment="")
    for url, name in (
        ("/calendar/venues/park.ics", "Events at Quzhuang Pavilion, Xiaoyaojin Park; A\\B"),
        ("/calendar/events/go.ics", "Go, Masters; 2027 \\n"),
    ):
        body = client.get(url, {"lang": "en"}).content
        _cal, vcal = parse_both(body)
        for prop in ("name", "x-wr-calname", "x-wr-caldesc"):
            assert vcal.contents[prop][0].value == name
