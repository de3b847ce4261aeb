"""``python -m scheduler``: exit codes and messages, run as a user would (subprocess)."""

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

FULL = Path(__file__).parent / "data" / "full-problem.json"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scheduler", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )


@pytest.fixture
def solution_file(tmp_path) -> Path:
    out = tmp_path / "solution.json"
    result = run("solve", str(FULL), "-o", str(out), "--time-limit", "5", "--seed", "1")
    assert result.returncode == 0, result.stderr
    return out


def test_solve_writes_a_solution_and_reports(solution_file):
    data = json.loads(solution_file.read_text(encoding="utf-8"))
    assert data["format"] == "city-events-solution/1"
    assert data["status"] == "OPTIMAL"


def test_solve_prints_progress_and_summary_without_tty(tmp_path):
    result = run("solve", str(FULL), "-o", str(tmp_path / "s.json"), "--time-limit", "5")
    lines = result.stderr.splitlines()
    assert any(line.startswith("objective ") and " gap " in line for line in lines)
    assert "\r" not in result.stderr
    assert lines[-1].startswith("OPTIMAL: 2 of 2 events placed")


def test_check_accepts_the_solvers_plan(solution_file):
    result = run("check", str(FULL), str(solution_file))
    assert (result.returncode, result.stdout.strip()) == (0, "valid")


def test_check_lists_violations_with_exit_1(solution_file):
    data = json.loads(solution_file.read_text(encoding="utf-8"))
    wmc = next(a for a in data["assignments"] if a["event"] == "wmc-2026")
    wmc["start"], wmc["end"] = "2026-10-02", "2026-10-05"  # Golden Week blackout for exhibitions
    solution_file.write_text(json.dumps(data), encoding="utf-8")
    result = run("check", str(FULL), str(solution_file))
    assert result.returncode == 1
    assert "[5] wmc-2026: public days hit blackout 2026-10-01..2026-10-07" in result.stdout


def test_malformed_problem_gives_one_line_per_issue_and_exit_2(tmp_path):
    data = json.loads(FULL.read_text(encoding="utf-8"))
    data["events"][0]["window"]["end"] = "2026-08-01"
    data["events"][1]["duration_days"] = True
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    result = run("solve", str(bad), "-o", str(tmp_path / "out.json"))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{bad}: /events/0/window/end: must not be before /events/0/window/start",
        f"{bad}: /events/1/duration_days: must be an integer",
    ]
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("{not json", "not valid JSON (line 1 column 2)"),
        ("[]", "the document must be an object"),
    ],
)
def test_unusable_files_exit_2_without_traceback(tmp_path, content, message):
    path = tmp_path / "problem.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    for args in (
        ("solve", str(path), "-o", str(tmp_path / "o.json")),
        ("check", str(path), str(path)),
    ):
        result = run(*args)
        assert result.returncode == 2
        assert message in result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("solve", str(FULL)),
        ("solve", str(FULL), "-o", "x", "--time-limit", "0"),
        ("frobnicate",),
    ],
)
def test_usage_errors_exit_2(args):
    result = run(*args)
    assert result.returncode == 2
    assert "usage:" in result.stderr and "Traceback" not in result.stderr


TINY = {
    "format": "city-events-problem/1",
    "horizon": {"start": "2026-01-01", "end": "2026-01-31"},
    "venues": [{"id": "v1", "name": {"en": "V1"}, "kind": "arena", "capacity": 1000}],
    "hotels": [
        {
            "id": "h1",
            "name": {"en": "H1"},
            "stars": 3,
            "location": {"lat": 31.7, "lon": 117.3},
            "block_rooms": 100,
        }
    ],
    "events": [
        {
            "id": "e1",
            "name": {"en": "E1"},
            "category": "conference",
            "international": False,
            "duration_days": 2,
            "hotel": {"rooms_per_night": 10},
        }
    ],
}


def _tiny(edit: Callable[[dict], object]) -> bytes:
    """TINY as a file's bytes, after ``edit`` (which changes its argument in place)."""
    data = copy.deepcopy(TINY)
    edit(data)
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _one_line_exit_2(result: subprocess.CompletedProcess, line: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(line), result.stderr


# Each once crashed with a traceback (TypeError, UnicodeDecodeError, RecursionError,
# a TypeError inside OR-Tools, OverflowError) or named a key with "/" as two keys.
@pytest.mark.parametrize(
    ("content", "line"),
    [
        pytest.param(
            _tiny(lambda d: d["venues"][0].update(id=["x"])),
            "/venues/0/id: must be an id: a string of 1-64 characters",
            id="id-not-a-string",
        ),
        pytest.param(
            json.dumps(TINY | {"name": "合肥"}, ensure_ascii=False).encode("gbk"),
            "not UTF-8 text (byte ",
            id="not-utf-8",
        ),
        pytest.param(
            b"[" * 100_000 + b"]" * 100_000,
            "not usable JSON: lists or objects nested too deeply",
            id="nested-too-deeply",
        ),
        pytest.param(
            _tiny(lambda d: d["events"][0]["hotel"].update(rooms_per_night=10**19)),
            "/events/0/hotel/rooms_per_night: must be at most 1000000",
            id="rooms-beyond-int64",
        ),
        pytest.param(
            _tiny(lambda d: d["events"][0]["hotel"].update(nights_before=10**6)),
            "/events/0/hotel/nights_before: must be at most 3660",
            id="nights-past-the-calendar",
        ),
        pytest.param(
            _tiny(lambda d: d["venues"][0].update(area_m2=10**20)),
            "/venues/0/area_m2: must be at most 1000000000",
            id="area-beyond-int64",
        ),
        pytest.param(
            _tiny(lambda d: d["horizon"].update(start="0001-01-01")),
            "/horizon/start: must be a date between 1900-01-01 and 2999-12-31",
            id="year-1",
        ),
        pytest.param(
            _tiny(lambda d: d.update(rules={"min_gap_days": {"a/b": 3}})),
            "/rules/min_gap_days/a~1b: must be one of",
            id="key-with-slash",
        ),
    ],
)
def test_a_problem_beyond_the_format_exits_2_with_one_line(tmp_path, content, line):
    problem = tmp_path / "problem.json"
    problem.write_bytes(content)
    out = tmp_path / "out.json"
    _one_line_exit_2(run("solve", str(problem), "-o", str(out)), f"{problem}: {line}")
    assert not out.exists()


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        pytest.param(
            {"occupancy": {"start": "2026-01-10", "end": "9999-12-31"}},
            "/assignments/0/occupancy/end: must be a date between 1889-12-24 and 3010-01-08",
            id="occupancy",
        ),
        pytest.param(
            {
                "rooms": [
                    {
                        "hotel": "h1",
                        "rooms_per_night": 10,
                        "first_night": "2026-01-09",
                        "last_night": "9999-12-31",
                    }
                ]
            },
            "/assignments/0/rooms/0/last_night: must be a date between 1889-12-24 and 3010-01-08",
            id="hotel-nights",
        ),
    ],
)
def test_check_refuses_solution_dates_past_the_limits_with_exit_2(tmp_path, changes, line):
    problem, solution = tmp_path / "problem.json", tmp_path / "solution.json"
    problem.write_bytes(_tiny(lambda d: None))
    assignment = {
        "event": "e1",
        "venue": "v1",
        "start": "2026-01-10",
        "end": "2026-01-11",
        "occupancy": {"start": "2026-01-10", "end": "2026-01-11"},
        "rooms": [],
    }
    data = {
        "format": "city-events-solution/1",
        "status": "FEASIBLE",
        "targets_met": True,
        "assignments": [assignment | changes],
    }
    solution.write_text(json.dumps(data), encoding="utf-8")
    _one_line_exit_2(run("check", str(problem), str(solution)), f"{solution}: {line}")
