"""``python -m scheduler``: exit codes and messages, run as a user would (subprocess)."""

import json
import subprocess
import sys
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
