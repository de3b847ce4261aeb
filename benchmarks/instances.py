"""The named benchmark instances and the time each gets from the solver."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.generate import generate
from scheduler.format import load_problem
from scheduler.problem import Problem

DEMO_PATH = Path(__file__).resolve().parent.parent / "events" / "fixtures" / "hefei-demo.json"


@dataclass(frozen=True)
class Instance:
    """A problem to benchmark and the solver's time limit for it, in seconds."""

    name: str
    time_limit_s: float
    load: Callable[[], Problem]


INSTANCES: tuple[Instance, ...] = (
    Instance("hefei-demo", 10.0, lambda: load_problem(DEMO_PATH)),
    Instance("small", 10.0, lambda: generate("small")),
    Instance("medium", 60.0, lambda: generate("medium")),
    Instance("large", 120.0, lambda: generate("large")),
)


def instance(name: str) -> Instance:
    return next(i for i in INSTANCES if i.name == name)
