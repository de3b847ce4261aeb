"""Soft terms of the objective (preferred start, changes against the last plan) and its assembly."""

from __future__ import annotations

from scheduler.candidates import nights_count
from scheduler.model.hotels import cheapest_rooms
from scheduler.model.plan import SCALE, PlanModel, Term


def add_preference(plan: PlanModel) -> list[Term]:
    """``preference_per_day`` per day between a placed event's start and its preferred start.

    Besides the two inequalities that define the deviation, the closest legal
    start at each venue bounds it from below through the presence literals:
    a cut the LP relaxation sees, where it cannot see the holes that
    blackouts and closures leave in the start domains.
    """
    weight = plan.problem.effective_rules.effective_weights.preference_per_day
    terms = []
    for event in plan.events:
        if event.preferred_start is None or weight == 0:
            continue
        preferred = plan.days.index(event.preferred_start)
        start, placed = plan.start[event.id], plan.placed[event.id]
        closest = {
            venue_id: min(abs(day - preferred) for day in days)
            for venue_id, days in plan.options[event.id].starts.items()
        }
        farthest = max(
            abs(d - preferred) for days in plan.options[event.id].starts.values() for d in days
        )
        deviation = plan.model.new_int_var(0, farthest, f"deviation[{event.id}]")
        # Only enforced when placed: an event left out has no start to be late with.
        plan.model.add(deviation >= start - preferred).only_enforce_if(placed)
        plan.model.add(deviation >= preferred - start).only_enforce_if(placed)
        if any(closest.values()):
            plan.model.add(
                deviation >= sum(d * plan.present[event.id, v] for v, d in closest.items())
            )
        slots = plan.slots.get(event.id)
        if slots:
            plan.model.add(deviation >= sum(abs(d - preferred) * x for d, x in slots.items()))
        plan.deviation[event.id] = deviation
        terms.append(Term(deviation, -weight))
    return terms


def add_change_penalty(plan: PlanModel) -> list[Term]:
    """``change_penalty`` for each event with a previous placement not kept exactly.

    ``kept`` may only be true when venue and start are the previous ones, so
    the penalty is paid unless the plan really keeps the event. The warm start
    tries the previous placement first, so re-planning starts from the old plan.
    """
    weight = plan.problem.effective_rules.effective_weights.change_penalty
    terms = []
    for event in plan.problem.events:
        previous = event.previous
        if previous is None:
            continue
        terms.append(Term(1, -weight))
        key = (event.id, previous.venue)
        day = plan.days.index(previous.start)
        if key not in plan.present or day not in plan.options[event.id].starts[previous.venue]:
            continue
        kept = plan.model.new_bool_var(f"kept[{event.id}]")
        plan.model.add_implication(kept, plan.present[key])
        plan.model.add(plan.venue_start[key] == day).only_enforce_if(kept)
        plan.kept[event.id] = kept
        terms.append(Term(kept, weight))
    return terms


def set_objective(plan: PlanModel, terms: list[Term]) -> None:
    """Maximises the sum of the terms, weights scaled to integers by SCALE."""
    expr = 0
    constant = plan.constant - plan.premium
    for term in terms:
        coefficient = round(term.weight * SCALE)
        if isinstance(term.expr, int | float):
            constant += term.weight * term.expr
        elif coefficient:
            expr += coefficient * term.expr
    plan.model.maximize(expr + round(constant * SCALE))


def optimistic_objective(plan: PlanModel) -> float:
    """An upper bound on the objective: each event at its best venue and day, as if alone.

    Rooms cost their cheapest fill and the start its nearest legal day to the
    preferred one; shortfalls and change penalties, which only lower the
    objective, are left out. It stands for a part of the problem that the
    search has not reached yet in the progress line.
    """
    per_day = plan.problem.effective_rules.effective_weights.preference_per_day
    total = plan.constant
    for event in plan.events:
        wanted = event.preferred_start
        preferred = None if wanted is None else plan.days.index(wanted)
        rooms = cheapest_rooms(plan, event)
        late = {
            venue_id: 0 if preferred is None else min(abs(day - preferred) for day in days)
            for venue_id, days in plan.options[event.id].starts.items()
        }
        best = max(event.effective_value - rooms[v] - per_day * late[v] for v in late)
        total += max(0.0, best)
    return total


def objective_swing(plan: PlanModel) -> float:
    """More than the whole objective can swing by all decisions together.

    Musts and "every target met" are worth more than this (``placement``,
    ``targets``), so no gain elsewhere can outweigh them.
    """
    problem = plan.problem
    weights = problem.effective_rules.effective_weights
    horizon_days = problem.horizon.days
    swing = sum(abs(e.effective_value) for e in problem.events)
    swing += sum(abs(weights.change_penalty) for e in problem.events if e.previous)
    swing += abs(weights.target_shortfall) * sum(t.min_count for t in problem.targets)
    swing += abs(weights.preference_per_day) * horizon_days * len(problem.events)
    for event in plan.events:
        km = [d or 0.0 for h in plan.options[event.id].hotels for d in h.km.values()]
        if km:
            room_nights = event.hotel.rooms_per_night * nights_count(event)
            swing += abs(weights.hotel_km_per_room_night) * room_nights * max(km)
    return float(round(swing + 1))
