"""The whole API fuzzed from its OpenAPI schema: no 5xx, and every answer matches the schema.

Schemathesis generates requests for every operation of ``/api/schema/``
(reads, writes, the lifecycle actions, solve runs, scenarios and publishing)
and sends them through the Django WSGI application as a staff user, so
writes are exercised and not merely refused. Examples per operation are
bounded and generation is derandomised (the seed comes from the test's
name), so CI runs the same few thousand requests every time.

Solve runs created here stay queued: the test's transaction never commits,
so ``solve_run_dispatch``'s on-commit hook never starts a solver.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)

from config.wsgi import application
from events.exchange import catalogue_import
from scheduler.format import read_problem
from tests.solve_runs.conftest import SMALL_CITY

EXAMPLES_PER_OPERATION = 25
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def staff_headers(django_user_model, settings) -> dict[str, str]:
    """Token headers of an administrator, with the API's rate limits off for the run."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None},
    }
    admin = django_user_model.objects.create_superuser("fuzzer", password=None)
    return {"Authorization": f"Token {Token.objects.create(user=admin).key}"}


@pytest.fixture
def catalogue(db) -> None:
    """A small city, so that reads list real rows and some generated ids exist."""
    catalogue_import(read_problem(SMALL_CITY))


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Keep the test's connection open across WSGI requests, as Django's test client does.

    The handler's request signals close connections that are inside a
    transaction, and the test's whole run is one.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
)
def test_no_server_error_and_every_answer_matches_the_schema(case, staff_headers, catalogue):
    case.call_and_validate(headers=staff_headers, checks=CHECKS)
