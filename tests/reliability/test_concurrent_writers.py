"""Two writers at once wait their turn on every database, the embedded SQLite included.

A service reads under its lock, then writes. On SQLite ``select_for_update``
does nothing; in SQLite's default deferred transactions the second writer
then fails at once with "database is locked" (a 500) instead of waiting.
"""

import time

import pytest
from django.db import transaction

from tests.publishing import factories as f
from tests.threads import at_once
from venues.models import Venue

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_read_then_write_transactions_at_once_both_succeed():
    f.venue("expo", capacity=100)

    def add(people: int) -> None:
        with transaction.atomic():
            venue = Venue.objects.select_for_update().get(id="expo")
            time.sleep(0.3)  # the other writer arrives meanwhile
            venue.capacity += people
            venue.save(update_fields=["capacity"])

    assert at_once(lambda: add(10), lambda: add(20)) == [None, None]
    assert Venue.objects.get(id="expo").capacity == 130
