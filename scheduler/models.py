"""Solve runs and the plans they produce.

A solve run keeps a snapshot of the problem it was given, so that what the
solver saw can always be replayed, whatever happened to the catalogue since.
A plan is written in the same transaction that marks its run succeeded: a run
that fails leaves no plan behind.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from scheduler.problem import Name


class SolveRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        SUCCEEDED = "succeeded", "succeeded"
        FAILED = "failed", "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    horizon_start = models.DateField()
    horizon_end = models.DateField()
    time_limit_s = models.FloatField()
    workers = models.PositiveSmallIntegerField()
    seed = models.IntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    problem = models.JSONField(help_text="The problem exactly as handed to the solver.")
    solution = models.JSONField(null=True, blank=True)

    solver_status = models.CharField(max_length=16, blank=True)
    objective = models.FloatField(null=True, blank=True)
    best_bound = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    elapsed_s = models.FloatField(null=True, blank=True)
    solutions_found = models.PositiveIntegerField(default=0)
    targets_met = models.BooleanField(null=True, blank=True)
    diagnosis = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Last sign of life of the process solving the run, written every few "
        "seconds while it runs; a run silent for SOLVER_HEARTBEAT_TIMEOUT_S is failed.",
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon_end__gte=F("horizon_start")),
                name="solverun_horizon_end_after_start",
            ),
            models.CheckConstraint(condition=Q(time_limit_s__gt=0), name="solverun_time_limit_pos"),
            models.CheckConstraint(condition=Q(workers__gte=1), name="solverun_workers_pos"),
        ]

    def __str__(self) -> str:
        return f"Solve {self.horizon_start}..{self.horizon_end} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}


class Plan(models.Model):
    """The placements one successful solve run produced."""

    solve_run = models.OneToOneField(SolveRun, on_delete=models.CASCADE, related_name="plan")
    horizon_start = models.DateField()
    horizon_end = models.DateField()
    solver_status = models.CharField(max_length=16)
    objective = models.FloatField(null=True, blank=True)
    targets_met = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Plan {self.horizon_start}..{self.horizon_end} of {self.created_at:%Y-%m-%d %H:%M}"


class Placement(models.Model):
    """An event placed in a venue: its public days and the days the venue is taken."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="placements")
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="placements")
    venue = models.ForeignKey("venues.Venue", on_delete=models.PROTECT, related_name="placements")
    start = models.DateField(help_text="First public day.")
    end = models.DateField(help_text="Last public day.")
    occupancy_start = models.DateField(help_text="First move-in day.")
    occupancy_end = models.DateField(help_text="Last move-out day.")

    class Meta:
        ordering = ["start", "event_id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "event"], name="placement_event_once_per_plan"),
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="placement_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(occupancy_start__lte=F("start")) & Q(occupancy_end__gte=F("end")),
                name="placement_occupancy_covers_public_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} at {self.venue_id} {self.start}..{self.end}"


class RoomBlock(models.Model):
    """Rooms held in one hotel on every night of a placed event."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="room_blocks")
    hotel = models.ForeignKey("venues.Hotel", on_delete=models.PROTECT, related_name="room_blocks")
    rooms_per_night = models.PositiveIntegerField()
    first_night = models.DateField()
    last_night = models.DateField()

    class Meta:
        ordering = ["first_night", "hotel_id"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "hotel"], name="roomblock_hotel_once"),
            models.CheckConstraint(
                condition=Q(last_night__gte=F("first_night")), name="roomblock_nights_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rooms_per_night} rooms at {self.hotel_id} from {self.first_night}"


# --- publishing ---------------------------------------------------------------
# Written only by scheduler.publishing; feeds and public pages read nothing else.


class ImmutableModel(models.Model):
    """A row that may be created but never changed: what was published stays published."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError(f"{type(self).__name__} is immutable once published")
        super().save(*args, **kwargs)


class ScheduleVersion(ImmutableModel):
    """One published schedule: version 1, 2, 3... of the city's public calendar."""

    number = models.PositiveIntegerField(unique=True)
    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="schedule_version")
    comment = models.TextField(blank=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    changelog = models.JSONField(
        default=dict, help_text="Events added, moved and cancelled against the previous version."
    )

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="scheduleversion_number_pos"),
        ]

    def __str__(self) -> str:
        return f"Schedule version {self.number}"


class PublishedEvent(ImmutableModel):
    """The public facts of one event as a version published them, frozen."""

    class Status(models.TextChoices):
        CONFIRMED = "CONFIRMED", "confirmed"
        CANCELLED = "CANCELLED", "cancelled"

    version = models.ForeignKey(ScheduleVersion, on_delete=models.CASCADE, related_name="events")
    event_code = models.CharField(max_length=64)
    name_zh = models.CharField(max_length=200, blank=True)
    name_en = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=16)
    international = models.BooleanField(default=False)
    start_date = models.DateField(help_text="First public day.")
    end_date = models.DateField(help_text="Last public day (inclusive).")
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    venue_code = models.CharField(max_length=64)
    venue_name_zh = models.CharField(max_length=200, blank=True)
    venue_name_en = models.CharField(max_length=200, blank=True)
    venue_address_zh = models.CharField(max_length=300, blank=True)
    venue_address_en = models.CharField(max_length=300, blank=True)
    venue_lat = models.FloatField(null=True, blank=True)
    venue_lon = models.FloatField(null=True, blank=True)
    description_zh = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    sequence = models.PositiveIntegerField(default=0)
    last_modified = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start_date", "event_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "event_code"], name="publishedevent_once_per_version"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="publishedevent_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="CONFIRMED", cancelled_at__isnull=True)
                | Q(status="CANCELLED", cancelled_at__isnull=False),
                name="publishedevent_cancelled_has_date",
            ),
        ]
        indexes = [models.Index(fields=["version", "category"])]

    def __str__(self) -> str:
        return f"{self.event_code} v{self.version_id} seq {self.sequence} {self.status}"

    def name(self, lang: str) -> str:
        """The event's name in ``lang`` ("zh" or "en"), else in the other language."""
        return Name(self.name_zh, self.name_en).text(lang)

    def venue_name(self, lang: str) -> str:
        return Name(self.venue_name_zh, self.venue_name_en).text(lang)

    def venue_address(self, lang: str) -> str:
        return Name(self.venue_address_zh, self.venue_address_en).text(lang)

    def description(self, lang: str) -> str:
        return Name(self.description_zh, self.description_en).text(lang)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class FeedToken(models.Model):
    """The secret in a staff member's private feed URLs; rotating it revokes the old URLs."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token"
    )
    token = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField()

    def __str__(self) -> str:
        return f"Feed token of {self.user}"


# --- what-if scenarios -----------------------------------------------------------
# Written only by scheduler.scenarios. A scenario's changes live here, not in the
# catalogue, until its plan is published.


class Scenario(models.Model):
    """A planner's what-if: events added or changed against the published schedule.

    ``events`` holds exchange-format event dicts: one whose id is in the
    catalogue overrides the fields it gives, any other adds an event;
    ``withdrawn`` lists catalogue events left out of the re-plan. The
    catalogue and the published plan stay as they are until the scenario's
    plan is published.
    """

    name = models.CharField(max_length=200)
    base_version = models.ForeignKey(
        ScheduleVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scenarios",
        help_text="The published schedule the scenario starts from (none before the first).",
    )
    horizon_start = models.DateField()
    horizon_end = models.DateField()
    events = models.JSONField(default=list, blank=True)
    withdrawn = models.JSONField(
        default=list,
        blank=True,
        help_text="Codes of catalogue events the scenario leaves out (the organiser pulls out).",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    solve_run = models.ForeignKey(
        SolveRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scenarios",
        help_text="The latest solve of the scenario.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon_end__gte=F("horizon_start")),
                name="scenario_horizon_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name
