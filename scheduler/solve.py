"""Solves a problem: model, search, and the solution file's bookkeeping.

The search is CP-SAT with an explicit time limit, worker count and seed
(see ``search.make_solver`` for what makes runs repeat). When pinned or
mandatory events cannot all be placed, the diagnosis names the conflict and
the plan is searched again without forcing those events in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from scheduler import diagnosis
from scheduler.candidates import EventOptions, event_options, nights_count
from scheduler.checker import check
from scheduler.days import year_spans
from scheduler.geo import haversine_km
from scheduler.model import SCALE, PlanModel, build_model
from scheduler.problem import (
    Assignment,
    Problem,
    RoomBlock,
    Solution,
    TargetResult,
    Unplaced,
)
from scheduler.search import make_solver, relative_gap

# Time kept back from the main search for a diagnosis that may follow:
# this share of the limit, at most DIAGNOSIS_RESERVE_MAX_S seconds.
DIAGNOSIS_RESERVE_SHARE = 0.2
DIAGNOSIS_RESERVE_MAX_S = 5.0


@dataclass(frozen=True)
class Progress:
    """Where the search stands, sent on each improving solution and once at the end."""

    objective: float | None
    best_bound: float | None
    gap: float | None
    elapsed_s: float
    solutions_found: int


class _ProgressReporter(cp_model.CpSolverSolutionCallback):
    """Forwards each improving solution to ``on_progress`` in the spec's units."""

    def __init__(self, on_progress: Callable[[Progress], None] | None, started: float) -> None:
        super().__init__()
        self.on_progress = on_progress
        self.started = started
        self.found = 0

    def on_solution_callback(self) -> None:
        self.found += 1
        if self.on_progress is None:
            return
        objective = self.objective_value / SCALE
        bound = self.best_objective_bound / SCALE
        self.on_progress(
            Progress(
                objective=objective,
                best_bound=bound,
                gap=relative_gap(objective, bound),
                elapsed_s=time.monotonic() - self.started,
                solutions_found=self.found,
            )
        )


@dataclass
class _Search:
    status: str
    solver: cp_model.CpSolver
    plan: PlanModel
    found: int


def _search(
    plan: PlanModel,
    *,
    time_limit_s: float,
    workers: int,
    seed: int,
    on_progress: Callable[[Progress], None] | None,
    started: float,
) -> _Search:
    solver = make_solver(time_limit_s, workers, seed)
    reporter = _ProgressReporter(on_progress, started)
    status = solver.solve(plan.model, reporter)
    return _Search(solver.status_name(status), solver, plan, reporter.found)


def solve(
    problem: Problem,
    *,
    time_limit_s: float = 30,
    workers: int = 2,
    seed: int = 0,
    on_progress: Callable[[Progress], None] | None = None,
) -> Solution:
    """The best plan found within ``time_limit_s``, with targets and diagnosis filled in."""
    started = time.monotonic()
    deadline = started + time_limit_s
    options = event_options(problem)
    musts = {e.id for e in problem.events if e.pinned is not None or e.is_mandatory}
    impossible = {e for e in musts if not options[e].placeable}
    required = musts - impossible
    reserve = 0.0
    if musts or problem.targets:
        reserve = min(DIAGNOSIS_RESERVE_SHARE * time_limit_s, DIAGNOSIS_RESERVE_MAX_S)
    plan = build_model(problem, options, required=required)
    search = _search(
        plan,
        # Building the model took part of the limit already.
        time_limit_s=deadline - reserve - time.monotonic(),
        workers=workers,
        seed=seed,
        on_progress=on_progress,
        started=started,
    )
    solution = _solution(problem, options, search, started)
    solution = _diagnose(problem, options, solution, search, required, impossible, deadline, seed)
    solution = replace(solution, wall_time_s=round(time.monotonic() - started, 3))
    if on_progress is not None:
        on_progress(
            Progress(
                objective=solution.objective,
                best_bound=solution.best_bound,
                gap=solution.gap,
                elapsed_s=time.monotonic() - started,
                solutions_found=search.found,
            )
        )
    return solution


def _diagnose(
    problem: Problem,
    options: dict[str, EventOptions],
    solution: Solution,
    search: _Search,
    required: set[str],
    impossible: set[str],
    deadline: float,
    seed: int,
) -> Solution:
    """Fills in status, unplaced reasons and diagnosis for musts and targets that do not hold."""
    status = "INFEASIBLE" if impossible else solution.status
    notes = [diagnosis.static_must_reason(problem, options[e]) for e in sorted(impossible)]
    reasons = {e: notes[i] for i, e in enumerate(sorted(impossible))}
    has_plan = solution.status in ("OPTIMAL", "FEASIBLE")
    missing = required - {a.event for a in solution.assignments} if has_plan else set()
    later = max(deadline, time.monotonic() + 1.0)
    if missing:
        conflict = diagnosis.explain_must_conflicts(
            problem, options, required, deadline=later, seed=seed
        )
        notes += conflict.messages
        reasons.update(conflict.reasons)
        # An OPTIMAL plan without a must proves it: a must outweighs everything else.
        status = "INFEASIBLE" if search.status == "OPTIMAL" or conflict.proven else "UNKNOWN"
        for event_id in sorted(missing - reasons.keys()):
            reasons[event_id] = diagnosis.unplaced_must_reason(problem.event(event_id))
            notes.append(reasons[event_id])
    if has_plan:
        notes += diagnosis.explain_targets(
            problem, options, solution, required=required, deadline=later, seed=seed
        )
    unplaced = tuple(replace(u, reason=reasons.get(u.event, u.reason)) for u in solution.unplaced)
    return replace(
        solution, status=status, unplaced=unplaced, diagnosis=tuple(dict.fromkeys(notes))
    )


# --- reading the plan out of the solver ------------------------------------------------------


def _solution(
    problem: Problem,
    options: dict[str, EventOptions],
    search: _Search,
    started: float,
) -> Solution:
    status = search.status
    if status in ("OPTIMAL", "FEASIBLE"):
        assignments = _assignments(problem, search)
    elif status == "UNKNOWN" and _keeps_hard_rules(problem, search.plan):
        # Cut before CP-SAT's first solution: the greedy hint is a plan too.
        assignments = _warm_start_assignments(search.plan)
        status = "FEASIBLE"
    else:
        assignments = ()
    has_plan = status == "FEASIBLE" or status == "OPTIMAL"
    placed = {a.event for a in assignments}
    unplaced = tuple(
        Unplaced(e.id, _unplaced_reason(options[e.id], has_plan))
        for e in problem.events
        if e.id not in placed
    )
    targets = target_results(problem, assignments)
    objective = plan_objective(problem, assignments, targets) if has_plan else None
    bound = search.solver.best_objective_bound / SCALE if search.found else None
    if status == "OPTIMAL":
        # Proven optimal: the bound is the objective; the scaled bound would
        # differ from the exact objective by rounding alone.
        bound = objective
    return Solution(
        status=status,
        problem=problem.name,
        objective=objective,
        best_bound=bound,
        gap=relative_gap(objective, bound),
        wall_time_s=round(time.monotonic() - started, 3),
        assignments=assignments,
        unplaced=unplaced,
        targets=targets,
        targets_met=all(t.met for t in targets),
    )


def _unplaced_reason(options: EventOptions, has_plan: bool) -> str:
    if options.reason:
        return options.reason
    if not has_plan:
        return "no plan found within the time limit"
    return "not in the plan: no place left that keeps every rule, or it costs more than it brings"


def _assignments(problem: Problem, search: _Search) -> tuple[Assignment, ...]:
    """The plan CP-SAT found."""
    solver, plan = search.solver, search.plan
    assignments = []
    for event in plan.events:
        if not solver.boolean_value(plan.placed[event.id]):
            continue
        venue_id = next(
            v for (e, v), p in plan.present.items() if e == event.id and solver.value(p)
        )
        rooms = {h: solver.value(r) for (e, h), r in plan.rooms.items() if e == event.id}
        start = solver.value(plan.start[event.id])
        assignments.append(_assignment(plan, event.id, venue_id, start, rooms))
    return tuple(assignments)


def _keeps_hard_rules(problem: Problem, plan: PlanModel) -> bool:
    """Whether the greedy plan keeps rules 1-9, by the independent checker."""
    draft = Solution(status="FEASIBLE", assignments=_warm_start_assignments(plan))
    return not any(v.rule.isdigit() and v.rule != "10" for v in check(problem, draft))


def _warm_start_assignments(plan: PlanModel) -> tuple[Assignment, ...]:
    """The greedy plan the search started from, for a search cut before its first solution."""
    return tuple(
        _assignment(plan, event_id, choice.venue, choice.start, choice.rooms)
        for event_id, choice in plan.warm_start.items()
    )


def _assignment(
    plan: PlanModel, event_id: str, venue_id: str, start_day: int, rooms: dict[str, int]
) -> Assignment:
    event = plan.problem.event(event_id)
    start = plan.days.date(start_day)
    public = event.public_days(start)
    nights = event.hotel_nights(start)
    blocks = ()
    if nights is not None and nights_count(event):
        blocks = tuple(
            RoomBlock(hotel_id, held, nights.start, nights.end)
            for hotel_id, held in rooms.items()
            if held > 0
        )
    return Assignment(
        event=event_id,
        venue=venue_id,
        start=public.start,
        end=public.end,
        occupancy=event.occupancy(start),
        rooms=blocks,
    )


# --- the solution's bookkeeping, in the spec's units ---------------------------------------


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
