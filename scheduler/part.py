"""Searches one part of a problem: model, CP-SAT, plan read-out and diagnosis.

``solve`` cuts a problem into parts no rule connects (``components``) and
searches each ``Part`` with its own share of the time limit. When pinned or
mandatory events cannot all be placed, the plan is still the best one
without them (``placement.add_musts`` prices them), and the diagnosis names
the conflict.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from scheduler import diagnosis
from scheduler.candidates import EventOptions, nights_count
from scheduler.checker import check
from scheduler.model import SCALE, PlanModel, build_model, optimistic_objective
from scheduler.pricing import (
    meets_targets_in_reach,
    plan_objective,
    priced_solution,
    target_results,
)
from scheduler.problem import Assignment, Problem, RoomBlock, Solution, Unplaced, has_plan
from scheduler.search import make_solver

# Time kept back from the main search for a diagnosis that may follow:
# this share of the limit, at most DIAGNOSIS_RESERVE_MAX_S seconds.
DIAGNOSIS_RESERVE_SHARE = 0.2
DIAGNOSIS_RESERVE_MAX_S = 5.0

# Share of a part's time for placing its events without hotel capacity first (see Part).
UNCAPPED_SHARE = 0.25

# Called with (objective, bound, solutions found) on each improving solution.
PartProgress = Callable[[float, float | None, int], None]


class _ProgressReporter(cp_model.CpSolverSolutionCallback):
    """Forwards each improving solution to ``on_progress`` in the spec's units."""

    def __init__(self, plan: PlanModel, on_progress: PartProgress) -> None:
        super().__init__()
        self.plan = plan
        self.on_progress = on_progress
        self.found = 0

    def on_solution_callback(self) -> None:
        self.found += 1
        flag = self.plan.all_targets_met
        met = flag is None or self.boolean_value(flag)
        objective = self.objective_value / SCALE + (0.0 if met else self.plan.target_weight)
        bound = _spec_bound(self.plan, self.best_objective_bound / SCALE, targets_met=met)
        self.on_progress(objective, bound, self.found)


def _spec_bound(plan: PlanModel, model_bound: float, *, targets_met: bool) -> float | None:
    """A model's bound in the spec's units, for a plan that meets every target or not.

    In the model a plan that misses targets scores ``target_weight`` less
    than in the spec (``model.targets``); where the targets are imposed, the
    model says nothing about such plans at all.
    """
    if targets_met:
        return model_bound
    if plan.targets_mode == "hard":
        return None
    return model_bound + plan.target_weight


@dataclass
class _Search:
    status: str
    solver: cp_model.CpSolver
    plan: PlanModel
    found: int


def _search(
    plan: PlanModel, deadline: float, workers: int, seed: int, on_progress: PartProgress
) -> _Search:
    solver = make_solver(deadline - time.monotonic(), workers, seed)
    reporter = _ProgressReporter(plan, on_progress)
    status = solver.solve(plan.model, reporter)
    return _Search(solver.status_name(status), solver, plan, reporter.found)


class Part:
    """One part of a problem, searched in two steps.

    Hotel capacity makes the model slow to re-solve: on the large benchmark
    (150 hotels, ~65 room variables an event) each large neighbourhood takes
    about a second and hardly improves the warm start. So the part is first
    searched without it (``uncapped``, built up front, which also gives the
    progress its first figures) for up to UNCAPPED_SHARE of its time; the
    full model's greedy warm start then tries those placements first and
    books the rooms, and the full model is searched from there. The
    relaxation's bound holds for the full model too.
    """

    def __init__(
        self, problem: Problem, options: dict[str, EventOptions], *, targets_first: bool = True
    ) -> None:
        self.problem = problem
        self.options = options
        self.targets_first = targets_first
        musts = {e.id for e in problem.events if e.pinned is not None or e.is_mandatory}
        self.impossible = {e for e in musts if not options[e].placeable}
        self.required = musts - self.impossible
        self.uncapped = self._model(relax=("hotel_capacity",))

    def _model(self, **options) -> PlanModel:
        return build_model(
            self.problem,
            self.options,
            required=self.required,
            targets_first=self.targets_first,
            **options,
        )

    def priced(self) -> Part:
        """The part again, its targets priced and nothing more (``model.targets``)."""
        return Part(self.problem, self.options, targets_first=False)

    @property
    def optimistic(self) -> float:
        """An upper bound on the objective of every plan of the part, before any search."""
        return optimistic_objective(self.uncapped)

    @property
    def size(self) -> int:
        """What the part weighs when the time limit is shared out: its placeable events."""
        return len(self.uncapped.events)

    def first_plan(self) -> tuple[float, float]:
        """The objective of the warm start and an upper bound, before any search."""
        assignments = _warm_start_assignments(self.uncapped)
        objective = plan_objective(
            self.problem, assignments, target_results(self.problem, assignments)
        )
        return objective, max(objective, self.optimistic)

    def search(
        self, deadline: float, *, workers: int, seed: int, on_progress: PartProgress
    ) -> tuple[Solution, int]:
        """The best plan of this part by ``deadline``, and how many solutions CP-SAT found."""
        plan, bound = self.uncapped, None
        if plan.rooms:  # without rooms there is no hotel capacity: uncapped is the model
            suggested, bound = self._uncapped_search(deadline, workers, seed)
            plan = self._model(suggested=suggested)
        reserve = 0.0
        if not _warm_start_holds(self.problem, plan, self.required):
            left = deadline - time.monotonic()
            reserve = min(DIAGNOSIS_RESERVE_SHARE * left, DIAGNOSIS_RESERVE_MAX_S)
        search = _search(plan, deadline - reserve, workers, seed, on_progress)
        bounds = [(search.plan, search.solver.best_objective_bound / SCALE)]
        if bound is not None:
            bounds.append((self.uncapped, bound))
        bounds = bounds if search.found else []
        solution = _solution(self.problem, self.options, search, bounds, self.optimistic)
        solution = _diagnose(
            self.problem,
            self.options,
            solution,
            search,
            self.required,
            self.impossible,
            deadline,
            seed,
        )
        return solution, search.found

    def _uncapped_search(
        self, deadline: float, workers: int, seed: int
    ) -> tuple[dict[str, tuple[str, int]], float | None]:
        """Where events go without hotel capacity, and the bound that search proves."""
        until = time.monotonic() + UNCAPPED_SHARE * (deadline - time.monotonic())
        search = _search(self.uncapped, until, workers, seed, lambda *_: None)
        if not has_plan(search.status):
            return {}, None
        placements = {
            event.id: _placement(search, event.id)
            for event in self.uncapped.events
            if search.solver.boolean_value(self.uncapped.placed[event.id])
        }
        return placements, search.solver.best_objective_bound / SCALE


def _warm_start_holds(problem: Problem, plan: PlanModel, required: set[str]) -> bool:
    """Whether the warm start places every must and meets every target.

    The search starts from it, so a diagnosis will most likely not be
    needed and no time is kept back for one (it still gets a second).
    """
    if not required <= plan.warm_start.keys():
        return False
    assignments = _warm_start_assignments(plan)
    return all(t.met for t in target_results(problem, assignments))


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
    planned = has_plan(solution.status)
    missing = required - {a.event for a in solution.assignments} if planned else set()
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
            problem,
            options,
            solution,
            required=required,
            deadline=later,
            seed=seed,
            priced_away=search.plan.targets_mode == "priced",
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
    bounds: list[tuple[PlanModel, float]],
    optimistic: float,
) -> Solution:
    """The plan CP-SAT found, priced.

    Its bound is the tightest of those that hold for it: the models'
    ``bounds`` (the search's and the relaxation's, in their models' units)
    and the ``optimistic`` one. None when CP-SAT found no solution of its own.
    """
    status = search.status
    if has_plan(status):
        assignments = _assignments(problem, search)
    elif status == "UNKNOWN" and _keeps_hard_rules(problem, search.plan):
        # Cut before CP-SAT's first solution: the greedy hint is a plan too.
        assignments = _warm_start_assignments(search.plan)
        status = "FEASIBLE"
    else:
        assignments = ()
    planned = has_plan(status)
    placed = {a.event for a in assignments}
    unplaced = tuple(
        Unplaced(e.id, _unplaced_reason(options[e.id], planned))
        for e in problem.events
        if e.id not in placed
    )
    met = meets_targets_in_reach(problem, target_results(problem, assignments))
    held = [_spec_bound(plan, value, targets_met=met) for plan, value in bounds]
    bound = min([b for b in held if b is not None] + [optimistic]) if bounds else None
    return priced_solution(
        problem,
        status=status,
        assignments=assignments,
        unplaced=unplaced,
        priced=planned,
        bound=bound,
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
        venue_id, start = _placement(search, event.id)
        rooms = {h: solver.value(r) for (e, h), r in plan.rooms.items() if e == event.id}
        assignments.append(_assignment(plan, event.id, venue_id, start, rooms))
    return tuple(assignments)


def _placement(search: _Search, event_id: str) -> tuple[str, int]:
    """The venue and first day (day number) of a placed event in CP-SAT's plan."""
    solver, plan = search.solver, search.plan
    venue_id = next(v for (e, v), p in plan.present.items() if e == event_id and solver.value(p))
    return venue_id, solver.value(plan.start[event_id])


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
