"""Users with a role (accounts.roles), for tests that act as convention, sports or planner staff."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


def user_with_role(username: str, role: str, **fields):
    """A staff user in the ``role`` group ("convention", "sports" or "planner")."""
    user = get_user_model().objects.create_user(username, is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user
