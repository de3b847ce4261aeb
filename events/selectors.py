"""Reads of events, targets, blackouts and rules: querysets ready for the API and the exporter."""

from django.db.models import Q, QuerySet

from events.models import Blackout, Event, PlanningRules, Target


def event_list() -> QuerySet[Event]:
    return Event.objects.prefetch_related("required_features", "allowed_venues")


def event_list_in_year(*, year: int, events: QuerySet[Event] | None = None) -> QuerySet[Event]:
    """Events tied to ``year``: window overlapping it, pinned or placed in it, or no window.

    An event without a window or placement may take place in any year.
    """
    events = event_list() if events is None else events
    return events.filter(
        Q(window_start__year__lte=year, window_end__year__gte=year)
        | Q(window_start__isnull=True, pinned_start__isnull=True, previous_start__isnull=True)
        | Q(pinned_start__year=year)
        | Q(previous_start__year=year)
    )


def target_list() -> QuerySet[Target]:
    return Target.objects.all()


def blackout_list() -> QuerySet[Blackout]:
    return Blackout.objects.all()


def planning_rules_get() -> PlanningRules:
    """The planning rules; unsaved defaults (every rule off) until someone sets them."""
    return PlanningRules.objects.filter(pk=PlanningRules.SINGLETON_ID).first() or PlanningRules()
