"""Reads of events, targets, blackouts and rules: querysets ready for the API and the exporter."""

from django.db.models import QuerySet

from events.models import Blackout, Event, PlanningRules, Target


def event_list() -> QuerySet[Event]:
    return Event.objects.prefetch_related("required_features", "allowed_venues")


def target_list() -> QuerySet[Target]:
    return Target.objects.all()


def blackout_list() -> QuerySet[Blackout]:
    return Blackout.objects.all()


def planning_rules_get() -> PlanningRules:
    """The planning rules; unsaved defaults (every rule off) until someone sets them."""
    return PlanningRules.objects.filter(pk=PlanningRules.SINGLETON_ID).first() or PlanningRules()
