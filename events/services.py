"""Writes to events, targets, blackouts and the planning rules, lifecycle included.

An event is ``requested`` until a published plan ``placed`` it (its
``previous_*`` placement), ``confirmed`` once contracted (its ``pinned_*``
placement, which the solver may not move; a contract may fix only the venue
or only the first day, and be completed later) and ``cancelled`` when it will
not happen. Only the functions here move it along:

    requested --place--> placed --place--> placed
    confirmed --place--> confirmed (the published placement recorded beside the contract)
    requested|placed --confirm--> confirmed
    confirmed (venue or first day open) --confirm--> confirmed (both fixed)
    requested|placed|confirmed --cancel--> cancelled
"""

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import ordinal
from bookings.selectors import holds_in_the_way
from events import validation
from events.models import Blackout, Event, PlanningRules, Target
from venues.models import Feature, Venue
from venues.services import StaleWrite, assign, locked_current, validated_save, venues_lock

Status = Event.Status


def _pks(items: Iterable[Any]) -> list[str]:
    """Primary keys of model instances or of the keys themselves."""
    return [getattr(item, "pk", item) for item in items]


# What only the lifecycle functions below write: an edit of the request never does.
LIFECYCLE_FIELDS = frozenset(
    {"status", "pinned_venue", "pinned_start", "previous_venue", "previous_start"}
)


@transaction.atomic
def event_create(
    *,
    id: str,
    required_features: Iterable[Feature | str] = (),
    allowed_venues: Iterable[Venue | str] = (),
    **fields: Any,
) -> Event:
    """A new request; a contract or a placement is then the lifecycle's (confirm, place)."""
    _refuse_lifecycle(fields)
    event = Event(id=id)
    assign(event, fields)
    _save_with_lists(event, required_features, allowed_venues)
    return event


@transaction.atomic
def event_update(
    *,
    event: Event,
    revisions: Collection[int] | None = None,
    required_features: Iterable[Feature | str] | None = None,
    allowed_venues: Iterable[Venue | str] | None = None,
    **fields: Any,
) -> Event:
    """Change what an event asks for; the many-to-many lists, when given, replace the old ones.

    The row is locked and read again, and only ``fields`` (and the lists
    given) are written over it: an edit made from a copy read before a
    confirmation or a cancellation cannot undo it, for the lifecycle
    (status, contract, published placement) is written by the functions
    below alone. ``revisions``, when given, are the ones the caller accepts
    (``StaleWrite`` when the event has moved on since).
    """
    _refuse_lifecycle(fields)
    event = _locked_for_booking(event, revisions=revisions)
    assign(event, fields)
    _save_with_lists(event, required_features, allowed_venues, fields=fields)
    return event


def _refuse_lifecycle(fields: dict[str, Any]) -> None:
    """A programming error, not a user's: the API and the admin never offer these fields."""
    if named := sorted(LIFECYCLE_FIELDS & {name.removesuffix("_id") for name in fields}):
        raise TypeError(f"{', '.join(named)} change through confirm, place or cancel only")


def _locked_for_booking(event: Event, *, revisions: Collection[int] | None = None) -> Event:
    """The event's row, locked after its contracted venue's (the order every booking write keeps).

    The venue is read from the row as stored, not from the caller's copy;
    should a contract be signed on another venue between that read and the
    event's lock, the edit is refused (``StaleWrite``) rather than judged
    against a venue it did not lock.
    """
    venue_id = Event.objects.filter(pk=event.pk).values_list("pinned_venue", flat=True).first()
    venues_lock([venue_id])
    current = locked_current(event, revisions=revisions)
    if current.pinned_venue_id != venue_id:
        raise StaleWrite(
            _(
                "%(event)s was contracted to %(venue)s while this change was made; "
                "read it again and make the change there."
            )
            % {"event": event.pk, "venue": current.pinned_venue_id},
            precondition=False,
        )
    return current


def _save_with_lists(
    event: Event,
    required_features: Iterable[Feature | str] | None,
    allowed_venues: Iterable[Venue | str] | None,
    *,
    fields: Iterable[str] | None = None,
) -> None:
    """Validate and save the event with its lists (the stored ones where None), ``fields`` only."""
    if required_features is None:
        required_features = event.required_features.all()
    if allowed_venues is None:
        allowed_venues = event.allowed_venues.all()
    required_features, allowed_venues = _pks(required_features), _pks(allowed_venues)
    _booking_save(
        event,
        validation.requirement_errors(
            event, required_features=required_features, allowed_venues=allowed_venues
        ),
        fields=fields,
    )
    event.required_features.set(required_features)
    event.allowed_venues.set(allowed_venues)


def _locked(
    event: Event, allowed: set[str], verb: str, revisions: Collection[int] | None = None
) -> Event:
    """The event's row, locked, when its status allows ``verb``; else a ValidationError."""
    return _allowing(locked_current(event, revisions=revisions), allowed, verb)


def _allowing(event: Event, allowed: set[str], verb: str) -> Event:
    """``event`` when its status allows ``verb``; else a ValidationError naming the status."""
    if event.status not in allowed:
        raise ValidationError({"status": [f"A {event.status} event cannot be {verb}."]})
    return event


@transaction.atomic
def event_place(
    *, event: Event, venue: Venue, start: dt.date, revisions: Collection[int] | None = None
) -> Event:
    """Record where the published plan puts the event (the format's ``previous``).

    A confirmed event stays confirmed, its contract as signed: where a
    partial contract's open half was published is what the solver then
    pays ``change_penalty`` to move, as for any other event. Only the
    published placement is written, which books nothing, so no venue is
    locked (publishing holds the event rows already; a venue lock taken
    after them would invert the order every booking write keeps).
    """
    allowed = {Status.REQUESTED, Status.PLACED, Status.CONFIRMED}
    event = _locked(event, allowed, "placed", revisions)
    status = Status.CONFIRMED if event.status == Status.CONFIRMED else Status.PLACED
    if (event.status, event.previous_venue_id, event.previous_start) == (status, venue.pk, start):
        return event  # published where it was: nothing to record
    event.status, event.previous_venue, event.previous_start = status, venue, start
    validated_save(event, fields=["status", "previous_venue", "previous_start"])
    return event


class BookingClash(ValidationError):
    """A contract that collides with another confirmed event in the same venue.

    A ``ValidationError`` so the admin shows it on the form, but its own type
    so the API answers 409 Conflict (the request was fine; the venue is taken).
    """


def clash_messages(*, event: Event, venue: Venue, start: dt.date) -> list[str]:
    """Why ``event`` cannot be contracted to ``venue`` from ``start`` beside the confirmed events.

    Rule 3 of the format, against contracts only: an exclusive event shares
    no day, and the floor area of the events present on a day fits the venue.
    The caller holds the venue's row lock, so no other confirmation of this
    venue can slip in between this read and its write.
    """
    first, last = validation.occupancy(event, start)
    # A contract that leaves the days open holds none yet: the solver places it.
    contracts = Event.objects.filter(
        status=Status.CONFIRMED, pinned_venue=venue, pinned_start__isnull=False
    ).exclude(pk=event.pk)
    others = {
        other: days
        for other in contracts
        if (days := validation.occupancy(other, other.pinned_start))[0] <= last and first <= days[1]
    }
    mark = {True: " (exclusive)", False: ""}
    if messages := [
        f"{venue.pk} is booked by {other.pk} {a}..{b}{mark[other.exclusive]}; "
        f"{event.pk} needs {first}..{last}{mark[event.exclusive]}."
        for other, (a, b) in others.items()
        if other.exclusive or event.exclusive
    ]:
        return messages
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        present = [other for other, (a, b) in others.items() if a <= day <= b]
        used = sum(other.area_m2 for other in present)
        if present and used + event.area_m2 > venue.area_m2:
            return [
                f"On {day} {venue.pk} has {venue.area_m2 - used} of {venue.area_m2} m2 left "
                f"beside {', '.join(o.pk for o in present)}; {event.pk} takes {event.area_m2} m2."
            ]
    return []


def _booking_save(
    event: Event, errors: validation.Errors, *, fields: Iterable[str] | None = None
) -> None:
    """``validated_save``; for a contract of venue and days also refused when it clashes there.

    Any write of a confirmed event goes through here (confirmation, an edit
    of its days or exclusivity, an import); one whose contract fixes venue
    and first day is judged under the venue's row lock: locked before the
    check reads the other contracts, so two writers of one venue run one
    after the other and the second sees the first.
    """
    venue = None
    if event.status == Status.CONFIRMED and validation.is_fully_pinned(event):
        venue = (
            Venue.objects.select_for_update(no_key=True).filter(pk=event.pinned_venue_id).first()
        )
    if venue is None:
        validated_save(event, errors, fields=fields)
        return
    try:
        # Validated first (a placement off the calendar is a 400), then judged.
        with transaction.atomic():
            validated_save(event, errors, fields=fields)
    except IntegrityError as error:  # the exclusion constraint (PostgreSQL)
        if "event_confirmed_" not in str(error):
            raise
        messages = clash_messages(event=event, venue=venue, start=event.pinned_start)
        raise BookingClash(
            {"pinned_start": messages or [f"{venue.pk} is already booked on those days."]}
        ) from error
    if messages := clash_messages(event=event, venue=venue, start=event.pinned_start):
        raise BookingClash({"pinned_start": messages})


@transaction.atomic
def event_confirm(
    *,
    event: Event,
    venue: Venue | None = None,
    start: dt.date | None = None,
    revisions: Collection[int] | None = None,
) -> Event:
    """Contract the event to ``venue``, from ``start``, or both: the solver keeps what is fixed.

    One half alone is a partial contract (docs/catalogue.md); confirming it
    again may only complete it (``validation.contract_errors``), a full
    contract not at all. A contract of venue and days is refused while
    another event's option hold stands on those days (``_hold_errors``).
    The venue's row is locked first (the order
    ``bookings.services`` keeps too, so the two never deadlock), then the
    event's: two staff confirming clashing events in one venue at once run
    one after the other, and the second is refused with ``BookingClash``
    naming the booking in its way. On PostgreSQL exclusion constraints
    (events migration 0004) refuse an exclusive clash even from a write that
    skips this service. The event's history records what was signed.
    """
    allowed = {Status.REQUESTED, Status.PLACED, Status.CONFIRMED}
    if venue is not None:
        venues_lock([venue.pk])
        event = _locked(event, allowed, "confirmed", revisions)
    else:  # completing a venue-only contract: that venue, before the event
        event = _allowing(_locked_for_booking(event, revisions=revisions), allowed, "confirmed")
    if validation.is_fully_pinned(event):
        raise ValidationError(
            {"status": ["The contract already fixes venue and first day; cancel it to sign anew."]}
        )
    validation.raise_errors(validation.contract_errors(event, venue=venue, start=start))
    completing = validation.is_pinned(event)
    event.status = Status.CONFIRMED
    event.pinned_venue = venue or event.pinned_venue
    event.pinned_start = start or event.pinned_start
    validation.raise_errors(_hold_errors(event))
    event._change_reason = _contract_reason(event, completing=completing)
    try:
        _save_with_lists(event, None, None, fields=["status", "pinned_venue", "pinned_start"])
        return event
    except BookingClash as clash:  # named after the request's field
        raise BookingClash({"start": clash.message_dict["pinned_start"]}) from None


def _hold_errors(event: Event) -> validation.Errors:
    """Other events' option holds on the contract's venue and days: the venue office honours them.

    Signed directly (not through a hold), the contract would book the days
    under a 1st option whose holder learns it only when its own confirmation
    fails. The planner releases such a hold, or books through the 1st option
    (``bookings.services.hold_confirm``, which supersedes the options behind
    it). The event's own holds are no obstacle: the contract ends those it
    rules out. Only a contract of venue and days holds days in a venue. The
    caller holds the venue's row lock, which every write of its holds takes
    first too.
    """
    if not validation.is_fully_pinned(event):
        return {}
    if validation.calendar_errors(event, event.pinned_start, start_field="pinned_start"):
        return {}  # days off the calendar hold nothing; saving the event says so
    first, last = validation.occupancy(event, event.pinned_start)
    holds = holds_in_the_way(
        event_id=event.pk,
        venue_id=event.pinned_venue_id,
        first=first,
        last=last,
        today=timezone.localdate(),
    )
    messages = [
        f"{hold.venue_id} is held for {hold.event_id} from {hold.start} "
        f"({ordinal(hold.rank)} option, kept until {hold.expires_on}); release that hold, "
        "or book through the 1st option's hold."
        for hold in holds
    ]
    return {"venue": messages, "start": messages} if messages else {}


def _contract_reason(event: Event, *, completing: bool) -> str:
    """The history's words for a confirmation: what is signed and what is left open."""
    verb = "contract completed" if completing else "confirmed"
    if event.pinned_venue_id is None:
        return f"{verb}: from {event.pinned_start}, venue to be set"
    if event.pinned_start is None:
        return f"{verb}: {event.pinned_venue_id}, days to be set"
    return f"{verb}: {event.pinned_venue_id} from {event.pinned_start}"


@transaction.atomic
def event_delete(*, event: Event, revisions: Collection[int] | None = None) -> None:
    """Delete a request entered by mistake; a signed contract stays on record.

    A confirmed event is cancelled, not deleted: its contract and history
    are what the convention group answers to.
    """
    locked = locked_current(event, revisions=revisions)
    if locked.status == Status.CONFIRMED:
        raise ValidationError(
            {
                "status": [
                    "A confirmed event is cancelled, not deleted: its contract stays on record."
                ]
            }
        )
    locked.delete()


@transaction.atomic
def event_cancel(
    *, event: Event, reason: str | None = None, revisions: Collection[int] | None = None
) -> Event:
    """Call the event off; a confirmed event keeps its contract on record.

    ``reason`` goes into the event's history (who cancelled is recorded anyway).
    """
    allowed = {Status.REQUESTED, Status.PLACED, Status.CONFIRMED}
    event = _locked(event, allowed, "cancelled", revisions)
    event.status = Status.CANCELLED
    event._change_reason = reason
    event.save(update_fields=["status"])
    return event


@transaction.atomic
def target_create(
    *, year: int, category: str, min_count: int, international: bool | None = None
) -> Target:
    target = Target(year=year, category=category, min_count=min_count, international=international)
    validated_save(target)
    return target


@transaction.atomic
def target_update(*, target: Target, **fields: Any) -> Target:
    target = locked_current(target)
    assign(target, fields)
    validated_save(target)
    return target


@transaction.atomic
def blackout_create(
    *,
    start: dt.date,
    end: dt.date,
    categories: list[str] | None = None,
    reason_zh: str = "",
    reason_en: str = "",
) -> Blackout:
    blackout = Blackout(
        start=start, end=end, categories=categories, reason_zh=reason_zh, reason_en=reason_en
    )
    validated_save(blackout)
    return blackout


@transaction.atomic
def blackout_update(*, blackout: Blackout, **fields: Any) -> Blackout:
    blackout = locked_current(blackout)
    assign(blackout, fields)
    validated_save(blackout)
    return blackout


@transaction.atomic
def planning_rules_update(**fields: Any) -> PlanningRules:
    """Change the city-wide planning rules (the one row is created on first write)."""
    rules = PlanningRules.objects.select_for_update().filter(pk=PlanningRules.SINGLETON_ID).first()
    rules = rules or PlanningRules()
    assign(rules, fields)
    validated_save(rules)
    return rules
