"""``python -m scheduler solve|check``: the solver and the checker on JSON files.

Exit codes: 0 done (solve) or valid (check); 1 the solution breaks rules
(check); 2 the input cannot be used (missing file, bad JSON, a problem that
breaks the format, wrong arguments). Input errors print one line per issue,
each naming its JSON pointer, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from scheduler.checker import check
from scheduler.format import (
    ProblemFormatError,
    load_problem,
    load_solution,
    write_solution,
)
from scheduler.solve import DEFAULT_TIME_LIMIT_S, Progress, solve

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2


def _number(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def progress_line(progress: Progress) -> str:
    gap = "-" if progress.gap is None else f"{progress.gap:.2%}"
    return (
        f"objective {_number(progress.objective)}  bound {_number(progress.best_bound)}  "
        f"gap {gap}  {progress.elapsed_s:.1f}s  solutions {progress.solutions_found}"
    )


class ProgressPrinter:
    """Prints progress: one line rewritten with \\r on a TTY, plain lines otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self.width = 0

    def __call__(self, progress: Progress) -> None:
        line = progress_line(progress)
        if self.live:
            self.stream.write("\r" + line.ljust(self.width))
            self.width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.live and self.width:
            self.stream.write("\n")


def _fail(error: ProblemFormatError, source: str) -> int:
    for issue in error.issues:
        print(f"{source}: {issue}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _solve(args: argparse.Namespace) -> int:
    try:
        problem = load_problem(args.problem)
    except ProblemFormatError as error:
        return _fail(error, args.problem)
    printer = ProgressPrinter(sys.stderr)
    solution = solve(
        problem,
        time_limit_s=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        on_progress=printer,
    )
    printer.close()
    text = json.dumps(write_solution(solution), ensure_ascii=False, indent=2) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            print(f"{args.output}: cannot write: {error.strerror}", file=sys.stderr)
            return EXIT_BAD_INPUT
    met = sum(1 for t in solution.targets if t.met)
    print(
        f"{solution.status}: {len(solution.assignments)} of {len(problem.events)} events placed, "
        f"targets met {met}/{len(solution.targets)}, objective {_number(solution.objective)}, "
        f"gap {'-' if solution.gap is None else f'{solution.gap:.2%}'}, "
        f"{solution.wall_time_s:.1f}s",
        file=sys.stderr,
    )
    for line in solution.diagnosis:
        print(f"  diagnosis: {line}", file=sys.stderr)
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    try:
        problem = load_problem(args.problem)
    except ProblemFormatError as error:
        return _fail(error, args.problem)
    try:
        solution = load_solution(args.solution)
    except ProblemFormatError as error:
        return _fail(error, args.solution)
    violations = check(problem, solution)
    for violation in violations:
        print(violation)
    if violations:
        print(f"{len(violations)} violation(s)", file=sys.stderr)
        return EXIT_VIOLATIONS
    print("valid")
    return EXIT_OK


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m scheduler", description=__doc__.split("\n")[0])
    commands = main.add_subparsers(dest="command", required=True)
    run = commands.add_parser("solve", help="solve PROBLEM.json into a solution file")
    run.add_argument("problem", metavar="PROBLEM.json")
    run.add_argument("-o", "--output", required=True, metavar="SOLUTION.json", help="- for stdout")
    run.add_argument(
        "--time-limit", type=_positive_float, default=DEFAULT_TIME_LIMIT_S, metavar="S"
    )
    run.add_argument("--workers", type=_positive_int, default=2, metavar="N")
    run.add_argument("--seed", type=int, default=0, metavar="N")
    run.set_defaults(handler=_solve)
    verify = commands.add_parser("check", help="check SOLUTION.json against PROBLEM.json")
    verify.add_argument("problem", metavar="PROBLEM.json")
    verify.add_argument("solution", metavar="SOLUTION.json")
    verify.set_defaults(handler=_check)
    return main


def main(argv: list[str] | None = None) -> int:
    """Runs the command line; returns the exit code."""
    args = parser().parse_args(argv)
    return args.handler(args)
