"""Suite-wide fixtures and the guard that CI really runs on PostgreSQL and Redis."""

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip PostgreSQL/Redis tests locally when absent, but never in CI.

    With REQUIRE_POSTGRES=1 (set by .ci/run) a run on another database fails
    instead of quietly skipping what only PostgreSQL can show.
    """
    from django.conf import settings

    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    on_postgres = vendor == "postgresql"
    if os.environ.get("REQUIRE_POSTGRES") == "1" and not on_postgres:
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but DATABASE_URL is not PostgreSQL")
    has_broker = bool(os.environ.get("CELERY_TEST_BROKER_URL"))
    if os.environ.get("REQUIRE_REDIS") == "1" and not has_broker:
        raise pytest.UsageError("REQUIRE_REDIS=1 but CELERY_TEST_BROKER_URL is not set")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
        if "celery" in item.keywords and not has_broker:
            item.add_marker(pytest.mark.skip(reason="needs Redis (set CELERY_TEST_BROKER_URL)"))


@pytest.fixture(autouse=True)
def no_request_throttling(settings) -> None:
    """The API's request rates off, so no test's burst of requests meets a 429.

    tests/security/test_auth.py turns them on again to test them.
    """
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None},
    }


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """A fast hasher for the tests' passwords, as Django's testing docs advise.

    The production hasher (PBKDF2, a million rounds) took a good part of a
    second for each staff user a fixture made with a password.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
