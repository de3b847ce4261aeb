"""Rule 1: each event in at most one venue on one first day; musts placed (pins, mandatory).

Alternatives follow the flexible job shop pattern: one optional occupancy
interval per (event, venue) with its own presence literal and start domain
(rules 2 and 5 are already in those domains), tied to the event's master
start by enforcement.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.model.objective import objective_swing
from scheduler.model.plan import PlanModel, Term


def add_placement(plan: PlanModel) -> list[Term]:
    """Creates the placement variables and intervals; returns the value of placed events."""
    model = plan.model
    terms = []
    for event in plan.events:
        starts = plan.options[event.id].starts
        union = sorted(set().union(*starts.values()))
        start = model.new_int_var_from_domain(
            cp_model.Domain.from_values(union), f"start[{event.id}]"
        )
        placed = model.new_bool_var(f"placed[{event.id}]")
        plan.start[event.id], plan.placed[event.id] = start, placed
        if len(starts) == 1:
            (venue_id,) = starts
            plan.present[event.id, venue_id] = placed
            plan.venue_start[event.id, venue_id] = start
        else:
            for venue_id, days in starts.items():
                present = model.new_bool_var(f"present[{event.id},{venue_id}]")
                venue_start = model.new_int_var_from_domain(
                    cp_model.Domain.from_values(days), f"start[{event.id},{venue_id}]"
                )
                model.add(start == venue_start).only_enforce_if(present)
                plan.present[event.id, venue_id] = present
                plan.venue_start[event.id, venue_id] = venue_start
            model.add(sum(plan.present[event.id, v] for v in starts) == placed)
        _add_intervals(plan, event.id)
        if event.effective_value:
            terms.append(Term(placed, event.effective_value))
    return terms


def _add_intervals(plan: PlanModel, event_id: str) -> None:
    """Occupancy per venue alternative (rule 2) and public days of the event."""
    event = plan.problem.event(event_id)
    setup = event.effective_setup_days
    occupied = setup + event.duration_days + event.effective_teardown_days
    for venue_id in plan.options[event_id].starts:
        plan.occupancy[event_id, venue_id] = plan.model.new_optional_fixed_size_interval_var(
            plan.venue_start[event_id, venue_id] - setup,
            occupied,
            plan.present[event_id, venue_id],
            f"occupancy[{event_id},{venue_id}]",
        )
    plan.public[event_id] = plan.model.new_optional_fixed_size_interval_var(
        plan.start[event_id], event.duration_days, plan.placed[event_id], f"public[{event_id}]"
    )


def add_musts(plan: PlanModel, required: set[str], *, mode: str) -> list[Term]:
    """Pinned and mandatory events are placed; ``mode`` says how.

    - ``"hard"``: imposed. Used when the warm start already places every
      must, so the search has a first solution anyway.
    - ``"priced"``: each must is worth more than everything else the plan can
      gain (``must_weight``). The empty plan stays a solution, the search
      starts at once, and a plan that cannot hold every must is still the
      best plan without those; it is proven impossible only when that plan
      is OPTIMAL, or by the diagnosis.
    - ``"assumed"``: each must is an assumption literal, for the diagnosis.
    """
    terms = []
    weight = must_weight(plan) if mode == "priced" else 0.0
    for event_id in sorted(required & plan.placed.keys()):
        placed = plan.placed[event_id]
        if mode == "assumed":
            must = plan.model.new_bool_var(f"must[{event_id}]")
            plan.model.add_implication(must, placed)
            plan.must[event_id] = must
        elif mode == "hard":
            plan.model.add(placed == 1)
        else:
            # Priced so that a plan placing every must scores its plain objective.
            terms.append(Term(placed, weight))
            plan.premium += weight
    return terms


def must_weight(plan: PlanModel) -> float:
    """More than everything else together, meeting every target included (see ``targets``)."""
    return 2 * objective_swing(plan)
