"""The model under construction: the CP-SAT model and its variables by id."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.candidates import EventOptions
from scheduler.days import DayIndex
from scheduler.problem import Event, Problem

# Objective weights are floats in the spec's units; CP-SAT needs integers.
# Every weight is multiplied by SCALE and rounded, so weights are exact to 1/SCALE.
SCALE = 1000


@dataclass(frozen=True)
class Term:
    """``weight`` (spec units, positive is good) per unit of ``expr`` in the objective."""

    expr: cp_model.LinearExprT
    weight: float


@dataclass
class PlanModel:
    """A CP-SAT model of one problem, with its variables keyed by ids."""

    problem: Problem
    options: dict[str, EventOptions]
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    placed: dict[str, cp_model.IntVar] = field(default_factory=dict)
    start: dict[str, cp_model.IntVar] = field(default_factory=dict)
    present: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    venue_start: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    occupancy: dict[tuple[str, str], cp_model.IntervalVar] = field(default_factory=dict)
    public: dict[str, cp_model.IntervalVar] = field(default_factory=dict)
    nights: dict[str, cp_model.IntervalVar] = field(default_factory=dict)
    rooms: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    shortfall: dict[int, cp_model.IntVar] = field(default_factory=dict)
    # How targets are stated (``targets``): "hard", "first" (with "every target met" worth
    # target_weight), "priced" or "assumed".
    targets_mode: str = "first"
    all_targets_met: cp_model.IntVar | None = None
    target_weight: float = 0.0
    # Variables that follow from the placement; kept so the warm start can hint them.
    in_year: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    deviation: dict[str, cp_model.IntVar] = field(default_factory=dict)
    kept: dict[str, cp_model.IntVar] = field(default_factory=dict)
    # Spaced events: a literal per possible first day (``spacing._add_day_slots``).
    slots: dict[str, dict[int, cp_model.IntVar]] = field(default_factory=dict)
    hotel_cost: dict[str, tuple[cp_model.IntVar, dict[str, dict[str, int]]]] = field(
        default_factory=dict
    )
    # Assumption literals of the diagnosis: "event must be placed", "target is met".
    must: dict[str, cp_model.IntVar] = field(default_factory=dict)
    target_met: dict[int, cp_model.IntVar] = field(default_factory=dict)
    # The greedy plan given as hint (event id -> warm_start.Choice); a fallback plan.
    warm_start: dict[str, object] = field(default_factory=dict)
    # (venue, first day) the greedy tries first per event: a plan found without hotel capacity.
    suggested: dict[str, tuple[str, int]] = field(default_factory=dict)
    # Objective part no decision changes (targets in years outside the horizon).
    constant: float = 0.0
    # Worth the model adds for musts and "every target met" (``placement``, ``targets``)
    # and takes off again as a constant, so a plan that holds them scores its spec objective.
    premium: float = 0.0

    @property
    def days(self) -> DayIndex:
        return DayIndex(self.problem.horizon.start)

    @property
    def events(self) -> list[Event]:
        """The events that have at least one legal placement, in problem order."""
        return [e for e in self.problem.events if self.options[e.id].placeable]
