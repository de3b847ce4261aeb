"""Two releases at once on PostgreSQL: the venue lock makes the queue move up twice.

Without the lock each release would rank the third hold against a snapshot
in which the other hold is still active, and it would stay a 2nd option.
"""

import pytest

from bookings import services
from bookings.models import VenueHold
from tests.holds import factories as f
from tests.threads import at_once

D = f.D
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def release_together(holds: list[VenueHold]) -> list:
    return at_once(*[lambda hold=hold: services.hold_release(hold=hold) for hold in holds])


@pytest.mark.parametrize("attempt", range(3))
def test_two_releases_at_once_promote_the_third_to_first_option(attempt):
    expo = f.venue("expo")
    first, second, third = (
        f.hold(f.event(code), expo, D(2026, 9, 20 + i)) for i, code in enumerate("abc")
    )
    assert [first.rank, second.rank, third.rank] == [1, 2, 3]
    results = release_together([first, second])
    assert all(isinstance(r, VenueHold) for r in results), results
    third.refresh_from_db()
    assert (third.status, third.rank) == (VenueHold.Status.ACTIVE, 1)
    assert list(third.history.values_list("rank", flat=True)) == [1, 2, 3]  # one step each
