"""The database holds the invariants itself, whoever writes around the services."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.models import Blackout, Event, PlanningRules, Target
from tests.catalogue import factories as make
from venues.models import Venue, VenueUnavailability

pytestmark = pytest.mark.django_db
D = make.D


def refused(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_check_constraints():
    expo = make.venue()
    refused(lambda: Venue.objects.create(id="v", name_en="V", kind="arena", capacity=-1))
    refused(lambda: Venue.objects.create(id="v", kind="arena", capacity=1))  # no name
    refused(lambda: Venue.objects.create(id="v", name_en="V", kind="arena", capacity=1, lat=1))
    refused(
        lambda: VenueUnavailability.objects.create(
            venue=expo, start=D(2026, 2, 2), end=D(2026, 2, 1)
        )
    )
    base = {"name_en": "E", "category": "sports", "international": True, "duration_days": 1}
    refused(lambda: Event.objects.create(id="e", **{**base, "duration_days": 0}))
    refused(
        lambda: Event.objects.create(
            id="e", **base, window_start=D(2026, 2, 2), window_end=D(2026, 2, 1)
        )
    )
    refused(lambda: Event.objects.create(id="e", **base, window_start=D(2026, 2, 2)))
    refused(lambda: Event.objects.create(id="e", **base, hotel_min_stars=3))
    refused(lambda: Event.objects.create(id="e", **base, status="confirmed"))
    refused(
        lambda: Event.objects.create(id="e", **base, pinned_venue=expo, pinned_start=D(2026, 1, 1))
    )
    refused(lambda: Blackout.objects.create(start=D(2026, 2, 2), end=D(2026, 2, 1)))
    refused(lambda: PlanningRules.objects.create(id=2))
    refused(lambda: PlanningRules.objects.create(major_max_events=2))


def test_a_contract_pins_the_venue_the_first_day_or_both():
    expo = make.venue()
    base = {"name_en": "E", "category": "sports", "international": True, "duration_days": 1}
    confirmed = {**base, "status": "confirmed"}
    Event.objects.create(id="sited", **confirmed, pinned_venue=expo)
    Event.objects.create(id="dated", **confirmed, pinned_start=D(2026, 1, 1))
    Event.objects.create(id="both", **confirmed, pinned_venue=expo, pinned_start=D(2026, 2, 1))
    Event.objects.create(id="off", **base, status="cancelled", pinned_start=D(2026, 1, 1))
    refused(lambda: Event.objects.create(id="e", **base, pinned_start=D(2026, 1, 1)))
    refused(lambda: Event.objects.create(id="e", **base, status="placed", pinned_venue=expo))
    refused(lambda: Event.objects.create(id="e", **confirmed))


def test_one_target_per_year_category_and_scope():
    Target.objects.create(year=2026, category="sports", international=None, min_count=1)
    Target.objects.create(year=2026, category="sports", international=True, min_count=1)
    refused(lambda: Target.objects.create(year=2026, category="sports", min_count=2))
    refused(
        lambda: Target.objects.create(year=2026, category="sports", international=True, min_count=2)
    )


def test_full_clean_names_the_field():
    event = Event(id="e", name_en="E", category="sports", international=True, duration_days=3)
    event.window_start, event.window_end = D(2026, 2, 1), D(2026, 2, 2)
    event.hotel_nights_after = 1
    with pytest.raises(ValidationError) as invalid:
        event.full_clean()
    assert set(invalid.value.message_dict) == {"window_end", "hotel_rooms_per_night"}
    blackout = Blackout(start=D(2026, 2, 1), end=D(2026, 2, 2), categories=["opera"])
    with pytest.raises(ValidationError) as invalid:
        blackout.full_clean()
    assert "Unknown category opera" in invalid.value.message_dict["categories"][0]
