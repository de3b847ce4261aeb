"""Reads of option holds: querysets ready for the API, the admin and the availability search."""

from django.db.models import QuerySet

from bookings.models import VenueHold


def hold_list() -> QuerySet[VenueHold]:
    return VenueHold.objects.select_related("event", "venue", "holder")


def hold_list_active() -> QuerySet[VenueHold]:
    return hold_list().filter(status=VenueHold.Status.ACTIVE)
