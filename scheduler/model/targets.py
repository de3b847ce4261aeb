"""Rule 10: events per year and category, counted in the year of their first public day.

The spec treats targets as hard, yet they may be out of reach, and then the
plan must still be the best one with each missing event priced at
``target_shortfall``. So a plan that meets every target always beats one
that does not, and among plans that miss some, the priced objective decides.
``add_targets`` states that in one of three ways (its ``mode``):

- ``"hard"``: every target is imposed. Used when the warm start meets them
  all, so plans that do exist and only those count.
- ``"first"``: each target's shortfall is priced, and meeting every target
  is worth ``plan.target_weight`` more than anything else the plan can gain
  (``all_targets_met``). ``plan.premium`` takes that worth off again, so a plan
  meeting every target scores its plain objective in the model; one that
  misses some scores its objective minus ``target_weight``.
- ``"priced"``: each target's shortfall is priced, nothing more: for a part
  of a problem whose targets are known not to hold all together (``solve``).
- ``"assumed"``: each target is an assumption literal ("met"), for the
  diagnosis to ask for a conflicting set.

Targets in years outside the horizon can never be met; their shortfall is a
constant and they take no part in "every target".
"""

from __future__ import annotations

from scheduler.days import year_spans
from scheduler.model.objective import objective_swing
from scheduler.model.plan import PlanModel, Term
from scheduler.problem import Event, Target


def add_targets(plan: PlanModel, *, mode: str) -> list[Term]:
    """Counts events per target and states the targets as ``mode`` says."""
    spans = year_spans(plan.problem.horizon)
    price = plan.problem.effective_rules.effective_weights.target_shortfall
    counted: dict[tuple[str, int], object] = {}
    terms = []
    for index, target in enumerate(plan.problem.targets):
        if target.year not in spans:
            plan.constant -= price * target.min_count
            continue
        count = [
            _counts_in_year(plan, event, target.year, spans, counted)
            for event in plan.events
            if target.counts(event)
        ]
        count = sum(c for c in count if c is not None)
        if mode == "hard":
            plan.model.add(count >= target.min_count)
        elif mode == "assumed":
            met = plan.model.new_bool_var(f"met[{index}]")
            plan.model.add(count >= target.min_count).only_enforce_if(met)
            plan.target_met[index] = met
        else:
            shortfall = plan.model.new_int_var(0, target.min_count, f"shortfall[{index}]")
            plan.model.add(count + shortfall >= target.min_count)
            plan.shortfall[index] = shortfall
            terms.append(Term(shortfall, -price))
    plan.targets_mode = mode
    if mode == "first" and plan.shortfall:
        terms.append(_add_all_met(plan))
    return terms


def _add_all_met(plan: PlanModel) -> Term:
    """The literal "every target in the horizon is met", worth ``target_weight``."""
    all_met = plan.model.new_bool_var("all_targets_met")
    for shortfall in plan.shortfall.values():
        plan.model.add(shortfall == 0).only_enforce_if(all_met)
    plan.all_targets_met = all_met
    plan.target_weight = objective_swing(plan)
    plan.premium += plan.target_weight
    return Term(all_met, plan.target_weight)


def meets_targets(plan: PlanModel, chosen: dict) -> bool:
    """Whether a plan (event id -> choice with a ``start`` day) meets every target it can."""
    spans = year_spans(plan.problem.horizon)
    return all(
        achieved(plan, chosen, target) >= target.min_count
        for target in plan.problem.targets
        if target.year in spans
    )


def achieved(plan: PlanModel, chosen: dict, target: Target) -> int:
    """How many events of a plan (event id -> choice with a ``start`` day) count for ``target``."""
    return sum(
        1
        for event_id, choice in chosen.items()
        if target.counts(plan.problem.event(event_id))
        and plan.days.date(choice.start).year == target.year
    )


def hint_all_met(plan: PlanModel) -> None:
    """Hints ``all_targets_met`` with the warm start, which completes the hint."""
    if plan.all_targets_met is not None:
        plan.model.add_hint(plan.all_targets_met, meets_targets(plan, plan.warm_start))


def _counts_in_year(
    plan: PlanModel, event: Event, year: int, spans: dict, counted: dict
) -> object | None:
    """A literal true when ``event`` is placed with its first public day in ``year``."""
    if (event.id, year) in counted:
        return counted[event.id, year]
    starts = sorted(set().union(*plan.options[event.id].starts.values()))
    years = {y for y, (first, last) in spans.items() if any(first <= s <= last for s in starts)}
    if year not in years:
        literal = None
    elif len(years) == 1:
        literal = plan.placed[event.id]
    else:
        literal = plan.model.new_bool_var(f"in_year[{event.id},{year}]")
        first, last = spans[year]
        plan.model.add_linear_constraint(plan.start[event.id], first, last).only_enforce_if(literal)
        plan.model.add_implication(literal, plan.placed[event.id])
        plan.in_year[event.id, year] = literal
    counted[event.id, year] = literal
    return literal
