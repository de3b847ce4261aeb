"""The public pages in a real headless Chromium (Selenium), with screenshots in test-artifacts/.

Needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium``
package. Without them these tests skip locally, but fail when
REQUIRE_BROWSER=1 (as in CI), so a missing browser never passes silently.
"""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from scheduler.publishing import plan_publish
from tests.publishing import factories as f

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_PATH", "/usr/bin/chromedriver")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
]

pytestmark = pytest.mark.django_db(transaction=True)


def unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def driver():
    """A headless Chromium driven by Selenium, using the system chromedriver (no downloads)."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        unavailable("selenium is not installed")
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (Path(path).exists() or shutil.which(path)):
            unavailable(f"{path} is missing (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    browser.set_page_load_timeout(30)
    ARTIFACTS.mkdir(exist_ok=True)
    yield browser
    browser.quit()


@pytest.fixture
def site(live_server, settings):
    """A published schedule with events in the coming weeks, served by the live server."""
    settings.SITE_URL = live_server.url
    soon = timezone.localdate() + dt.timedelta(days=20)
    expo = f.venue("expo")
    stadium = f.venue("stadium", name_zh="合肥体育中心", name_en="Hefei Olympic Sports Center")
    wmc = f.event(
        "wmc",
        name_zh="世界制造业大会",
        name_en="World Manufacturing Convention",
        description_zh="全球制造业的年度盛会。\n欢迎参观。",
        description_en="The yearly meeting of the world's manufacturers.\nAll welcome.",
    )
    run = f.event("marathon", category="sports", name_zh="合肥马拉松", name_en="Hefei Marathon")
    forum = f.event(
        "forum",
        category="conference",
        name_zh="量子产业大会",
        name_en="Quantum Industry Conference",
        start_time=dt.time(9),
        end_time=dt.time(17, 30),
    )
    plan = f.plan(
        [
            (wmc, expo, soon, soon + dt.timedelta(days=3)),
            (run, stadium, soon + dt.timedelta(days=10), soon + dt.timedelta(days=10)),
            (forum, expo, soon + dt.timedelta(days=40), soon + dt.timedelta(days=41)),
        ],
        horizon=(soon - dt.timedelta(days=30), soon + dt.timedelta(days=365)),
    )
    plan_publish(plan=plan, comment="browser test")
    return live_server.url


def shot(driver, name: str) -> None:
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def follow(driver, element) -> None:
    """Click a link or submit button and wait until the next page has loaded in its place.

    The old page is marked with a window property the next one does not have.
    Waiting on the old page's element going stale instead raced with Chromium:
    asked about a node mid-navigation, it answered with an inspector error
    rather than "stale element", and the test failed on a page that loaded fine.
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("window.__leaving = true;")
    element.click()
    WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script(
            "return !window.__leaving && document.readyState === 'complete';"
        )
    )


def test_calendar_filters_and_language_switch(driver, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver.get(site + "/")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans"
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "世界制造业大会" in body and "合肥马拉松" in body
    shot(driver, "calendar-zh")

    # The category filter is a plain GET form with a labelled select.
    label = driver.find_element(By.CSS_SELECTOR, "label[for=filter-category]")
    assert label.text == "类别"
    Select(driver.find_element(By.ID, "filter-category")).select_by_value("sports")
    follow(driver, driver.find_element(By.CSS_SELECTOR, ".filters button[type=submit]"))
    assert "category=sports" in driver.current_url
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "合肥马拉松" in body and "世界制造业大会" not in body

    follow(driver, driver.find_element(By.LINK_TEXT, "English"))
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "lang=en" in driver.current_url and "category=sports" in driver.current_url
    assert "Hefei Marathon" in driver.find_element(By.TAG_NAME, "body").text
    shot(driver, "calendar-en-sports")


def test_event_page_with_calendar_links(driver, site):
    from selenium.webdriver.common.by import By

    driver.get(site + "/?lang=en")
    follow(driver, driver.find_element(By.LINK_TEXT, "World Manufacturing Convention"))
    assert "/events/wmc/" in driver.current_url
    assert driver.find_element(By.TAG_NAME, "h1").text == "World Manufacturing Convention"
    links = {a.text: a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "a")}
    assert links["Download .ics"].endswith("/calendar/events/wmc.ics?lang=en")
    assert links["Google Calendar"].startswith("https://calendar.google.com/calendar/render?")
    assert links["Subscribe (Apple Calendar, Outlook)"].startswith("webcal://")
    assert "openstreetmap.org" in links["Map"]
    shot(driver, "event-en")

    # The .ics download is a calendar the browser can fetch.
    text = driver.execute_async_script(
        "const done = arguments[0];"
        "fetch('/calendar/events/wmc.ics?lang=en').then(r => r.text()).then(done);"
    )
    assert text.startswith("BEGIN:VCALENDAR") and "UID:wmc@" in text

    follow(driver, driver.find_element(By.LINK_TEXT, "中文"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "世界制造业大会"
    shot(driver, "event-zh")


def test_venue_and_subscribe_pages(driver, site):
    from selenium.webdriver.common.by import By

    driver.get(site + "/venues/expo/")
    assert "世界制造业大会" in driver.find_element(By.TAG_NAME, "body").text
    shot(driver, "venue-zh")
    driver.get(site + "/subscribe/?lang=en")
    webcal = [
        a.get_attribute("href")
        for a in driver.find_elements(By.CSS_SELECTOR, "a")
        if (a.get_attribute("href") or "").startswith("webcal://")
    ]
    assert any(href.endswith("/calendar/all.ics?lang=en") for href in webcal)
    assert "Outlook" in driver.find_element(By.TAG_NAME, "body").text
    shot(driver, "subscribe-en")


def test_readable_on_a_phone(driver, site):
    from selenium.webdriver.common.by import By

    driver.set_window_size(390, 844)
    try:
        for path, name in [("/", "phone-calendar-zh"), ("/events/wmc/?lang=en", "phone-event-en")]:
            driver.get(site + path)
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
            assert driver.find_element(By.TAG_NAME, "h1").is_displayed()
            shot(driver, name)
    finally:
        driver.set_window_size(1280, 1000)
