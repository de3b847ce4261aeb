"""API clients for the holds and availability tests."""

from tests.api.conftest import anonymous, staff, user

__all__ = ["anonymous", "staff", "user"]
