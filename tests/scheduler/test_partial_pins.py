"""Partial pins: a contract fixes the venue (``pinned_venue``) or the first day (``pinned_start``).

The format reads, writes and refuses them by JSON pointer; the solver places
such an event wherever its contract leaves it free, never dropping it; the
checker and the diagnosis speak of it as a contract.
"""

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from scheduler.candidates import event_options
from scheduler.checker import check
from scheduler.format import ProblemFormatError, read_problem, write_problem
from scheduler.model import build_model
from scheduler.problem import Blackout, Name, Placement, Unavailability, Unplaced

from .conftest import placed, solved
from .factories import day, event, problem, span, venue

FULL = Path(__file__).parent / "data" / "full-problem.json"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def full() -> dict:
    return json.loads(FULL.read_text(encoding="utf-8"))


# --- the format ----------------------------------------------------------------------------


def test_partial_pins_round_trip(full):
    full["events"][0]["pinned_venue"] = "binhu-expo"
    full["events"][1]["pinned"] = None
    full["events"][1]["pinned_start"] = "2026-11-08"
    problem = read_problem(full)
    wmc, marathon = problem.events
    assert (wmc.pinned_venue, wmc.pinned_start) == ("binhu-expo", None)
    assert (marathon.pinned_venue, marathon.pinned_start) == (None, day("2026-11-08"))
    assert write_problem(problem) == full


def test_a_file_without_partial_pins_is_written_without_their_keys(full):
    written = write_problem(read_problem(full))
    assert all("pinned_venue" not in e and "pinned_start" not in e for e in written["events"])


def test_a_partly_pinned_event_must_be_placed(full):
    full["events"][0]["pinned_start"] = "2026-09-20"
    wmc = read_problem(full).events[0]
    assert wmc.is_mandatory and wmc.pinned is None


@pytest.mark.parametrize(
    ("event", "keys", "pointer", "message"),
    [
        (0, {"pinned_venue": "nowhere"}, "/events/0/pinned_venue", "unknown venue 'nowhere'"),
        (0, {"pinned_start": "2026-02-30"}, "/events/0/pinned_start", "must be a date YYYY-MM-DD"),
        (0, {"pinned_start": "2027-01-04"}, "/events/0/pinned_start",
         "must lie inside the horizon 2026-01-01..2026-12-31"),
        (1, {"pinned_venue": "olympic-stadium"}, "/events/1/pinned_venue",
         "must not be given with /events/1/pinned"),
        (1, {"pinned_start": "2026-11-08"}, "/events/1/pinned_start",
         "must not be given with /events/1/pinned"),
        (0, {"pinned_venue": "binhu-expo", "pinned_start": "2026-09-20"},
         "/events/0/pinned_start",
         "with /events/0/pinned_venue fixes both venue and start: use /events/0/pinned"),
    ],
)  # fmt: skip
def test_a_bad_partial_pin_is_named_by_its_pointer(full, event, keys, pointer, message):
    full["events"][event].update(keys)
    with pytest.raises(ProblemFormatError) as raised:
        read_problem(full)
    assert f"{pointer}: {message}" in str(raised.value).splitlines()


def test_the_cli_refuses_a_bad_partial_pin_with_exit_2(full, tmp_path):
    full["events"][0]["pinned_venue"] = "nowhere"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(full), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "scheduler", "solve", str(bad), "-o", str(tmp_path / "out.json")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"{bad}: /events/0/pinned_venue: unknown venue 'nowhere'"]


# --- the solver ----------------------------------------------------------------------------

CLOSED = (Unavailability(day("2026-01-05"), day("2026-01-15"), "repairs"),)


def venue_pinned_city():
    """The nearest open day is in hall a; the contract says hall b, closed until the 15th."""
    halls = [venue("a"), venue("b", name=Name(en="Hall B"), unavailable=CLOSED)]
    fair = event("fair", preferred_start=day("2026-01-10"), pinned_venue="b")
    return problem(fair, venues=halls)


def start_pinned_city():
    """Hall a is the obvious venue, but a contract holds it on the pinned day."""
    gala = event("gala", exclusive=True, pinned=Placement("a", day("2026-01-20")))
    fair = event("fair", exclusive=True, preferred_start=day("2026-01-10"),
                 pinned_start=day("2026-01-20"))  # fmt: skip
    return problem(gala, fair, venues=[venue("a"), venue("b")])


def test_a_venue_pin_keeps_the_venue_and_moves_the_days():
    got = placed(solved(venue_pinned_city()))["fair"]
    assert got.venue == "b"
    assert got.start == day("2026-01-16")  # the first day clear of the closure


def test_a_start_pin_keeps_the_day_and_finds_a_free_venue():
    got = placed(solved(start_pinned_city()))
    assert (got["fair"].venue, got["fair"].start) == ("b", day("2026-01-20"))
    assert got["gala"].venue == "a"


def test_a_partly_pinned_event_of_no_value_pushes_a_valuable_one_out():
    days = span("2026-01-10", "2026-01-11")
    contract = event("contract", exclusive=True, value=0, pinned_start=day("2026-01-10"))
    rival = event("rival", exclusive=True, value=1000, window=days)
    solution = solved(problem(contract, rival))
    assert set(placed(solution)) == {"contract"}
    assert solution.status == "OPTIMAL"


@pytest.mark.parametrize(
    ("city", "start"),
    [(venue_pinned_city, "2026-01-16"), (start_pinned_city, "2026-01-20")],
    ids=["venue", "start"],
)
def test_the_warm_start_keeps_partial_pins(city, start):
    city = city()
    musts = {e.id for e in city.events if e.pinned or e.is_mandatory}
    plan = build_model(city, event_options(city), required=musts)
    fair = plan.warm_start["fair"]
    assert (fair.venue, plan.days.date(fair.start)) == ("b", day(start))


def test_a_venue_pin_to_a_hall_too_small_is_infeasible_and_says_why():
    fair = event("fair", attendance=5000, pinned_venue="b")
    halls = [venue("a"), venue("b", name=Name(en="Hall B"), capacity=1000)]
    solution = solved(problem(fair, event("other"), venues=halls))
    assert solution.status == "INFEASIBLE"
    assert solution.diagnosis == (
        "pinned event fair is contracted to Hall B but cannot be placed: "
        "no pinned venue holds 5000 people (largest: 1000)",
    )
    assert solution.unplaced == (Unplaced("fair", solution.diagnosis[0]),)
    assert set(placed(solution)) == {"other"}


def test_a_start_pin_in_a_blackout_is_infeasible_and_says_why():
    fair = event("fair", pinned_start=day("2026-01-20"))
    city = problem(fair, blackouts=(Blackout(day("2026-01-19"), day("2026-01-21")),))
    solution = solved(city)
    assert solution.status == "INFEASIBLE"
    assert solution.diagnosis == (
        "pinned event fair is contracted to start on 2026-01-20 but cannot be placed: "
        "its pinned start 2026-01-20 breaks its window, a blackout or the horizon",
    )


def test_two_start_pins_on_one_day_and_one_hall_are_infeasible_and_named():
    a = event("a", exclusive=True, pinned_start=day("2026-01-20"))
    b = event("b", exclusive=True, pinned_start=day("2026-01-21"))
    solution = solved(problem(a, b))
    assert solution.status == "INFEASIBLE"
    (line,) = solution.diagnosis
    assert line.startswith("pinned event a and pinned event b cannot all be placed")
    assert "the venues they can use are taken" in line
    assert len(solution.assignments) == 1


# --- the checker ---------------------------------------------------------------------------


def _moved(solution, event_id: str, **fields):
    return replace(
        solution,
        assignments=tuple(
            replace(a, **fields) if a.event == event_id else a for a in solution.assignments
        ),
    )


def test_the_checker_flags_an_event_out_of_its_pinned_venue():
    city = venue_pinned_city()
    plan = solved(city)
    broken = _moved(plan, "fair", venue="a")
    assert [str(v) for v in check(city, broken)] == ["[1] fair is not in its pinned venue b"]


def test_the_checker_flags_an_event_off_its_pinned_start():
    city = start_pinned_city()
    plan = solved(city)
    fair = placed(plan)["fair"]
    broken = _moved(plan, "fair", start=day("2026-01-22"), end=day("2026-01-23"),
                    occupancy=span("2026-01-22", "2026-01-23"))  # fmt: skip
    violations = [str(v) for v in check(city, broken)]
    assert "[1] fair does not start on its pinned start 2026-01-20" in violations
    assert fair.start == day("2026-01-20")


def test_the_checker_flags_a_partly_pinned_event_left_out():
    city = venue_pinned_city()
    dropped = replace(solved(city), assignments=(), unplaced=(Unplaced("fair", "dropped"),))
    assert "[1] pinned event fair is not placed" in [str(v) for v in check(city, dropped)]
