"""Why targets, pins or mandatory events cannot all hold, in a planner's words.

Every sentence here is a proven fact, never a guess:

- static facts come from the candidates (no venue has a feature, the window
  is shorter than the event, every start hits a blackout ...);
- conflicts come from CP-SAT: "event must be placed" and "target is met"
  are assumption literals, and an INFEASIBLE answer gives a conflicting set
  (``sufficient_assumptions_for_infeasibility``), shrunk by deletion;
- the rule that stands in the way is named only when leaving that one rule
  family out makes the same set feasible.

When the solver can prove neither way within the time left, the diagnosis
says so instead of guessing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.candidates import EventOptions
from scheduler.days import year_spans
from scheduler.model import RELAXABLE, PlanModel, build_model
from scheduler.problem import Event, Problem, Solution, Target
from scheduler.search import make_solver

# Longest a single diagnosis solve may take; conflicts between a few events are found fast.
STEP_LIMIT_S = 5.0
# Cores larger than this are reported as found, without shrinking them one by one.
SHRINK_UP_TO = 8


def _must_kind(event: Event) -> str:
    pinned = event.pinned is not None or event.is_partly_pinned
    return "pinned event" if pinned else "mandatory event"


def _label(event: Event) -> str:
    name = event.name.text("en")
    return f"{_must_kind(event)} {name}" + ("" if name == event.id else f" ({event.id})")


def _cannot_be_placed(problem: Problem, event: Event) -> str:
    """The head of a must's sentence; a partial pin says what the contract fixes."""
    if event.pinned_venue is not None:
        venue = problem.venue(event.pinned_venue).name.text("en")
        return f"{_label(event)} is contracted to {venue} but cannot be placed"
    if event.pinned_start is not None:
        return (
            f"{_label(event)} is contracted to start on {event.pinned_start} but cannot be placed"
        )
    return f"{_label(event)} cannot be placed"


def static_must_reason(problem: Problem, options: EventOptions) -> str:
    """Why a pinned or mandatory event has no legal placement at all."""
    return f"{_cannot_be_placed(problem, options.event)}: {options.reason}"


# --- conflicts found by the solver -----------------------------------------------------


class _Oracle:
    """Answers "can these assumptions hold together?" within a deadline."""

    def __init__(self, problem: Problem, options, required, *, deadline: float, seed: int):
        self.problem, self.options, self.required = problem, options, set(required)
        self.deadline, self.seed = deadline, seed
        self.plans: dict[frozenset[str], PlanModel] = {}

    def plan(self, relax: frozenset[str] = frozenset()) -> PlanModel:
        if relax not in self.plans:
            self.plans[relax] = build_model(
                self.problem, self.options, required=self.required, explain=True, relax=relax
            )
        return self.plans[relax]

    def literals(self, plan: PlanModel, names: list[tuple[str, object]]) -> list:
        lookup = {("must", e): lit for e, lit in plan.must.items()}
        lookup.update({("target", i): lit for i, lit in plan.target_met.items()})
        return [lookup[name] for name in names]

    def conflict(self, names: list, relax: frozenset[str] = frozenset()) -> list | None:
        """A subset of ``names`` that cannot hold together; [] when all can; None: unknown."""
        left = self.deadline - time.monotonic()
        if left <= 0.05:
            return None
        plan = self.plan(relax)
        literals = self.literals(plan, names)
        plan.model.clear_assumptions()
        plan.model.add_assumptions(literals)
        solver = make_solver(min(left, STEP_LIMIT_S), 1, self.seed)
        status = solver.solve(plan.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return []
        if status != cp_model.INFEASIBLE:
            return None
        core = set(solver.sufficient_assumptions_for_infeasibility())
        found = [n for n, lit in zip(names, literals, strict=True) if lit.index in core]
        return found or list(names)

    def minimal_conflict(self, names: list) -> list | None:
        """A conflicting subset of ``names`` from which no member can be dropped."""
        core = self.conflict(names)
        if not core or len(core) > SHRINK_UP_TO:
            return core
        for name in list(core):
            if name not in core or len(core) == 1:
                continue
            smaller = self.conflict([n for n in core if n != name])
            if smaller:
                core = smaller
        return core

    def blocking_rules(self, names: list) -> list[str]:
        """Rule families whose removal alone lets ``names`` hold together."""
        return [rule for rule in RELAXABLE if self.conflict(names, frozenset({rule})) == []]


@dataclass(frozen=True)
class MustConflict:
    """Pins and mandatory events that cannot all be placed: messages, and one reason per event.

    ``proven``: at least one conflict is proven, so the musts cannot all hold
    (INFEASIBLE), even when the time ran out before every one was isolated.
    """

    messages: list[str]
    reasons: dict[str, str]
    proven: bool


def unplaced_must_reason(event: Event) -> str:
    return (
        f"{_label(event)} could not be placed together with the other pinned and mandatory "
        "events within the time limit"
    )


def explain_must_conflicts(
    problem: Problem,
    options: dict[str, EventOptions],
    required: set[str],
    *,
    deadline: float,
    seed: int = 0,
) -> MustConflict:
    """Finds the sets of pinned/mandatory events that cannot all be placed, one set at a time."""
    oracle = _Oracle(problem, options, required, deadline=deadline, seed=seed)
    remaining = sorted(required)
    messages: list[str] = []
    reasons: dict[str, str] = {}
    while remaining:
        core = oracle.minimal_conflict([("must", e) for e in remaining])
        if not core:  # none left, or the time ran out before the next one was isolated
            break
        events = [problem.event(e) for _, e in core]
        message = _must_conflict_message(problem, oracle, events, core)
        messages.append(message)
        reasons.update((e.id, message) for e in events)
        remaining = [e for e in remaining if e not in reasons]
    return MustConflict(messages, reasons, proven=bool(messages))


def _must_conflict_message(problem: Problem, oracle: _Oracle, events: list[Event], core) -> str:
    if len(events) == 1:
        event = events[0]
        rules = _rule_words(problem, oracle.blocking_rules(core))
        return f"{_cannot_be_placed(problem, event)}{': ' + rules if rules else ''}"
    clash = _pinned_clash(problem, events)
    if clash:
        return clash
    labels = " and ".join(_label(e) for e in events)
    rules = _rule_words(problem, oracle.blocking_rules(core))
    because = rules or "no single rule explains it; several together do"
    return f"{labels} cannot all be placed: {because}"


def _pinned_clash(problem: Problem, events: list[Event]) -> str | None:
    """Two pinned events sharing a venue's days when they may not share it (rule 3)."""
    if len(events) != 2 or any(e.pinned is None for e in events):
        return None
    first, second = events
    if first.pinned.venue != second.pinned.venue:
        return None
    venue = problem.venue(first.pinned.venue)
    a, b = first.occupancy(first.pinned.start), second.occupancy(second.pinned.start)
    if not a.overlaps(b):
        return None
    exclusive = first.is_exclusive or second.is_exclusive
    crowded = first.effective_area_m2 + second.effective_area_m2 > venue.effective_area_m2
    if not (exclusive or crowded):
        return None
    overlap = f"{max(a.start, b.start)}..{min(a.end, b.end)}"
    why = "exclusive use" if exclusive else f"{venue.effective_area_m2} m² of area"
    return (
        f"{_label(first)} collides with {_label(second)} at venue "
        f"{venue.name.text('en')} on {overlap} ({why})"
    )


def _rule_words(problem: Problem, rules: list[str]) -> str:
    """The rule families in words a planner reads."""
    rules_cfg = problem.effective_rules
    words = {
        "venue_sharing": "the venues they can use are taken (area or exclusive use)",
        "hotel_capacity": "not enough hotel rooms are left on their nights",
        "min_gap": "; ".join(
            f"international {c} events need {g} clear days between them"
            for c, g in sorted((rules_cfg.min_gap_days or {}).items())
        ),
        "max_concurrent_major": "",
    }
    major = rules_cfg.max_concurrent_major
    if major is not None:
        words["max_concurrent_major"] = (
            f"at most {major.max_events} events of {major.attendance_at_least}+ people "
            "may run on the same day"
        )
    return "; ".join(words[r] for r in rules)


# --- targets -------------------------------------------------------------------------------


def target_name(target: Target) -> str:
    """A target as its diagnosis lines begin: "2026 sports (international)".

    The scope is part of it, so an international, a domestic and an
    all-events target of one category never share a line (``planner``).
    """
    flag = {True: " (international)", False: " (domestic)", None: ""}[target.international]
    return f"{target.year} {target.category}{flag}"


def _target_head(target: Target, achieved: int) -> str:
    return f"{target_name(target)}: {achieved} of {target.min_count}"


def _could_count(problem: Problem, options: dict[str, EventOptions], target: Target) -> list[Event]:
    """Events that count for the target and have a legal start in its year."""
    first, last = year_spans(problem.horizon)[target.year]
    return [
        e
        for e in problem.events
        if target.counts(e)
        and any(first <= d <= last for days in options[e.id].starts.values() for d in days)
    ]


def _static_target_reason(problem: Problem, options, target: Target) -> str | None:
    possible = _could_count(problem, options, target)
    if len(possible) >= target.min_count:
        return None
    others = [e for e in problem.events if target.counts(e) and e not in possible]
    details = [
        f"{e.name.text('en')}: {options[e.id].reason or f'cannot start in {target.year}'}"
        for e in others[:5]
    ]
    more = f"; and {len(others) - 5} more" if len(others) > 5 else ""
    listed = f" ({'; '.join(details)}{more})" if details else ""
    return f"only {len(possible)} such events can start in {target.year} at all{listed}"


def _venue_detail(problem: Problem, options, target: Target, solution: Solution) -> str:
    """Which venues the target's events can use and who holds them in the plan that year."""
    possible = _could_count(problem, options, target)
    venue_ids = sorted({v for e in possible for v in options[e.id].starts})
    if not venue_ids or len(venue_ids) > 3:
        return ""
    year = target.year
    taken = []
    for venue_id in venue_ids:
        for a in solution.assignments:
            if a.venue == venue_id and a.occupancy.start.year <= year <= a.occupancy.end.year:
                event = problem.event(a.event)
                if not target.counts(event) or event.pinned or event.is_mandatory:
                    taken.append(
                        f"{problem.venue(venue_id).name.text('en')} is taken by "
                        f"{event.name.text('en')} from {a.occupancy.start} to {a.occupancy.end}"
                    )
    names = ", ".join(problem.venue(v).name.text("en") for v in venue_ids)
    only = f"its events can only use {names}"
    return only + (f", and {'; '.join(taken)}" if taken else "")


REACHABLE = "reachable: a plan meeting it exists, but none was found within the time limit"
PRICED_AWAY = (
    "reachable, but not every target can be met (another one cannot), "
    "and meeting this one is worth less than its shortfall"
)


def explain_targets(
    problem: Problem,
    options: dict[str, EventOptions],
    solution: Solution,
    *,
    required: set[str],
    deadline: float,
    seed: int = 0,
    priced_away: bool = False,
) -> list[str]:
    """One line per missed target: what the plan achieves and what stands in the way.

    ``priced_away``: the plan was searched with the shortfall priced and nothing
    more, because another part of the problem cannot meet its targets.
    """
    spans = year_spans(problem.horizon)
    oracle = _Oracle(problem, options, required, deadline=deadline, seed=seed)
    placed = {a.event for a in solution.assignments}
    musts = [("must", e) for e in sorted(required & placed)]
    messages = []
    for index, (target, result) in enumerate(zip(problem.targets, solution.targets, strict=True)):
        if result.met:
            continue
        head = _target_head(target, result.achieved)
        if target.year not in spans:
            horizon = problem.horizon
            messages.append(
                f"{head} — {target.year} lies outside the horizon {horizon.start}..{horizon.end}"
            )
            continue
        static = _static_target_reason(problem, options, target)
        if static:
            messages.append(f"{head} — {static}")
            continue
        conflict = _target_conflict(problem, options, oracle, index, musts, solution)
        if conflict == REACHABLE and priced_away:
            conflict = PRICED_AWAY
        messages.append(f"{head} — {conflict}")
    return messages


def _target_conflict(problem, options, oracle: _Oracle, index: int, musts, solution) -> str:
    target = problem.targets[index]
    core = oracle.minimal_conflict([("target", index), *musts])
    if core == []:
        others = [
            ("target", i)
            for i, t in enumerate(problem.targets)
            if i != index and t.year in year_spans(problem.horizon)
        ]
        core = oracle.minimal_conflict([("target", index), *others, *musts])
        if core == []:
            return REACHABLE
    if core is None:
        return "could not be proven reachable or unreachable within the time limit"
    parts = []
    for kind, key in core:
        if kind == "must":
            parts.append(f"cannot be met together with {_label(problem.event(key))}")
        elif key != index:
            other = problem.targets[key]
            parts.append(f"cannot be met together with target {target_name(other)}")
    rules = _rule_words(problem, oracle.blocking_rules(core))
    if rules:
        parts.append(rules)
    detail = _venue_detail(problem, options, target, solution)
    if detail:
        parts.append(detail)
    if not parts:
        parts.append("its events cannot all be placed together under the rules")
    return "; ".join(parts)
