"""The first-come-first-served baseline keeps every hard rule, and our solver beats it."""

import datetime as dt
from dataclasses import replace

import pytest

from benchmarks.baseline import fcfs_schedule
from benchmarks.generate import generate
from benchmarks.instances import DEMO_PATH
from scheduler.checker import check
from scheduler.format import load_problem
from scheduler.problem import (
    DateRange,
    Event,
    Hotel,
    HotelNeed,
    Location,
    Name,
    Problem,
    ReducedBlock,
    Target,
    Venue,
)
from scheduler.solve import solve

D = dt.date.fromisoformat
STADIUM = Venue(
    id="stadium",
    name=Name(en="Stadium"),
    kind="stadium",
    capacity=50000,
    location=Location(31.80, 117.22),
    features=("football_pitch",),
)


def _match(event_id: str, window: tuple[str, str], preferred: str, *, international: bool):
    return Event(
        id=event_id,
        name=Name(en=event_id),
        category="sports",
        international=international,
        duration_days=1,
        window=DateRange(D(window[0]), D(window[1])),
        preferred_start=D(preferred),
        attendance=20000,
        exclusive=True,
        required_features=("football_pitch",),
        value=10,
    )


def crafted_problem() -> Problem:
    """A domestic match asks first for the one day an international match can have."""
    return Problem(
        horizon=DateRange(D("2027-01-01"), D("2027-12-31")),
        name="crafted",
        venues=(STADIUM,),
        events=(
            _match("domestic-cup", ("2027-06-01", "2027-06-30"), "2027-06-15", international=False),
            _match("friendly", ("2027-06-15", "2027-06-15"), "2027-06-15", international=True),
        ),
        targets=(Target(2027, "sports", 1, international=True),),
    )


@pytest.mark.parametrize(
    "problem", [generate("small"), load_problem(DEMO_PATH)], ids=["small", "hefei-demo"]
)
def test_baseline_plans_pass_the_checker(problem):
    plan = fcfs_schedule(problem)
    assert plan.status == "FEASIBLE"
    assert check(problem, plan) == []


def test_baseline_places_the_whole_demo_and_meets_its_targets():
    plan = fcfs_schedule(load_problem(DEMO_PATH))
    assert not plan.unplaced
    assert plan.targets_met


def test_baseline_takes_rooms_within_reduced_blocks():
    """Two events on the same night share a hotel whose block is cut that night."""
    hotel = Hotel(
        id="h",
        name=Name(en="H"),
        stars=4,
        location=Location(31.80, 117.23),
        block_rooms=100,
        reduced=(ReducedBlock(D("2027-10-01"), D("2027-10-07"), 60),),
    )
    hall = Venue(
        id="hall",
        name=Name(en="Hall"),
        kind="convention_centre",
        capacity=5000,
        location=Location(31.80, 117.22),
        area_m2=10000,
        features=("plenary_hall",),
    )
    events = tuple(
        Event(
            id=f"c{i}",
            name=Name(en=f"c{i}"),
            category="conference",
            international=False,
            duration_days=2,
            window=DateRange(D("2027-10-03"), D("2027-10-20")),
            preferred_start=D("2027-10-03"),
            area_m2=1000,
            required_features=("plenary_hall",),
            hotel=HotelNeed(rooms_per_night=40),
            value=5,
        )
        for i in range(2)
    )
    problem = Problem(
        horizon=DateRange(D("2027-01-01"), D("2027-12-31")),
        venues=(hall,),
        hotels=(hotel,),
        events=events,
    )
    plan = fcfs_schedule(problem)
    starts = sorted(a.start for a in plan.assignments)
    # The first holds 40 rooms on the nights of Oct 2-3; 40 more would pass the
    # Golden Week figure of 60, so the second starts Oct 5 (nights Oct 4-5).
    assert starts == [D("2027-10-03"), D("2027-10-05")]


def test_fcfs_misses_a_target_that_the_solver_meets():
    problem = crafted_problem()

    diary = fcfs_schedule(problem)
    assert [a.event for a in diary.assignments] == ["domestic-cup"]
    assert not diary.targets_met
    assert check(problem, diary) == []

    ours = solve(problem, time_limit_s=5, workers=2, seed=0)
    assert ours.targets_met
    assert {a.event for a in ours.assignments} == {"domestic-cup", "friendly"}
    assert check(problem, ours) == []


def test_baseline_books_partial_pins_first_and_where_contracted():
    """The clerk would give the match the stadium's preferred day; the contracts come first."""
    second = replace(STADIUM, id="arena", name=Name(en="Arena"))
    cup = _match("cup", ("2027-06-01", "2027-06-30"), "2027-06-15", international=False)
    dated = replace(cup, id="dated", pinned_start=D("2027-06-15"))
    arena = replace(cup, id="at-arena", pinned_venue="arena")
    problem = Problem(
        horizon=DateRange(D("2027-01-01"), D("2027-12-31")),
        venues=(STADIUM, second),
        events=(cup, dated, arena),
    )
    plan = fcfs_schedule(problem)
    got = {a.event: (a.venue, a.start) for a in plan.assignments}
    assert got == {
        "dated": ("stadium", D("2027-06-15")),
        "at-arena": ("arena", D("2027-06-15")),
        "cup": ("stadium", D("2027-06-14")),
    }
    assert check(problem, plan) == []
