"""Which venues can take an event, on which first days, with how many hotel rooms.

The answer starts from ``scheduler.candidates`` (the rules that need no other
event: window, blackouts, closures, features, capacity, area, nominal hotel
rooms) and then takes away what is already taken: the occupancy of the
latest published plan's placements and of confirmed events (area shared,
exclusivity), and the rooms the plan's room blocks hold in each hotel per
night. Option holds do not take days away (a 2nd option is still an
option); each venue lists the active holds on its days, so the planner sees
which option the organiser would get.

``free_starts`` is pure (plain dataclasses in, plain dataclasses out) so it
can be checked by hand; ``availability_search`` loads its inputs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace

from bookings.selectors import hold_list_active
from events.exchange import catalogue_export
from events.models import Event
from scheduler import problem as fmt
from scheduler.candidates import HotelOption, event_options
from scheduler.days import DayIndex, shift
from scheduler.format import FIRST_DATE, LAST_DATE
from scheduler.models import RoomBlock
from scheduler.publishing import latest_version

REQUEST_ID = "availability-request"
# Whoever may see the holds the answer lists may ask (the API and the admin page alike).
READ_PERMISSION = "bookings.view_venuehold"
# The days a question or a hold may name: the exchange format's. Every day derived
# from one (give or take move-in, move-out and hotel nights) is then a date too.
CALENDAR = fmt.DateRange(FIRST_DATE, LAST_DATE)


@dataclass(frozen=True)
class AvailabilityRequest:
    """What an organiser asks for; the fields of an event that decide where it fits."""

    category: str
    window: fmt.DateRange
    duration_days: int
    setup_days: int = 0
    teardown_days: int = 0
    area_m2: int = 0
    attendance: int = 0
    exclusive: bool = False
    required_features: tuple[str, ...] = ()
    venues: tuple[str, ...] | None = None
    rooms_per_night: int | None = None
    min_stars: int | None = None
    max_distance_km: float | None = None
    nights_before: int | None = None
    nights_after: int | None = None

    def as_event(self) -> fmt.Event:
        """The request as a format event, so the solver's own pre-filter judges it."""
        hotel = None
        if self.rooms_per_night:
            hotel = fmt.HotelNeed(
                rooms_per_night=self.rooms_per_night,
                min_stars=self.min_stars,
                max_distance_km=self.max_distance_km,
                nights_before=self.nights_before,
                nights_after=self.nights_after,
            )
        return fmt.Event(
            id=REQUEST_ID,
            name=fmt.Name(en="availability request"),
            category=self.category,
            international=True,
            duration_days=self.duration_days,
            setup_days=self.setup_days,
            teardown_days=self.teardown_days,
            window=self.window,
            attendance=self.attendance,
            area_m2=self.area_m2,
            exclusive=self.exclusive,
            required_features=self.required_features,
            allowed_venues=self.venues,
            hotel=hotel,
        )

    @property
    def horizon(self) -> fmt.DateRange:
        """The window widened by move-in and move-out, which may fall outside it."""
        return fmt.DateRange(
            shift(self.window.start, -self.setup_days), shift(self.window.end, self.teardown_days)
        )

    @property
    def nights(self) -> fmt.DateRange | None:
        """Every hotel night some start in the window may need; None when it needs none.

        The nights before the first public day may reach further back than
        move-in (and those after it further than move-out), so the rooms
        already taken are looked up over these nights, not over ``horizon``.
        """
        event = self.as_event()
        first, last = event.hotel_nights(self.window.start), event.hotel_nights(self.window.end)
        if first is None or last is None:
            return None
        return fmt.DateRange(first.start, last.end)

    @classmethod
    def from_event(cls, event: Event, *, start: dt.date, venue_id: str) -> AvailabilityRequest:
        """The request that asks whether ``event`` fits ``venue_id`` from ``start`` exactly.

        ``venues`` narrows the question to ``venue_id`` in place of the
        event's allowed venues: the caller checks first that the venue suits
        the event at all (``events.validation.venue_fit_errors``), so that a
        refusal can name the venue rather than the day.
        """
        return cls(
            category=event.category,
            window=fmt.DateRange(start, shift(start, event.duration_days - 1)),
            duration_days=event.duration_days,
            setup_days=event.setup_days,
            teardown_days=event.teardown_days,
            area_m2=event.area_m2,
            attendance=event.attendance,
            exclusive=event.exclusive,
            required_features=tuple(f.pk for f in event.required_features.all()),
            venues=(venue_id,),
            rooms_per_night=event.hotel_rooms_per_night,
            min_stars=event.hotel_min_stars,
            max_distance_km=event.hotel_max_distance_km,
            nights_before=event.hotel_nights_before,
            nights_after=event.hotel_nights_after,
        )


@dataclass(frozen=True)
class Occupant:
    """An event already taking a venue's days: a published placement or a contract."""

    event: str
    venue: str
    days: fmt.DateRange
    area_m2: int
    exclusive: bool


@dataclass(frozen=True)
class HeldRooms:
    """Rooms already held in a hotel on every night of a range."""

    hotel: str
    nights: fmt.DateRange
    rooms: int


@dataclass(frozen=True)
class HoldNote:
    """An active option hold on a venue, shown beside its free days."""

    event: str
    start: dt.date
    occupancy: fmt.DateRange
    rank: int
    expires_on: dt.date


@dataclass(frozen=True)
class HotelRooms:
    """A hotel that may serve the event, with its spare rooms on the tightest night."""

    hotel: str
    stars: int
    km: float | None
    spare_rooms: int


@dataclass
class FreeRange:
    """Consecutive first public days that all fit, and the rooms the tightest one leaves."""

    first_start: dt.date
    last_start: dt.date
    rooms_available: int | None = None  # None: the request needs no rooms
    hotels: list[HotelRooms] = field(default_factory=list)


@dataclass
class VenueAvailability:
    venue: str
    name: str
    capacity: int
    area_m2: int
    ranges: list[FreeRange] = field(default_factory=list)
    holds: list[HoldNote] = field(default_factory=list)


@dataclass
class Availability:
    """The feasible venues; ``reason`` says why none is when the list is empty."""

    venues: list[VenueAvailability]
    reason: str | None = None


class _DayUse:
    """What the occupants already take of one venue on one day."""

    __slots__ = ("area_m2", "events", "exclusive")

    def __init__(self) -> None:
        self.area_m2, self.events, self.exclusive = 0, 0, False


def _venue_days(occupants: Iterable[Occupant]) -> dict[str, dict[dt.date, _DayUse]]:
    use: dict[str, dict[dt.date, _DayUse]] = defaultdict(lambda: defaultdict(_DayUse))
    for occupant in occupants:
        for offset in range(occupant.days.days):
            day = use[occupant.venue][shift(occupant.days.start, offset)]
            day.area_m2 += occupant.area_m2
            day.events += 1
            day.exclusive = day.exclusive or occupant.exclusive
    return use


def _rooms_used(held: Iterable[HeldRooms]) -> dict[tuple[str, dt.date], int]:
    used: dict[tuple[str, dt.date], int] = defaultdict(int)
    for block in held:
        for offset in range(block.nights.days):
            used[block.hotel, shift(block.nights.start, offset)] += block.rooms
    return used


def _group(starts: list[tuple[dt.date, dict[str, int] | None]]) -> list[FreeRange]:
    """Consecutive fitting starts as ranges; per hotel the least spare over the range."""
    ranges: list[tuple[list[dt.date], list[dict[str, int] | None]]] = []
    for day, spare in starts:
        if ranges and shift(ranges[-1][0][-1], 1) == day:
            ranges[-1][0].append(day)
            ranges[-1][1].append(spare)
        else:
            ranges.append(([day], [spare]))
    grouped = []
    for days, spares in ranges:
        free = FreeRange(days[0], days[-1])
        if spares[0] is not None:
            free.rooms_available = min(sum(s.values()) for s in spares if s is not None)
            free.hotels = [
                HotelRooms(h, 0, None, min(s[h] for s in spares if s)) for h in spares[0]
            ]
        grouped.append(free)
    return grouped


def free_starts(
    *,
    problem: fmt.Problem,
    request: AvailabilityRequest,
    occupants: Iterable[Occupant] = (),
    held_rooms: Iterable[HeldRooms] = (),
    holds: Iterable[tuple[str, HoldNote]] = (),
) -> Availability:
    """Every venue of ``problem`` that can take ``request``, with its free start ranges.

    ``problem`` supplies venues, hotels and blackouts (its events and
    horizon are replaced). A start fits when, on every day of its
    occupancy, no exclusive occupant is there, the request (when exclusive)
    finds nobody there, and the area left covers the request's; and when the
    hotels serving the venue, each holding the same rooms on every night,
    can still give ``rooms_per_night``.
    """
    event = request.as_event()
    problem = replace(problem, horizon=request.horizon, events=(event,))
    options = event_options(problem)[event.id]
    if not options.placeable:
        return Availability([], options.reason)
    days = DayIndex(problem.horizon.start)
    day_use = _venue_days(occupants)
    rooms_used = _rooms_used(held_rooms)
    hotels = {option.hotel.id: option for option in options.hotels}
    notes: dict[str, list[HoldNote]] = defaultdict(list)
    for venue_id, note in holds:
        notes[venue_id].append(note)

    answer = []
    for venue_id, start_indexes in options.starts.items():
        venue = problem.venue(venue_id)
        use = day_use.get(venue_id, {})
        serving = [o for o in hotels.values() if venue_id in o.km]
        fitting: list[tuple[dt.date, dict[str, int] | None]] = []
        for index in start_indexes:
            start = days.date(index)
            occupancy = event.occupancy(start)
            if not all(
                _day_fits(use.get(shift(occupancy.start, i)), request, venue.effective_area_m2)
                for i in range(occupancy.days)
            ):
                continue
            spare = _spare_rooms(event, start, serving, rooms_used)
            if spare is not None and sum(spare.values()) < event.hotel.rooms_per_night:
                continue
            fitting.append((start, spare))
        if not fitting:
            continue
        ranges = _group(fitting)
        for free in ranges:
            free.hotels = sorted(
                (
                    replace(h, stars=hotels[h.hotel].hotel.stars, km=hotels[h.hotel].km[venue_id])
                    for h in free.hotels
                    if h.spare_rooms > 0
                ),
                key=lambda h: (h.km is None, h.km or 0, h.hotel),
            )
        answer.append(
            VenueAvailability(
                venue=venue_id,
                name=venue.name.text("en"),
                capacity=venue.capacity,
                area_m2=venue.effective_area_m2,
                ranges=ranges,
                holds=sorted(notes[venue_id], key=lambda n: (n.occupancy.start, n.rank)),
            )
        )
    if not answer:
        return Availability([], "every suitable venue is taken (plan, contracts or hotel rooms)")
    return Availability(answer)


def _day_fits(use: _DayUse | None, request: AvailabilityRequest, venue_area: int) -> bool:
    if use is None:
        return True
    if use.exclusive or (request.exclusive and use.events):
        return False
    return use.area_m2 + request.area_m2 <= venue_area


def _spare_rooms(
    event: fmt.Event,
    start: dt.date,
    serving: list[HotelOption],
    rooms_used: dict[tuple[str, dt.date], int],
) -> dict[str, int] | None:
    """Per serving hotel, the rooms it can hold on every night of ``event`` from ``start``."""
    nights = event.hotel_nights(start)
    if nights is None or event.hotel is None or event.hotel.rooms_per_night == 0:
        return None
    spare = {}
    for option in serving:
        hotel = option.hotel
        spare[hotel.id] = max(
            0,
            min(
                hotel.rooms_on(night) - rooms_used.get((hotel.id, night), 0)
                for night in (shift(nights.start, i) for i in range(nights.days))
            ),
        )
    return spare


# --- loading the inputs ---------------------------------------------------------


def taken(
    *,
    horizon: fmt.DateRange,
    nights: fmt.DateRange | None = None,
    exclude_event: str | None = None,
) -> tuple[list[Occupant], list[HeldRooms]]:
    """Days and rooms already taken: the latest published plan and confirmed events.

    A confirmed event counts at its contract (``pinned``), a planned one at
    its published placement; so does a confirmed event whose contract fixes
    only the venue or only the day (a partial pin): the contract alone does
    not say which days of which venue it takes. Cancelled events and
    ``exclude_event`` (the one being asked about) take nothing.

    Days are looked up over ``horizon``, rooms over ``nights``: a room block
    counts when its nights meet the nights asked about, whether or not its
    event's move-in and move-out days meet the horizon. So a start gets the
    same answer in whatever window it is asked.
    """
    occupants: dict[str, Occupant] = {}
    # Few events are confirmed; whether move-in or move-out reaches the horizon is
    # simpler to decide here than in SQL.
    confirmed = Event.objects.filter(
        status=Event.Status.CONFIRMED, pinned_venue__isnull=False, pinned_start__isnull=False
    ).exclude(pk=exclude_event)
    for event in confirmed:
        occupancy = fmt.DateRange(
            shift(event.pinned_start, -event.setup_days),
            shift(event.pinned_start, event.duration_days - 1 + event.teardown_days),
        )
        if occupancy.overlaps(horizon):
            occupants[event.pk] = Occupant(
                event.pk, event.pinned_venue_id, occupancy, event.area_m2, event.exclusive
            )
    version = latest_version()
    if version is None:
        return list(occupants.values()), []
    placements = (
        version.plan.placements.filter(
            occupancy_start__lte=horizon.end, occupancy_end__gte=horizon.start
        )
        .exclude(event__status=Event.Status.CANCELLED)
        .exclude(event_id=exclude_event)
        .select_related("event")
    )
    for placement in placements:
        event = placement.event
        occupants.setdefault(
            event.pk,
            Occupant(
                event.pk,
                placement.venue_id,
                fmt.DateRange(placement.occupancy_start, placement.occupancy_end),
                event.area_m2,
                event.exclusive,
            ),
        )
    return list(occupants.values()), _held_rooms(version.plan_id, nights, exclude_event)


def _held_rooms(
    plan_id: int, nights: fmt.DateRange | None, exclude_event: str | None
) -> list[HeldRooms]:
    """The plan's room blocks on any of ``nights`` (none asked about: none)."""
    if nights is None:
        return []
    blocks = (
        RoomBlock.objects.filter(
            placement__plan_id=plan_id, first_night__lte=nights.end, last_night__gte=nights.start
        )
        .exclude(placement__event__status=Event.Status.CANCELLED)
        .exclude(placement__event_id=exclude_event)
    )
    return [
        HeldRooms(b.hotel_id, fmt.DateRange(b.first_night, b.last_night), b.rooms_per_night)
        for b in blocks
    ]


def availability_search(
    *,
    request: AvailabilityRequest,
    exclude_event: str | None = None,
    hold_categories: Collection[str] | None = None,
) -> Availability:
    """The availability answer from the catalogue, the published plan, contracts and holds.

    ``hold_categories``, when given, limits the holds listed to events of
    those categories: what the asking role may see of them (they take no
    days, so the free ranges are the same for every role).
    """
    problem = catalogue_export(start=request.horizon.start, end=request.horizon.end)
    occupants, held = taken(
        horizon=request.horizon, nights=request.nights, exclude_event=exclude_event
    )
    holds = [
        (
            hold.venue_id,
            HoldNote(
                hold.event_id,
                hold.start,
                fmt.DateRange(hold.occupancy_start, hold.occupancy_end),
                hold.rank,
                hold.expires_on,
            ),
        )
        for hold in hold_list_active(categories=hold_categories).filter(
            occupancy_start__lte=request.horizon.end, occupancy_end__gte=request.horizon.start
        )
    ]
    return free_starts(
        problem=problem, request=request, occupants=occupants, held_rooms=held, holds=holds
    )
