"""Solver against the first-come-first-served diary, side by side, on every instance.

Run ``python -m benchmarks`` (or ``make bench``); ``--only NAME`` runs one
instance, ``--time-scale 0.1`` shortens every solver limit for a quick look.
Every plan, ours and the baseline's, goes through the independent checker and
its violations are printed: a figure from a plan that breaks a rule is no figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import ortools

from benchmarks.baseline import fcfs_schedule
from benchmarks.instances import INSTANCES, Instance
from scheduler.format import write_solution
from scheduler.problem import Problem, Solution

WORKERS = 2
SEED = 0


def _solver() -> Callable[..., Solution] | None:
    """Our solver, or None while it is not there yet (the baseline still runs)."""
    try:
        from scheduler.solve import solve
    except ModuleNotFoundError as missing:
        if missing.name != "scheduler.solve":
            raise
        return None
    return solve


def _checker() -> Callable[[Problem, Solution], list] | None:
    try:
        from scheduler.checker import check
    except ModuleNotFoundError as missing:
        if missing.name != "scheduler.checker":
            raise
        return None
    return check


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _column(problem: Problem, solution: Solution | None, wall_s: float | None) -> list[str]:
    if solution is None:
        return ["not run"] + [""] * 6
    met = sum(1 for t in solution.targets if t.met)
    gap = "-" if solution.gap is None else f"{solution.gap:.2%}"
    return [
        solution.status,
        _number(solution.objective),
        _number(solution.best_bound),
        gap,
        _number(wall_s, 2),
        f"{len(solution.assignments)}/{len(problem.events)}",
        f"{met}/{len(solution.targets)}",
    ]


ROWS = ("status", "objective", "bound", "gap", "wall time s", "events placed", "targets met")


def print_table(
    title: str,
    problem: Problem,
    runs: dict[str, tuple[Solution | None, float | None]],
) -> None:
    """One instance: a row per figure, a column per method."""
    columns = {name: _column(problem, *run) for name, run in runs.items()}
    widths = [max(len(r) for r in ROWS)] + [
        max(len(name), *(len(cell) for cell in cells)) for name, cells in columns.items()
    ]
    print(f"\n## {title}\n")
    header = ["", *columns]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for i, row in enumerate(ROWS):
        cells = [row, *(cells[i] for cells in columns.values())]
        print("| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |")


def _verify(label: str, problem: Problem, solution: Solution) -> None:
    check = _checker()
    if check is None:
        print(f"  {label}: checker not available, plan NOT verified")
        return
    violations = check(problem, solution)
    if not violations:
        print(f"  {label}: checker OK")
        return
    print(f"  {label}: {len(violations)} VIOLATION(S)")
    for violation in violations[:20]:
        print(f"    - {violation}")
    if len(violations) > 20:
        print(f"    ... and {len(violations) - 20} more")


def run_instance(bench: Instance, *, time_scale: float, save: Path | None) -> None:
    problem = bench.load()
    limit = bench.time_limit_s * time_scale
    runs: dict[str, tuple[Solution | None, float | None]] = {}
    solve = _solver()
    if solve is not None:
        started = time.perf_counter()
        ours = solve(problem, time_limit_s=limit, workers=WORKERS, seed=SEED)
        runs[f"CP-SAT ({limit:g} s)"] = (ours, time.perf_counter() - started)
    else:
        runs["CP-SAT"] = (None, None)
    started = time.perf_counter()
    fcfs = fcfs_schedule(problem)
    runs["FCFS diary"] = (fcfs, time.perf_counter() - started)
    title = (
        f"{bench.name}: {len(problem.venues)} venues, {len(problem.hotels)} hotels, "
        f"{len(problem.events)} events, {len(problem.targets)} targets, "
        f"{problem.horizon.start}..{problem.horizon.end}"
    )
    print_table(title, problem, runs)
    print()
    for label, (solution, _) in runs.items():
        if solution is None:
            continue
        _verify(label, problem, solution)
        for line in solution.diagnosis[:5]:
            print(f"    {label} diagnosis: {line}")
        if save is not None:
            save.mkdir(parents=True, exist_ok=True)
            kind = "fcfs" if label.startswith("FCFS") else "cpsat"
            path = save / f"{bench.name}-{kind}.json"
            path.write_text(json.dumps(write_solution(solution), ensure_ascii=False, indent=1))
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", choices=[i.name for i in INSTANCES], action="append")
    parser.add_argument(
        "--time-scale", type=float, default=1.0, help="multiply every solver time limit"
    )
    parser.add_argument("--save", type=Path, help="write each plan as JSON into this folder")
    args = parser.parse_args(argv)
    print(
        f"# benchmarks: workers={WORKERS} seed={SEED} time-scale={args.time_scale:g} "
        f"ortools={ortools.__version__} python={platform.python_version()} "
        f"cpus={_cpus()}"
    )
    if _solver() is None:
        print("scheduler.solve is not available yet: baseline figures only")
    for bench in INSTANCES:
        if args.only and bench.name not in args.only:
            continue
        run_instance(bench, time_scale=args.time_scale, save=args.save)
    return 0


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    raise SystemExit(main())
