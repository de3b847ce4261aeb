"""CP-SAT solver settings shared by the plan search and the diagnosis."""

from __future__ import annotations

from ortools.sat.python import cp_model


def make_solver(time_limit_s: float, workers: int, seed: int) -> cp_model.CpSolver:
    """A CP-SAT solver whose runs repeat for the same seed and worker count.

    ``interleave_search`` schedules the parallel workers in deterministic
    batches; the run then depends on seed and workers only, unless it is cut
    by the wall-clock limit before it proves its answer.
    """
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    solver.parameters.interleave_search = workers > 1
    # Probing and symmetry detection took 40 of the first 51 s of presolve on
    # the large benchmark (600 events) and are paid again in every large
    # neighbourhood; without them the first solution comes at 15 s, not 70 s.
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    # One full-search worker, the one with the strongest LP relaxation
    # (linearization level 2), interleaved with the large neighbourhoods.
    # It proves the Hefei demo's years optimal in about a second each;
    # with every full-search worker in the rotation it reached the proof
    # only when its turn came, after 5-10 s of the others.
    solver.parameters.subsolvers.append("max_lp")
    return solver


def bound_of(objective: float | None, bound: float | None) -> float | None:
    """The bound to report beside ``objective``: never below it.

    CP-SAT's bound is of the model's weights, rounded to 1/SCALE; the
    objective is the plan's, exact. A plan found is the least the optimum can
    be, so a bound below it is rounding, and the objective is the bound then.
    """
    if objective is None or bound is None:
        return bound
    return max(objective, bound)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """|bound - objective| / max(1, |objective|), None without a solution."""
    if objective is None or bound is None:
        return None
    return abs(bound - objective) / max(1.0, abs(objective))
