"""Authentication: API tokens, sessions with CSRF, login lockouts, request rates, feed secrets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from scheduler.models import FeedToken
from scheduler.publishing import feed_token_get_or_create
from tests.roles import user_with_role

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
FEATURE = {"code": "wifi", "name_en": "Wi-Fi"}


@pytest.fixture
def convention():
    return user_with_role("conv", "convention", password="conv-pw-1234")


def token_for(username: str, password: str) -> APIClient:
    client = APIClient()
    response = client.post(TOKEN_URL, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_a_token_from_the_password_authenticates_writes_until_revoked(convention):
    client = token_for("conv", "conv-pw-1234")
    assert client.post("/api/v1/features/", FEATURE, format="json").status_code == 201
    assert client.delete(TOKEN_URL).status_code == 204
    refused = client.post("/api/v1/features/", FEATURE | {"code": "lan"}, format="json")
    # 403, not 401: the session is the first authentication, and it names no scheme.
    assert refused.status_code == 403


def test_a_token_expires_and_the_password_then_gives_a_new_one(convention, settings):
    settings.API_TOKEN_HOURS = 8
    client = token_for("conv", "conv-pw-1234")
    (key,) = Token.objects.filter(user=convention).values_list("key", flat=True)
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(hours=8, seconds=1))
    refused = client.post("/api/v1/features/", FEATURE, format="json", HTTP_ACCEPT_LANGUAGE="zh")
    assert refused.status_code == 403
    assert "令牌已过期" in refused.json()["errors"][0]["message"]
    again = (
        APIClient()
        .post(TOKEN_URL, {"username": "conv", "password": "conv-pw-1234"}, format="json")
        .json()
    )
    assert again["token"] != key
    expires = dt.datetime.fromisoformat(again["expires"])
    assert dt.timedelta(hours=7, minutes=59) < expires - timezone.now() <= dt.timedelta(hours=8)


def test_a_wrong_password_gets_no_token(convention):
    response = APIClient().post(TOKEN_URL, {"username": "conv", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_a_session_write_needs_the_csrf_token(convention):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(convention)
    refused = browser.post("/api/v1/features/", FEATURE, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["errors"][0]["message"]

    browser.cookies["csrftoken"] = secret = "a" * 32
    accepted = browser.post(
        "/api/v1/features/", FEATURE, content_type="application/json", HTTP_X_CSRFTOKEN=secret
    )
    assert accepted.status_code == 201


def test_the_token_endpoint_locks_out_after_repeated_failures(settings, convention):
    client = APIClient()
    answers = [
        client.post(TOKEN_URL, {"username": "conv", "password": "guess"}, format="json").status_code
        for _attempt in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert answers == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    right = client.post(TOKEN_URL, {"username": "conv", "password": "conv-pw-1234"}, format="json")
    assert right.status_code == 429
    assert "Too many failed logins" in right.json()["errors"][0]["message"]


def test_the_admin_login_locks_out_after_repeated_failures(settings, convention):
    browser = Client()
    answers = [
        browser.post("/admin/login/", {"username": "conv", "password": "guess"}).status_code
        for _attempt in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # 200: the form again
    right = browser.post("/admin/login/", {"username": "conv", "password": "conv-pw-1234"})
    assert right.status_code == 429
    assert "_auth_user_id" not in browser.session


@pytest.fixture
def rates(settings):
    """Low request rates, with an empty throttle history."""
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "5/minute"},
    }
    yield
    cache.clear()


def test_anonymous_requests_are_rate_limited(rates):
    client = APIClient()
    assert [client.get("/api/v1/venues/").status_code for _ in range(4)] == [200] * 3 + [429]
    assert int(client.get("/api/v1/venues/")["Retry-After"]) > 0


def test_signed_in_requests_have_their_own_higher_rate(rates, convention):
    client = APIClient()
    client.force_authenticate(convention)
    assert [client.get("/api/v1/venues/").status_code for _ in range(6)] == [200] * 5 + [429]


def test_a_staff_feed_secret_is_rotated_by_a_csrf_checked_post(convention):
    old = feed_token_get_or_create(user=convention).token
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(convention)
    assert browser.post("/subscribe/staff/").status_code == 403  # no CSRF token

    browser.cookies["csrftoken"] = secret = "b" * 32
    assert browser.post("/subscribe/staff/", {"csrfmiddlewaretoken": secret}).status_code == 302
    new = FeedToken.objects.get(user=convention).token
    assert new != old
    assert Client().get(f"/calendar/staff/{old}/occupancy.ics").status_code == 404
    assert Client().get(f"/calendar/staff/{new}/occupancy.ics").status_code == 200


def test_a_user_name_longer_than_any_is_a_400_naming_it():
    response = APIClient().post(TOKEN_URL, {"username": "u" * 5000, "password": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "username"
