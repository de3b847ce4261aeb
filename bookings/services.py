"""Writes to option holds: place, release, confirm, expire, with ranks kept in order.

Ranks are a queue per venue: among the active holds whose occupancy days
overlap, the one placed first is the 1st option, the next the 2nd, and so on.
Whenever a hold stops being active, ``_rerank`` walks the venue's active holds
again and moves the later ones up; an owner whose option improved is told by
email (after commit, so a rolled-back change sends nothing) and the hold's
history records why its rank changed.

Every write first locks the venue's row (``select_for_update``), then the
venue's holds. The venue row exists even when no hold does yet, so two
requests on the same venue, say two releases at once, run one after the
other and the second ranks against what the first left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from bookings.availability import CALENDAR, AvailabilityRequest, availability_search
from bookings.models import VenueHold, ordinal
from bookings.selectors import due, holds_in_the_way, moot
from events import validation
from events.models import Event
from events.services import event_confirm
from scheduler.days import shift
from venues.models import Venue
from venues.services import venues_lock

Status = VenueHold.Status
OPEN_EVENT = (Event.Status.REQUESTED, Event.Status.PLACED)


def _notify(hold: VenueHold, subject: str, body: str) -> None:
    """Email the hold's owner once the transaction commits (nothing when it rolls back)."""
    address = hold.notice_email
    if not address:
        return
    subject = f"[{hold.event_id}] {subject}"
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))


def _lock_and_expire(venue_ids: Iterable[str], today: dt.date) -> None:
    """Lock the venues, then end their due holds: a write acts on the queues as they stand.

    Without this a hold past its expiry, not yet ended by a listing or cron,
    could still be confirmed, and the option behind it would be refused as
    a 2nd option.
    """
    venue_ids = sorted(set(venue_ids))
    venues_lock(venue_ids)
    for venue_id in venue_ids:
        _expire_venue(venue_id, today)


def _locked_hold(hold: VenueHold) -> VenueHold:
    """The hold as it is now (after the venue lock), refused unless still active."""
    current = (
        VenueHold.objects.select_for_update(of=("self",)).select_related("event").get(pk=hold.pk)
    )
    if current.status != Status.ACTIVE:
        raise ValidationError({"status": [f"The hold is {current.status}, not active."]})
    return current


def _save(hold: VenueHold, reason: str, fields: list[str], *, system: bool = False) -> None:
    """Save ``fields``, with ``reason`` in the hold's (so the event's) history.

    ``system``: an expiry or a promotion is the system's doing, not that of
    whoever's request happened to run it (a listing expires holds), so the
    history names no user rather than the request's.
    """
    hold._change_reason = reason
    if system:
        hold._history_user = None  # django-simple-history takes it over the request's user
    hold.save(update_fields=fields)


def _rerank(venue_id: str) -> None:
    """Renumber the venue's active holds by arrival; tell owners whose option moved up."""
    active = list(
        VenueHold.objects.select_for_update()
        .filter(venue_id=venue_id, status=Status.ACTIVE)
        .order_by("created_at", "id")
    )
    for index, hold in enumerate(active):
        rank = 1 + sum(1 for earlier in active[:index] if earlier.overlaps(hold))
        if rank == hold.rank:
            continue
        old, hold.rank = hold.rank, rank
        _save(
            hold, f"moved up from {ordinal(old)} to {ordinal(rank)} option", ["rank"], system=True
        )
        _notify(
            hold,
            f"Your hold on {hold.venue_id} is now the {ordinal(rank)} option",
            f"The hold of {hold.event_id} on {hold.venue_id} from {hold.start} moved up from "
            f"{ordinal(old)} to {ordinal(rank)} option. It is kept until {hold.expires_on}.",
        )


def _end(hold: VenueHold, status: str, reason: str, *, system: bool = False) -> None:
    hold.status = status
    _save(hold, reason, ["status"], system=system)


@transaction.atomic
def hold_place(
    *,
    event: Event,
    venue: Venue,
    start: dt.date,
    expires_on: dt.date,
    holder: AbstractBaseUser | None = None,
    holder_email: str = "",
    today: dt.date | None = None,
) -> VenueHold:
    """A new option hold of ``event`` on ``venue`` from ``start``, ranked behind earlier ones.

    Refused when the event is cancelled or confirmed (unless its contract
    leaves the days or the venue open and the hold keeps what it fixes), when
    it already holds the venue, when the first day or the expiry has passed,
    when the venue does not suit the event (allowed venues, features, size),
    or when the venue cannot take the event from ``start`` at all (window,
    closures, blackouts, the published plan, contracts, hotel rooms: the
    availability search says why). ``today`` is the day it is placed
    (default: today in the city's time zone).
    """
    today = today or timezone.localdate()
    _lock_and_expire([venue.pk], today)
    event = Event.objects.select_for_update().get(pk=event.pk)
    validation.raise_errors(_place_errors(event, venue, start, expires_on, today))
    answer = availability_search(
        request=AvailabilityRequest.from_event(event, start=start, venue_id=venue.pk),
        exclude_event=event.pk,
    )
    if not answer.venues:
        reason = answer.reason or "the venue is taken"
        raise ValidationError({"start": [f"{venue.pk} cannot take {event.pk} then: {reason}."]})
    hold = VenueHold(
        event=event,
        venue=venue,
        start=start,
        occupancy_start=shift(start, -event.setup_days),
        occupancy_end=shift(start, event.duration_days - 1 + event.teardown_days),
        expires_on=expires_on,
        holder=holder if holder is not None and holder.is_authenticated else None,
        holder_email=holder_email,
    )
    competing = VenueHold.objects.select_for_update().filter(venue=venue, status=Status.ACTIVE)
    hold.rank = 1 + sum(1 for other in competing if other.overlaps(hold))
    hold._change_reason = f"placed as {ordinal(hold.rank)} option"
    hold.full_clean()
    hold.save()
    return hold


def _place_errors(
    event: Event, venue: Venue, start: dt.date, expires_on: dt.date, today: dt.date
) -> validation.Errors:
    """Why ``event`` may not hold ``venue`` from ``start``, whatever else is booked then."""
    if event.status not in OPEN_EVENT and not validation.is_partial_contract(event):
        return {"event": [f"A {event.status} event cannot hold a venue."]}
    errors = validation.merge(
        # Options on a partial contract only complete it (the signed venue or day kept).
        validation.contract_errors(event, venue=venue, start=start),
        _date_errors(event, start, expires_on, today),
    )
    if VenueHold.objects.filter(event=event, venue=venue, status=Status.ACTIVE).exists():
        errors = validation.merge(errors, {"venue": ["The event already holds this venue."]})
    if "start" in errors:
        return errors  # the checks below count days from ``start``
    return validation.merge(
        errors,
        validation.venue_fit_errors(
            venue,
            required_features=[f.pk for f in event.required_features.all()],
            allowed_venues=[v.pk for v in event.allowed_venues.all()],
        ),
        validation.placement_errors(event, venue, start),
    )


def _date_errors(
    event: Event, start: dt.date, expires_on: dt.date, today: dt.date
) -> validation.Errors:
    """A first day from today on whose days (move-in, move-out, nights) all exist; a live expiry."""
    errors: validation.Errors = {}
    if expires_on < today:
        errors["expires_on"] = ["The expiry date has already passed."]
    if start < today:
        errors["start"] = [f"The first day {start} has passed (today is {today})."]
    elif start > CALENDAR.end:
        errors["start"] = [f"Give a first day no later than {CALENDAR.end}."]
    else:
        errors |= validation.calendar_errors(event, start, start_field="start")
    return errors


@transaction.atomic
def hold_release(*, hold: VenueHold) -> VenueHold:
    """Give the hold up; the options behind it on its days move up.

    The venue's due holds end first: one past its expiry is no longer there to release.
    """
    _lock_and_expire([hold.venue_id], timezone.localdate())
    hold = _locked_hold(hold)
    _end(hold, Status.RELEASED, "released")
    _rerank(hold.venue_id)
    return hold


@transaction.atomic
def hold_confirm(*, hold: VenueHold) -> VenueHold:
    """Book the venue for the hold's event: the event is confirmed there, rivals lose out.

    Only the 1st option may be confirmed, counted after the venues' due holds
    end (a lapsed 1st option is no longer ahead, and cannot be confirmed
    itself). Other active holds on overlapping days of the venue are
    superseded and their owners told; then the event is contracted through
    ``events.services.event_confirm`` (so the solver pins it; a contract that
    fixed the venue or the day alone is completed by the hold's), which would
    refuse while another event's option stood in the way; the event's holds
    on other venues are released, moving their queues up.
    """
    others = list(
        VenueHold.objects.filter(event_id=hold.event_id, status=Status.ACTIVE).exclude(pk=hold.pk)
    )
    today = timezone.localdate()
    _lock_and_expire([hold.venue_id, *(other.venue_id for other in others)], today)
    hold = _locked_hold(hold)
    if hold.rank != 1:
        raise ValidationError(
            {"rank": [f"Only the 1st option can be confirmed; this is the {ordinal(hold.rank)}."]}
        )
    rivals = holds_in_the_way(
        event_id=hold.event_id,
        venue_id=hold.venue_id,
        first=hold.occupancy_start,
        last=hold.occupancy_end,
        today=today,
    ).select_for_update(of=("self",))
    for rival in rivals:
        _end(rival, Status.SUPERSEDED, f"superseded: {hold.event_id} booked the venue")
        _notify(
            rival,
            f"Your hold on {rival.venue_id} has lapsed",
            f"{rival.venue_id} was booked by another event on days your hold of "
            f"{rival.event_id} from {rival.start} needed; the hold has lapsed.",
        )
    event_confirm(event=hold.event, venue=hold.venue, start=hold.start)
    _end(hold, Status.CONFIRMED, "confirmed: the venue is booked")
    for other in VenueHold.objects.select_for_update().filter(pk__in=[o.pk for o in others]):
        if other.status == Status.ACTIVE:
            _end(other, Status.RELEASED, f"released: the event booked {hold.venue_id}")
    for venue_id in {hold.venue_id, *(o.venue_id for o in others)}:
        _rerank(venue_id)
    return hold


def _expire_venue(venue_id: str, today: dt.date) -> int:
    """End the venue's due holds: kept no later than yesterday, or moot (``selectors.moot``).

    The caller holds the venue's lock. Holds of cancelled or contracted
    events end here rather than in ``event_cancel``/``event_confirm``, so
    cancelling or contracting needs no write to holds and the queue still
    moves up at the next listing or cron run. Each end, and the promotions it brings,
    is the system's doing (``_save``).
    """
    ended = list(
        VenueHold.objects.select_for_update(of=("self",))
        .filter(venue_id=venue_id, status=Status.ACTIVE)
        .filter(due(today))
        .select_related("event")
    )
    mooted = set(
        VenueHold.objects.filter(pk__in=[h.pk for h in ended])
        .filter(moot())
        .values_list("pk", flat=True)
    )
    for hold in ended:
        if hold.pk in mooted:
            cancelled = hold.event.status == Event.Status.CANCELLED
            why = "the event was cancelled" if cancelled else "the event's contract rules it out"
            _end(hold, Status.RELEASED, f"released: {why}", system=True)
            continue
        _end(hold, Status.EXPIRED, f"expired after {hold.expires_on}", system=True)
        _notify(
            hold,
            f"Your hold on {hold.venue_id} has expired",
            f"The hold of {hold.event_id} on {hold.venue_id} from {hold.start} was kept "
            f"until {hold.expires_on} and has expired.",
        )
    if ended:
        _rerank(venue_id)
    return len(ended)


def holds_expire(*, today: dt.date | None = None) -> int:
    """Expire every hold past its date and move the queues up; how many ended.

    Idempotent: a second run finds nothing to do. One transaction per venue,
    so a slow venue does not hold the others' locks.
    """
    today = today or timezone.localdate()
    venue_ids = (
        VenueHold.objects.filter(status=Status.ACTIVE)
        .filter(due(today))
        .values_list("venue_id", flat=True)
        .distinct()
    )
    count = 0
    for venue_id in sorted(set(venue_ids)):
        with transaction.atomic():
            venues_lock([venue_id])
            count += _expire_venue(venue_id, today)
    return count
