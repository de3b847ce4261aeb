"""The spec's figures of a plan: targets achieved and the objective, in the spec's units.

Shared by the solver, the baseline diary and the planner's scenarios, so
that every plan is priced the same way, exactly in floats.
"""

from __future__ import annotations

from collections.abc import Iterable

from scheduler.days import year_spans
from scheduler.geo import haversine_km
from scheduler.problem import Assignment, Problem, Solution, TargetResult, Unplaced
from scheduler.search import bound_of, relative_gap


def target_results(problem: Problem, assignments) -> tuple[TargetResult, ...]:
    """Every target with what the plan achieves, counted by year of first public day."""
    by_id = {e.id: e for e in problem.events}
    spans = year_spans(problem.horizon)
    results = []
    for target in problem.targets:
        achieved = sum(
            1 for a in assignments if target.counts(by_id[a.event]) and a.start.year == target.year
        )
        met = target.year in spans and achieved >= target.min_count
        results.append(
            TargetResult(
                year=target.year,
                category=target.category,
                min_count=target.min_count,
                achieved=achieved,
                met=met,
                international=target.international,
            )
        )
    return tuple(results)


def meets_targets_in_reach(problem: Problem, results: Iterable[TargetResult]) -> bool:
    """Whether every target whose year lies in the horizon is met; the others never can be."""
    spans = year_spans(problem.horizon)
    return all(result.met for result in results if result.year in spans)


def plan_objective(problem: Problem, assignments, targets) -> float:
    """The spec's objective of a plan, computed exactly in floats."""
    weights = problem.effective_rules.effective_weights
    by_id = {e.id: e for e in problem.events}
    placed = {a.event: a for a in assignments}
    total = 0.0
    for assignment in assignments:
        event = by_id[assignment.event]
        total += event.effective_value
        if event.preferred_start is not None:
            total -= weights.preference_per_day * abs(
                (assignment.start - event.preferred_start).days
            )
        venue = problem.venue(assignment.venue)
        for block in assignment.rooms:
            nights = (block.last_night - block.first_night).days + 1
            hotel = problem.hotel(block.hotel)
            km = 0.0 if venue.location is None else haversine_km(hotel.location, venue.location)
            total -= weights.hotel_km_per_room_night * block.rooms_per_night * nights * km
    for event in problem.events:
        if event.previous is None:
            continue
        kept = placed.get(event.id)
        if kept is None or (kept.venue, kept.start) != (event.previous.venue, event.previous.start):
            total -= weights.change_penalty
    for target in targets:
        total -= weights.target_shortfall * max(0, target.min_count - target.achieved)
    return total


def priced_solution(
    problem: Problem,
    *,
    status: str,
    assignments: tuple[Assignment, ...],
    unplaced: tuple[Unplaced, ...],
    priced: bool,
    bound: float | None,
    diagnosis: tuple[str, ...] = (),
) -> Solution:
    """A solution with its targets, objective and gap worked out from the plan.

    ``priced``: whether the plan is one to price (not an empty answer). A
    proven optimum reports its objective as the bound: the solver's scaled
    bound differs from the exact objective by rounding alone.
    """
    targets = target_results(problem, assignments)
    objective = plan_objective(problem, assignments, targets) if priced else None
    bound = objective if status == "OPTIMAL" else bound_of(objective, bound)
    return Solution(
        status=status,
        problem=problem.name,
        objective=objective,
        best_bound=bound,
        gap=relative_gap(objective, bound),
        assignments=assignments,
        unplaced=unplaced,
        targets=targets,
        targets_met=all(t.met for t in targets),
        diagnosis=diagnosis,
    )
