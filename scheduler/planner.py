"""Reads for the planner pages: what is placed where, hotel nights, targets, the sports season.

Plain data out (dataclasses of ``scheduler.problem`` types), so the same
pictures draw the published plan and a scenario's solution alike, and the
pages only choose the language. Everything reads the latest published
version or a scenario's own solve run, never an unpublished plan as if it
were public.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from events.exchange import catalogue_export
from scheduler.candidates import event_options
from scheduler.diagnosis import target_name
from scheduler.format import read_problem, read_solution
from scheduler.models import Plan, PublishedEvent, Scenario, ScheduleVersion
from scheduler.problem import DateRange, Hotel, Name, Problem, RoomBlock, Target, has_plan

CITY_WIDE = ""
"""The key of the city-wide series in ``nightly_loads``."""


@dataclass(frozen=True)
class Placed:
    """One placed event, from a stored plan or a solver solution alike."""

    event: str
    name: Name
    category: str
    international: bool
    venue: str
    public: DateRange
    occupancy: DateRange
    rooms: tuple[RoomBlock, ...] = ()


def year_range(year: int) -> DateRange:
    return DateRange(dt.date(year, 1, 1), dt.date(year, 12, 31))


def plan_placed(plan: Plan | None) -> list[Placed]:
    """The placements of a stored plan (the published one, usually)."""
    if plan is None:
        return []
    placements = plan.placements.select_related("event").prefetch_related("room_blocks")
    return [
        Placed(
            event=p.event_id,
            name=Name(zh=p.event.name_zh or None, en=p.event.name_en or None),
            category=p.event.category,
            international=p.event.international,
            venue=p.venue_id,
            public=DateRange(p.start, p.end),
            occupancy=DateRange(p.occupancy_start, p.occupancy_end),
            rooms=tuple(
                RoomBlock(b.hotel_id, b.rooms_per_night, b.first_night, b.last_night)
                for b in p.room_blocks.all()
            ),
        )
        for p in placements
    ]


def scenario_has_plan(scenario: Scenario) -> bool:
    """Whether the scenario's latest solve found a plan (one that could be published)."""
    run = scenario.solve_run
    return run is not None and bool(run.solution) and has_plan(run.solver_status)


def scenario_placed(scenario: Scenario) -> list[Placed]:
    """The placements of the scenario's latest solve; [] until it has a plan."""
    if not scenario_has_plan(scenario):
        return []
    run = scenario.solve_run
    problem, solution = read_problem(run.problem), read_solution(run.solution)
    events = {e.id: e for e in problem.events}
    return [
        Placed(
            event=a.event,
            name=events[a.event].name,
            category=events[a.event].category,
            international=events[a.event].international,
            venue=a.venue,
            public=DateRange(a.start, a.end),
            occupancy=a.occupancy,
            rooms=a.rooms,
        )
        for a in solution.assignments
    ]


def published_plan(version: ScheduleVersion | None) -> Plan | None:
    return version.plan if version is not None else None


def overlapping(placed: Iterable[Placed], days: DateRange) -> list[Placed]:
    """The placements whose venue is taken on some day of ``days``."""
    return [p for p in placed if p.occupancy.overlaps(days)]


def nightly_loads(
    placed: Iterable[Placed], hotels: Sequence[Hotel], nights: DateRange
) -> dict[str, list[tuple[dt.date, int, int]]]:
    """(night, rooms held, block capacity) for each hotel and city-wide (key ``CITY_WIDE``).

    Capacity is the hotel's block with its reductions on that night (rule 7),
    the figure the solver itself must respect.
    """
    held: dict[tuple[str, dt.date], int] = defaultdict(int)
    one_day = dt.timedelta(days=1)
    for placement in placed:
        for block in placement.rooms:
            night = max(block.first_night, nights.start)
            while night <= min(block.last_night, nights.end):
                held[block.hotel, night] += block.rooms_per_night
                night += one_day
    days = [nights.start + dt.timedelta(days=i) for i in range(nights.days)]
    loads = {
        hotel.id: [(night, held[hotel.id, night], hotel.rooms_on(night)) for night in days]
        for hotel in hotels
    }
    loads[CITY_WIDE] = [
        (night, sum(s[i][1] for s in loads.values()), sum(s[i][2] for s in loads.values()))
        for i, night in enumerate(days)
    ]
    return loads


# --- targets ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetStatus:
    target: Target
    achieved: int
    diagnosis: tuple[str, ...] = ()

    @property
    def met(self) -> bool:
        return self.achieved >= self.target.min_count


def _counts(target: Target, event: PublishedEvent) -> bool:
    return (
        event.category == target.category
        and event.start_date.year == target.year
        and (target.international is None or event.international == target.international)
    )


def targets_status(year: int, version: ScheduleVersion | None) -> list[TargetStatus]:
    """Each target of ``year``: required, achieved in the published version, and the
    solver's diagnosis lines for it when it falls short."""
    days = year_range(year)
    problem = catalogue_export(start=days.start, end=days.end)
    shown = list(version.events.filter(status=PublishedEvent.Status.CONFIRMED)) if version else []
    diagnosis = list(version.plan.solve_run.diagnosis) if version else []
    statuses = []
    for target in problem.targets:
        achieved = sum(1 for event in shown if _counts(target, event))
        head = f"{target_name(target)}:"
        lines = (
            tuple(line for line in diagnosis if line.startswith(head))
            if achieved < target.min_count
            else ()
        )
        statuses.append(TargetStatus(target, achieved, lines))
    return sorted(statuses, key=lambda s: (s.target.category, s.target.international is not True))


# --- the sports season --------------------------------------------------------------------


@dataclass(frozen=True)
class SeasonEvent:
    """An international sports event of the season and what it needs."""

    event: str
    name: Name
    window: DateRange
    duration_days: int
    attendance: int
    required_features: tuple[str, ...]
    candidate_venues: tuple[str, ...]
    why_no_venue: str | None
    published: PublishedEvent | None
    gap_before: int | None = None
    """Clear days since the previous published international sports event, when both are."""


@dataclass(frozen=True)
class Season:
    year: int
    events: list[SeasonEvent]
    targets: list[TargetStatus]
    min_gap_days: int | None
    venue_names: dict[str, Name]
    before: PublishedEvent | None = None
    """The last published international sports event before the year, which the first
    event's gap is measured from."""


def season(year: int, version: ScheduleVersion | None) -> Season:
    """The international sports events of ``year`` with targets, spacing and venue needs."""
    days = year_range(year)
    problem: Problem = catalogue_export(start=days.start, end=days.end)
    sports = tuple(e for e in problem.events if e.category == "sports" and e.international)
    options = event_options(replace(problem, events=sports))
    shown = {
        pe.event_code: pe
        for pe in (
            version.events.filter(status=PublishedEvent.Status.CONFIRMED, category="sports")
            if version
            else ()
        )
    }
    events = []
    for event in sports:
        opts = options[event.id]
        events.append(
            SeasonEvent(
                event=event.id,
                name=event.name,
                window=problem.window_of(event),
                duration_days=event.duration_days,
                attendance=event.effective_attendance,
                required_features=tuple(sorted(event.effective_required_features)),
                candidate_venues=tuple(sorted(opts.starts)),
                why_no_venue=opts.reason,
                published=shown.get(event.id),
            )
        )
    events.sort(key=lambda e: (e.published.start_date if e.published else e.window.start, e.event))
    before = _last_before(version, days.start, (e.event for e in events))
    return Season(
        year=year,
        events=_with_gaps(events, before),
        before=before,
        targets=[s for s in targets_status(year, version) if s.target.category == "sports"],
        min_gap_days=(problem.effective_rules.min_gap_days or {}).get("sports"),
        venue_names={v.id: v.name for v in problem.venues},
    )


def _last_before(
    version: ScheduleVersion | None, day: dt.date, season: Iterable[str]
) -> PublishedEvent | None:
    """The published international sports event that ended last before ``day``, leaving
    out the ``season``'s own events (one whose window reaches back over New Year)."""
    if version is None:
        return None
    return (
        version.events.filter(
            status=PublishedEvent.Status.CONFIRMED,
            category="sports",
            international=True,
            end_date__lt=day,
        )
        .exclude(event_code__in=list(season))
        .order_by("-end_date")
        .first()
    )


def _with_gaps(events: list[SeasonEvent], before: PublishedEvent | None) -> list[SeasonEvent]:
    """Each published event with its clear days since the previous published one (rule 8).

    The spacing rule does not stop at New Year, so the first event of the
    season is measured from ``before``, the last one of the years before.
    """
    last_end = before.end_date if before is not None else None
    spaced = []
    for event in events:
        if event.published is None:
            spaced.append(event)
            continue
        gap = None if last_end is None else (event.published.start_date - last_end).days - 1
        spaced.append(replace(event, gap_before=gap))
        last_end = event.published.end_date
    return spaced
