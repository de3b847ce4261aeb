"""Publishing a plan as the next schedule version, and reading what is published.

A schedule version freezes the public facts of every event it shows
(``PublishedEvent``), so the feeds and public pages read only that snapshot and
never the live catalogue: nothing requested, tentative or merely solved is ever
public until a planner publishes a plan, and a later edit to the catalogue
changes nothing public until the next version.

Across versions an event keeps its UID; its SEQUENCE rises whenever a fact a
calendar client acts on changes (dates, times, venue, title, status). An event
that disappears from the schedule stays in the feeds as CANCELLED for
``CANCELLED_RETENTION`` so subscribed calendars learn of the cancellation
instead of the event silently vanishing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, Protocol

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from events.models import Event
from events.services import event_place
from scheduler.models import FeedToken, Placement, Plan, PublishedEvent, ScheduleVersion
from scheduler.problem import DateRange, has_plan
from venues.models import Venue
from venues.services import venues_lock

PUBLISH_ATTEMPTS = 3
CANCELLED_RETENTION = dt.timedelta(days=90)
"""How long a cancelled event stays in the feeds after its cancellation or its last day."""


class PublishError(ValidationError):
    """A plan that cannot be published; the message says why, for the planner.

    A ``ValidationError`` so the API's one exception handler gives it the one
    JSON error shape (400) like any other refused write.
    """


@dataclass(frozen=True)
class PublicFacts:
    """Everything the public may know of one scheduled event."""

    event_code: str
    name_zh: str
    name_en: str
    category: str
    international: bool
    start_date: dt.date
    end_date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    venue_code: str
    venue_name_zh: str
    venue_name_en: str
    venue_address_zh: str
    venue_address_en: str
    venue_lat: float | None
    venue_lon: float | None
    description_zh: str
    description_en: str


FACT_NAMES = tuple(f.name for f in fields(PublicFacts))
# Changes a subscribed calendar must act on: they raise SEQUENCE (RFC 5546 3.2.6).
SIGNIFICANT_FACTS = (
    "name_zh",
    "name_en",
    "start_date",
    "end_date",
    "start_time",
    "end_time",
    "venue_code",
)
MOVE_FACTS = ("start_date", "end_date", "start_time", "end_time", "venue_code")


def facts_of(published: PublishedEvent) -> PublicFacts:
    return PublicFacts(**{name: getattr(published, name) for name in FACT_NAMES})


class _Timed(Protocol):
    """What ``public_facts`` reads from an event: a catalogue event or a solver one."""

    category: str
    international: bool
    start_time: dt.time | None
    end_time: dt.time | None


def public_facts(
    event: _Timed,
    venue: Venue,
    start: dt.date,
    end: dt.date,
    *,
    event_code: str,
    name: tuple[str, str],
    description: tuple[str, str],
) -> PublicFacts:
    """What the public would see of ``event`` at ``venue`` from ``start`` to ``end``.

    ``name`` and ``description`` are ``(zh, en)``: the two kinds of event keep them differently.
    """
    return PublicFacts(
        event_code=event_code,
        name_zh=name[0],
        name_en=name[1],
        category=event.category,
        international=event.international,
        start_date=start,
        end_date=end,
        start_time=event.start_time,
        end_time=event.end_time,
        venue_code=venue.pk,
        venue_name_zh=venue.name_zh,
        venue_name_en=venue.name_en,
        venue_address_zh=venue.address_zh,
        venue_address_en=venue.address_en,
        venue_lat=venue.lat,
        venue_lon=venue.lon,
        description_zh=description[0],
        description_en=description[1],
    )


def facts_from_placement(placement: Placement) -> PublicFacts:
    """The public facts of a placed event: days and venue from the plan, the rest from its event."""
    event = placement.event
    return public_facts(
        event,
        placement.venue,
        placement.start,
        placement.end,
        event_code=event.pk,
        name=(event.name_zh, event.name_en),
        description=(event.description_zh, event.description_en),
    )


# --- the snapshot and its changelog: plain data, no database -------------------


def next_snapshot(
    *,
    previous: Mapping[str, PublishedEvent],
    current: Mapping[str, PublicFacts],
    horizon: DateRange,
    cancelled_in_catalogue: set[str],
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """The rows of the next version: ``PublishedEvent`` field values, one dict per event.

    ``current`` holds the plan's events (catalogue cancellations already left
    out). A previously published event the plan does not place is cancelled
    when its days fall in the plan's horizon or the catalogue cancelled it;
    one wholly outside the horizon is carried over unchanged, since the plan
    said nothing about it.
    """
    rows: list[dict[str, Any]] = []
    for code, facts in current.items():
        before = previous.get(code)
        row: dict[str, Any] = asdict(facts) | {
            "status": PublishedEvent.Status.CONFIRMED,
            "cancelled_at": None,
        }
        if before is None:
            row |= {"sequence": 0, "last_modified": now}
        else:
            old = facts_of(before)
            significant = before.is_cancelled or any(
                getattr(old, name) != getattr(facts, name) for name in SIGNIFICANT_FACTS
            )
            row["sequence"] = before.sequence + 1 if significant else before.sequence
            changed = before.is_cancelled or old != facts
            row["last_modified"] = now if changed else before.last_modified
        rows.append(row)

    for code, before in previous.items():
        if code in current:
            continue
        carried = asdict(facts_of(before)) | {
            "status": before.status,
            "sequence": before.sequence,
            "last_modified": before.last_modified,
            "cancelled_at": before.cancelled_at,
        }
        if before.is_cancelled:
            if now.date() <= cancelled_until(before):
                rows.append(carried)
        elif code in cancelled_in_catalogue or horizon.overlaps(
            DateRange(before.start_date, before.end_date)
        ):
            carried |= {
                "status": PublishedEvent.Status.CANCELLED,
                "sequence": before.sequence + 1,
                "last_modified": now,
                "cancelled_at": now,
            }
            rows.append(carried)
        else:
            rows.append(carried)
    rows.sort(key=lambda row: (row["start_date"], row["event_code"]))
    return rows


def cancelled_until(published: PublishedEvent) -> dt.date:
    """The last day a cancelled event is still shown: retention after cancellation or end."""
    assert published.cancelled_at is not None
    cancelled_on = timezone.localtime(published.cancelled_at).date()
    return max(cancelled_on, published.end_date) + CANCELLED_RETENTION


def _summary(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "event": row["event_code"],
        "name_zh": row["name_zh"],
        "name_en": row["name_en"],
        "start": row["start_date"].isoformat(),
        "end": row["end_date"].isoformat(),
        "venue": row["venue_code"],
    }


def _when_where(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "start": row["start_date"].isoformat(),
        "end": row["end_date"].isoformat(),
        "start_time": row["start_time"].isoformat("minutes") if row["start_time"] else None,
        "end_time": row["end_time"].isoformat("minutes") if row["end_time"] else None,
        "venue": row["venue_code"],
    }


def schedule_changes(
    previous: Iterable[Mapping[str, Any]], current: Iterable[Mapping[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """What changed publicly between two snapshots: added, moved, changed, cancelled.

    Both arguments are rows as ``next_snapshot`` returns them (or
    ``PublishedEvent`` values). A reinstated event counts as added; an event
    already cancelled before is not reported again.
    """
    before = {row["event_code"]: row for row in previous}
    changes: dict[str, list[dict[str, Any]]] = {
        "added": [],
        "moved": [],
        "changed": [],
        "cancelled": [],
    }
    for row in current:
        old = before.get(row["event_code"])
        was_public = old is not None and old["status"] == PublishedEvent.Status.CONFIRMED
        if row["status"] == PublishedEvent.Status.CANCELLED:
            if was_public:
                changes["cancelled"].append(_summary(row))
            continue
        if not was_public:
            changes["added"].append(_summary(row))
            continue
        if any(old[name] != row[name] for name in MOVE_FACTS):
            changes["moved"].append(
                _summary(row) | {"old": _when_where(old), "new": _when_where(row)}
            )
        changed = [n for n in FACT_NAMES if n not in MOVE_FACTS and old[n] != row[n]]
        if changed:
            changes["changed"].append(_summary(row) | {"fields": changed})
    return changes


# --- the service --------------------------------------------------------------


def plan_publish(
    *, plan: Plan, comment: str = "", user: AbstractBaseUser | None = None
) -> ScheduleVersion:
    """The schedule version publishing ``plan``: a new one, or the one it already has.

    One transaction writes the version, its changelog and its frozen events.
    Publishing the same plan again returns its version (a retried request
    must not publish twice).
    """
    existing = ScheduleVersion.objects.filter(plan=plan).first()
    if existing is not None:
        return existing
    run = plan.solve_run
    if run.status != run.Status.SUCCEEDED or not has_plan(plan.solver_status):
        raise PublishError(
            f"Only a plan of a succeeded solve run with status OPTIMAL or FEASIBLE can be "
            f"published; this run is {run.status} with solver status {plan.solver_status or '-'}."
        )
    for _attempt in range(PUBLISH_ATTEMPTS):
        try:
            with transaction.atomic():
                return _publish(plan=plan, comment=comment, user=user)
        except IntegrityError:
            # Someone published at the same moment. The unique plan and number are
            # the lock: theirs if it was this plan, else build again on their version.
            existing = ScheduleVersion.objects.filter(plan=plan).first()
            if existing is not None:
                return existing
    raise PublishError("Other schedule versions were being published at the same time; try again.")


def _publish(*, plan: Plan, comment: str, user: AbstractBaseUser | None) -> ScheduleVersion:
    now = timezone.now()
    latest = latest_version()
    previous = {pe.event_code: pe for pe in latest.events.all()} if latest else {}
    placements = list(plan.placements.select_related("event", "venue"))
    current = {
        p.event_id: facts_from_placement(p)
        for p in placements
        if p.event.status != Event.Status.CANCELLED
    }
    cancelled = set(
        Event.objects.filter(pk__in=previous, status=Event.Status.CANCELLED).values_list(
            "pk", flat=True
        )
    )
    rows = next_snapshot(
        previous=previous,
        current=current,
        horizon=DateRange(plan.horizon_start, plan.horizon_end),
        cancelled_in_catalogue=cancelled,
        now=now,
    )
    changelog = schedule_changes(
        ({name: getattr(pe, name) for name in (*FACT_NAMES, "status")} for pe in previous.values()),
        rows,
    )
    version = ScheduleVersion.objects.create(
        number=(latest.number + 1) if latest else 1,
        plan=plan,
        comment=comment,
        published_at=now,
        published_by=user if user is not None and user.is_authenticated else None,
        changelog={"previous_version": latest.number if latest else None, **changelog},
    )
    PublishedEvent.objects.bulk_create(PublishedEvent(version=version, **row) for row in rows)
    # The published placement becomes each event's "previous" one, which the solver is
    # then penalised for moving: what a partial contract leaves open included (a
    # confirmed event keeps its status and contract). Cancelled events keep theirs.
    # Venues are locked before events, the order every booking write keeps: saving a
    # contracted event locks its venue, and a confirmation at the same moment holds
    # that venue and waits for its own event, which this loop may hold already.
    venues_lock(p.venue_id for p in placements)
    for placement in placements:
        if placement.event.status != Event.Status.CANCELLED:
            event_place(event=placement.event, venue=placement.venue, start=placement.start)
    return version


# --- reads for feeds and pages ----------------------------------------------------


def latest_version() -> ScheduleVersion | None:
    """The schedule the public sees: the highest published version, if any.

    Without its changelog, which every feed and page request would otherwise
    read and parse (a version of 1,000 new events has a changelog of 200 kB).
    """
    return ScheduleVersion.objects.defer("changelog").order_by("-number").first()


def published_events(
    version: ScheduleVersion | None,
    *,
    category: str | None = None,
    venue_code: str | None = None,
    event_code: str | None = None,
) -> QuerySet[PublishedEvent]:
    """The frozen events of ``version`` (none without one), optionally narrowed."""
    if version is None:
        return PublishedEvent.objects.none()
    events = PublishedEvent.objects.filter(version=version)
    if category:
        events = events.filter(category=category)
    if venue_code:
        events = events.filter(venue_code=venue_code)
    if event_code:
        events = events.filter(event_code=event_code)
    return events.order_by("start_date", "event_code")


# --- staff feed tokens ----------------------------------------------------------------


def feed_token_get_or_create(*, user: AbstractBaseUser) -> FeedToken:
    """The user's feed token, made on first use."""
    token = FeedToken.objects.filter(user=user).first()
    return token if token is not None else feed_token_rotate(user=user)


@transaction.atomic
def feed_token_rotate(*, user: AbstractBaseUser) -> FeedToken:
    """A fresh secret for the user's staff feed URLs; the old URLs stop working at once."""
    token, _created = FeedToken.objects.update_or_create(
        user=user,
        defaults={"token": secrets.token_urlsafe(32), "created": timezone.now()},
    )
    return token
