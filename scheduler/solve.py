"""Solves a problem: cut into independent parts, each searched in turn, and put back together.

The search is CP-SAT with an explicit time limit, worker count and seed
(see ``search.make_solver`` for what makes runs repeat). Parts no rule
connects (``components.split``, typically one per year) are searched one
after the other, each with a share of the time left in proportion to its
events, so time a part does not need goes to the parts after it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from scheduler.candidates import event_options
from scheduler.components import split
from scheduler.days import year_spans
from scheduler.part import Part
from scheduler.pricing import meets_targets_in_reach, priced_solution
from scheduler.problem import Problem, Solution, has_plan
from scheduler.search import bound_of, relative_gap

# The worst status of a part is the status of the whole plan.
DEFAULT_TIME_LIMIT_S = 30.0
"""The solver's time limit when none is given (the CLI's default; solve runs take settings')."""
STATUS_RANK = ("OPTIMAL", "FEASIBLE", "UNKNOWN", "MODEL_INVALID", "INFEASIBLE")


@dataclass(frozen=True)
class Progress:
    """Where the search stands, sent on each improving solution and once at the end."""

    objective: float | None
    best_bound: float | None
    gap: float | None
    elapsed_s: float
    solutions_found: int


class _Tally:
    """Objective and bound of the whole plan while its parts are searched one by one.

    A part not searched yet counts with its warm start and optimistic bound,
    a part being searched with its best solution so far, a finished part
    with its result: every figure shown is one of a plan that exists.
    """

    def __init__(
        self, parts: list[Part], on_progress: Callable[[Progress], None] | None, started: float
    ) -> None:
        self.on_progress = on_progress
        self.started = started
        self.figures: list[tuple[float | None, float | None]] = []
        if on_progress is not None:
            self.figures = [part.first_plan() for part in parts]
        self.found = [0] * len(parts)

    def reporter(self, index: int) -> Callable[[float, float, int], None]:
        def report(objective: float, bound: float, found: int) -> None:
            self.update(index, objective, bound, found)

        return report

    def update(self, index: int, objective: float | None, bound: float | None, found: int) -> None:
        if self.on_progress is None:
            return
        # Both bounds hold; CP-SAT's first ones are looser than the optimistic one.
        known = self.figures[index][1]
        if known is not None and bound is not None:
            bound = min(bound, known)
        self.figures[index] = (objective, bound)
        self.found[index] = found
        self.send_totals()

    def send_totals(self) -> None:
        """The sums over the parts: a plan exists for each part, so for the whole."""
        objectives = [o for o, _ in self.figures]
        bounds = [b for _, b in self.figures]
        total = None if None in objectives else sum(objectives)
        best = None if None in bounds else sum(bounds)
        self.send(total, best)

    def send(self, objective: float | None, bound: float | None) -> None:
        if self.on_progress is None:
            return
        bound = bound_of(objective, bound)
        self.on_progress(
            Progress(
                objective=objective,
                best_bound=bound,
                gap=relative_gap(objective, bound),
                elapsed_s=time.monotonic() - self.started,
                solutions_found=sum(self.found),
            )
        )


def solve(
    problem: Problem,
    *,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    workers: int = 2,
    seed: int = 0,
    on_progress: Callable[[Progress], None] | None = None,
) -> Solution:
    """The best plan found within ``time_limit_s``, with targets and diagnosis filled in."""
    started = time.monotonic()
    deadline = started + time_limit_s
    options = event_options(problem)
    parts = [Part(sub, options) for sub in split(problem, options)]
    tally = _Tally(parts, on_progress, started)
    tally.send_totals()  # the warm starts, before the first search
    solutions = []
    for index, part in enumerate(parts):
        solution, found = part.search(
            _share(parts, index, deadline),
            workers=workers,
            seed=seed,
            on_progress=tally.reporter(index),
        )
        tally.update(index, solution.objective, solution.best_bound, found)
        solutions.append(solution)
    solutions = _settle_targets(problem, parts, solutions, deadline, workers=workers, seed=seed)
    solution = _merge(problem, solutions, started)
    tally.send(solution.objective, solution.best_bound)
    return solution


def _share(parts: list[Part], index: int, deadline: float) -> float:
    """The deadline of part ``index``: the time left shared by the size of the parts left."""
    share = parts[index].size / max(1, sum(p.size for p in parts[index:]))
    return time.monotonic() + share * (deadline - time.monotonic())


def _settle_targets(
    problem: Problem,
    parts: list[Part],
    solutions: list[Solution],
    deadline: float,
    *,
    workers: int,
    seed: int,
) -> list[Solution]:
    """The parts' plans, as the spec asks where the problem's targets cannot all be met.

    Each part meets every target it can (``model.targets``); the spec asks that
    of the whole problem. Where one part proves its targets cannot all be met
    (an OPTIMAL plan missing one), not every target can: then the best priced
    plan is asked for, which may miss another part's target to gain more. So
    the parts that met theirs are searched again with the shortfall priced,
    in the time left. A plan that met its targets first and was not proven
    best that way is FEASIBLE, its bound the optimistic one, which holds for
    every plan; so is each such part while the shortfall is not proven.
    """
    spans = year_spans(problem.horizon)

    def meets(solution: Solution) -> bool:
        return meets_targets_in_reach(problem, solution.targets)

    short = [s for s in solutions if not meets(s)]
    if not short:
        return solutions
    proven = any(s.status == "OPTIMAL" for s in short)
    settled = list(solutions)
    for index, (part, solution) in enumerate(zip(parts, solutions, strict=True)):
        if not meets(solution) or not any(t.year in spans for t in solution.targets):
            continue
        if solution.objective is None or not has_plan(solution.status):
            continue
        if proven:
            again, _found = part.priced().search(
                _share(parts, index, deadline), workers=workers, seed=seed, on_progress=_quiet
            )
            if again.status == "OPTIMAL":
                settled[index] = again
                continue
            if again.objective is not None and again.objective > solution.objective:
                solution = again
        settled[index] = _unproven(solution, part)
    return settled


def _quiet(*_figures: object) -> None:
    """Progress of a second search, which the line of the first already covers."""


def _unproven(solution: Solution, part: Part) -> Solution:
    """``solution`` as a plan not proven best: FEASIBLE, with a bound that holds for every plan."""
    bound = max(solution.objective, part.optimistic)
    gap = relative_gap(solution.objective, bound)
    return replace(solution, status="FEASIBLE", best_bound=bound, gap=gap)


def _merge(problem: Problem, solutions: list[Solution], started: float) -> Solution:
    """One solution of the whole problem from the solutions of its parts, in problem order."""
    if len(solutions) == 1:
        return _with_wall_time(solutions[0], started)
    order = {event.id: index for index, event in enumerate(problem.events)}
    assignments = tuple(
        sorted((a for s in solutions for a in s.assignments), key=lambda a: order[a.event])
    )
    unplaced = tuple(
        sorted((u for s in solutions for u in s.unplaced), key=lambda u: order[u.event])
    )
    bounds = [s.best_bound for s in solutions]
    notes = [note for s in solutions for note in s.diagnosis]
    merged = priced_solution(
        problem,
        status=max((s.status for s in solutions), key=STATUS_RANK.index),
        assignments=assignments,
        unplaced=unplaced,
        priced=all(s.objective is not None for s in solutions),
        bound=None if None in bounds else sum(bounds),
        diagnosis=tuple(dict.fromkeys(notes)),
    )
    return _with_wall_time(merged, started)


def _with_wall_time(solution: Solution, started: float) -> Solution:
    return replace(solution, wall_time_s=round(time.monotonic() - started, 3))
