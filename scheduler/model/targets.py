"""Rule 10: events per year and category, counted in the year of their first public day.

Targets are hard in the spec but may be out of reach; the plan then still
has to be the best one, so each target gets a shortfall variable priced at
``target_shortfall``. To explain a miss, the diagnosis instead states each
target as an assumption literal ("met") and asks for a conflicting set.
"""

from __future__ import annotations

from scheduler.days import year_spans
from scheduler.model.plan import PlanModel, Term
from scheduler.problem import Event


def add_targets(plan: PlanModel, *, as_assumptions: bool) -> list[Term]:
    """Counts events per target; returns the priced shortfall (a constant for lost years)."""
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
        if as_assumptions:
            met = plan.model.new_bool_var(f"met[{index}]")
            plan.model.add(count >= target.min_count).only_enforce_if(met)
            plan.target_met[index] = met
            continue
        shortfall = plan.model.new_int_var(0, target.min_count, f"shortfall[{index}]")
        plan.model.add(count + shortfall >= target.min_count)
        plan.shortfall[index] = shortfall
        terms.append(Term(shortfall, -price))
    return terms


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
