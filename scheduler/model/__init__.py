"""The CP-SAT model of the plan: one module per family of rules.

Each ``add_*`` function adds the constraints of one rule of the spec and
returns the objective terms it prices; ``build.build_model`` calls them in
order and sets the objective once at the end.
"""

from scheduler.model.build import RELAXABLE, build_model
from scheduler.model.objective import optimistic_objective
from scheduler.model.plan import SCALE, PlanModel, Term

__all__ = ["RELAXABLE", "SCALE", "PlanModel", "Term", "build_model", "optimistic_objective"]
