"""Partial pins in the catalogue: a contract of the venue alone or of the first day alone.

``event_confirm`` signs one (a half alone) and later completes it; the
importer writes one from a problem file's ``pinned_venue`` or
``pinned_start``. The rows go through the services like every other write.
"""

import json

import pytest
from django.core.exceptions import ValidationError

from events import exchange, services
from events.models import Event
from scheduler.format import ProblemFormatError, read_problem, write_problem
from tests.catalogue import factories as make
from venues import services as venue_services

pytestmark = pytest.mark.django_db
D = make.D


def contract(id: str = "wmc", **pin) -> Event:
    """A confirmed event whose contract fixes what ``pin`` gives."""
    return make.event(id, status=Event.Status.CONFIRMED, **pin)


def partly_pinned_file() -> dict:
    """The every-field file with the forum contracted to a hall and the marathon to a day."""
    data = json.loads(make.EVERY_FIELD.read_text(encoding="utf-8"))
    forum, marathon = data["events"][1], data["events"][2]
    forum["pinned_venue"] = "hall.A-1"
    marathon["pinned_start"] = "2026-11-08"
    return data


# --- validation ----------------------------------------------------------------------------


def test_a_venue_pin_is_checked_against_the_venue_alone():
    small = make.venue("small", capacity=100, area_m2=100, features=[])
    with pytest.raises(ValidationError) as refused:
        contract(pinned_venue=small, required_features=["plenary_hall"])
    errors = refused.value.message_dict
    assert set(errors) == {"pinned_venue"}
    message = " ".join(errors["pinned_venue"])
    assert "holds 100 people" in message and "lacks the required features plenary_hall" in message


def test_a_start_pin_is_checked_against_the_window():
    with pytest.raises(ValidationError) as refused:
        contract(pinned_start=D(2026, 11, 30))
    assert refused.value.message_dict == {
        "pinned_start": [
            "Public days 2026-11-30..2026-12-03 leave the window 2026-09-01..2026-10-31."
        ]
    }


def test_a_confirmed_event_needs_a_venue_or_a_day():
    with pytest.raises(ValidationError) as refused:
        contract()
    assert refused.value.message_dict == {
        "venue": ["Give the venue, the first day or both."],
        "start": ["Give the venue, the first day or both."],
    }


def test_each_half_of_a_contract_is_a_contract():
    expo = make.venue()
    sited = contract("sited", pinned_venue=expo)
    dated = contract("dated", pinned_start=D(2026, 9, 20))
    assert (sited.pinned_venue_id, sited.pinned_start) == ("expo", None)
    assert (dated.pinned_venue_id, dated.pinned_start) == (None, D(2026, 9, 20))


# --- contracts beside each other -------------------------------------------------------------


def test_a_venue_pin_holds_no_days_so_a_contract_beside_it_is_not_refused():
    expo = make.venue()
    sited = contract("sited", pinned_venue=expo, exclusive=True)
    services.event_update(event=sited, attendance=100)  # an edit of it is judged as usual
    other = services.event_confirm(event=make.event("other"), venue=expo, start=D(2026, 9, 20))
    assert other.status == Event.Status.CONFIRMED


def test_a_venue_change_may_not_break_a_venue_pin_but_closures_are_the_solvers():
    expo = make.venue()
    contract(pinned_venue=expo)
    with pytest.raises(ValidationError, match="Confirmed event wmc: expo holds 10 people"):
        venue_services.venue_update(venue=expo, capacity=10)
    expo.refresh_from_db()
    closed = [{"start": D(2026, 9, 1), "end": D(2026, 9, 30)}]
    venue_services.venue_update(venue=expo, unavailable=closed)
    assert expo.unavailable.count() == 1


# --- signing and completing a contract ---------------------------------------------------------


def reasons(event: Event) -> list[str | None]:
    """The event's history reasons, newest first."""
    return list(event.history.values_list("history_change_reason", flat=True))


def test_a_contract_signed_for_the_venue_is_completed_by_its_days():
    expo = make.venue()
    event = services.event_confirm(event=make.event(), venue=expo)
    assert (event.status, event.pinned_venue_id, event.pinned_start) == ("confirmed", "expo", None)
    event = services.event_confirm(event=event, start=D(2026, 9, 20))
    event.refresh_from_db()
    assert (event.status, event.pinned_venue_id, event.pinned_start) == (
        "confirmed",
        "expo",
        D(2026, 9, 20),
    )
    assert reasons(event) == [
        "contract completed: expo from 2026-09-20",
        "confirmed: expo, days to be set",
        None,
    ]


def test_a_contract_signed_for_the_days_is_completed_by_its_venue():
    expo = make.venue()
    event = services.event_confirm(event=make.event(), start=D(2026, 9, 20))
    assert (event.pinned_venue_id, event.pinned_start) == (None, D(2026, 9, 20))
    # The signed half may be repeated beside the open one.
    event = services.event_confirm(event=event, venue=expo, start=D(2026, 9, 20))
    assert (event.pinned_venue_id, event.pinned_start) == ("expo", D(2026, 9, 20))
    assert reasons(event)[:2] == [
        "contract completed: expo from 2026-09-20",
        "confirmed: from 2026-09-20, venue to be set",
    ]


@pytest.mark.parametrize(
    ("pin", "given", "field", "words"),
    [
        ({}, {}, "start", "Give the venue, the first day or both."),
        ({}, {}, "venue", "Give the venue, the first day or both."),
        ({"venue": "expo"}, {"venue": "hall"}, "venue", "The contract fixes expo; changing"),
        ({"venue": "expo"}, {"venue": "expo"}, "start", "leaves the first day open"),
        ({"start": D(2026, 9, 20)}, {"start": D(2026, 9, 21)}, "start", "fixes 2026-09-20"),
        ({"start": D(2026, 9, 20)}, {"start": D(2026, 9, 20)}, "venue", "leaves the venue open"),
        ({"venue": "expo", "start": D(2026, 9, 20)}, {"venue": "expo"}, "status", "cancel it"),
    ],
)
def test_a_signed_half_is_not_changed_and_a_repeat_must_complete(pin, given, field, words):
    venues = {"expo": make.venue(), "hall": make.venue("hall")}
    event = make.event()
    if pin:
        pin = {k: venues.get(v, v) for k, v in pin.items()}
        event = services.event_confirm(event=event, **pin)
    before = (event.status, event.pinned_venue_id, event.pinned_start)
    with pytest.raises(ValidationError) as refused:
        services.event_confirm(event=event, **{k: venues.get(v, v) for k, v in given.items()})
    assert words in " ".join(refused.value.message_dict[field])
    event.refresh_from_db()
    assert (event.status, event.pinned_venue_id, event.pinned_start) == before


@pytest.mark.parametrize(
    ("start", "words"),
    [
        (D(2026, 11, 30), "leave the window"),
        (D(2026, 10, 1), "unavailable 2026-10-02..2026-10-03"),
    ],
)
def test_completing_a_contract_checks_the_days_at_the_signed_venue(start, words):
    expo = make.venue(unavailable=[{"start": D(2026, 10, 2), "end": D(2026, 10, 3)}])
    event = services.event_confirm(event=make.event(), venue=expo)
    with pytest.raises(ValidationError) as refused:
        services.event_confirm(event=event, start=start)
    assert words in " ".join(refused.value.message_dict["pinned_start"])
    event.refresh_from_db()
    assert event.pinned_start is None


def test_completing_a_contract_is_refused_when_it_clashes_with_another():
    expo = make.venue()
    services.event_confirm(
        event=make.event("other", exclusive=True), venue=expo, start=D(2026, 9, 20)
    )
    event = services.event_confirm(event=make.event(), venue=expo)
    with pytest.raises(services.BookingClash) as refused:
        services.event_confirm(event=event, start=D(2026, 9, 22))
    assert "expo is booked by other" in refused.value.message_dict["start"][0]


def test_a_venue_alone_is_checked_for_size_features_and_allowed_venues():
    small = make.venue("small", capacity=100, area_m2=100, features=[])
    event = make.event(required_features=["plenary_hall"], allowed_venues=[make.venue()])
    with pytest.raises(ValidationError) as refused:
        services.event_confirm(event=event, venue=small)
    message = " ".join(refused.value.message_dict["pinned_venue"])
    assert "holds 100 people" in message and "plenary_hall" in message
    assert "allowed venues" in message


# --- the exchange format ---------------------------------------------------------------------


def test_partial_pins_import_as_contracts_and_export_as_written():
    data = partly_pinned_file()
    problem = read_problem(data)
    exchange.catalogue_import(problem)
    forum, marathon = Event.objects.get(pk="forum-2026"), Event.objects.get(pk="marathon-2026")
    assert (forum.status, forum.pinned_venue_id, forum.pinned_start, forum.mandatory) == (
        "confirmed",
        "hall.A-1",
        None,
        False,
    )
    assert (marathon.status, marathon.pinned_venue_id, marathon.pinned_start) == (
        "confirmed",
        None,
        D(2026, 11, 8),
    )
    exported = exchange.catalogue_export(
        start=problem.horizon.start, end=problem.horizon.end, name=problem.name
    )
    assert write_problem(exported) == data


@pytest.mark.parametrize(
    ("event", "keys", "pointer", "words"),
    [
        (1, {"pinned_venue": "stadium"}, "/events/1/pinned_venue", "stadium has 0 m2"),
        (1, {"pinned_start": "2026-07-15"}, "/events/1/pinned_start", "leave the window"),
    ],
)
def test_a_partial_pin_the_catalogue_refuses_is_named_by_its_key(event, keys, pointer, words):
    data = json.loads(make.EVERY_FIELD.read_text(encoding="utf-8"))
    data["events"][event].update(keys)
    with pytest.raises(ProblemFormatError) as failed:
        exchange.catalogue_import(read_problem(data))
    issues = [(i.pointer, i.message) for i in failed.value.issues]
    assert any(p == pointer and words in m for p, m in issues), issues
    assert not Event.objects.exists()
