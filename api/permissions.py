"""Who may do what through the API: the roles' model permissions and the category rule.

Each view says which permissions its reads need (none: public) and, where
the default does not fit, which its actions need; ``accounts.roles`` says
which events a role may write. Object permissions do not cover lists or
creates, so a view that creates or re-categorises an event or a hold calls
``require_category`` with the category in the payload.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.roles import event_categories, may_write

ACTION_VERBS = {
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}
METHOD_VERBS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


def required_permissions(request: Any, view: Any) -> Sequence[str]:
    """The model permissions this request needs: the view's ``read_permissions`` for a read;
    for a write ``action_permissions[action]``, else add/change/delete of the view's model.

    An unnamed ``@action`` changes an existing row, so it needs "change". A method
    the view does not offer needs nothing: the view answers it with a 405.
    """
    if not hasattr(view, request.method.lower()):
        return ()
    if request.method in SAFE_METHODS:
        return getattr(view, "read_permissions", ())
    action = getattr(view, "action", None)
    named = getattr(view, "action_permissions", {})
    if action in named:
        return named[action]
    verb = ACTION_VERBS.get(action) or ("change" if action else METHOD_VERBS[request.method])
    opts = view.get_queryset().model._meta
    return [f"{opts.app_label}.{verb}_{opts.model_name}"]


class RolePermissions(BasePermission):
    """The permissions ``required_permissions`` names; on a write, the object's category too."""

    message = "Your role may not do this."

    def has_permission(self, request: Any, view: Any) -> bool:
        needed = required_permissions(request, view)
        if not needed:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.has_perms(needed))

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return request.method in SAFE_METHODS or may_write(request.user, obj)


def require_category(user: Any, category: str) -> None:
    """Refuse (403) a write of an event, or of a hold on one, in a category not the user's."""
    if category not in event_categories(user):
        raise PermissionDenied(f"Your role may not write {category} events or their holds.")


PLANNER_PAGES_READ = ("scheduler.view_plan", "scheduler.view_solverun")
"""What the planner pages need: they show plans and solve runs, a scenario's unpublished
one too, so whoever may read those through the API (the convention group, the sports
bureau, planners, administrators) may read the pages."""

WHAT_IF = ("scheduler.add_scenario", "scheduler.change_scenario")
"""Trying a what-if from the pages (create, solve, withdraw), as through the scenarios API."""

PUBLISH = "scheduler.add_scheduleversion"
"""Publishing a scenario from its page, as publishing anywhere: planners and administrators."""


def planner_pages_required(view: Any) -> Any:
    """The view for staff who may read plans and solve runs; visitors who are not staff go
    to the login page, as from the admin, and staff without such a role get a 403.

    Trying a what-if (``require_what_if``) and publishing (``may_publish``) are
    checked where they happen.
    """

    @wraps(view)
    def for_plan_readers(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), "admin:login")
        if not user.has_perms(PLANNER_PAGES_READ):
            raise DjangoPermissionDenied(
                "The planner pages are for the convention group, the sports bureau and planners."
            )
        return view(request, *args, **kwargs)

    return for_plan_readers


def require_what_if(user: Any) -> None:
    """Refuse (403) a what-if to a reader without the scenarios API's permissions."""
    if not user.has_perms(WHAT_IF):
        raise DjangoPermissionDenied("Trying a what-if needs the scenario permissions.")


def may_publish(user: Any) -> bool:
    """Whether the user may publish a plan (a scenario's included) as the next version."""
    return user.has_perm(PUBLISH)
