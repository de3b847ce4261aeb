"""Reading and writing the exchange format: round trip and one clear issue per broken field."""

import copy
import json
from pathlib import Path

import pytest

from scheduler.format import (
    ProblemFormatError,
    load_problem,
    read_problem,
    read_solution,
    write_problem,
    write_solution,
)

FULL = Path(__file__).parent / "data" / "full-problem.json"


@pytest.fixture
def full() -> dict:
    return json.loads(FULL.read_text(encoding="utf-8"))


def test_round_trip_keeps_every_field(full):
    assert write_problem(read_problem(full)) == full


def test_round_trip_survives_json(full):
    problem = load_problem(FULL)
    again = read_problem(json.loads(json.dumps(write_problem(problem))))
    assert again == problem


def test_absent_optional_fields_stay_absent(full):
    minimal = {
        "format": "city-events-problem/1",
        "horizon": {"start": "2026-01-01", "end": "2026-12-31"},
        "events": [
            {
                "id": "e",
                "name": {"en": "E"},
                "category": "sports",
                "international": False,
                "duration_days": 1,
            }
        ],
    }
    problem = read_problem(minimal)
    event = problem.events[0]
    assert event.setup_days is None and event.window is None and event.hotel is None
    assert problem.window_of(event) == problem.horizon
    assert read_problem(write_problem(problem)) == problem


def test_unknown_keys_are_accepted(full):
    full["x-extension"] = {"anything": 1}
    full["events"][0]["x-note"] = "ok"
    read_problem(full)


def _set(data: dict, path: str, value) -> None:
    *parents, last = path.strip("/").split("/")
    for key in parents:
        data = data[int(key)] if isinstance(data, list) else data[key]
    if value is _DELETE:
        del data[last]
    elif isinstance(data, list):
        data[int(last)] = value
    else:
        data[last] = value


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "pointer", "message"),
    [
        ("/format", "city-events-problem/2", "/format", "must be 'city-events-problem/1'"),
        ("/horizon", _DELETE, "/horizon", "is required"),
        ("/horizon/end", "2025-12-31", "/horizon/end", "must not be before /horizon/start"),
        ("/events/0/window/end", "2026-08-01", "/events/0/window/end", "must not be before"),
        ("/events/0/duration_days", True, "/events/0/duration_days", "must be an integer"),
        ("/events/0/duration_days", 0, "/events/0/duration_days", "at least 1"),
        ("/events/0/setup_days", -1, "/events/0/setup_days", "must not be negative"),
        ("/events/0/attendance", 1.5, "/events/0/attendance", "must be an integer"),
        ("/events/0/category", "music", "/events/0/category", "must be one of"),
        ("/events/0/international", "yes", "/events/0/international", "true or false"),
        ("/events/0/id", "has space", "/events/0/id", "must be an id"),
        ("/events/0/id", "x" * 65, "/events/0/id", "must be an id"),
        ("/events/1/id", "wmc-2026", "/events/1/id", "repeats id 'wmc-2026'"),
        ("/events/0/name", {"fr": "x"}, "/events/0/name", "needs at least one of zh, en"),
        ("/events/0/preferred_start", "2026-02-30", "/events/0/preferred_start", "YYYY-MM-DD"),
        ("/events/0/preferred_start", "20260920", "/events/0/preferred_start", "YYYY-MM-DD"),
        ("/events/0/start_time", "9:00", "/events/0/start_time", "HH:MM"),
        ("/events/0/end_time", "24:00", "/events/0/end_time", "HH:MM"),
        ("/events/0/allowed_venues", ["nowhere"], "/events/0/allowed_venues/0", "unknown venue"),
        ("/events/1/pinned/venue", "nowhere", "/events/1/pinned/venue", "unknown venue"),
        ("/events/0/previous/venue", "nowhere", "/events/0/previous/venue", "unknown venue"),
        ("/events/0/value", -3, "/events/0/value", "must not be negative"),
        ("/events/0/value", float("nan"), "/events/0/value", "must be a finite number"),
        ("/rules/weights/change_penalty", float("inf"), "/rules/weights/change_penalty", "finite"),
        ("/events/0/hotel/rooms_per_night", _DELETE, "/events/0/hotel/rooms_per_night", "required"),
        ("/venues/0/kind", "palace", "/venues/0/kind", "must be one of"),
        ("/venues/0/capacity", "big", "/venues/0/capacity", "must be an integer"),
        ("/venues/1/id", "binhu-expo", "/venues/1/id", "repeats id"),
        ("/venues/0/location/lat", 91, "/venues/0/location/lat", "between -90 and 90"),
        ("/hotels/0/location", _DELETE, "/hotels/0/location", "is required"),
        ("/hotels/0/reduced/0/block_rooms", -1, "/hotels/0/reduced/0/block_rooms", "negative"),
        ("/targets/0/category", "music", "/targets/0/category", "must be one of"),
        ("/blackouts/1/categories", ["music"], "/blackouts/1/categories/0", "must be one of"),
        ("/rules/min_gap_days", {"golf": 3}, "/rules/min_gap_days/golf", "must be one of"),
        ("/rules/weights/change_penalty", "50", "/rules/weights/change_penalty", "number"),
        ("/rules/max_concurrent_major", {"max_events": 2}, "/rules/max_concurrent_major/"
         "attendance_at_least", "is required"),
    ],
)  # fmt: skip
def test_invalid_field_is_named_by_its_pointer(full, path, value, pointer, message):
    _set(full, path, value)
    with pytest.raises(ProblemFormatError) as raised:
        read_problem(full)
    lines = str(raised.value).splitlines()
    assert any(line.startswith(f"{pointer}: ") and message in line for line in lines), lines


def test_every_issue_is_reported_not_only_the_first(full):
    broken = copy.deepcopy(full)
    broken["events"][0]["window"]["end"] = "2026-08-01"
    broken["events"][1]["duration_days"] = "3"
    broken["venues"][0]["capacity"] = -1
    with pytest.raises(ProblemFormatError) as raised:
        read_problem(broken)
    pointers = {issue.pointer for issue in raised.value.issues}
    assert {"/events/0/window/end", "/events/1/duration_days", "/venues/0/capacity"} <= pointers
    assert str(raised.value) == "\n".join(str(i) for i in raised.value.issues)


def test_window_end_message_reads_as_in_the_spec(full):
    full["events"][0]["window"]["end"] = "2026-08-01"
    with pytest.raises(ProblemFormatError) as raised:
        read_problem(full)
    assert str(raised.value) == "/events/0/window/end: must not be before /events/0/window/start"


def test_document_that_is_not_an_object():
    with pytest.raises(ProblemFormatError, match="the document must be an object"):
        read_problem([1, 2])


def test_solution_round_trip():
    data = {
        "format": "city-events-solution/1",
        "problem": "p",
        "status": "FEASIBLE",
        "objective": 12.5,
        "best_bound": 13.0,
        "gap": 0.04,
        "wall_time_s": 1.2,
        "assignments": [
            {
                "event": "e",
                "venue": "v",
                "start": "2026-01-05",
                "end": "2026-01-06",
                "occupancy": {"start": "2026-01-04", "end": "2026-01-06"},
                "rooms": [
                    {
                        "hotel": "h",
                        "rooms_per_night": 5,
                        "first_night": "2026-01-04",
                        "last_night": "2026-01-05",
                    }
                ],
            }
        ],
        "unplaced": [{"event": "x", "reason": "no venue"}],
        "targets": [
            {
                "year": 2026,
                "category": "sports",
                "international": None,
                "min_count": 1,
                "achieved": 0,
                "met": False,
            }
        ],
        "targets_met": False,
        "diagnosis": ["2026 sports: 0 of 1"],
    }
    assert write_solution(read_solution(data)) == data


def test_solution_with_wrong_status_is_rejected():
    with pytest.raises(ProblemFormatError, match="/status: must be one of"):
        read_solution({"format": "city-events-solution/1", "status": "GOOD", "targets_met": True})
