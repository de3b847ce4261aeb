"""Reading and writing the exchange format: round trip and one clear issue per broken field."""

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from scheduler.format import (
    ProblemFormatError,
    load_problem,
    load_solution,
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
        ("/timezone", "Asia/Hefei", "/timezone", "is not a time zone name"),
        ("/timezone", "../etc/passwd", "/timezone", "is not a time zone name"),
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


def _issues(read, data) -> list[str]:
    with pytest.raises(ProblemFormatError) as raised:
        read(data)
    return str(raised.value).splitlines()


PROBLEM_DATES = "must be a date between 1900-01-01 and 2999-12-31"


# Ids are hashed and compared as strings further on: anything else must stop at the reader.
@pytest.mark.parametrize(
    ("path", "value", "pointer"),
    [
        ("/venues/0/id", ["x"], "/venues/0/id"),
        ("/venues/0/id", {"a": 1}, "/venues/0/id"),
        ("/hotels/0/id", ["x"], "/hotels/0/id"),
        ("/events/0/id", 7, "/events/0/id"),
        ("/events/0/allowed_venues", [["binhu-expo"]], "/events/0/allowed_venues/0"),
        ("/events/1/pinned/venue", {"id": "olympic-stadium"}, "/events/1/pinned/venue"),
        ("/events/0/previous/venue", ["binhu-expo"], "/events/0/previous/venue"),
        ("/events/0/pinned_venue", ["binhu-expo"], "/events/0/pinned_venue"),
    ],
)
def test_an_id_that_is_not_a_string_is_named_not_a_crash(full, path, value, pointer):
    _set(full, path, value)
    lines = _issues(read_problem, full)
    assert f"{pointer}: must be an id: a string of 1-64 characters" in "\n".join(lines), lines


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("/venues/0/capacity", 10**9 + 1, "must be at most 1000000000"),
        ("/venues/0/area_m2", 10**20, "must be at most 1000000000"),
        ("/hotels/0/stars", 10**19, "must be at most 1000000000"),
        ("/hotels/0/block_rooms", 10**19, "must be at most 1000000"),
        ("/hotels/0/reduced/0/block_rooms", 10**6 + 1, "must be at most 1000000"),
        ("/events/0/attendance", 10**19, "must be at most 1000000000"),
        ("/events/0/area_m2", 10**19, "must be at most 1000000000"),
        ("/events/0/duration_days", 10**12, "must be at most 3660"),
        ("/events/0/setup_days", 3661, "must be at most 3660"),
        ("/events/0/teardown_days", 3661, "must be at most 3660"),
        ("/events/0/hotel/rooms_per_night", 10**19, "must be at most 1000000"),
        ("/events/0/hotel/min_stars", 10**19, "must be at most 1000000000"),
        ("/events/0/hotel/nights_before", 10**6, "must be at most 3660"),
        ("/events/0/hotel/nights_after", 3661, "must be at most 3660"),
        ("/targets/0/year", 10**30, "must be at most 2999"),
        ("/targets/0/year", 1899, "must be at least 1900"),
        ("/targets/0/min_count", 10**19, "must be at most 1000000000"),
        ("/rules/min_gap_days/sports", 10**19, "must be at most 3660"),
        ("/rules/max_concurrent_major/max_events", 10**19, "must be at most 1000000000"),
        ("/rules/max_concurrent_major/attendance_at_least", 10**19, "must be at most 1000000000"),
        ("/horizon/start", "0001-01-01", PROBLEM_DATES),
        ("/horizon/end", "9999-12-31", PROBLEM_DATES),
        ("/events/1/pinned/start", "9999-12-31", PROBLEM_DATES),
        ("/events/0/previous/start", "1899-12-31", PROBLEM_DATES),
        ("/blackouts/0/start", "0001-01-01", PROBLEM_DATES),
        ("/venues/0/unavailable/0/end", "3000-01-01", PROBLEM_DATES),
    ],
)
def test_a_value_beyond_the_format_limits_is_named(full, path, value, message):
    _set(full, path, value)
    lines = _issues(read_problem, full)
    assert f"{path}: {message}" in lines, lines


def test_values_at_the_format_limits_are_read(full):
    full["horizon"] = {"start": "1900-01-01", "end": "2999-12-31"}
    full["venues"][0].update(capacity=10**9, area_m2=10**9)
    full["hotels"][0].update(block_rooms=10**6)
    full["events"][0].update(duration_days=3660, setup_days=3660, teardown_days=3660, window=None)
    full["events"][0]["hotel"].update(rooms_per_night=10**6, nights_before=3660, nights_after=3660)
    full["targets"][0].update(year=2999, min_count=10**9)
    full["rules"]["min_gap_days"]["sports"] = 3660
    assert write_problem(read_problem(full)) == full


@pytest.mark.parametrize(
    ("key", "pointer"),
    [
        ("a/b", "/rules/min_gap_days/a~1b"),
        ("a~b", "/rules/min_gap_days/a~0b"),
        ("~1", "/rules/min_gap_days/~01"),
    ],
)
def test_pointers_escape_keys_as_rfc_6901_asks(full, key, pointer):
    full["rules"]["min_gap_days"] = {key: 3}
    assert _issues(read_problem, full) == [
        f"{pointer}: must be one of conference, exhibition, sports"
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"name": "合肥"}'.encode("gbk"),
            "not UTF-8 text (byte 10 cannot be decoded): save the file as UTF-8",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "not usable JSON: lists or objects nested too deeply"),
        (b'{"x": 1' + b"0" * 5000 + b"}", "not usable JSON: a number has too many digits"),
    ],
)
def test_a_file_the_parser_cannot_take_fails_as_a_whole(tmp_path, content, message):
    path = tmp_path / "problem.json"
    path.write_bytes(content)
    for load in (load_problem, load_solution):
        with pytest.raises(ProblemFormatError) as raised:
            load(path)
        assert [(i.pointer, i.message) for i in raised.value.issues] == [("", message)]


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


def _solution(**changes) -> dict:
    """A solution of one assignment, ``changes`` made to it."""
    assignment = {
        "event": "e",
        "venue": "v",
        "start": "2026-01-10",
        "end": "2026-01-11",
        "occupancy": {"start": "2026-01-10", "end": "2026-01-11"},
        "rooms": [],
    }
    return {
        "format": "city-events-solution/1",
        "status": "FEASIBLE",
        "targets_met": True,
        "assignments": [assignment | changes],
    }


def _night(**changes) -> dict:
    """A room block, ``changes`` made to it."""
    block = {
        "hotel": "h",
        "rooms_per_night": 5,
        "first_night": "2026-01-09",
        "last_night": "2026-01-10",
    }
    return block | changes


# The checker counts day by day over these ranges: past year 9999 it would overflow.
@pytest.mark.parametrize(
    ("assignment", "line"),
    [
        (
            {"occupancy": {"start": "2026-01-10", "end": "9999-12-31"}},
            "/assignments/0/occupancy/end: must be a date between 1889-12-24 and 3010-01-08",
        ),
        (
            {"rooms": [_night(last_night="9999-12-31")]},
            "/assignments/0/rooms/0/last_night: must be a date between 1889-12-24 and 3010-01-08",
        ),
        (
            {"rooms": [_night(first_night="0001-01-01")]},
            "/assignments/0/rooms/0/first_night: must be a date between 1889-12-24",
        ),
        (
            {"rooms": [_night(rooms_per_night=10**19)]},
            "/assignments/0/rooms/0/rooms_per_night: must be at most 1000000",
        ),
        ({"venue": ["v"]}, "/assignments/0/venue: must be an id: a string"),
        ({"rooms": [_night(hotel={"id": "h"})]}, "/assignments/0/rooms/0/hotel: must be an id"),
    ],
)
def test_a_solution_beyond_the_format_limits_is_named(assignment, line):
    lines = _issues(read_solution, _solution(**assignment))
    assert len(lines) == 1 and lines[0].startswith(line), lines


def test_solution_nights_may_run_the_longest_stay_past_the_problem_dates():
    """A problem date with MAX_DAYS nights before or after it is a night a solution may hold."""
    nights = _night(first_night="1889-12-24", last_night="3010-01-08")
    solution = read_solution(_solution(rooms=[nights]))
    block = solution.assignments[0].rooms[0]
    assert (block.first_night, block.last_night) == (dt.date(1889, 12, 24), dt.date(3010, 1, 8))
