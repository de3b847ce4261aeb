"""Every domain check of the catalogue, in one place.

The admin reaches these through ``Model.clean()`` (ModelForms call
``full_clean``), the API and the importer through the services, which call
``full_clean`` too and add ``requirement_errors``, the checks that need the
many-to-many values a row cannot see before it is saved. Each function returns
``{field: [message, ...]}``, empty when all is well; ``raise_errors`` turns
that into a Django ``ValidationError``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError

from scheduler.problem import CATEGORIES, DateRange

if TYPE_CHECKING:
    from events.models import Blackout, Event, PlanningRules
    from venues.models import Venue, VenueUnavailability

Errors = dict[str, list[str]]


def raise_errors(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def merge(*parts: Errors) -> Errors:
    merged: Errors = {}
    for part in parts:
        for field, messages in part.items():
            merged.setdefault(field, []).extend(messages)
    return merged


def name_errors(obj) -> Errors:
    if not obj.name_zh and not obj.name_en:
        return {"name_zh": ["Give a name in Chinese or English."]}
    return {}


def pair_errors(first: str, first_value, second: str, second_value) -> Errors:
    """Two fields that are given together or not at all."""
    if (first_value is None) == (second_value is None):
        return {}
    missing = first if first_value is None else second
    return {missing: [f"Give {first} and {second} together, or neither."]}


def finite_errors(obj, *fields: str) -> Errors:
    """NaN and infinity pass every comparison (``>= 0`` included) but no plan or JSON file."""
    return {
        field: ["Give a finite number."]
        for field in fields
        if (value := getattr(obj, field)) is not None and not math.isfinite(value)
    }


def range_errors(
    start: dt.date | None,
    end: dt.date | None,
    *,
    start_field: str = "start",
    end_field: str = "end",
) -> Errors:
    """An inclusive range given whole and in order."""
    if errors := pair_errors(start_field, start, end_field, end):
        return errors
    if start is not None and end < start:
        return {end_field: [f"Ends on {end}, before it starts on {start}."]}
    return {}


def venue_errors(venue: Venue) -> Errors:
    return merge(name_errors(venue), pair_errors("lat", venue.lat, "lon", venue.lon))


def blackout_errors(blackout: Blackout) -> Errors:
    errors = range_errors(blackout.start, blackout.end)
    categories = blackout.categories
    if categories is None:
        return errors
    if not isinstance(categories, list) or not categories:
        errors["categories"] = ["Give a list of categories, or leave it empty for all."]
    elif unknown := sorted({str(c) for c in categories} - set(CATEGORIES)):
        errors["categories"] = [
            f"Unknown category {', '.join(unknown)}; use {', '.join(CATEGORIES)}."
        ]
    elif len(set(categories)) != len(categories):
        errors["categories"] = ["Name each category once."]
    return errors


def planning_rules_errors(rules: PlanningRules) -> Errors:
    return finite_errors(
        rules, *(f.name for f in rules._meta.fields if f.name.startswith("weight_"))
    )


HOTEL_DETAIL_FIELDS = (
    "hotel_min_stars",
    "hotel_max_distance_km",
    "hotel_nights_before",
    "hotel_nights_after",
)


def event_errors(event: Event) -> Errors:
    """What is wrong with ``event`` as a row, its pinned placement included.

    A contract may pin the venue, the first day or both (a partial pin
    fixes one and leaves the solver the other); each is checked as far as
    it goes.

    The pinned venue's features and the allowed venues live in many-to-many
    tables a row cannot see before it is saved: ``requirement_errors`` checks
    those, given the values about to be saved.
    """
    errors = merge(
        name_errors(event),
        finite_errors(event, "value", "hotel_max_distance_km"),
        range_errors(
            event.window_start, event.window_end, start_field="window_start", end_field="window_end"
        ),
        pair_errors(
            "previous_venue", event.previous_venue_id, "previous_start", event.previous_start
        ),
    )
    window = event_window(event)
    if window and event.duration_days and window.days < event.duration_days:
        errors["window_end"] = [
            f"The window {window.start}..{window.end} has {window.days} days, "
            f"fewer than the event's {event.duration_days} public days."
        ]
    if not event.hotel_rooms_per_night and any(
        getattr(event, field) is not None for field in HOTEL_DETAIL_FIELDS
    ):
        errors["hotel_rooms_per_night"] = [
            "Give the rooms needed per night, or leave every hotel field empty."
        ]
    if event.start_time and event.end_time and event.end_time <= event.start_time:
        errors["end_time"] = [
            f"Ends at {event.end_time}, not after it starts at {event.start_time}."
        ]
    if event.status == event.Status.CONFIRMED and not is_pinned(event):
        errors["pinned_venue"] = [
            "A confirmed event needs its contracted venue, its first day, or both."
        ]
    errors = merge(
        errors,
        calendar_errors(event, event.pinned_start, start_field="pinned_start"),
        calendar_errors(event, event.previous_start, start_field="previous_start"),
    )
    if is_pinned(event) and event.duration_days and not errors:
        errors = placement_errors(
            event,
            pinned_venue(event),
            event.pinned_start,
            venue_field="pinned_venue",
            start_field="pinned_start",
        )
    return errors


def calendar_errors(event: Event, start: dt.date | None, *, start_field: str) -> Errors:
    """Whether the days of a placement from ``start`` exist: years 1 to 9999.

    Move-in, move-out and hotel nights count too, so that no later date
    arithmetic (checks, export, the solver) overflows on a stored placement.
    """
    if start is None or not event.duration_days:
        return {}
    before = event.setup_days or 0
    after = event.duration_days - 1 + (event.teardown_days or 0)
    if event.hotel_rooms_per_night:
        nights_before = 1 if event.hotel_nights_before is None else event.hotel_nights_before
        before = max(before, nights_before)
        after = max(after, event.duration_days - 2 + (event.hotel_nights_after or 0))
    try:
        start - dt.timedelta(days=before)
        start + dt.timedelta(days=after)
    except OverflowError:
        return {
            start_field: [
                f"From {start} the event's {event.duration_days} public days, move-in, "
                "move-out and hotel nights run past the calendar."
            ]
        }
    return {}


def requirement_errors(
    event: Event, *, required_features: Collection[str], allowed_venues: Collection[str]
) -> Errors:
    """Whether the pinned venue has the required features and is an allowed venue."""
    venue = pinned_venue(event)
    if venue is None:
        return {}
    return venue_fit_errors(
        venue,
        required_features=required_features,
        allowed_venues=allowed_venues,
        venue_field="pinned_venue",
    )


def venue_fit_errors(
    venue: Venue,
    *,
    required_features: Collection[str],
    allowed_venues: Collection[str],
    venue_field: str = "venue",
    features: Collection[str] | None = None,
) -> Errors:
    """Whether ``venue`` (with ``features`` instead of its own, when given) suits the event."""
    messages = []
    if allowed_venues and venue.pk not in allowed_venues:
        messages.append(f"{venue.pk} is not among the event's allowed venues.")
    if features is None:
        features = [f.code for f in venue.features.all()]
    if missing := sorted(set(required_features) - set(features)):
        messages.append(f"{venue.pk} lacks the required features {', '.join(missing)}.")
    return {venue_field: messages} if messages else {}


def placement_errors(
    event: Event,
    venue: Venue | None,
    start: dt.date | None,
    *,
    venue_field: str = "venue",
    start_field: str = "start",
    closures: Iterable[VenueUnavailability] | None = None,
) -> Errors:
    """Why ``venue`` cannot host ``event`` from ``start``: size, window and closures.

    Rules 2, 4 and 5 of the format, features and allowed venues aside;
    ``closures``, when given, stand in for the venue's own. With only the
    venue or only the start (a partial pin), what that one breaks alone:
    closures need both.
    """
    against_venue = []
    if venue is not None and venue.capacity < event.attendance:
        against_venue.append(
            f"{venue.pk} holds {venue.capacity} people; the event expects {event.attendance}."
        )
    if venue is not None and venue.area_m2 < event.area_m2:
        against_venue.append(
            f"{venue.pk} has {venue.area_m2} m2; the event takes {event.area_m2} m2."
        )
    against_start = [] if start is None else _start_messages(event, venue, start, closures)
    errors: Errors = {}
    if against_venue:
        errors[venue_field] = against_venue
    if against_start:
        errors[start_field] = against_start
    return errors


def _start_messages(
    event: Event,
    venue: Venue | None,
    start: dt.date,
    closures: Iterable[VenueUnavailability] | None,
) -> list[str]:
    """What is wrong with the days from ``start``: window, and the venue's closures when known."""
    against_start = []
    public = DateRange(start, start + dt.timedelta(days=event.duration_days - 1))
    window = event_window(event)
    if window and not (window.contains(public.start) and window.contains(public.end)):
        against_start.append(
            f"Public days {public.start}..{public.end} "
            f"leave the window {window.start}..{window.end}."
        )
    if venue is None:
        return against_start
    occupancy = DateRange(
        start - dt.timedelta(days=event.setup_days),
        public.end + dt.timedelta(days=event.teardown_days),
    )
    for closed in venue.unavailable.all() if closures is None else closures:
        if occupancy.overlaps(DateRange(closed.start, closed.end)):
            against_start.append(
                f"{venue.pk} is unavailable {closed.start}..{closed.end}"
                f"{f' ({closed.reason})' if closed.reason else ''}, during the occupancy "
                f"{occupancy.start}..{occupancy.end}."
            )
    return against_start


def occupancy(event: Event, start: dt.date) -> tuple[dt.date, dt.date]:
    """The first move-in and last move-out day of ``event`` placed from ``start``."""
    return (
        start - dt.timedelta(days=event.setup_days),
        start + dt.timedelta(days=event.duration_days - 1 + event.teardown_days),
    )


def shared_area_errors(venue: Venue, contracts: Iterable[Event]) -> list[str]:
    """The first day on which contracted events together take more floor than ``venue`` has.

    Rule 3 over all contracts at once: each confirmation was checked against
    the venue's area as it was then, and a smaller area must not slip past.
    """
    present: dict[dt.date, list[Event]] = {}
    for event in contracts:
        if event.pinned_start is None:
            continue  # a contract of the venue alone holds no days yet
        first, last = occupancy(event, event.pinned_start)
        for offset in range((last - first).days + 1):
            present.setdefault(first + dt.timedelta(days=offset), []).append(event)
    for day in sorted(present):
        events = present[day]
        used = sum(e.area_m2 for e in events)
        if len(events) > 1 and used > venue.area_m2:
            names = ", ".join(e.pk for e in events)
            return [f"On {day} the confirmed events {names} take {used} m2 together."]
    return []


def commitment_errors(
    venue: Venue,
    *,
    features: Collection[str] | None = None,
    closures: Iterable[VenueUnavailability] | None = None,
) -> Errors:
    """What a venue change breaks: confirmed events pinned there that it can no longer host.

    ``features`` and ``closures``, when given, stand in for the venue's own:
    the admin checks the values its form and inline rows are about to save.
    """
    if venue._state.adding:
        return {}  # nothing is pinned to a venue not yet saved
    closures = None if closures is None else list(closures)
    contracts = list(
        venue.pinned_events.filter(status="confirmed").prefetch_related(
            "required_features", "allowed_venues"
        )
    )
    messages = shared_area_errors(venue, contracts)
    for event in contracts:
        errors = merge(
            placement_errors(event, venue, event.pinned_start, closures=closures),
            venue_fit_errors(
                venue,
                required_features=[f.pk for f in event.required_features.all()],
                allowed_venues=[v.pk for v in event.allowed_venues.all()],
                features=features,
            ),
        )
        messages += [f"Confirmed event {event.pk}: {m}" for ms in errors.values() for m in ms]
    return {NON_FIELD_ERRORS: messages} if messages else {}


def contract_errors(event: Event, *, venue: Venue | None, start: dt.date | None) -> Errors:
    """Why contracting ``event`` to ``venue`` and/or ``start`` does not fit what is signed.

    A contract fixes at least one half. One of a single half (a partial pin)
    may only be completed: its signed half is repeated or left out, never
    changed (that is a cancellation and a new contract), and the open half
    is given. Errors name the request's fields, ``venue`` and ``start``.
    """
    if venue is None and start is None:
        return {field: ["Give the venue, the first day or both."] for field in ("venue", "start")}
    if not is_pinned(event):
        return {}
    errors: Errors = {}
    halves = (
        ("venue", "venue", event.pinned_venue_id, venue.pk if venue is not None else None),
        ("start", "first day", event.pinned_start, start),
    )
    for field, name, signed, asked in halves:
        if signed is not None and asked is not None and asked != signed:
            errors[field] = [
                f"The contract fixes {signed}; changing a signed contract is a "
                "cancellation and a new contract."
            ]
        elif signed is None and asked is None:
            errors[field] = [f"The contract leaves the {name} open; give it to complete it."]
    return errors


def is_partial_contract(event: Event) -> bool:
    """Whether the event is confirmed with one half of its contract still open."""
    return (
        event.status == event.Status.CONFIRMED and is_pinned(event) and not is_fully_pinned(event)
    )


def is_pinned(event: Event) -> bool:
    """Whether a contract fixes the event's venue, its first day, or both."""
    return event.pinned_venue_id is not None or event.pinned_start is not None


def is_fully_pinned(event: Event) -> bool:
    """Whether the contract fixes venue and first day: only then are its days in the venue known."""
    return event.pinned_venue_id is not None and event.pinned_start is not None


def pinned_venue(event: Event) -> Venue | None:
    """The pinned venue; None when unset or unknown (the foreign key check reports that)."""
    try:
        return event.pinned_venue
    except ObjectDoesNotExist:
        return None


def event_window(event: Event) -> DateRange | None:
    if event.window_start and event.window_end and event.window_start <= event.window_end:
        return DateRange(event.window_start, event.window_end)
    return None
