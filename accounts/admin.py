"""The roles' category rule in the admin, for the admins of events and of holds.

Model permissions already decide which admin pages a role sees; this mixin
adds which rows it may change among those: every row stays visible (read-only
where it is not the role's), the actions act on the role's rows only, and a
new row can only be in one of the role's categories.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.roles import event_categories, may_write


class CategoryScopedAdmin:
    """Change, delete and actions limited to the user's event categories.

    ``category_field`` is the lookup of the event's category from the model
    ("category" on events, "event__category" on holds).
    """

    category_field: ClassVar[str]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)  # type: ignore[misc]
        return allowed and (obj is None or may_write(request.user, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)  # type: ignore[misc]
        return allowed and (obj is None or may_write(request.user, obj))

    def get_actions(self, request: HttpRequest) -> dict:
        # Every action here changes rows; a role that may only read sees none.
        if not self.has_change_permission(request):
            return {}
        return super().get_actions(request)  # type: ignore[misc]

    def response_action(self, request: HttpRequest, queryset: QuerySet) -> Any:
        """Run the action on the selected rows of the user's categories only."""
        mine = queryset.filter(**{f"{self.category_field}__in": event_categories(request.user)})
        return super().response_action(request, mine)  # type: ignore[misc]

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if db_field.name == "category" and self.category_field == "category":
            allowed = event_categories(request.user)
            kwargs["choices"] = [c for c in db_field.get_choices() if c[0] in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if db_field.name == "event":
            queryset = kwargs.get("queryset", db_field.remote_field.model._default_manager)
            kwargs["queryset"] = queryset.filter(category__in=event_categories(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
