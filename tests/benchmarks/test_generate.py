"""The synthetic instances are reproducible and valid exchange-format problems."""

import json

import pytest

from benchmarks.baseline import fcfs_schedule
from benchmarks.generate import SIZES, generate, main
from scheduler.format import load_problem, read_problem, write_problem


def test_same_size_and_seed_give_the_same_problem():
    assert write_problem(generate("small", 3)) == write_problem(generate("small", 3))


def test_another_seed_gives_another_city():
    assert write_problem(generate("small", 0)) != write_problem(generate("small", 1))


@pytest.mark.parametrize("size", ["small", "medium"])
def test_written_problem_reads_back_unchanged(size):
    problem = generate(size)
    data = json.loads(json.dumps(write_problem(problem)))
    assert read_problem(data) == problem


@pytest.mark.parametrize("size", ["small", "medium"])
def test_size_matches_the_catalogue_shape(size):
    problem = generate(size)
    shape = SIZES[size]
    assert (len(problem.venues), len(problem.hotels), len(problem.events)) == (
        shape.venues,
        shape.hotels,
        shape.events,
    )
    assert problem.horizon.end.year - problem.horizon.start.year + 1 == shape.years
    assert {t.year for t in problem.targets} == set(
        range(problem.horizon.start.year, 2027 + shape.years)
    )
    assert any(e.pinned for e in problem.events)
    assert any(e.previous for e in problem.events)
    assert any(e.hotel for e in problem.events)
    assert any(v.unavailable for v in problem.venues)


def test_pins_and_targets_come_from_a_plan_that_keeps_them():
    """The witness order (pins, then international first) meets every target."""
    problem = generate("small")
    order = sorted(
        problem.events,
        key=lambda e: (
            e.pinned is None,
            not (e.international and e.category in ("exhibition", "sports")),
            e.preferred_start,
            e.id,
        ),
    )
    witness = fcfs_schedule(problem, order=order)
    assert witness.status == "FEASIBLE"
    assert witness.targets_met


def test_cli_writes_a_loadable_file(tmp_path):
    path = tmp_path / "small.json"
    assert main(["small", "-o", str(path)]) == 0
    assert load_problem(path) == generate("small")
