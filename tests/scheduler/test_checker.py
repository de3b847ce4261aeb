"""The checker catches a plan that breaks a rule or misreports itself."""

from dataclasses import replace

import pytest

from scheduler.checker import check
from scheduler.problem import (
    DateRange,
    MaxConcurrentMajor,
    Placement,
    ReducedBlock,
    RoomBlock,
    Target,
    TargetResult,
)

from .conftest import solved
from .factories import day, event, hotel, north_of, problem, rooms, rules, span, venue


@pytest.fixture(scope="module")
def city():
    halls = [venue("h1", area_m2=100), venue("h2", area_m2=100, features=("stage",))]
    return problem(
        event("a", area_m2=60, preferred_start=day("2026-01-10"),
              hotel=rooms(50, max_distance_km=10)),
        event("b", area_m2=60, preferred_start=day("2026-01-10"), category="sports"),
        event("c", preferred_start=day("2026-01-20"), category="sports", exclusive=True,
              pinned=Placement("h1", day("2026-01-20"))),
        venues=halls,
        hotels=[hotel("inn", block_rooms=60), hotel("far", location=north_of(80))],
        targets=(Target(2026, "sports", 2, True),),
        rules=rules(min_gap_days={"sports": 2},
                    max_concurrent_major=MaxConcurrentMajor(10_000, 1)),
    )  # fmt: skip


@pytest.fixture(scope="module")
def plan(city):
    return solved(city)


def _move(solution, event_id, **fields):
    assignments = tuple(
        replace(a, **fields) if a.event == event_id else a for a in solution.assignments
    )
    return replace(solution, assignments=assignments)


def _rules_broken(city, solution):
    return {v.rule for v in check(city, solution)}


def test_the_solvers_plan_is_valid(city, plan):
    assert check(city, plan) == []


def test_area_overflow(city, plan):
    a = next(x for x in plan.assignments if x.event == "a")
    broken = _move(plan, "b", venue=a.venue, start=a.start, end=a.end, occupancy=a.occupancy)
    assert "3" in _rules_broken(city, broken)


def test_pinned_event_moved(city, plan):
    broken = _move(plan, "c", start=day("2026-01-21"), end=day("2026-01-22"),
                   occupancy=span("2026-01-21", "2026-01-22"))  # fmt: skip
    assert "1" in _rules_broken(city, broken)


def test_occupancy_misreported(city, plan):
    broken = _move(plan, "c", occupancy=span("2026-01-19", "2026-01-21"))
    assert "bookkeeping" in _rules_broken(city, broken)


def test_too_few_rooms_and_wrong_hotel(city, plan):
    a = next(x for x in plan.assignments if x.event == "a")
    block = a.rooms[0]
    far = RoomBlock("far", 50, block.first_night, block.last_night)
    assert "6" in _rules_broken(city, _move(plan, "a", rooms=(replace(block, rooms_per_night=10),)))
    assert "6" in _rules_broken(city, _move(plan, "a", rooms=(far,)))
    assert "6" in _rules_broken(city, _move(plan, "a", rooms=(block, block)))


def test_hotel_over_its_block(city, plan):
    a = next(x for x in plan.assignments if x.event == "a")
    fat = replace(a.rooms[0], rooms_per_night=70)
    assert "7" in _rules_broken(city, _move(plan, "a", rooms=(fat,)))


def test_outside_window_and_horizon(city, plan):
    broken = _move(plan, "a", start=day("2025-12-31"), end=day("2026-01-01"),
                   occupancy=DateRange(day("2025-12-31"), day("2026-01-01")))  # fmt: skip
    assert {"2", "5"} <= _rules_broken(city, broken)


def test_targets_must_tell_the_truth(city, plan):
    lie = replace(plan, targets=(replace(plan.targets[0], achieved=5),))
    assert "10" in _rules_broken(city, lie)
    assert "10" in _rules_broken(city, replace(plan, targets_met=not plan.targets_met))


def test_objective_is_recomputed(city, plan):
    assert "objective" in _rules_broken(city, replace(plan, objective=plan.objective + 5))


def test_missed_target_needs_a_diagnosis(city, plan):
    short = replace(city, targets=(Target(2026, "sports", 9, True),))
    achieved = plan.targets[0].achieved
    result = replace(plan.targets[0], min_count=9, met=False, achieved=achieved)
    silent = replace(plan, targets=(result,), targets_met=False, diagnosis=(),
                     objective=plan.objective - 10_000 * (9 - achieved))  # fmt: skip
    assert _rules_broken(short, silent) == {"diagnosis"}


def test_a_reduced_figure_replaces_the_block(city, plan):
    a = next(x for x in plan.assignments if x.event == "a")
    fat = _move(plan, "a", rooms=(replace(a.rooms[0], rooms_per_night=70),))
    january = span("2026-01-01", "2026-01-31")
    raised = ReducedBlock(january.start, january.end, 80)
    assert "7" not in _rules_broken(_with_inn(city, raised), fat)  # 80, not min(60, 80)
    cut = ReducedBlock(a.rooms[0].first_night, a.rooms[0].last_night, 65)
    assert "7" in _rules_broken(_with_inn(city, raised, cut), fat)  # overlaps: the smallest


def _with_inn(city, *reduced):
    hotels = tuple(replace(h, reduced=reduced) if h.id == "inn" else h for h in city.hotels)
    return replace(city, hotels=hotels)


CONFERENCES = Target(2026, "conference", 1, True)


@pytest.fixture(scope="module")
def two_targets(city, plan):
    """The city with a second target, and the plan reporting both in the problem's order."""
    problem = replace(city, targets=(*city.targets, CONFERENCES))
    result = TargetResult(2026, "conference", 1, achieved=1, met=True, international=True)
    return problem, replace(plan, targets=(*plan.targets, result))


def test_targets_are_matched_in_any_order(two_targets):
    problem, solution = two_targets
    assert check(problem, solution) == []
    assert check(problem, replace(solution, targets=solution.targets[::-1])) == []


def test_a_target_missing_repeated_or_unknown(two_targets):
    problem, solution = two_targets
    sports, conferences = solution.targets
    messages = {
        "missing": (sports,),
        "twice": (sports, conferences, sports),
        "unknown": (sports, conferences, replace(sports, year=2027, achieved=0, met=False)),
    }
    found = {k: [str(v) for v in check(problem, replace(solution, targets=t))]
             for k, t in messages.items()}  # fmt: skip
    assert found == {
        "missing": ["[10] target 2026 international conference (at least 1) is not reported"],
        "twice": ["[10] target 2026 international sports (at least 2) is reported 2 times, not 1"],
        "unknown": ["[10] target 2027 international sports (at least 2) is not in the problem"],
    }


def test_a_target_the_problem_repeats_is_reported_as_often(city, plan):
    problem = replace(city, targets=city.targets * 2)
    assert check(problem, replace(plan, targets=plan.targets * 2)) == []
    assert [v.rule for v in check(problem, plan)] == ["10"]
