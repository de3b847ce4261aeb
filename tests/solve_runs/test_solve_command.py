"""`manage.py solve`: a planner solves the catalogue and gets a stored, valid plan."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from scheduler.checker import check
from scheduler.format import read_problem, read_solution
from scheduler.models import Placement, Plan, RoomBlock, SolveRun


def solve(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("solve", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_solve_stores_a_plan_that_passes_the_checker(small_city):
    out, err = solve("--start", "2026-01-01", "--end", "2026-12-31", "--time-limit", "10")

    run = SolveRun.objects.get()
    assert run.status == SolveRun.Status.SUCCEEDED
    assert run.solver_status == "OPTIMAL"
    assert run.targets_met is True
    assert "OPTIMAL" in out and "targets met" in out
    assert "objective" in err  # the live progress line
    assert check(read_problem(run.problem), read_solution(run.solution)) == []

    plan = Plan.objects.get(solve_run=run)
    placed = {p.event_id: p for p in plan.placements.all()}
    assert set(placed) == {"expo-a", "expo-b", "run"}
    expo_a = placed["expo-a"]
    assert (expo_a.end - expo_a.start).days == 2
    assert expo_a.occupancy_start == expo_a.start - dt.timedelta(days=2)
    assert expo_a.occupancy_end == expo_a.end + dt.timedelta(days=1)
    # The two exhibitions cannot share the 100,000 m² hall: their occupancy never overlaps.
    expo_b = placed["expo-b"]
    assert (
        expo_a.occupancy_end < expo_b.occupancy_start
        or expo_b.occupancy_end < expo_a.occupancy_start
    )
    block = RoomBlock.objects.get(placement=expo_a)
    assert (block.hotel_id, block.rooms_per_night) == ("grand", 200)
    assert block.first_night == expo_a.start - dt.timedelta(days=1)


def test_solve_covers_only_the_requested_range(small_city):
    solve("--start", "2026-11-01", "--end", "2026-11-30", "--time-limit", "10")

    run = SolveRun.objects.get()
    assert [e["id"] for e in run.problem["events"]] == ["run"]
    assert list(Placement.objects.values_list("event_id", flat=True)) == ["run"]


def test_the_command_line_is_not_held_to_the_web_caps(small_city, settings):
    """It solves in its own foreground process, for the operator: no role, no web process."""
    settings.CELERY_BROKER_URL = ""
    solve("--start", "2026-11-01", "--end", "2026-11-30", "--time-limit", "900", "--workers", "8")

    run = SolveRun.objects.get()
    assert (run.status, run.time_limit_s, run.workers) == ("succeeded", 900, 8)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--start", "2026-13-01", "--end", "2026-12-31"), "not a date"),
        (("--start", "2026-12-31", "--end", "2026-01-01"), "--end: must not be before --start"),
    ],
)
def test_bad_arguments_are_refused_with_exit_code_2(db, args, message):
    with pytest.raises(CommandError, match=message) as refused:
        solve(*args)
    assert refused.value.returncode == 2
    assert not SolveRun.objects.exists()
