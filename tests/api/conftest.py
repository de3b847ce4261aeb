"""API clients: anonymous, a plain user and an administrator (roles: tests/security)."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


@pytest.fixture
def staff(django_user_model) -> APIClient:
    client = APIClient()
    admin = django_user_model.objects.create(username="planner", is_staff=True, is_superuser=True)
    client.force_authenticate(admin)
    return client


@pytest.fixture
def user(django_user_model) -> APIClient:
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create(username="citizen"))
    return client


def errors_by_field(response) -> dict:
    """{field: [message, ...]} of the one error shape."""
    assert set(response.json()) == {"errors"}, response.json()
    fields: dict = {}
    for error in response.json()["errors"]:
        fields.setdefault(error["field"], []).append(error["message"])
    return fields
