"""Splits a problem into parts that no rule or target connects, to be solved one by one.

The objective is a sum over events and targets, and every hard rule ties
together only events that can meet: in one venue on overlapping days, in
one hotel on overlapping nights, within a spacing gap, on the same day as
major events, or counted by one target. Events that cannot meet in any plan
can be planned apart, and the best plans of the parts together are the best
plan of the whole. CP-SAT does not split a model by itself, and proving a
plan of two independent years optimal in one search costs far more than
proving each year alone (the Hefei demo: not proven in 10 s, against about
5 s a year).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import replace

from scheduler.candidates import EventOptions, night_span
from scheduler.days import DayIndex
from scheduler.problem import Event, Problem

# A stretch of days or nights an event may use of one shared resource.
Use = tuple[int, int, str]


class _Groups:
    """Union-find over event ids."""

    def __init__(self, ids: list[str]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, item: str) -> str:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def split(problem: Problem, options: dict[str, EventOptions]) -> list[Problem]:
    """The independent parts of ``problem`` in order of their first possible day.

    Every event and target is in exactly one part. Events that cannot be
    placed at all, and targets no event can count, join the first part: they
    meet nothing, and a part needs them only to report them.
    """
    placeable = [e for e in problem.events if options[e.id].placeable]
    if not placeable:
        return [problem]
    groups = _Groups([e.id for e in placeable])
    uses = _shared_resources(problem, placeable, options)
    for stretches in uses.values():
        _join_overlapping(groups, stretches)
    members: dict[str, list[str]] = {}
    for event in placeable:
        members.setdefault(groups.find(event.id), []).append(event.id)
    if len(members) == 1:
        return [problem]
    first_day = {e.id: min(min(days) for days in options[e.id].starts.values()) for e in placeable}
    parts = sorted(members.values(), key=lambda ids: min(first_day[i] for i in ids))
    return _subproblems(problem, parts, uses)


def _join_overlapping(groups: _Groups, uses: list[Use]) -> None:
    """Joins events whose stretches of one resource overlap (a sweep over sorted stretches)."""
    uses = sorted(uses)
    reach, last = uses[0][1], uses[0][2]
    for lo, hi, event_id in uses[1:]:
        if lo <= reach:
            groups.join(last, event_id)
        reach, last = max(reach, hi), event_id


def _shared_resources(
    problem: Problem, events: list[Event], options: dict[str, EventOptions]
) -> dict[Hashable, list[Use]]:
    """Per shared resource, the stretch of days each event may use of it."""
    uses: dict[Hashable, list[Use]] = {}
    for event in events:
        for resource, lo, hi in _resources(problem, event, options[event.id]):
            uses.setdefault(resource, []).append((lo, hi, event.id))
    return uses


def _resources(
    problem: Problem, event: Event, options: EventOptions
) -> Iterator[tuple[Hashable, int, int]]:
    """What ``event`` may take of each resource a rule shares, as (resource, first, last day)."""
    starts = [day for days in options.starts.values() for day in days]
    first, last = min(starts), max(starts)
    for venue_id, days in options.starts.items():  # rules 2-3
        yield (
            ("venue", venue_id),
            min(days) - event.effective_setup_days,
            max(days) + event.duration_days - 1 + event.effective_teardown_days,
        )
    nights = night_span(event, first, last)
    if nights is not None:  # rule 7
        for option in options.hotels:
            yield ("hotel", option.hotel.id), *nights
    rules = problem.effective_rules
    gap = (rules.min_gap_days or {}).get(event.category)
    if gap is not None and event.international:  # rule 8
        yield ("gap", event.category), first, last + event.duration_days - 1 + gap
    major = rules.max_concurrent_major
    if major is not None and event.effective_attendance >= major.attendance_at_least:  # rule 9
        yield ("major",), first, last + event.duration_days - 1
    for index in _targets_counting(problem, event, first, last):  # rule 10
        yield ("target", index), 0, 0


def _targets_counting(problem: Problem, event: Event, first: int, last: int) -> list[int]:
    """The targets ``event`` may count for, when its first public day is between first and last."""
    days = DayIndex(problem.horizon.start)
    years = range(days.date(first).year, days.date(last).year + 1)
    return [
        index
        for index, target in enumerate(problem.targets)
        if target.counts(event) and target.year in years
    ]


def _subproblems(
    problem: Problem, parts: list[list[str]], uses: dict[Hashable, list[Use]]
) -> list[Problem]:
    """One problem per part, each with its events and targets in the problem's order.

    A target goes with the events that may count for it (they are one part).
    """
    event_part = {event_id: number for number, ids in enumerate(parts) for event_id in ids}
    target_part = [
        event_part[uses[key][0][2]] if (key := ("target", index)) in uses else 0
        for index in range(len(problem.targets))
    ]
    return [
        replace(
            problem,
            events=tuple(e for e in problem.events if event_part.get(e.id, 0) == number),
            targets=tuple(
                t for t, p in zip(problem.targets, target_part, strict=True) if p == number
            ),
        )
        for number in range(len(parts))
    ]
