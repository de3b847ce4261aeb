"""Helpers for the solver tests: solve a tiny problem, insist the checker finds nothing."""

import pytest

from scheduler.checker import check
from scheduler.problem import Assignment, Problem, Solution
from scheduler.solve import solve


def solved(problem: Problem, *, time_limit_s: float = 5, **options) -> Solution:
    solution = solve(problem, time_limit_s=time_limit_s, **options)
    violations = check(problem, solution)
    assert violations == [], violations
    if solution.objective is not None and solution.best_bound is not None:
        # No plan beats the bound (it may come from the relaxation without hotel capacity).
        assert solution.best_bound >= solution.objective - 1e-6
    return solution


def placed(solution: Solution) -> dict[str, Assignment]:
    return {a.event: a for a in solution.assignments}


@pytest.fixture
def solve_checked():
    return solved
