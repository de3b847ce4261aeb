"""Events the city wants to host, the yearly targets, blackouts and planning rules.

Every field of an event in the exchange format has a column here; the
format's nested objects are flattened with a prefix (``window_start``,
``hotel_rooms_per_night``, ``pinned_venue``; a partial pin sets one of the
two ``pinned_*`` columns). Lifecycle changes go through
``events.services``; ``events.validation`` holds every domain check.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from events import validation
from scheduler.format import MAX_DAYS, MAX_QUANTITY, MAX_ROOMS
from scheduler.problem import CATEGORIES
from venues.models import (
    FORMAT_DATES,
    BilingualName,
    Feature,
    Revised,
    Venue,
    at_most,
    bilingual_name_constraint,
    format_id_field,
)

CATEGORY_CHOICES = [(category, category) for category in CATEGORIES]
non_negative = MinValueValidator(0)


def gap_field() -> models.PositiveSmallIntegerField:
    """Clear days between two international events of a category; empty: no rule."""
    return models.PositiveSmallIntegerField(null=True, blank=True, validators=[at_most(MAX_DAYS)])


def both_or_neither(first: str, second: str) -> Q:
    return Q(**{f"{first}__isnull": True, f"{second}__isnull": True}) | Q(
        **{f"{first}__isnull": False, f"{second}__isnull": False}
    )


class Event(Revised, BilingualName):
    class Status(models.TextChoices):
        REQUESTED = "requested", "requested"
        PLACED = "placed", "placed"
        CONFIRMED = "confirmed", "confirmed"
        CANCELLED = "cancelled", "cancelled"

    id = format_id_field()
    category = models.CharField(max_length=16, choices=CATEGORY_CHOICES)
    international = models.BooleanField()
    duration_days = models.PositiveIntegerField(
        validators=[MinValueValidator(1), at_most(MAX_DAYS)], help_text="Public days."
    )
    setup_days = models.PositiveIntegerField(
        default=0, validators=[non_negative, at_most(MAX_DAYS)]
    )
    teardown_days = models.PositiveIntegerField(
        default=0, validators=[non_negative, at_most(MAX_DAYS)]
    )
    window_start = models.DateField(
        null=True, blank=True, validators=FORMAT_DATES, help_text="Empty: the horizon."
    )
    window_end = models.DateField(null=True, blank=True, validators=FORMAT_DATES)
    preferred_start = models.DateField(null=True, blank=True, validators=FORMAT_DATES)
    attendance = models.PositiveIntegerField(
        default=0, validators=[non_negative, at_most(MAX_QUANTITY)]
    )
    area_m2 = models.PositiveIntegerField(
        default=0, validators=[non_negative, at_most(MAX_QUANTITY)]
    )
    exclusive = models.BooleanField(default=False)
    required_features = models.ManyToManyField(Feature, blank=True, related_name="required_by")
    allowed_venues = models.ManyToManyField(
        Venue, blank=True, related_name="allowed_events", help_text="Empty: any venue that fits."
    )
    hotel_rooms_per_night = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[non_negative, at_most(MAX_ROOMS)],
        help_text="Empty: needs no rooms.",
    )
    hotel_min_stars = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(5)]
    )
    hotel_max_distance_km = models.FloatField(
        null=True, blank=True, validators=[non_negative], help_text="Empty: no limit."
    )
    hotel_nights_before = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[at_most(MAX_DAYS)]
    )
    hotel_nights_after = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[at_most(MAX_DAYS)]
    )
    value = models.FloatField(default=0, validators=[non_negative])
    mandatory = models.BooleanField(default=False)
    start_time = models.TimeField(null=True, blank=True, help_text="Empty: all-day.")
    end_time = models.TimeField(null=True, blank=True)
    description_zh = models.TextField("description (zh)", blank=True)
    description_en = models.TextField("description (en)", blank=True)
    organiser = models.CharField(max_length=200, blank=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    pinned_venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.PROTECT, related_name="pinned_events"
    )
    pinned_start = models.DateField(null=True, blank=True, validators=FORMAT_DATES)
    previous_venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.PROTECT, related_name="previous_events"
    )
    previous_start = models.DateField(null=True, blank=True, validators=FORMAT_DATES)

    class Meta:
        ordering = ["id"]
        constraints = [
            bilingual_name_constraint("event"),
            models.CheckConstraint(condition=Q(duration_days__gte=1), name="event_duration_gte_1"),
            models.CheckConstraint(
                condition=Q(setup_days__gte=0, teardown_days__gte=0, attendance__gte=0)
                & Q(area_m2__gte=0, value__gte=0),
                name="event_sizes_gte_0",
            ),
            models.CheckConstraint(
                condition=both_or_neither("window_start", "window_end"),
                name="event_window_complete",
            ),
            models.CheckConstraint(
                condition=Q(window_end__gte=F("window_start")) | Q(window_start__isnull=True),
                name="event_window_end_gte_start",
            ),
            models.CheckConstraint(
                # isnull=False too: NULL > 0 is unknown, which a CHECK lets through.
                condition=Q(hotel_rooms_per_night__isnull=False, hotel_rooms_per_night__gt=0)
                | Q(
                    hotel_min_stars__isnull=True,
                    hotel_max_distance_km__isnull=True,
                    hotel_nights_before__isnull=True,
                    hotel_nights_after__isnull=True,
                ),
                name="event_hotel_need_has_rooms",
            ),
            models.CheckConstraint(
                condition=Q(hotel_max_distance_km__gte=0) | Q(hotel_max_distance_km__isnull=True),
                name="event_hotel_distance_gte_0",
            ),
            models.CheckConstraint(
                condition=both_or_neither("previous_venue", "previous_start"),
                name="event_previous_complete",
            ),
            # A contract pins the venue, the first day or both (a partial pin, docs/catalogue.md).
            models.CheckConstraint(
                condition=~Q(status="confirmed")
                | Q(pinned_venue__isnull=False)
                | Q(pinned_start__isnull=False),
                name="event_confirmed_is_pinned",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "cancelled"])
                | Q(pinned_venue__isnull=True, pinned_start__isnull=True),
                name="event_pinned_is_confirmed",
            ),
        ]

    def clean(self) -> None:
        validation.raise_errors(validation.event_errors(self))


class Target(models.Model):
    """At least ``min_count`` events of a category in a year (international only, or all)."""

    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    category = models.CharField(max_length=16, choices=CATEGORY_CHOICES)
    international = models.BooleanField(null=True, blank=True, help_text="Empty: count all.")
    min_count = models.PositiveIntegerField(validators=[non_negative, at_most(MAX_QUANTITY)])

    class Meta:
        ordering = ["year", "category", "international"]
        constraints = [
            models.CheckConstraint(condition=Q(min_count__gte=0), name="target_min_count_gte_0"),
            models.UniqueConstraint(
                fields=["year", "category", "international"],
                condition=Q(international__isnull=False),
                name="target_unique_year_category_international",
                violation_error_message="There is already a target for this year and category.",
            ),
            models.UniqueConstraint(
                fields=["year", "category"],
                condition=Q(international__isnull=True),
                name="target_unique_year_category_all",
                violation_error_message="There is already a target for this year and category.",
            ),
        ]

    def __str__(self) -> str:
        scope = {None: "all", True: "international", False: "domestic"}[self.international]
        return f"{self.year} {self.category} ({scope}) >= {self.min_count}"


class Blackout(models.Model):
    """Days no public day of the named categories (all when empty) may fall on."""

    start = models.DateField(validators=FORMAT_DATES)
    end = models.DateField(validators=FORMAT_DATES)
    categories = models.JSONField(
        null=True, blank=True, help_text='A list such as ["sports"]; empty: every category.'
    )
    reason_zh = models.CharField("reason (zh)", max_length=300, blank=True)
    reason_en = models.CharField("reason (en)", max_length=300, blank=True)

    class Meta:
        ordering = ["start", "end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="blackout_end_gte_start"),
        ]

    def __str__(self) -> str:
        return f"{self.start}..{self.end} {self.reason_zh or self.reason_en}"

    def clean(self) -> None:
        validation.raise_errors(validation.blackout_errors(self))


class PlanningRules(models.Model):
    """The one row of city-wide planning rules (the format's ``rules``).

    Every column is optional: empty means the rule is off (gaps, concurrency)
    or the format's default applies (weights).
    """

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    min_gap_conference_days = gap_field()
    min_gap_exhibition_days = gap_field()
    min_gap_sports_days = gap_field()
    major_attendance_at_least = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[at_most(MAX_QUANTITY)],
        help_text="An event this large or larger is major.",
    )
    major_max_events = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Most major events with a public day on any day."
    )
    weight_preference_per_day = models.FloatField(null=True, blank=True, validators=[non_negative])
    weight_hotel_km_per_room_night = models.FloatField(
        null=True, blank=True, validators=[non_negative]
    )
    weight_change_penalty = models.FloatField(null=True, blank=True, validators=[non_negative])
    weight_target_shortfall = models.FloatField(null=True, blank=True, validators=[non_negative])

    class Meta:
        verbose_name = "planning rules"
        verbose_name_plural = "planning rules"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="planningrules_singleton"),
            models.CheckConstraint(
                condition=both_or_neither("major_attendance_at_least", "major_max_events"),
                name="planningrules_major_complete",
                violation_error_message="Give both the attendance and the number of events.",
            ),
        ]

    def __str__(self) -> str:
        return "Planning rules"

    def clean(self) -> None:
        validation.raise_errors(validation.planning_rules_errors(self))

    def min_gap_days(self, category: str) -> int | None:
        return getattr(self, f"min_gap_{category}_days")
