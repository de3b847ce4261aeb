"""Search behaviour a planner notices: stable re-planning, repeatable runs, the time limit."""

import time
from dataclasses import replace

from scheduler.problem import Placement

from .conftest import placed, solved
from .factories import day, event, generated_problem, problem, venue, with_events


def _published(base, solution):
    """The problem again, with the solution's placements as ``previous``."""
    got = placed(solution)
    events = tuple(
        replace(e, previous=Placement(got[e.id].venue, got[e.id].start)) if e.id in got else e
        for e in base.events
    )
    return replace(base, events=events)


def test_adding_a_request_moves_nothing_that_need_not_move():
    halls = [venue("h1"), venue("h2")]
    base = problem(
        *[event(f"e{i}", exclusive=True, duration_days=2,
                preferred_start=day(f"2026-01-{3 + 3 * i:02d}")) for i in range(6)],
        venues=halls,
    )  # fmt: skip
    first = solved(base)
    newcomer = event("new", exclusive=True, duration_days=2, preferred_start=day("2026-01-06"))
    second = solved(with_events(_published(base, first), newcomer))
    before, after = placed(first), placed(second)
    moved = [
        e for e in before if (before[e].venue, before[e].start) != (after[e].venue, after[e].start)
    ]
    assert moved == []
    assert "new" in after


def test_moving_one_event_when_a_pinned_request_needs_its_place():
    base = problem(event("old", exclusive=True, duration_days=2, preferred_start=day("2026-01-10")),
                   event("other", exclusive=True, duration_days=2,
                         preferred_start=day("2026-01-20")))  # fmt: skip
    first = solved(base)
    vip = event("vip", exclusive=True, duration_days=2, pinned=Placement("hall", day("2026-01-10")))
    second = solved(with_events(_published(base, first), vip))
    before, after = placed(first), placed(second)
    moved = [
        e for e in before if (before[e].venue, before[e].start) != (after[e].venue, after[e].start)
    ]
    assert moved == ["old"]


def test_same_seed_and_workers_give_the_same_plan():
    city = generated_problem(events=15, venues=5, hotels=8, seed=3)
    runs = [solved(city, time_limit_s=10, workers=2, seed=7) for _ in range(2)]
    assert runs[0].status == "OPTIMAL"
    assert runs[0].assignments == runs[1].assignments
    assert runs[0].objective == runs[1].objective


def test_time_limit_is_honoured_on_a_bigger_instance():
    city = generated_problem(events=150, venues=10, hotels=25, seed=1)
    started = time.monotonic()
    solution = solved(city, time_limit_s=1, workers=2)
    assert time.monotonic() - started < 6
    assert solution.status in ("OPTIMAL", "FEASIBLE")
    assert len(solution.assignments) > 100


def test_progress_is_reported():
    seen = []
    solved(problem(event("a"), event("b")), on_progress=seen.append)
    assert seen and seen[-1].solutions_found >= 1
    assert seen[-1].objective is not None and seen[-1].gap is not None


def test_a_bound_below_the_plan_by_rounding_reads_as_the_plans_objective():
    """CP-SAT's bound is of weights rounded to 1/SCALE; the objective is exact."""
    from scheduler.pricing import priced_solution

    city = problem(event("a"), event("b"))
    plan = solved(city)
    again = priced_solution(
        city,
        status="FEASIBLE",
        assignments=plan.assignments,
        unplaced=plan.unplaced,
        priced=True,
        bound=plan.objective - 0.05,
    )
    assert again.best_bound == again.objective and again.gap == 0


def test_the_warm_start_plan_keeps_every_hard_rule():
    from scheduler.candidates import event_options
    from scheduler.model import build_model
    from scheduler.part import _keeps_hard_rules

    city = generated_problem(events=150, venues=10, hotels=25, seed=2)
    plan = build_model(city, event_options(city))
    assert len(plan.warm_start) > 100
    assert _keeps_hard_rules(city, plan)
