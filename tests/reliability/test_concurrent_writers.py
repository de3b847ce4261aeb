"""Two writers at once wait their turn on every database, the embedded SQLite included.

A service reads under its lock, then writes. On SQLite ``select_for_update``
does nothing; in SQLite's default deferred transactions the second writer
then fails at once with "database is locked" (a 500) instead of waiting.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from tests.publishing import factories as f
from venues.models import Venue

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_read_then_write_transactions_at_once_both_succeed():
    f.venue("expo", capacity=100)
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def add(people: int) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                venue = Venue.objects.select_for_update().get(id="expo")
                time.sleep(0.3)  # the other writer arrives meanwhile
                venue.capacity += people
                venue.save(update_fields=["capacity"])
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(n,)) for n in (10, 20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Venue.objects.get(id="expo").capacity == 130
