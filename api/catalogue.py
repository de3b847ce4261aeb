"""The catalogue over HTTP: venues, hotels, features, events, targets, blackouts, rules.

Views validate the request with a serializer, call a service and serialise
the result; every business rule lives in the services and
``events.validation``.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.etags import (
    IF_MATCH,
    PRECONDITION_FAILED,
    if_match_revisions,
    revision_checked,
    with_etag,
)
from api.permissions import require_category
from events import selectors, services
from events.models import CATEGORY_CHOICES, Blackout, Event, PlanningRules, Target
from scheduler.format import ID_PATTERN
from venues import selectors as venue_selectors
from venues import services as venue_services
from venues.models import Feature, Hotel, HotelReduction, Revised, Venue, VenueUnavailability

FORMAT_ID = ID_PATTERN.pattern  # the exchange format's ids, in the URLs too

# --- serializers -------------------------------------------------------------------------


class CatalogueSerializer(serializers.ModelSerializer):
    """A catalogue row; its id is given once, on create, and names it everywhere after."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        pk_name = self.Meta.model._meta.pk.name
        if self.instance is not None and pk_name in fields:
            fields[pk_name].read_only = True
        return fields


def feature_codes(**kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=Feature.objects.all(),
        many=True,
        required=False,
        error_messages={"does_not_exist": "Unknown feature {value}."},
        **kwargs,
    )


def venue_ids(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=Venue.objects.all(),
        error_messages={"does_not_exist": "Unknown venue {pk_value}."},
        **kwargs,
    )


class FeatureSerializer(CatalogueSerializer):
    class Meta:
        model = Feature
        fields = ["code", "name_zh", "name_en"]


class VenueUnavailabilitySerializer(serializers.ModelSerializer):
    class Meta:
        model = VenueUnavailability
        fields = ["start", "end", "reason"]


class VenueSerializer(CatalogueSerializer):
    features = feature_codes()
    unavailable = VenueUnavailabilitySerializer(many=True, required=False)

    class Meta:
        model = Venue
        fields = [
            "id",
            "name_zh",
            "name_en",
            "kind",
            "district",
            "address_zh",
            "address_en",
            "lat",
            "lon",
            "capacity",
            "area_m2",
            "features",
            "unavailable",
            "revision",
        ]


class HotelReductionSerializer(serializers.ModelSerializer):
    class Meta:
        model = HotelReduction
        fields = ["start", "end", "block_rooms"]


class HotelSerializer(CatalogueSerializer):
    reduced = HotelReductionSerializer(many=True, required=False)

    class Meta:
        model = Hotel
        fields = [
            "id",
            "name_zh",
            "name_en",
            "stars",
            "district",
            "address_zh",
            "address_en",
            "lat",
            "lon",
            "block_rooms",
            "reduced",
            "revision",
        ]


class EventSerializer(CatalogueSerializer):
    required_features = feature_codes()
    allowed_venues = venue_ids(many=True, required=False)

    class Meta:
        model = Event
        fields = [
            "id",
            "name_zh",
            "name_en",
            "category",
            "international",
            "duration_days",
            "setup_days",
            "teardown_days",
            "window_start",
            "window_end",
            "preferred_start",
            "attendance",
            "area_m2",
            "exclusive",
            "required_features",
            "allowed_venues",
            "hotel_rooms_per_night",
            "hotel_min_stars",
            "hotel_max_distance_km",
            "hotel_nights_before",
            "hotel_nights_after",
            "value",
            "mandatory",
            "start_time",
            "end_time",
            "description_zh",
            "description_en",
            "organiser",
            "status",
            "pinned_venue",
            "pinned_start",
            "previous_venue",
            "previous_start",
            "revision",
        ]
        # The lifecycle moves through the confirm/place/cancel actions only.
        read_only_fields = [
            "status",
            "pinned_venue",
            "pinned_start",
            "previous_venue",
            "previous_start",
        ]


class EventPlacementSerializer(serializers.Serializer):
    """The body of place (not a plan's ``Placement``: schema names must differ)."""

    venue = venue_ids()
    start = serializers.DateField(help_text="First public day.")


class EventContractSerializer(serializers.Serializer):
    """The body of confirm: what the contract fixes, venue, first day or both (a partial pin)."""

    venue = venue_ids(
        required=False, allow_null=True, help_text="Contracted venue; omit to leave it open."
    )
    start = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Contracted first public day; omit to leave it open.",
    )


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "year", "category", "international", "min_count"]
        validators = []  # the service reports a duplicate target, like any other error


class BlackoutSerializer(serializers.ModelSerializer):
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=CATEGORY_CHOICES),
        allow_null=True,
        allow_empty=False,
        required=False,
        help_text="Categories it applies to; null for every category.",
    )

    class Meta:
        model = Blackout
        fields = ["id", "start", "end", "categories", "reason_zh", "reason_en"]


class PlanningRulesSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanningRules
        exclude = ["id"]


# --- filters -----------------------------------------------------------------------------


class YearFilter(filters.NumberFilter):
    """A whole calendar year a date can have; any other is a 400, not a 500 from the lookup."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=dt.MINYEAR, max_value=dt.MAXYEAR, **kwargs)


class EventFilter(filters.FilterSet):
    year = YearFilter(
        method="filter_year",
        label="Window overlapping the year, pinned or placed in it, or no window.",
    )
    venue = filters.CharFilter(method="filter_venue", label="Pinned or placed in this venue.")
    feature = filters.CharFilter(field_name="required_features", label="Requires this feature.")

    class Meta:
        model = Event
        fields = ["category", "international", "status", "mandatory", "exclusive"]

    def filter_year(self, queryset, name: str, year: int):
        return selectors.event_list_in_year(year=year, events=queryset)

    def filter_venue(self, queryset, name: str, venue: str):
        return queryset.filter(Q(pinned_venue=venue) | Q(previous_venue=venue))


class BlackoutFilter(filters.FilterSet):
    year = YearFilter(method="filter_year", label="Overlapping the year.")

    class Meta:
        model = Blackout
        fields = {"start": ["gte", "lte"], "end": ["gte", "lte"]}

    def filter_year(self, queryset, name: str, year: int):
        return queryset.filter(start__year__lte=year, end__year__gte=year)


# --- views -------------------------------------------------------------------------------


class ServiceViewSet(viewsets.ModelViewSet):
    """CRUD whose writes go through the services named on the subclass.

    A row that counts revisions (``Revised``) is shown with its ETag and
    changed only while the request's If-Match, when sent, still names it
    (``api.etags``).
    """

    create_service: ClassVar[Callable[..., Any]]
    update_service: ClassVar[Callable[..., Any]]
    delete_service: ClassVar[Callable[..., None] | None] = None
    instance_kwarg: ClassVar[str]

    def perform_create(self, serializer: serializers.ModelSerializer) -> None:
        serializer.instance = type(self).create_service(**serializer.validated_data)

    def revisions(self, instance: Any) -> dict[str, Any]:
        """The If-Match condition for a service writing ``instance``, when it counts revisions."""
        if not isinstance(instance, Revised):
            return {}
        return {"revisions": if_match_revisions(self.request)}

    def perform_update(self, serializer: serializers.ModelSerializer) -> None:
        serializer.instance = type(self).update_service(
            **{self.instance_kwarg: serializer.instance},
            **serializer.validated_data,
            **self.revisions(serializer.instance),
        )

    def finalize_response(self, request: Request, response: Response, *args, **kwargs):
        return with_etag(super().finalize_response(request, response, *args, **kwargs))

    def perform_destroy(self, instance) -> None:
        if type(self).delete_service is None:
            instance.delete()
        else:
            type(self).delete_service(**{self.instance_kwarg: instance}, **self.revisions(instance))


class FeatureViewSet(ServiceViewSet):
    serializer_class = FeatureSerializer
    lookup_value_regex = FORMAT_ID
    search_fields = ["code", "name_zh", "name_en"]
    ordering_fields = ["code"]
    create_service = staticmethod(venue_services.feature_create)
    update_service = staticmethod(venue_services.feature_update)
    delete_service = staticmethod(venue_services.feature_delete)
    instance_kwarg = "feature"

    def get_queryset(self):
        return venue_selectors.feature_list()


@revision_checked(VenueSerializer)
class VenueViewSet(ServiceViewSet):
    serializer_class = VenueSerializer
    lookup_value_regex = FORMAT_ID
    filterset_fields = {
        "kind": ["exact"],
        "district": ["exact"],
        "features": ["exact"],
        "capacity": ["gte", "lte"],
        "area_m2": ["gte", "lte"],
    }
    search_fields = ["id", "name_zh", "name_en", "district", "address_zh", "address_en"]
    ordering_fields = ["id", "name_zh", "name_en", "kind", "district", "capacity", "area_m2"]
    create_service = staticmethod(venue_services.venue_create)
    update_service = staticmethod(venue_services.venue_update)
    delete_service = staticmethod(venue_services.venue_delete)
    instance_kwarg = "venue"

    def get_queryset(self):
        return venue_selectors.venue_list()


@revision_checked(HotelSerializer)
class HotelViewSet(ServiceViewSet):
    serializer_class = HotelSerializer
    lookup_value_regex = FORMAT_ID
    filterset_fields = {"stars": ["exact", "gte"], "district": ["exact"]}
    search_fields = ["id", "name_zh", "name_en", "district", "address_zh", "address_en"]
    ordering_fields = ["id", "name_zh", "name_en", "stars", "district", "block_rooms"]
    create_service = staticmethod(venue_services.hotel_create)
    update_service = staticmethod(venue_services.hotel_update)
    delete_service = staticmethod(venue_services.hotel_delete)
    instance_kwarg = "hotel"

    def get_queryset(self):
        return venue_selectors.hotel_list()


@revision_checked(EventSerializer)
class EventViewSet(ServiceViewSet):
    serializer_class = EventSerializer
    # Requests are tentative until published: the public reads published
    # events from the schedule versions, the feeds and the pages instead.
    read_permissions = ("events.view_event",)
    lookup_value_regex = FORMAT_ID
    filterset_class = EventFilter
    search_fields = ["id", "name_zh", "name_en", "organiser", "description_zh", "description_en"]
    ordering_fields = [
        "id",
        "name_zh",
        "name_en",
        "category",
        "status",
        "window_start",
        "pinned_start",
        "attendance",
        "value",
    ]
    create_service = staticmethod(services.event_create)
    update_service = staticmethod(services.event_update)
    delete_service = staticmethod(services.event_delete)
    instance_kwarg = "event"

    def get_queryset(self):
        return selectors.event_list()

    def perform_create(self, serializer: EventSerializer) -> None:
        require_category(self.request.user, serializer.validated_data["category"])
        super().perform_create(serializer)

    def perform_update(self, serializer: EventSerializer) -> None:
        # The stored category was checked with the object; a new one must be the role's too.
        if "category" in serializer.validated_data:
            require_category(self.request.user, serializer.validated_data["category"])
        super().perform_update(serializer)

    def _move(
        self,
        request: Request,
        service: Callable[..., Event],
        body_serializer: type[serializers.Serializer],
    ) -> Response:
        body = body_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = self.get_object()
        event = service(event=event, **body.validated_data, **self.revisions(event))
        return Response(self.get_serializer(event).data)

    @extend_schema(
        request=EventContractSerializer,
        responses={200: EventSerializer, 412: PRECONDITION_FAILED},
        parameters=[IF_MATCH],
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        """Contract the event to a venue, a first day or both (requested or placed -> confirmed).

        A contract of one half is confirmed again only to complete it.
        """
        return self._move(request, services.event_confirm, EventContractSerializer)

    @extend_schema(
        request=EventPlacementSerializer,
        responses={200: EventSerializer, 412: PRECONDITION_FAILED},
        parameters=[IF_MATCH],
    )
    @action(detail=True, methods=["post"])
    def place(self, request: Request, pk: str) -> Response:
        """Record the published plan's venue and first day (requested or placed -> placed).

        A confirmed event stays confirmed, its contract as signed.
        """
        return self._move(request, services.event_place, EventPlacementSerializer)

    @extend_schema(
        request=None,
        responses={200: EventSerializer, 412: PRECONDITION_FAILED},
        parameters=[IF_MATCH],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Call the event off (any status but cancelled -> cancelled)."""
        event = self.get_object()
        event = services.event_cancel(event=event, **self.revisions(event))
        return Response(self.get_serializer(event).data)


class TargetViewSet(ServiceViewSet):
    serializer_class = TargetSerializer
    filterset_fields = ["year", "category", "international"]
    ordering_fields = ["year", "category", "min_count"]
    create_service = staticmethod(services.target_create)
    update_service = staticmethod(services.target_update)
    instance_kwarg = "target"

    def get_queryset(self):
        return selectors.target_list()


class BlackoutViewSet(ServiceViewSet):
    serializer_class = BlackoutSerializer
    filterset_class = BlackoutFilter
    search_fields = ["reason_zh", "reason_en"]
    ordering_fields = ["start", "end"]
    create_service = staticmethod(services.blackout_create)
    update_service = staticmethod(services.blackout_update)
    instance_kwarg = "blackout"

    def get_queryset(self):
        return selectors.blackout_list()


class PlanningRulesView(generics.RetrieveUpdateAPIView):
    """The city-wide planning rules: one object to read and change."""

    serializer_class = PlanningRulesSerializer
    queryset = PlanningRules.objects.all()  # names the model whose permissions apply

    def get_object(self) -> PlanningRules:
        return selectors.planning_rules_get()

    def perform_update(self, serializer: PlanningRulesSerializer) -> None:
        serializer.instance = services.planning_rules_update(**serializer.validated_data)
