"""Rule 3: sharing a venue's area, and exclusive events alone in it.

Area is a cumulative over the occupancy intervals. Exclusivity is a second
cumulative rather than full-area demand, because a venue with area 0 (a
stadium) or events with area 0 would let a full-area demand of 0 share:
with K non-exclusive candidates, each takes 1 of K and an exclusive event
takes all K, so any two events overlap only when neither is exclusive.
Venue closures need no intervals: they are cut out of the start domains.
"""

from __future__ import annotations

from collections import defaultdict

from scheduler.model.plan import PlanModel


def add_venue_sharing(plan: PlanModel) -> None:
    """Adds, per venue, the area cumulative and the exclusivity constraint."""
    by_venue: dict[str, list[str]] = defaultdict(list)
    for event_id, venue_id in plan.occupancy:
        by_venue[venue_id].append(event_id)
    for venue_id, event_ids in by_venue.items():
        if len(event_ids) > 1:
            _add_area(plan, venue_id, event_ids)
            _add_exclusivity(plan, venue_id, event_ids)


def _add_area(plan: PlanModel, venue_id: str, event_ids: list[str]) -> None:
    area = plan.problem.venue(venue_id).effective_area_m2
    sharing = [
        e
        for e in event_ids
        if not plan.problem.event(e).is_exclusive and plan.problem.event(e).effective_area_m2
    ]
    demands = [plan.problem.event(e).effective_area_m2 for e in sharing]
    if len(sharing) > 1 and sum(demands) > area:
        intervals = [plan.occupancy[e, venue_id] for e in sharing]
        plan.model.add_cumulative(intervals, demands, area)


def _add_exclusivity(plan: PlanModel, venue_id: str, event_ids: list[str]) -> None:
    exclusive = [e for e in event_ids if plan.problem.event(e).is_exclusive]
    if not exclusive:
        return
    shared = [e for e in event_ids if e not in exclusive]
    if not shared:
        plan.model.add_no_overlap([plan.occupancy[e, venue_id] for e in exclusive])
        return
    full = len(shared)
    intervals = [plan.occupancy[e, venue_id] for e in exclusive + shared]
    demands = [full] * len(exclusive) + [1] * len(shared)
    plan.model.add_cumulative(intervals, demands, full)
