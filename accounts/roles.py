"""Who may do what: the staff roles as Django groups, and the rule by event category.

Model permissions say which kinds of rows a role may read or write; the
category rule says which events (and holds on them) it may write among
those. Superusers are the administrators and pass both. See docs/security.md.

To change a role, edit ``ROLES``: ``migrate`` brings the groups in step
(``post_migrate``), on a deployment as in a test database after a flush.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from scheduler.problem import CATEGORIES

CONVENTION, SPORTS, PLANNER = "convention", "sports", "planner"

ROLE_CATEGORIES: dict[str, frozenset[str]] = {
    CONVENTION: frozenset({"conference", "exhibition"}),
    SPORTS: frozenset({"sports"}),
    PLANNER: frozenset(CATEGORIES),
}
"""Categories of events a role may write (events: within its model permissions)."""


def _crud(app: str, *models: str, verbs: str = "add change delete view") -> set[str]:
    return {f"{app}.{verb}_{model}" for model in models for verb in verbs.split()}


_VENUE_CATALOGUE = _crud(
    "venues", "feature", "venue", "venueunavailability", "hotel", "hotelreduction"
)
_READ_VENUES = _crud("venues", "feature", "venue", "hotel", verbs="view")
_READ_PLANNING = _crud("events", "target", "blackout", "planningrules", verbs="view")
# The change log (django-simple-history) of events, holds and plans is kept in bookings.
_READ_HISTORY = _crud(
    "bookings", "historicalevent", "historicalvenuehold", "historicalplan", verbs="view"
)
_READ_PLANS = _crud("scheduler", "plan", "solverun", "scheduleversion", verbs="view")
_BOOKING = {
    *_crud("events", "event"),
    *_crud("bookings", "venuehold", verbs="add change view"),
}

# What-if scenarios: anyone who plans may try one; publishing it is the planners'.
_WHAT_IF = _crud("scheduler", "scenario", verbs="add change view")

ROLES: dict[str, set[str]] = {
    CONVENTION: _VENUE_CATALOGUE
    | _BOOKING
    | _READ_PLANNING
    | _READ_HISTORY
    | _READ_PLANS
    | _WHAT_IF,
    SPORTS: _READ_VENUES | _BOOKING | _READ_PLANNING | _READ_HISTORY | _READ_PLANS | _WHAT_IF,
    PLANNER: _VENUE_CATALOGUE
    | _READ_PLANNING
    | _READ_HISTORY
    | _READ_PLANS
    | _crud("events", "event", verbs="change view")
    | _crud("events", "target", "blackout")
    | _crud("events", "planningrules", verbs="add change view")
    | _crud("bookings", "venuehold", verbs="view")
    | _crud("scheduler", "solverun", verbs="add view")
    | _crud("scheduler", "scheduleversion", verbs="add view")
    | _WHAT_IF,
}
"""Group name -> its model permissions ("app_label.codename")."""


@dataclass(frozen=True)
class SolveCaps:
    """The longest time limit and the most search workers one solve may ask for."""

    time_limit_s: float
    workers: int


MOST_SOLVE = SolveCaps(time_limit_s=3600, workers=16)
"""What any solve may ask for at all: the planners' and the administrators' caps."""

SOLVE_CAPS: dict[str, SolveCaps] = {
    CONVENTION: SolveCaps(time_limit_s=120, workers=2),
    SPORTS: SolveCaps(time_limit_s=120, workers=2),
    PLANNER: MOST_SOLVE,
}
"""Role -> the largest solve it may start. Trying a what-if takes a couple of minutes, not
an hour of the machine; long solves of the whole season are the planners'."""


def role_groups_sync(*, apps: Any = global_apps) -> None:
    """Create the role groups and give each exactly the permissions ``ROLES`` lists.

    Takes the app registry so a data migration can pass its historical one;
    the permissions must exist already (see ``permissions_create``).
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _created = group_model.objects.get_or_create(name=name)
        permissions = [
            permission
            for permission in permission_model.objects.select_related("content_type")
            if f"{permission.content_type.app_label}.{permission.codename}" in wanted
        ]
        missing = wanted - {f"{p.content_type.app_label}.{p.codename}" for p in permissions}
        if missing:
            raise LookupError(f"Role {name}: no such permission {sorted(missing)}")
        group.permissions.set(permissions)


def permissions_create(*, apps: Any) -> None:
    """The model permissions, which Django makes only after ``migrate``, made now.

    For a data migration on a fresh database, with its historical registry.
    """
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None


def role_groups_sync_after_migrate(sender: Any, **kwargs: Any) -> None:
    role_groups_sync(apps=kwargs.get("apps") or global_apps)


def role_names(user: Any) -> frozenset[str]:
    """The role groups the user is in, read once per user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if not hasattr(user, "_role_names"):
        user._role_names = frozenset(
            user.groups.filter(name__in=ROLES).values_list("name", flat=True)
        )
    return user._role_names


def event_categories(user: Any) -> frozenset[str]:
    """Categories of events, and holds on them, the user may write: all for administrators."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return frozenset(CATEGORIES)
    return frozenset().union(*(ROLE_CATEGORIES[role] for role in role_names(user)))


def solve_caps(user: Any) -> SolveCaps:
    """The caps of the user's most generous role: the most for administrators, the
    smallest of the table for a user in no role."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return MOST_SOLVE
    roles = role_names(user)
    pick = max if roles else min
    caps = [SOLVE_CAPS[role] for role in roles] or list(SOLVE_CAPS.values())
    return SolveCaps(
        time_limit_s=pick(c.time_limit_s for c in caps), workers=pick(c.workers for c in caps)
    )


def category_of(obj: Any) -> str | None:
    """The event category that decides who may write ``obj``; None when no category does."""
    from bookings.models import VenueHold
    from events.models import Event

    if isinstance(obj, Event):
        return obj.category
    if isinstance(obj, VenueHold):
        return obj.event.category
    return None


def may_write(user: Any, obj: Any) -> bool:
    """Whether the category rule lets the user write ``obj`` (model permissions apart)."""
    category = category_of(obj)
    return category is None or category in event_categories(user)
