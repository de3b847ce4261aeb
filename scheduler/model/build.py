"""Builds the whole model from the rule modules, in the order of the spec."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from scheduler.candidates import EventOptions
from scheduler.model.hotels import add_hotel_capacity, add_room_blocks
from scheduler.model.objective import add_change_penalty, add_preference, set_objective
from scheduler.model.placement import add_musts, add_placement
from scheduler.model.plan import PlanModel
from scheduler.model.spacing import add_max_concurrent_major, add_min_gap
from scheduler.model.targets import add_targets, hint_all_met, meets_targets
from scheduler.model.venues import add_venue_sharing
from scheduler.model.warm_start import add_warm_start, greedy_plan
from scheduler.problem import Problem

# Rule families the diagnosis may switch off to find which one stands in the way.
RELAXABLE = ("venue_sharing", "hotel_capacity", "min_gap", "max_concurrent_major")


def build_model(
    problem: Problem,
    options: dict[str, EventOptions],
    *,
    required: Collection[str] = (),
    explain: bool = False,
    relax: Collection[str] = (),
    suggested: Mapping[str, tuple[str, int]] | None = None,
    targets_first: bool = True,
) -> PlanModel:
    """The CP-SAT model of ``problem``.

    ``required`` events must be placed (pins, mandatory events; see
    ``placement.add_musts`` for how, and ``targets`` for the targets). With
    ``explain`` the model has no objective; ``required`` events and targets
    become assumption literals (``plan.must``, ``plan.target_met``) for a
    conflict search. ``relax`` names rule families from RELAXABLE to leave out.
    ``suggested`` (venue, first day) per event are what the warm start tries first.
    Without ``targets_first`` the targets' shortfall is priced and nothing more,
    for a problem known to miss some target anyway (``solve``).
    """
    plan = PlanModel(problem, options, suggested=dict(suggested or {}))
    terms = add_placement(plan)
    required = set(required)
    if explain:
        musts = targets = "assumed"
    else:
        plan.warm_start = greedy_plan(plan)
        musts = "hard" if required & plan.placed.keys() <= plan.warm_start.keys() else "priced"
        # Imposed only beside imposed musts: a must outweighs every target.
        if not targets_first:
            targets = "priced"
        elif musts == "hard" and meets_targets(plan, plan.warm_start):
            targets = "hard"
        else:
            targets = "first"
    terms += add_musts(plan, required, mode=musts)
    if "venue_sharing" not in relax:
        add_venue_sharing(plan)
    terms += add_room_blocks(plan)
    if "hotel_capacity" not in relax:
        add_hotel_capacity(plan)
    if "min_gap" not in relax:
        add_min_gap(plan)
    if "max_concurrent_major" not in relax:
        add_max_concurrent_major(plan)
    terms += add_targets(plan, mode=targets)
    if explain:
        plan.model.add_assumptions([*plan.must.values(), *plan.target_met.values()])
        return plan
    terms += add_preference(plan)
    terms += add_change_penalty(plan)
    set_objective(plan, terms)
    add_warm_start(plan)
    hint_all_met(plan)
    return plan
