"""What the fuzzer found the schema promising wrongly, pinned down."""

import re

import pytest

from api.schema import WALL_CLOCK_TIME

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client) -> dict:
    return client.get("/api/schema/?format=json").json()


def test_times_are_documented_as_the_wall_clock_times_the_api_sends(schema):
    start_time = schema["components"]["schemas"]["Event"]["properties"]["start_time"]
    assert start_time["pattern"] == WALL_CLOCK_TIME and "format" not in start_time
    for sent in ("09:30:00", "00:00:00", "23:59:59.5", "09:30"):
        assert re.match(WALL_CLOCK_TIME, sent)


def test_a_runs_plan_is_documented_as_null_until_it_succeeds(schema):
    assert schema["components"]["schemas"]["SolveRun"]["properties"]["plan"]["nullable"] is True
