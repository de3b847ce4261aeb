"""Hotel pressure of a scenario: its own room blocks, under the published plan's, one scale."""

import re

import pytest
from django.test import Client

from scheduler.planner import scenario_placed
from scheduler.scenarios import scenario_create
from tests.planner.test_pages import SVG, svgs
from tests.planner.test_scenarios import solved
from tests.security.conftest import ROLES, role_user

# A forum on Expo A's days that needs 80 rooms a night of the Grand's 300 (Expo A holds 200).
FORUM = {
    "id": "forum",
    "name": {"zh": "合肥论坛", "en": "Hefei Forum"},
    "category": "conference",
    "international": False,
    "duration_days": 2,
    "window": {"start": "2026-09-10", "end": "2026-09-11"},
    "attendance": 800,
    "area_m2": 5000,
    "hotel": {"rooms_per_night": 80, "min_stars": 4, "max_distance_km": 10},
    "value": 60,
}
NIGHT = re.compile(r"^(\d{4}-\d\d-\d\d): ([\d,]+) / ([\d,]+) ")


def nights(svg) -> dict[str, tuple[int, float, bool]]:
    """Night -> (rooms held, bar height, peak) of a pressure chart."""
    found = {}
    for rect in svg.iter(f"{SVG}rect"):
        if "night" in (rect.get("class") or ""):
            night, held, _capacity = NIGHT.match(rect.find(f"{SVG}title").text).groups()
            found[night] = (int(held), float(rect.get("height")), "peak" in rect.get("class"))
    return found


@pytest.fixture
def forum_scenario(published, planner, django_capture_on_commit_callbacks):
    scenario = scenario_create(name="Forum <2026>", events=[FORUM], owner=planner)
    return solved(scenario, django_capture_on_commit_callbacks)


def test_the_scenarios_room_blocks_are_drawn_under_the_published_ones(
    client, forum_scenario, planner
):
    client.force_login(planner)
    html = client.get(f"/planner/scenarios/{forum_scenario.pk}/hotels/?lang=en").content.decode()
    titles = [svg.find(f"{SVG}title").text for svg in svgs(html)]
    assert titles == [
        "City-wide · Published plan",
        "City-wide · Forum <2026>",
        "Grand Hotel · Published plan",
        "Grand Hotel · Forum <2026>",
    ]
    _city_before, _city_after, before, after = (nights(svg) for svg in svgs(html))

    (forum,) = [p for p in scenario_placed(forum_scenario) if p.event == "forum"]
    (block,) = forum.rooms
    assert (block.hotel, block.rooms_per_night) == ("grand", 80)
    busier = {
        n for n in after if block.first_night.isoformat() <= n <= block.last_night.isoformat()
    }
    assert busier
    for night in busier:
        assert after[night][0] == before.get(night, (0,))[0] + 80
        assert after[night][2] and not before[night][2]  # 280 of 300: a peak night now
    for night in set(after) - busier:  # the same rooms drawn the same height: one scale
        assert after[night][:2] == before[night][:2]
    assert "2 peak nights" in html and "0 peak nights" in html


def test_the_scenario_page_links_to_its_hotel_pressure(client, forum_scenario, planner):
    client.force_login(planner)
    html = client.get(f"/planner/scenarios/{forum_scenario.pk}/?lang=en").content.decode()
    assert f'href="/planner/scenarios/{forum_scenario.pk}/hotels/?lang=en"' in html
    zh = client.get(f"/planner/scenarios/{forum_scenario.pk}/hotels/").content.decode()
    assert "返回方案" in zh and "全市 · 已发布计划" in zh
    assert "同一酒店的两张图使用相同刻度" in zh  # "90%" in a blocktranslate is "90%%" in the .po


def test_a_range_narrows_the_nights(client, forum_scenario, planner):
    client.force_login(planner)
    path = f"/planner/scenarios/{forum_scenario.pk}/hotels/?start=2026-09-01&end=2026-09-30"
    city = svgs(client.get(path).content.decode())[0]
    assert set(nights(city)) <= {f"2026-09-{day:02}" for day in range(1, 31)}


def test_an_unsolved_scenario_has_no_pressure_yet(client, published, planner):
    scenario = scenario_create(name="Not yet", events=[FORUM], owner=planner)
    client.force_login(planner)
    html = client.get(f"/planner/scenarios/{scenario.pk}/hotels/?lang=en").content.decode()
    assert "no plan yet" in html and not svgs(html)


# Visitors who are not staff go to the login; every staff role reads the pages.
PAGE_STATUS = {"anonymous": 302, "citizen": 302}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["", "hotels/"])
def test_scenario_pages_are_for_the_staff_roles(published, role, page):
    scenario = scenario_create(name="What if", events=[])
    browser = Client()
    if (user := role_user(role)) is not None:
        browser.force_login(user)
    status = browser.get(f"/planner/scenarios/{scenario.pk}/{page}").status_code
    assert status == PAGE_STATUS.get(role, 200)
