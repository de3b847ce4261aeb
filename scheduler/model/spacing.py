"""Rules 8 and 9: spacing between international events of a category, and major events per day."""

from __future__ import annotations

from scheduler.model.plan import PlanModel


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
