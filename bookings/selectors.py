"""Reads of option holds: querysets ready for the API, the admin and the availability search."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import F, Q, QuerySet

from bookings.models import VenueHold
from events.models import Event


def hold_list() -> QuerySet[VenueHold]:
    return VenueHold.objects.select_related("event", "venue", "holder")


def hold_list_active(*, categories: Collection[str] | None = None) -> QuerySet[VenueHold]:
    """Active holds; only those on events of ``categories`` when given (what a role may see)."""
    holds = hold_list().filter(status=VenueHold.Status.ACTIVE)
    return holds if categories is None else holds.filter(event__category__in=categories)


def moot() -> Q:
    """Holds nothing can come of: their event is cancelled, or its contract rules them out.

    A contract of venue and days leaves no hold any use; one of the venue
    alone, holds on other venues; one of the first day alone, holds on other
    days. (Confirming through a hold ends the others at once; this catches
    a contract signed directly, in the API or the admin.)
    """
    signed = Q(event__status=Event.Status.CONFIRMED)
    venue_fixed, start_fixed = (
        Q(event__pinned_venue__isnull=False),
        Q(event__pinned_start__isnull=False),
    )
    ruled_out = (
        (venue_fixed & start_fixed)
        | (venue_fixed & ~Q(venue=F("event__pinned_venue")))
        | (start_fixed & ~Q(start=F("event__pinned_start")))
    )
    return Q(event__status=Event.Status.CANCELLED) | (signed & ruled_out)


def due(today: dt.date) -> Q:
    """Active holds the next expiry run ends: kept no later than yesterday, or moot."""
    return Q(expires_on__lt=today) | moot()


def holds_in_the_way(
    *, event_id: str, venue_id: str, first: dt.date, last: dt.date, today: dt.date
) -> QuerySet[VenueHold]:
    """Other events' options on ``venue_id`` whose days meet ``first..last``, earliest first.

    A hold that is due (expired or moot, not yet ended by a run) no longer
    stands in anyone's way.
    """
    return (
        hold_list_active()
        .filter(venue_id=venue_id, occupancy_start__lte=last, occupancy_end__gte=first)
        .exclude(event_id=event_id)
        .exclude(due(today))
        .order_by("occupancy_start", "rank", "id")
    )
