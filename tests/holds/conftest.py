"""API clients for the holds and availability tests, and the city's clock for requests."""

from types import SimpleNamespace

import pytest

from bookings import services
from tests.api.conftest import anonymous, staff, user
from tests.holds.factories import PLACED_ON

__all__ = ["anonymous", "placed_on", "staff", "user"]


@pytest.fixture
def placed_on(monkeypatch):
    """Holds placed through the API or the admin are placed on ``PLACED_ON``, as the factory's."""
    monkeypatch.setattr(services, "timezone", SimpleNamespace(localdate=lambda: PLACED_ON))
    return PLACED_ON
