"""Turn a solver solution into a stored plan (placements and room blocks)."""

from django.db import transaction

from scheduler.models import Placement, Plan, RoomBlock, SolveRun
from scheduler.problem import Solution


@transaction.atomic
def plan_create_from_solution(*, run: SolveRun, solution: Solution) -> Plan:
    """The plan of ``run``: one placement per assignment, one room block per hotel.

    Catalogue ids are the exchange-format ids, so assignments map onto rows
    without lookups; an id unknown to the catalogue fails the whole write.
    """
    plan = Plan.objects.create(
        solve_run=run,
        horizon_start=run.horizon_start,
        horizon_end=run.horizon_end,
        solver_status=solution.status,
        objective=solution.objective,
        targets_met=solution.targets_met,
    )
    placements = Placement.objects.bulk_create(
        Placement(
            plan=plan,
            event_id=a.event,
            venue_id=a.venue,
            start=a.start,
            end=a.end,
            occupancy_start=a.occupancy.start,
            occupancy_end=a.occupancy.end,
        )
        for a in solution.assignments
    )
    RoomBlock.objects.bulk_create(
        RoomBlock(
            placement=placement,
            hotel_id=block.hotel,
            rooms_per_night=block.rooms_per_night,
            first_night=block.first_night,
            last_night=block.last_night,
        )
        for placement, assignment in zip(placements, solution.assignments, strict=True)
        for block in assignment.rooms
    )
    return plan
