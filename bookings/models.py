"""Option holds: an organiser's 1st, 2nd, 3rd... option on a venue's dates.

A hold keeps the venue's days of one event (its occupancy, move-in and
move-out included) until ``expires_on``. Holds on the same venue whose days
overlap queue up: ``rank`` 1 is the first option, the one a venue office
would confirm. Only ``bookings.services`` writes holds, so ranks, promotion
and notices stay consistent.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history import register
from simple_history.models import HistoricalRecords

from events.models import Event
from scheduler.models import Plan, ScheduleVersion

# Who changed what and when, for the models of other apps (docs/planner.md#history).
# Registered here rather than declared on the models so the historical tables
# are this app's migrations: the catalogue and scheduler apps keep theirs. The
# records are written on post_save, so ScheduleVersion stays immutable: its
# one history row is its creation.
# An event's required features and allowed venues are lists: their changes
# are history entries of their own, with the lists before and after.
# The revision counts saves for the API's ETags; it is no change a person made.
register(
    Event,
    app="bookings",
    m2m_fields=["required_features", "allowed_venues"],
    excluded_fields=["revision"],
)
register(Plan, app="bookings")
register(ScheduleVersion, app="bookings")


def ordinal(rank: int) -> str:
    """A rank as the venue office says it: 1st, 2nd, 3rd, 11th, 21st option."""
    teens = 10 <= rank % 100 <= 20
    return f"{rank}{'th' if teens else {1: 'st', 2: 'nd', 3: 'rd'}.get(rank % 10, 'th')}"


class VenueHold(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "active"
        RELEASED = "released", "released"
        EXPIRED = "expired", "expired"
        CONFIRMED = "confirmed", "confirmed"
        SUPERSEDED = "superseded", "superseded"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="holds")
    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="holds")
    start = models.DateField(help_text="First public day.")
    occupancy_start = models.DateField(help_text="First move-in day, fixed when placed.")
    occupancy_end = models.DateField(help_text="Last move-out day, fixed when placed.")
    rank = models.PositiveSmallIntegerField(
        help_text="1 is the first option among active holds on overlapping days."
    )
    expires_on = models.DateField(help_text="The last day the hold is kept.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    holder_email = models.EmailField(blank=True, help_text="Where notices about the hold go.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["venue", "occupancy_start", "rank", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(rank__gte=1), name="venuehold_rank_gte_1"),
            models.CheckConstraint(
                condition=Q(occupancy_start__lte=F("start"), occupancy_end__gte=F("start")),
                name="venuehold_occupancy_covers_start",
            ),
            models.UniqueConstraint(
                fields=["event", "venue"],
                condition=Q(status="active"),
                name="venuehold_one_active_per_event_and_venue",
                violation_error_message="The event already holds this venue.",
            ),
        ]
        indexes = [models.Index(fields=["venue", "status", "occupancy_start"])]

    def __str__(self) -> str:
        return f"{self.event_id} at {self.venue_id} from {self.start} (option {self.rank})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def overlaps(self, other: "VenueHold") -> bool:
        return (
            self.venue_id == other.venue_id
            and self.occupancy_start <= other.occupancy_end
            and other.occupancy_start <= self.occupancy_end
        )

    @property
    def notice_email(self) -> str:
        """Where notices go: the address given, else the holder's account address."""
        return self.holder_email or (self.holder.email if self.holder else "")
