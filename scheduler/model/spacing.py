"""Rules 8 and 9: spacing between international events of a category, and major events per day."""

from __future__ import annotations

from collections import defaultdict

from scheduler.model.plan import PlanModel
from scheduler.problem import Event

# Peak load from which the spacing rule gets its time-indexed form as well:
# the Hefei demo's sports (0.37) are solved faster without it, the crowded
# seasons of the medium and large benchmarks (1.0-1.6) need it.
CROWDED = 0.75


def add_min_gap(plan: PlanModel) -> None:
    """Rule 8: public days stretched by g clear days may not overlap (g = 0: no overlap)."""
    gaps = plan.problem.effective_rules.min_gap_days or {}
    for category, gap in sorted(gaps.items()):
        events = [e for e in plan.events if e.category == category and e.international]
        if len(events) < 2:
            continue
        stretched = [
            plan.model.new_optional_fixed_size_interval_var(
                plan.start[e.id],
                e.duration_days + gap,
                plan.placed[e.id],
                f"gap[{e.id}]",
            )
            for e in events
        ]
        plan.model.add_no_overlap(stretched)
        if _peak_load(plan, events, gap) >= CROWDED:
            _add_day_slots(plan, events, gap)


def _peak_load(plan: PlanModel, events: list[Event], gap: int) -> float:
    """The largest share of a stretch of days that the spaced events inside it must fill.

    Over every stretch from one event's earliest start to another's latest
    stretched end, the days needed by the events that can only run inside
    it, divided by its length. Near 1 the events push each other off their
    preferred days; far below, they hardly meet.
    """
    reach = []
    for event in events:
        days = [day for days in plan.options[event.id].starts.values() for day in days]
        length = event.duration_days + gap
        reach.append((min(days), max(days) + length - 1, length))
    peak = 0.0
    for first, _, _ in reach:
        for _, last, _ in reach:
            if last > first:
                need = sum(n for lo, hi, n in reach if lo >= first and hi <= last)
                peak = max(peak, need / (last - first + 1))
    return peak


def _add_day_slots(plan: PlanModel, events: list[Event], gap: int) -> None:
    """Rule 8 again, time-indexed, for the LP relaxation: one literal per (event, first day).

    On any day at most one event's public days stretched by g may run. The
    no-overlap propagates; its LP relaxation only sees the energy between
    the earliest start and the latest end, which is far from the truth when
    a season is crowded (medium benchmark: 2.8 % gap with the rule, 0.6 %
    without it). The time-indexed form is the classic strong LP for one
    machine; with the deviation cut in ``objective.add_preference`` its LP
    prices how far the crowd pushes events from their preferred days.
    """
    model = plan.model
    running: dict[int, list] = defaultdict(list)
    for event in events:
        days = sorted(set().union(*plan.options[event.id].starts.values()))
        slots = {day: model.new_bool_var(f"slot[{event.id},{day}]") for day in days}
        model.add(sum(slots.values()) == plan.placed[event.id])
        for day, slot in slots.items():
            model.add(plan.start[event.id] == day).only_enforce_if(slot)
            for covered in range(day, day + event.duration_days + gap):
                running[covered].append(slot)
        plan.slots[event.id] = slots
    for slots in running.values():
        if len(slots) > 1:
            model.add_at_most_one(slots)


def add_max_concurrent_major(plan: PlanModel) -> None:
    """Rule 9: at most ``max_events`` major events have a public day on any day."""
    major = plan.problem.effective_rules.max_concurrent_major
    if major is None:
        return
    events = [e for e in plan.events if e.effective_attendance >= major.attendance_at_least]
    if len(events) <= major.max_events:
        return
    intervals = [plan.public[e.id] for e in events]
    plan.model.add_cumulative(intervals, [1] * len(intervals), major.max_events)
