"""JSON nested too deeply is a 400 naming the limit, before any view decodes it (issue #10).

A thousand levels, far under the size limit, raised RecursionError (a 500)
on every JSON endpoint, the anonymous token endpoint first of all.
"""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from api.limits import MAX_JSON_DEPTH, nests_deeper_than
from tests.api.conftest import errors_by_field
from tests.security.conftest import role_user
from venues.models import Feature

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


def nested(levels: int, inside: str = "1") -> str:
    """``inside`` in ``levels`` arrays and objects, alternating."""
    text = inside
    for level in range(levels):
        text = f"[{text}]" if level % 2 else f'{{"a": {text}}}'
    return text


def post_json(client: APIClient, url: str, body: str, **headers: str):
    return client.generic("POST", url, body, content_type="application/json", **headers)


def test_a_deep_body_to_the_anonymous_token_endpoint_is_a_400_naming_the_limit():
    response = post_json(APIClient(), TOKEN_URL, nested(1000), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert errors_by_field(response) == {None: ["JSON nested deeper than 64 levels."]}


def test_the_message_is_in_the_clients_language():
    response = post_json(APIClient(), TOKEN_URL, nested(1000), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert errors_by_field(response) == {None: ["JSON 嵌套超过 64 层。"]}


def test_a_write_endpoint_refuses_it_and_writes_nothing():
    planner = APIClient()
    planner.force_authenticate(role_user("planner"))
    body = json.dumps({"code": "x", "name_en": "y"})[:-1] + f', "extra": {nested(100)}}}'
    response = post_json(planner, "/api/v1/features/", body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "64 levels" in errors_by_field(response)[None][0]
    assert not Feature.objects.exists()


@pytest.mark.parametrize(
    "username",
    [
        json.loads(nested(MAX_JSON_DEPTH - 1)),  # with the body's own object: 64 levels
        "[" * 1000 + '\\"{' * 1000,  # brackets in a string are text
    ],
)
def test_json_up_to_the_limit_reaches_the_view(username):
    body = json.dumps({"username": username, "password": "x"})
    response = post_json(APIClient(), TOKEN_URL, body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "levels" not in json.dumps(response.json())  # the view's own refusal


def test_a_deep_body_elsewhere_is_a_plain_400():
    response = post_json(APIClient(), "/subscribe/", nested(1000), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == "JSON nested deeper than 64 levels."


@pytest.mark.parametrize(
    ("text", "deeper"),
    [
        ("[" * 65 + "]" * 65, True),
        ("[" * 64 + "]" * 64, False),
        ('{"a": "' + "[" * 100 + '"}', False),
        ('["\\\\", ' + "[" * 64 + "]" * 64 + "]", True),  # an escaped backslash ends no string
        ('["\\"' + "[" * 100 + '"]', False),  # an escaped quote ends no string
        ("[]" * 10_000, False),
        ("", False),
    ],
)
def test_depth_is_counted_outside_strings(text, deeper):
    assert nests_deeper_than(text, MAX_JSON_DEPTH) is deeper
