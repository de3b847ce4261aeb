"""The planner pages in a real headless Chromium, with screenshots in test-artifacts/.

Uses the publishing tests' driver (so REQUIRE_BROWSER=1 makes a missing
Chromium a failure here too). The staff session is made by Django's test
client and handed to the browser as its cookie.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from events.services import blackout_create
from scheduler.models import Scenario
from scheduler.scenarios import scenario_create
from tests.planner.conftest import YEAR_END, YEAR_START, running_run, running_scenario
from tests.planner.test_scenario_hotels import FORUM
from tests.publishing.test_browser import follow, shot
from tests.roles import user_with_role

pytestmark = pytest.mark.django_db(transaction=True)
SVG_ROWS = "svg.timeline g.venue-row"


def sign_in(driver, live_server, client, user) -> str:
    """The browser signed in as ``user`` (a session made by the test client); the site's URL."""
    client.force_login(user)
    driver.get(live_server.url + "/planner/")  # a page of the site, to set its cookie
    driver.delete_all_cookies()
    driver.add_cookie(
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        }
    )
    driver.set_window_size(1280, 1000)
    return live_server.url


@pytest.fixture
def site(live_server, client, published, planner, driver):
    """The live server with the tiny city published, the browser signed in as a planner."""
    return sign_in(driver, live_server, client, planner)


@pytest.fixture
def bureau_site(live_server, client, published, driver):
    """The same, signed in as the sports bureau."""
    return sign_in(driver, live_server, client, user_with_role("bureau", "sports"))


def wait_for(driver, css: str, timeout: float = 60):
    """Wait for an element on a page that may be reloading itself meanwhile.

    A running solve's page refreshes every 2 s; a lookup that lands mid-reload
    can get an inspector error from Chromium, so any WebDriver error means "look again".
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, ignored_exceptions=(WebDriverException,)).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def test_anonymous_visitors_are_sent_to_the_login(driver, live_server, published):
    driver.delete_all_cookies()
    driver.get(live_server.url + "/planner/timeline/")
    assert "/admin/login/" in driver.current_url


def test_timeline_in_both_languages(driver, site):
    from selenium.webdriver.common.by import By

    blackout_create(
        start=dt.date(2026, 6, 7),
        end=dt.date(2026, 6, 9),
        categories=["sports"],
        reason_zh="高考",
        reason_en="Gaokao",
    )
    driver.get(site + "/planner/timeline/?year=2026")
    assert driver.find_elements(By.CSS_SELECTOR, "svg.timeline rect.blackout.partial")
    rows = driver.find_elements(By.CSS_SELECTOR, SVG_ROWS)
    assert [r.get_attribute("data-venue") for r in rows] == ["expo", "stadium"]
    assert driver.find_elements(By.CSS_SELECTOR, "svg.timeline rect.move-in")
    assert "甲博览会" in driver.find_element(By.CSS_SELECTOR, "svg.timeline").text
    shot(driver, "planner-timeline-zh")
    follow(driver, driver.find_element(By.LINK_TEXT, "English"))
    assert "Expo A" in driver.find_element(By.CSS_SELECTOR, "svg.timeline").text
    shot(driver, "planner-timeline-en")


def test_hotel_pressure_and_targets(driver, site):
    from selenium.webdriver.common.by import By

    driver.get(site + "/planner/hotels/?year=2026&start=2026-08-15&end=2026-10-15&lang=en")
    charts = driver.find_elements(By.CSS_SELECTOR, "svg.pressure")
    assert len(charts) == 2  # city-wide and the Grand Hotel
    assert driver.find_elements(By.CSS_SELECTOR, "svg.pressure rect.night")
    shot(driver, "planner-hotel-pressure-en")

    driver.get(site + "/planner/targets/?year=2026")
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.targets g.target")) == 2
    shot(driver, "planner-targets-zh")


def test_progress_bar_of_a_running_solve(driver, site, planner):
    from selenium.webdriver.common.by import By

    scenario = running_scenario(name="Long solve", owner=planner, elapsed_s=24.0)
    driver.get(f"{site}/planner/scenarios/{scenario.pk}/?lang=en")
    progress = driver.find_element(By.ID, "solve-progress")
    assert float(progress.get_attribute("max")) == 60.0
    assert float(progress.get_attribute("value")) == 24.0
    assert driver.find_element(By.CSS_SELECTOR, "strong.gap").text == "3.15%"
    refresh = driver.find_element(By.CSS_SELECTOR, "meta[http-equiv=refresh]")
    assert refresh.get_attribute("content") == "2"
    shot(driver, "planner-progress-en")


def test_sports_what_if_from_the_season_page(driver, bureau_site):
    """The sports bureau's own what-if: it sees the differences; publishing is a planner's."""
    from selenium.webdriver.common.by import By

    site = bureau_site
    driver.get(site + "/planner/season/?year=2026&lang=en")
    assert "Marathon" in driver.find_element(By.CSS_SELECTOR, "table.season").text
    shot(driver, "planner-season-en")
    form = driver.find_element(By.CSS_SELECTOR, "form.whatif")
    form.find_element(By.NAME, "scenario_name").send_keys("City cup")
    form.find_element(By.NAME, "event").send_keys("cup")
    form.find_element(By.NAME, "new").click()
    form.find_element(By.NAME, "name_zh").send_keys("城市杯")
    form.find_element(By.NAME, "name_en").send_keys("City Cup")
    form.find_element(By.NAME, "duration_days").send_keys("2")
    driver.execute_script(
        "arguments[0].value = '2026-12-01'; arguments[1].value = '2026-12-20';",
        form.find_element(By.NAME, "window_start"),
        form.find_element(By.NAME, "window_end"),
    )
    follow(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "/planner/scenarios/" in driver.current_url
    # The page refreshes itself every 2 s until the solve is done.
    wait_for(driver, "section.diff", timeout=90)
    driver.set_window_size(1280, 2200)
    added = driver.find_elements(By.CSS_SELECTOR, "table.changes tr.added")
    assert [row.get_attribute("data-event") for row in added] == ["cup"]
    timelines = driver.find_elements(By.CSS_SELECTOR, "svg.timeline")
    assert len(timelines) == 2  # published beside the scenario
    assert "City Cup" in timelines[1].text and "City Cup" not in timelines[0].text
    assert not driver.find_elements(By.CSS_SELECTOR, "button[value=publish]")
    assert driver.find_element(By.CSS_SELECTOR, "p.publish-note").is_displayed()
    shot(driver, "planner-scenario-diff-en")
    follow(driver, driver.find_element(By.LINK_TEXT, "中文"))
    changes = driver.find_element(By.CSS_SELECTOR, "details.changes-made")
    changes.find_element(By.TAG_NAME, "summary").click()
    assert "城市杯" in changes.text and "新活动" in changes.text
    shot(driver, "planner-scenario-diff-zh")
    assert Scenario.objects.get().events[0]["id"] == "cup"


def test_scenario_hotel_pressure_under_the_published(driver, site, planner):
    from selenium.webdriver.common.by import By

    scenario = scenario_create(name="Forum", events=[FORUM], owner=planner)
    driver.get(f"{site}/planner/scenarios/{scenario.pk}/?lang=en")
    follow(driver, driver.find_element(By.CSS_SELECTOR, "button[value=solve]"))
    wait_for(driver, "section.diff", timeout=90)
    follow(driver, driver.find_element(By.CSS_SELECTOR, "a.scenario-hotels"))
    charts = driver.find_elements(By.CSS_SELECTOR, "svg.pressure")
    assert len(charts) == 4  # city-wide and the Grand Hotel, published above the scenario
    grand_before, grand_after = charts[2:]
    assert not grand_before.find_elements(By.CSS_SELECTOR, "rect.peak")
    assert grand_after.find_elements(By.CSS_SELECTOR, "rect.peak")  # Expo A and the forum
    driver.set_window_size(1280, 1400)
    shot(driver, "planner-scenario-hotels-en")
    follow(driver, driver.find_element(By.LINK_TEXT, "中文"))
    assert "大酒店 · Forum" in driver.find_elements(By.CSS_SELECTOR, "svg.pressure")[3].text
    shot(driver, "planner-scenario-hotels-zh")


def test_withdrawing_an_event_from_the_scenario_page(driver, site, planner):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    scenario = scenario_create(name="No marathon", events=[], owner=planner)
    driver.get(f"{site}/planner/scenarios/{scenario.pk}/?lang=en")
    form = driver.find_element(By.CSS_SELECTOR, "form.withdraw")
    Select(form.find_element(By.NAME, "event")).select_by_value("run")
    follow(driver, form.find_element(By.CSS_SELECTOR, "button[value=withdraw]"))
    wait_for(driver, "section.diff", timeout=90)
    (dropped,) = driver.find_elements(By.CSS_SELECTOR, "table.changes tr.dropped")
    assert dropped.get_attribute("data-event") == "run"
    assert "withdrawn in this scenario" in dropped.text
    assert (
        "Withdrawn in this scenario: Marathon (run)"
        in driver.find_element(By.CSS_SELECTOR, "p.withdrawn").text
    )
    driver.set_window_size(1280, 2200)
    shot(driver, "planner-scenario-withdrawn-en")


def test_progress_of_an_ordinary_solve_from_the_index(driver, site, planner):
    from selenium.webdriver.common.by import By

    run = running_run(
        YEAR_START, YEAR_END, elapsed_s=24.0, started_at=timezone.now(), requested_by=planner
    )
    driver.get(site + "/planner/?lang=en")
    follow(driver, driver.find_element(By.CSS_SELECTOR, f"a[href^='/planner/runs/{run.pk}/']"))
    progress = wait_for(driver, "#solve-progress")
    assert float(progress.get_attribute("value")) == 24.0
    assert driver.find_element(By.CSS_SELECTOR, "strong.gap").text == "3.15%"
    assert driver.find_element(By.CSS_SELECTOR, "span.run-status").text == "running"
    shot(driver, "planner-run-progress-en")
