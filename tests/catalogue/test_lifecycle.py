"""Event lifecycle: requested -> placed -> confirmed -> cancelled, through the services only."""

import pytest
from django.core.exceptions import ValidationError

from events import services
from events.models import Event
from tests.catalogue import factories as make
from venues import services as venue_services

pytestmark = pytest.mark.django_db
D = make.D


def test_place_then_confirm_then_cancel():
    expo, event = make.venue(), make.event()
    assert event.status == Event.Status.REQUESTED
    event = services.event_place(event=event, venue=expo, start=D(2026, 9, 10))
    assert (event.status, event.previous_venue_id, event.previous_start) == (
        "placed",
        "expo",
        D(2026, 9, 10),
    )
    event = services.event_confirm(event=event, venue=expo, start=D(2026, 9, 20))
    assert (event.status, event.pinned_venue_id, event.pinned_start) == (
        "confirmed",
        "expo",
        D(2026, 9, 20),
    )
    event = services.event_cancel(event=event)
    event.refresh_from_db()
    assert event.status == "cancelled"
    assert event.pinned_venue_id == "expo", "a cancelled contract stays on record"


@pytest.mark.parametrize(
    ("status", "transition"),
    [
        ("confirmed", "confirm"),
        ("cancelled", "place"),
        ("cancelled", "confirm"),
        ("cancelled", "cancel"),
    ],
)
def test_illegal_transitions_are_refused(status, transition):
    expo, event = make.venue(), make.event()
    if status == "confirmed":
        services.event_confirm(event=event, venue=expo, start=D(2026, 9, 20))
    else:
        services.event_cancel(event=event)
    with pytest.raises(ValidationError) as refused:
        if transition == "cancel":
            services.event_cancel(event=event)
        else:
            getattr(services, f"event_{transition}")(event=event, venue=expo, start=D(2026, 9, 1))
    assert "status" in refused.value.message_dict
    event.refresh_from_db()
    assert event.status == status


def test_placing_a_confirmed_event_records_where_it_was_published_and_keeps_the_contract():
    expo = make.venue()
    event = services.event_confirm(event=make.event(), venue=expo)
    event = services.event_place(event=event, venue=expo, start=D(2026, 9, 10))
    event.refresh_from_db()
    assert (event.status, event.pinned_venue_id, event.pinned_start) == ("confirmed", "expo", None)
    assert (event.previous_venue_id, event.previous_start) == ("expo", D(2026, 9, 10))


def test_confirm_refuses_a_venue_that_cannot_host():
    small = make.venue("small", capacity=100, area_m2=100, features=[])
    event = make.event(required_features=[make.feature("plenary_hall")])
    with pytest.raises(ValidationError) as refused:
        services.event_confirm(event=event, venue=small, start=D(2026, 9, 20))
    message = " ".join(refused.value.message_dict["pinned_venue"])
    assert "holds 100 people" in message
    assert "100 m2" in message
    assert "plenary_hall" in message
    event.refresh_from_db()
    assert event.status == "requested"


def test_confirm_outside_the_window_or_in_a_closure_names_the_start():
    expo = make.venue(unavailable=[{"start": D(2026, 9, 18), "end": D(2026, 9, 19)}])
    event = make.event()
    with pytest.raises(ValidationError) as refused:
        services.event_confirm(event=event, venue=expo, start=D(2026, 10, 30))
    assert "leave the window" in refused.value.message_dict["pinned_start"][0]
    with pytest.raises(ValidationError) as refused:
        services.event_confirm(event=event, venue=expo, start=D(2026, 9, 20))
    assert "unavailable 2026-09-18..2026-09-19" in refused.value.message_dict["pinned_start"][0]


def test_confirm_refuses_a_venue_outside_allowed_venues():
    expo, other = make.venue(), make.venue("other")
    event = make.event(allowed_venues=[other])
    with pytest.raises(ValidationError) as refused:
        services.event_confirm(event=event, venue=expo, start=D(2026, 9, 20))
    assert "allowed venues" in refused.value.message_dict["pinned_venue"][0]


def test_a_venue_may_not_shrink_below_what_its_contracts_take_together():
    expo = make.venue()  # 100,000 m2
    services.event_confirm(event=make.event(), venue=expo, start=D(2026, 9, 20))  # 60,000
    fair = make.event(id="fair", area_m2=30000)
    services.event_confirm(event=fair, venue=expo, start=D(2026, 9, 22))
    with pytest.raises(ValidationError) as refused:
        venue_services.venue_update(venue=expo, area_m2=80000)  # each alone would fit
    assert "On 2026-09-20 the confirmed events" in " ".join(refused.value.messages)
    assert "take 90000 m2 together" in " ".join(refused.value.messages)
    expo.refresh_from_db()
    assert expo.area_m2 == 100000
    assert venue_services.venue_update(venue=expo, area_m2=90000).area_m2 == 90000


def test_a_venue_change_may_not_break_a_confirmed_event():
    expo = make.venue()
    event = make.event(required_features=["plenary_hall"])
    services.event_confirm(event=event, venue=expo, start=D(2026, 9, 20))
    with pytest.raises(ValidationError) as refused:
        venue_services.venue_update(
            venue=expo,
            capacity=10,
            features=[],
            unavailable=[{"start": D(2026, 9, 24), "end": D(2026, 9, 30)}],
        )
    message = " ".join(refused.value.messages)
    assert "Confirmed event wmc: expo holds 10 people" in message
    assert "lacks the required features plenary_hall" in message
    assert "unavailable 2026-09-24..2026-09-30" in message
    expo.refresh_from_db()
    assert (expo.capacity, expo.unavailable.count(), expo.features.count()) == (30000, 0, 2)


def test_a_request_entered_by_mistake_is_deleted_a_signed_contract_is_not():
    expo, mistake, signed = make.venue(), make.event(id="mistake"), make.event(id="signed")
    services.event_confirm(event=signed, venue=expo, start=D(2026, 9, 20))
    services.event_delete(event=mistake)
    with pytest.raises(ValidationError) as refused:
        services.event_delete(event=signed)
    assert "cancelled, not deleted" in refused.value.message_dict["status"][0]
    assert list(Event.objects.values_list("pk", "status")) == [("signed", "confirmed")]
