"""The catalogue in and out of the exchange format (``shared/spec/problem-format.md``).

``catalogue_import`` upserts a problem by id through the services, so through
the same validation as the admin and the API, in one transaction: when any
row fails, nothing is written and every issue comes back named by its JSON
pointer. ``catalogue_export`` gives the catalogue back as a ``Problem``.

The catalogue stores what the format leaves implicit explicitly (a venue
without ``area_m2`` is stored with 0), so such a field comes back spelled
out; lists that are sets (features, allowed venues) come back sorted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from bookings.selectors import hold_list_active
from events import selectors, services
from events.models import Blackout, Event, PlanningRules, Target
from scheduler import problem as fmt
from scheduler.format import FormatIssue, ProblemFormatError
from venues import selectors as venue_selectors
from venues import services as venue_services
from venues.models import Hotel, Venue

# Model fields whose format path is not "<prefix>_<rest>" -> "<prefix>/<rest>".
FORMAT_PATHS = {
    NON_FIELD_ERRORS: "",
    "lat": "location/lat",
    "lon": "location/lon",
    "reason_en": "reason",
    "major_attendance_at_least": "max_concurrent_major/attendance_at_least",
    "major_max_events": "max_concurrent_major/max_events",
    **{f"min_gap_{c}_days": f"min_gap_days/{c}" for c in fmt.CATEGORIES},
    **{f"weight_{w}": f"weights/{w}" for w in fmt.Weights.__dataclass_fields__},
}
NESTED_PREFIXES = ("name", "window", "hotel", "pinned", "previous")
# Where a contract's errors point: the lifecycle names the request's "venue" and
# "start", and "status" for a contract that cannot be signed again at all.
FULL_PIN_PATHS = {"venue": "pinned/venue", "start": "pinned/start", "status": "pinned"}
# A partial pin is spelled by the format's own keys, not the nested ``pinned`` object.
PARTIAL_PIN_PATHS = {
    "pinned_venue": "pinned_venue",
    "pinned_start": "pinned_start",
    "venue": "pinned_venue",
    "start": "pinned_start",
    "status": "pinned_venue",
}


def format_pointer(base: str, model_field: str, paths: Mapping[str, str] | None = None) -> str:
    """The JSON pointer under ``base`` of a model field (``window_end`` -> ``/window/end``).

    ``paths`` overrides the usual path of some fields, for the row at hand.
    """
    path = {**FORMAT_PATHS, **(paths or {})}.get(model_field)
    if path is None:
        head, _, rest = model_field.partition("_")
        path = f"{head}/{rest}" if head in NESTED_PREFIXES and rest else model_field
    path = path.replace(".", "/")
    return f"{base}/{path}" if path else base


@dataclass
class ImportSummary:
    """How many rows of each kind the import created and updated."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        kinds = dict.fromkeys([*self.created, *self.updated])
        return "; ".join(
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated" for kind in kinds
        )


class _Importer:
    """Upserts the parts of one problem, collecting issues instead of stopping at the first."""

    def __init__(self) -> None:
        self.issues: list[FormatIssue] = []
        self.summary = ImportSummary()
        self.first_with_key: dict[tuple[str, Hashable], int] = {}

    def is_repeat(self, kind: str, index: int, key: Hashable, key_words: str) -> bool:
        """Whether an earlier row of ``kind`` has ``key``; if so an issue names it.

        Rows without an id are matched by key, so a repeat would silently
        overwrite the row before it.
        """
        first = self.first_with_key.setdefault((kind, key), index)
        if first != index:
            self.issues.append(
                FormatIssue(f"/{kind}/{index}", f"the same {key_words} as /{kind}/{first}")
            )
        return first != index

    @contextmanager
    def row(
        self,
        kind: str,
        pointer: str,
        *,
        existing: models.Model | None,
        paths: Mapping[str, str] | None = None,
    ) -> Iterator[None]:
        """Write one row in a savepoint; its validation errors become issues under ``pointer``."""
        try:
            with transaction.atomic():
                yield
        except ValidationError as invalid:
            for model_field, messages in invalid.message_dict.items():
                self.issues.extend(
                    FormatIssue(format_pointer(pointer, model_field, paths), message)
                    for message in messages
                )
        else:
            (self.summary.updated if existing else self.summary.created)[kind] += 1


def _name(name: fmt.Name) -> dict[str, str]:
    return {"name_zh": name.zh or "", "name_en": name.en or ""}


def _venue_fields(venue: fmt.Venue) -> dict:
    location = venue.location
    return {
        **_name(venue.name),
        "kind": venue.kind,
        "capacity": venue.capacity,
        "area_m2": venue.effective_area_m2,
        "lat": location.lat if location else None,
        "lon": location.lon if location else None,
        "features": list(venue.effective_features),
        "unavailable": [
            {"start": u.start, "end": u.end, "reason": u.reason or ""}
            for u in venue.effective_unavailable
        ],
    }


def _hotel_fields(hotel: fmt.Hotel) -> dict:
    return {
        **_name(hotel.name),
        "stars": hotel.stars,
        "lat": hotel.location.lat,
        "lon": hotel.location.lon,
        "block_rooms": hotel.block_rooms,
        "reduced": [
            {"start": r.start, "end": r.end, "block_rooms": r.block_rooms}
            for r in hotel.reduced or ()
        ],
    }


def _event_fields(event: fmt.Event) -> dict:
    need = event.hotel or fmt.HotelNeed(rooms_per_night=None)
    return {
        **_name(event.name),
        "category": event.category,
        "international": event.international,
        "duration_days": event.duration_days,
        "setup_days": event.effective_setup_days,
        "teardown_days": event.effective_teardown_days,
        "window_start": event.window.start if event.window else None,
        "window_end": event.window.end if event.window else None,
        "preferred_start": event.preferred_start,
        "attendance": event.effective_attendance,
        "area_m2": event.effective_area_m2,
        "exclusive": event.is_exclusive,
        "required_features": list(event.effective_required_features),
        "allowed_venues": list(event.allowed_venues or ()),
        "hotel_rooms_per_night": need.rooms_per_night,
        "hotel_min_stars": need.min_stars,
        "hotel_max_distance_km": need.max_distance_km,
        "hotel_nights_before": need.nights_before,
        "hotel_nights_after": need.nights_after,
        "value": event.effective_value,
        # The flag as given: is_mandatory counts a partial pin, stored as pinned_* here.
        "mandatory": bool(event.mandatory),
        "start_time": event.start_time,
        "end_time": event.end_time,
    }


def _event_lifecycle(stored: Event, event: fmt.Event) -> None:
    """Move the stored event where the file says, through the lifecycle services alone.

    A file may place an event (``previous``), and sign a contract or
    complete one (``pinned``, fully or partly), so a contract signed this
    way is checked as any other (clashes, other events' option holds). It
    never undoes one: a file that drops or changes a signed contract, or
    names a cancelled event, is refused, for that is a cancellation, made
    by a person. A file without ``previous`` leaves the published placement
    as it is: the plan was published whatever the file says.
    """
    if stored.status == Event.Status.CANCELLED:
        raise ValidationError(
            {"status": [f"{stored.pk} is cancelled; an import does not bring it back."]}
        )
    if event.previous and (stored.previous_venue_id, stored.previous_start) != (
        event.previous.venue,
        event.previous.start,
    ):
        venue = _stored_venue(event.previous.venue, "previous_venue")
        stored = services.event_place(event=stored, venue=venue, start=event.previous.start)
    fixed = (event.fixed_venue, event.fixed_start)
    signed = (stored.pinned_venue_id, stored.pinned_start)
    if fixed == signed:
        return
    if any(half is not None and given is None for half, given in zip(signed, fixed, strict=True)):
        raise ValidationError(
            {
                "status": [
                    f"{stored.pk} is confirmed under a signed contract; an import does not "
                    "remove it or a half of it (cancel the event instead)."
                ]
            }
        )
    venue = None if fixed[0] is None else _stored_venue(fixed[0], "venue")
    services.event_confirm(event=stored, venue=venue, start=fixed[1])


def _stored_venue(venue_id: str, field: str) -> Venue:
    """The catalogue's venue of that id; a ValidationError on ``field`` when there is none."""
    if (venue := Venue.objects.filter(pk=venue_id).first()) is None:
        raise ValidationError({field: [f"Unknown venue {venue_id}."]})
    return venue


def _rules_fields(rules: fmt.Rules) -> dict:
    gaps = rules.min_gap_days or {}
    major = rules.max_concurrent_major
    weights = rules.weights
    return {
        **{f"min_gap_{c}_days": gaps.get(c) for c in fmt.CATEGORIES},
        "major_attendance_at_least": major.attendance_at_least if major else None,
        "major_max_events": major.max_events if major else None,
        **{
            f"weight_{name}": getattr(weights, name) if weights else None
            for name in fmt.Weights.__dataclass_fields__
        },
    }


@transaction.atomic
def catalogue_import(problem: fmt.Problem, *, keep_stored_lifecycle: bool = False) -> ImportSummary:
    """Upsert every part of ``problem`` by id; all or nothing.

    Venues, hotels and events are matched by id, targets by year, category
    and international flag, blackouts by their days and categories (a file
    may hold one of each key); what the file leaves out of the catalogue
    stays. An event is placed and contracted as the file says through the
    lifecycle services, never un-signed (``_event_lifecycle``);
    ``keep_stored_lifecycle`` leaves the lifecycle of events already stored
    as it is (the demo, loaded again after staff worked with it). Raises
    ``ProblemFormatError`` with one issue per problem found.
    """
    _lock_venues_of(problem)
    importer = _Importer()
    if problem.effective_timezone != settings.TIME_ZONE:
        importer.issues.append(
            FormatIssue("/timezone", f"the catalogue keeps its dates in {settings.TIME_ZONE}")
        )
    venue_services.features_ensure(
        codes=sorted(
            {code for v in problem.venues for code in v.effective_features}
            | {code for e in problem.events for code in e.effective_required_features}
        )
    )
    for i, venue in enumerate(problem.venues):
        existing = Venue.objects.filter(pk=venue.id).first()
        with importer.row("venues", f"/venues/{i}", existing=existing):
            if existing:
                venue_services.venue_update(venue=existing, **_venue_fields(venue))
            else:
                venue_services.venue_create(id=venue.id, **_venue_fields(venue))
    for i, hotel in enumerate(problem.hotels):
        existing = Hotel.objects.filter(pk=hotel.id).first()
        with importer.row("hotels", f"/hotels/{i}", existing=existing):
            if existing:
                venue_services.hotel_update(hotel=existing, **_hotel_fields(hotel))
            else:
                venue_services.hotel_create(id=hotel.id, **_hotel_fields(hotel))
    for i, event in enumerate(problem.events):
        if event.allowed_venues == ():
            # No venue allowed: the solver never places it. The catalogue's empty
            # list means "any venue that fits", so importing it would invert it.
            importer.issues.append(
                FormatIssue(
                    f"/events/{i}/allowed_venues",
                    "an empty list allows no venue; give null (any venue that fits) or venues",
                )
            )
            continue
        existing = Event.objects.filter(pk=event.id).first()
        paths = PARTIAL_PIN_PATHS if event.is_partly_pinned else FULL_PIN_PATHS
        with importer.row("events", f"/events/{i}", existing=existing, paths=paths):
            if existing:
                stored = services.event_update(event=existing, **_event_fields(event))
            else:
                stored = services.event_create(id=event.id, **_event_fields(event))
            if not (existing and keep_stored_lifecycle):
                _event_lifecycle(stored, event)
    for i, target in enumerate(problem.targets):
        key = {"year": target.year, "category": target.category}
        if importer.is_repeat(
            "targets", i, (*key.values(), target.international), "year, category and international"
        ):
            continue
        existing = Target.objects.filter(**key, international=target.international).first()
        with importer.row("targets", f"/targets/{i}", existing=existing):
            if existing:
                services.target_update(target=existing, min_count=target.min_count)
            else:
                services.target_create(
                    **key, international=target.international, min_count=target.min_count
                )
    for i, blackout in enumerate(problem.blackouts):
        categories = None if blackout.categories is None else list(blackout.categories)
        scope = _blackout_scope(categories)
        if importer.is_repeat(
            "blackouts", i, (blackout.start, blackout.end, scope), "days and categories"
        ):
            continue
        existing = _stored_blackout(blackout.start, blackout.end, scope)
        fields = {"categories": categories, "reason_en": blackout.reason or ""}
        with importer.row("blackouts", f"/blackouts/{i}", existing=existing):
            if existing:
                services.blackout_update(blackout=existing, **fields)
            else:
                services.blackout_create(start=blackout.start, end=blackout.end, **fields)
    if problem.rules is not None:
        existing = PlanningRules.objects.filter(pk=PlanningRules.SINGLETON_ID).first()
        with importer.row("rules", "/rules", existing=existing):
            services.planning_rules_update(**_rules_fields(problem.rules))
    if importer.issues:
        raise ProblemFormatError(importer.issues)
    return importer.summary


def _lock_venues_of(problem: fmt.Problem) -> None:
    """Lock every venue the import may lock, in id order, before any event row.

    Writing a venue or signing a contract locks its venue; taken one by one
    in the file's order, after event rows, they would invert the order every
    booking write keeps and deadlock against a confirmation at that moment.
    """
    events = [event.id for event in problem.events]
    stored = Event.objects.filter(pk__in=events).values_list("pinned_venue", flat=True)
    venue_services.venues_lock(
        [
            *(venue.id for venue in problem.venues),
            *(event.fixed_venue for event in problem.events),
            *(event.previous.venue for event in problem.events if event.previous),
            *stored,
        ]
    )


def _blackout_scope(categories: Iterable[str] | None) -> tuple[str, ...] | None:
    """The categories of a blackout as a key: sorted, None for every category."""
    return None if categories is None else tuple(sorted(categories))


def _stored_blackout(
    start: dt.date, end: dt.date, scope: tuple[str, ...] | None
) -> Blackout | None:
    """The blackout of these days and categories: the row a file's blackout updates.

    The days alone are not enough: one week may close sports and, for
    another reason, exhibitions, as two blackouts.
    """
    for stored in Blackout.objects.filter(start=start, end=end):
        if _blackout_scope(stored.categories) == scope:
            return stored
    return None


def _name_of(row: models.Model) -> fmt.Name:
    return fmt.Name(zh=row.name_zh or None, en=row.name_en or None)


def _location_of(row: Venue | Hotel) -> fmt.Location | None:
    return None if row.lat is None else fmt.Location(lat=row.lat, lon=row.lon)


def _venue_of(venue: Venue) -> fmt.Venue:
    return fmt.Venue(
        id=venue.id,
        name=_name_of(venue),
        kind=venue.kind,
        capacity=venue.capacity,
        location=_location_of(venue),
        area_m2=venue.area_m2,
        features=tuple(sorted(f.code for f in venue.features.all())),
        unavailable=tuple(
            fmt.Unavailability(start=u.start, end=u.end, reason=u.reason or None)
            for u in venue.unavailable.all()
        ),
    )


def _hotel_of(hotel: Hotel) -> fmt.Hotel:
    return fmt.Hotel(
        id=hotel.id,
        name=_name_of(hotel),
        stars=hotel.stars,
        location=_location_of(hotel),
        block_rooms=hotel.block_rooms,
        reduced=tuple(
            fmt.ReducedBlock(start=r.start, end=r.end, block_rooms=r.block_rooms)
            for r in hotel.reduced.all()
        ),
    )


def _placement_of(venue_id: str | None, start: dt.date | None) -> fmt.Placement | None:
    return fmt.Placement(venue=venue_id, start=start) if venue_id and start else None


def _contract_of(event: Event) -> dict:
    """The contract in the format's keys: venue and day are ``pinned``, one alone a partial pin."""
    pinned = _placement_of(event.pinned_venue_id, event.pinned_start)
    if pinned is not None:
        return {"pinned": pinned}
    return {"pinned_venue": event.pinned_venue_id, "pinned_start": event.pinned_start}


def _event_of(event: Event, first_option: fmt.Placement | None = None) -> fmt.Event:
    """The event in the format; ``first_option`` stands in for a missing ``previous``.

    An event not yet published but holding a venue as 1st option is exported
    with that hold as its ``previous`` placement, so the solver pays
    ``change_penalty`` for moving it off the hold (docs/planner.md).
    """
    hotel = None
    if event.hotel_rooms_per_night is not None:
        hotel = fmt.HotelNeed(
            rooms_per_night=event.hotel_rooms_per_night,
            min_stars=event.hotel_min_stars,
            max_distance_km=event.hotel_max_distance_km,
            nights_before=event.hotel_nights_before,
            nights_after=event.hotel_nights_after,
        )
    allowed = sorted(v.pk for v in event.allowed_venues.all())
    return fmt.Event(
        id=event.id,
        name=_name_of(event),
        category=event.category,
        international=event.international,
        duration_days=event.duration_days,
        setup_days=event.setup_days,
        teardown_days=event.teardown_days,
        window=fmt.DateRange(event.window_start, event.window_end) if event.window_start else None,
        preferred_start=event.preferred_start,
        attendance=event.attendance,
        area_m2=event.area_m2,
        exclusive=event.exclusive,
        required_features=tuple(sorted(f.code for f in event.required_features.all())),
        allowed_venues=tuple(allowed) or None,
        hotel=hotel,
        value=event.value,
        mandatory=event.mandatory,
        **_contract_of(event),
        previous=_placement_of(event.previous_venue_id, event.previous_start) or first_option,
        start_time=event.start_time,
        end_time=event.end_time,
    )


def _event_spans(event: Event) -> list[fmt.DateRange]:
    """What ties an event to the calendar: its window and its placements' public days."""
    spans = [fmt.DateRange(event.window_start, event.window_end)] if event.window_start else []
    for start in (event.pinned_start, event.previous_start):
        if start:
            spans.append(fmt.DateRange(start, start + dt.timedelta(days=event.duration_days - 1)))
    return spans


def event_in_range(event: Event, days: fmt.DateRange) -> bool:
    """Whether an export over ``days`` holds ``event`` (when it is not cancelled):
    its window, pinned or previous public days overlap them, or it has no window."""
    return not event.window_start or any(span.overlaps(days) for span in _event_spans(event))


def _rules_of(rules: PlanningRules) -> fmt.Rules | None:
    if rules._state.adding:
        return None
    gaps = {c: rules.min_gap_days(c) for c in fmt.CATEGORIES if rules.min_gap_days(c) is not None}
    weights = {
        name: getattr(rules, f"weight_{name}")
        for name in fmt.Weights.__dataclass_fields__
        if getattr(rules, f"weight_{name}") is not None
    }
    return fmt.Rules(
        min_gap_days=gaps or None,
        max_concurrent_major=fmt.MaxConcurrentMajor(
            attendance_at_least=rules.major_attendance_at_least,
            max_events=rules.major_max_events,
        )
        if rules.major_max_events is not None
        else None,
        weights=fmt.Weights(**weights) if weights else None,
    )


def catalogue_export(
    *, start: dt.date | None = None, end: dt.date | None = None, name: str | None = None
) -> fmt.Problem:
    """The catalogue as a problem over ``start``..``end``.

    Cancelled events stay out; an event is in when its window, pinned or
    previous public days overlap the range, or when it has no window. A
    missing bound of the range is derived: the whole calendar years that hold
    every active event's window and placements (the current year when none
    has any), and at least the year of the bound that is given. Targets of
    the years in the range and blackouts overlapping it come along with
    every venue, hotel and the planning rules.
    """
    events = list(selectors.event_list().exclude(status=Event.Status.CANCELLED))
    spans = [span for event in events for span in _event_spans(event)]
    this_year = dt.date.today().year
    first_year = min((s.start.year for s in spans), default=this_year)
    last_year = max((s.end.year for s in spans), default=this_year)
    horizon = fmt.DateRange(
        start or dt.date(min(first_year, end.year) if end else first_year, 1, 1),
        end or dt.date(max(last_year, start.year) if start else last_year, 12, 31),
    )
    exported = [event for event in events if event_in_range(event, horizon)]
    first_options: dict[str, fmt.Placement] = {}
    # An event may be 1st option on two venues: the hold taken first is its wish.
    for hold in hold_list_active().filter(rank=1).order_by("created_at", "id"):
        first_options.setdefault(hold.event_id, fmt.Placement(hold.venue_id, hold.start))
    return fmt.Problem(
        horizon=horizon,
        name=name or f"Catalogue {horizon.start}..{horizon.end}",
        timezone=settings.TIME_ZONE,
        venues=tuple(_venue_of(v) for v in venue_selectors.venue_list()),
        hotels=tuple(_hotel_of(h) for h in venue_selectors.hotel_list()),
        events=tuple(_event_of(e, first_options.get(e.pk)) for e in exported),
        targets=tuple(
            fmt.Target(
                year=t.year,
                category=t.category,
                min_count=t.min_count,
                international=t.international,
            )
            for t in selectors.target_list().filter(
                year__gte=horizon.start.year, year__lte=horizon.end.year
            )
        ),
        blackouts=tuple(
            fmt.Blackout(
                start=b.start,
                end=b.end,
                categories=None if b.categories is None else tuple(b.categories),
                reason=b.reason_en or b.reason_zh or None,
            )
            for b in selectors.blackout_list().filter(
                start__lte=horizon.end, end__gte=horizon.start
            )
        ),
        rules=_rules_of(selectors.planning_rules_get()),
    )
