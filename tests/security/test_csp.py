"""Content-Security-Policy: every page carries it, and every page still works under it.

The policy (django-csp, ``config/settings.py``) lets a page run and style
itself only from this site. A page that depended on an inline script, an
inline style or another site's asset would break in the browser, so the
pages are opened in headless Chromium and every violation the browser
reports is a failure.
"""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from scheduler.publishing import plan_publish
from tests.planner.conftest import running_scenario
from tests.publishing import factories as f
from tests.publishing.test_browser import driver  # noqa: F401 (the shared headless Chromium)
from tests.roles import user_with_role

POLICY = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
    window.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
"""
"""Run before any script of each page: the browser's reports of what the policy blocked."""


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.fixture
def published(db):
    expo = f.venue("expo")
    plan = f.plan([(f.event("wmc"), expo, f.D(2026, 9, 20), f.D(2026, 9, 23))])
    return plan_publish(plan=plan, comment="")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("/", None),
        ("/events/wmc/?lang=en", None),
        ("/subscribe/", None),
        ("/?month=9999-12", None),  # a 400 page too
        ("/api/v1/venues/", None),
        ("/admin/login/", None),
        ("/admin/events/event/", "admin"),
        ("/planner/", "planner"),
    ],
)
def test_every_page_carries_the_policy(client, published, url, who):
    if who == "admin":
        client.force_login(get_user_model().objects.create_superuser("root", password=None))
    elif who == "planner":
        client.force_login(user_with_role("planner", "planner"))
    response = client.get(url)
    assert response.status_code in (200, 400), url
    assert directives(response) == POLICY


@pytest.mark.django_db
def test_the_api_docs_load_nothing_from_another_site_and_have_no_inline_script(client):
    response = client.get("/api/docs/")
    policy = directives(response)
    assert "script-src" not in policy  # default-src 'self' alone: no CDN, no 'unsafe-inline'
    assert {k: policy[k] for k in POLICY} == POLICY
    page = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all("src=" in tag for tag in scripts)
    assert not re.search(r"""(src|href)=["']https?://""", page)
    start_up = client.get("/api/docs/?script=")
    assert start_up["Content-Type"] == "application/javascript"
    assert b"SwaggerUIBundle" in start_up.content


# --- in the browser ---------------------------------------------------------------------


def watching(browser) -> dict:
    """The violation listener, installed on every page the browser opens; its handle."""
    return browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": VIOLATIONS})


def signed_in(browser, live_server, client, user) -> None:
    """The browser signed in as ``user``, with a session made by the test client."""
    client.force_login(user)
    browser.get(live_server.url + "/admin/login/")  # a page of the site, to set its cookie
    browser.delete_all_cookies()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    browser.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": cookie})


def blocked(browser) -> list[str]:
    """What the policy blocked on the page open now, as the browser reported it."""
    return browser.execute_script("return window.__violations;")


@pytest.mark.django_db(transaction=True)
def test_pages_work_under_the_policy_in_a_browser(driver, live_server, client, published):  # noqa: F811
    from selenium.webdriver.common.by import By

    script = watching(driver)
    try:
        for path in ("/", "/events/wmc/?lang=en", "/venues/expo/", "/subscribe/", "/admin/login/"):
            driver.get(live_server.url + path)
            assert blocked(driver) == [], path
        driver.get(live_server.url + "/")  # styled by its own stylesheet
        header = driver.find_element(By.CSS_SELECTOR, "header.site")
        assert header.value_of_css_property("display") == "flex"

        admin = get_user_model().objects.create_superuser("root", password=None)
        signed_in(driver, live_server, client, admin)
        driver.get(live_server.url + "/admin/events/event/")
        driver.find_element(By.ID, "action-toggle").click()  # the admin's own script
        boxes = driver.find_elements(By.CSS_SELECTOR, "input.action-select")
        assert boxes and all(box.is_selected() for box in boxes)
        assert blocked(driver) == []

        planner = user_with_role("planner", "planner")
        signed_in(driver, live_server, client, planner)
        scenario = running_scenario(name="Long solve", owner=planner, elapsed_s=24.0)
        driver.get(f"{live_server.url}/planner/scenarios/{scenario.pk}/?lang=en")
        assert blocked(driver) == []
        driver.execute_script("window.__before_refresh = true;")
        time.sleep(3)  # the live progress reloads the page every 2 s
        assert driver.execute_script("return window.__before_refresh;") is None
        assert driver.find_element(By.ID, "solve-progress")

        driver.get(live_server.url + "/api/docs/")
        assert blocked(driver) == []  # what it loads from here is allowed (its CDN is offline)
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", script)
