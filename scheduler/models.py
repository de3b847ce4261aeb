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
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="placement_end_after_start"),
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
