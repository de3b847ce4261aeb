"""Reads of venues, hotels and features: querysets ready for the API and the exporter."""

from django.db.models import QuerySet

from venues.models import Feature, Hotel, Venue


def venue_list() -> QuerySet[Venue]:
    return Venue.objects.prefetch_related("features", "unavailable")


def hotel_list() -> QuerySet[Hotel]:
    return Hotel.objects.prefetch_related("reduced")


def feature_list() -> QuerySet[Feature]:
    return Feature.objects.all()
