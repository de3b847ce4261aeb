"""Venues and hotels: the places the city can offer, with the days they cannot.

Primary keys are the exchange format's ids, so a venue is ``binhu-expo`` in
the URL, the admin, the problem file and every plan alike.
"""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q

from events import validation
from scheduler.format import FIRST_DATE, ID_PATTERN, LAST_DATE, MAX_QUANTITY, MAX_ROOMS
from scheduler.problem import VENUE_KINDS

format_id_validator = RegexValidator(
    f"^{ID_PATTERN.pattern}$", "Use 1 to 64 letters, digits, '_', '.' or '-'."
)
non_negative = MinValueValidator(0)
# The exchange format's limits (scheduler.format), so that every catalogue
# row exports to a problem the solver reads.
at_most = MaxValueValidator
FORMAT_DATES = [
    validator(limit, message=f"Dates run from {FIRST_DATE} to {LAST_DATE} in the exchange format.")
    for validator, limit in ((MinValueValidator, FIRST_DATE), (MaxValueValidator, LAST_DATE))
]


def format_id_field(**kwargs) -> models.CharField:
    """The primary key: an id of the exchange format."""
    return models.CharField(
        "id", max_length=64, primary_key=True, validators=[format_id_validator], **kwargs
    )


def latitude_field() -> models.FloatField:
    return models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )


def longitude_field() -> models.FloatField:
    return models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )


def bilingual_name_constraint(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=~Q(name_zh="", name_en=""),
        name=f"{prefix}_has_a_name",
        violation_error_message="Give a name in Chinese or English.",
    )


class Revised(models.Model):
    """A row whose every save counts one revision: the API's ETag, so a stale edit is refused.

    Counted in ``save`` rather than in each service, so no write of the row
    (an edit, a confirmation, an import, the admin) can leave it unchanged.
    """

    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self._state.adding:
            super().save(*args, **kwargs)
            return
        # Counted by the database, not from this copy: a copy read before another
        # write must not hand out that write's revision again.
        self.revision = models.F("revision") + 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "revision"}
        super().save(*args, **kwargs)
        self.refresh_from_db(fields=["revision"])


class BilingualName(models.Model):
    """Chinese and English names; the format needs at least one of the two."""

    name_zh = models.CharField("name (zh)", max_length=200, blank=True)
    name_en = models.CharField("name (en)", max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name_zh or self.name_en


class Feature(models.Model):
    """A facility tag a venue has and an event may require (``plenary_hall``)."""

    code = models.CharField(max_length=64, primary_key=True, validators=[format_id_validator])
    name_zh = models.CharField("name (zh)", max_length=200, blank=True)
    name_en = models.CharField("name (en)", max_length=200, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Venue(Revised, BilingualName):
    KINDS = [(kind, kind.replace("_", " ")) for kind in VENUE_KINDS]

    id = format_id_field()
    kind = models.CharField(max_length=32, choices=KINDS)
    district = models.CharField(max_length=100, blank=True)
    address_zh = models.CharField("address (zh)", max_length=300, blank=True)
    address_en = models.CharField("address (en)", max_length=300, blank=True)
    lat = latitude_field()
    lon = longitude_field()
    capacity = models.PositiveIntegerField(
        validators=[non_negative, at_most(MAX_QUANTITY)], help_text="Most people on site at once."
    )
    area_m2 = models.PositiveIntegerField(
        default=0,
        validators=[non_negative, at_most(MAX_QUANTITY)],
        help_text="Indoor lettable area; 0 where none.",
    )
    features = models.ManyToManyField(Feature, blank=True, related_name="venues")

    class Meta:
        ordering = ["id"]
        constraints = [
            bilingual_name_constraint("venue"),
            models.CheckConstraint(condition=Q(capacity__gte=0), name="venue_capacity_gte_0"),
            models.CheckConstraint(condition=Q(area_m2__gte=0), name="venue_area_gte_0"),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True)
                | Q(lat__isnull=False, lon__isnull=False),
                name="venue_location_complete",
                violation_error_message="Give both latitude and longitude, or neither.",
            ),
        ]

    def clean(self) -> None:
        validation.raise_errors(validation.venue_errors(self))


class VenueUnavailability(models.Model):
    """Days the venue cannot be let (maintenance, another contract)."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="unavailable")
    start = models.DateField(validators=FORMAT_DATES)
    end = models.DateField(validators=FORMAT_DATES)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["venue", "start", "id"]
        verbose_name_plural = "venue unavailabilities"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="venueunavailability_end_gte_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start}..{self.end}"

    def clean(self) -> None:
        validation.raise_errors(validation.range_errors(self.start, self.end))


class Hotel(Revised, BilingualName):
    id = format_id_field()
    stars = models.PositiveSmallIntegerField(validators=[MaxValueValidator(5)])
    district = models.CharField(max_length=100, blank=True)
    address_zh = models.CharField("address (zh)", max_length=300, blank=True)
    address_en = models.CharField("address (en)", max_length=300, blank=True)
    lat = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    block_rooms = models.PositiveIntegerField(
        validators=[non_negative, at_most(MAX_ROOMS)],
        help_text="Rooms per night the hotel contracts to events.",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            bilingual_name_constraint("hotel"),
            models.CheckConstraint(condition=Q(stars__lte=5), name="hotel_stars_lte_5"),
            models.CheckConstraint(condition=Q(block_rooms__gte=0), name="hotel_block_rooms_gte_0"),
        ]

    def clean(self) -> None:
        validation.raise_errors(validation.name_errors(self))


class HotelReduction(models.Model):
    """The rooms a hotel contracts on the nights of a range instead of its block (Golden Week,
    say): usually fewer, and the exchange format's ``reduced`` figure, which replaces it."""

    hotel = models.ForeignKey(Hotel, on_delete=models.CASCADE, related_name="reduced")
    start = models.DateField(validators=FORMAT_DATES)
    end = models.DateField(validators=FORMAT_DATES)
    block_rooms = models.PositiveIntegerField(validators=[non_negative, at_most(MAX_ROOMS)])

    class Meta:
        ordering = ["hotel", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="hotelreduction_end_gte_start"
            ),
            models.CheckConstraint(
                condition=Q(block_rooms__gte=0), name="hotelreduction_block_rooms_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start}..{self.end}: {self.block_rooms}"

    def clean(self) -> None:
        validation.raise_errors(validation.range_errors(self.start, self.end))
