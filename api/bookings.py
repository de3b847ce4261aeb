"""Availability, option holds and history over HTTP; staff only.

Holds carry organisers' addresses and the history names staff, so unlike
the catalogue nothing here is public; convention and sports staff see and
write the holds of their own categories only (``accounts.roles``). Views validate, call
``bookings.services`` or ``bookings.availability`` and serialise.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import event_categories
from api.permissions import require_category
from bookings import selectors, services
from bookings.availability import READ_PERMISSION, availability_search
from bookings.forms import AvailabilityForm
from bookings.models import VenueHold
from events.models import Event
from venues.models import Venue

# --- availability -------------------------------------------------------------------------


def availability_json(answer) -> dict[str, Any]:
    """The answer as JSON-ready data (dates as ISO strings)."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        return value.isoformat() if hasattr(value, "isoformat") else value

    return plain(asdict(answer))


class AvailabilityView(APIView):
    """Which venues can take an event in a window, on which first days, with which rooms.

    Like the holds listing, the answer shows each role the holds of its categories only.
    """

    read_permissions = (READ_PERMISSION,)

    @extend_schema(
        parameters=[
            OpenApiParameter(name, description=str(field.help_text or ""))
            for name, field in AvailabilityForm.base_fields.items()
        ],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        form = AvailabilityForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(
                {
                    field: [e["message"] for e in errors]
                    for field, errors in form.errors.get_json_data().items()
                }
            )
        answer = availability_search(
            request=form.availability_request(),
            hold_categories=event_categories(request.user),
        )
        return Response(availability_json(answer))


# --- holds ---------------------------------------------------------------------------------


class VenueHoldSerializer(serializers.ModelSerializer):
    class Meta:
        model = VenueHold
        fields = [
            "id",
            "event",
            "venue",
            "start",
            "occupancy_start",
            "occupancy_end",
            "rank",
            "expires_on",
            "status",
            "holder",
            "holder_email",
            "created_at",
        ]
        read_only_fields = [
            "occupancy_start",
            "occupancy_end",
            "rank",
            "status",
            "holder",
            "created_at",
        ]


class VenueHoldCreateSerializer(serializers.Serializer):
    event = serializers.PrimaryKeyRelatedField(
        queryset=Event.objects.all(), error_messages={"does_not_exist": "Unknown event {pk_value}."}
    )
    venue = serializers.PrimaryKeyRelatedField(
        queryset=Venue.objects.all(), error_messages={"does_not_exist": "Unknown venue {pk_value}."}
    )
    start = serializers.DateField(help_text="First public day.")
    expires_on = serializers.DateField(help_text="The last day the hold is kept.")
    holder_email = serializers.EmailField(required=False, allow_blank=True, default="")


class VenueHoldFilter(filters.FilterSet):
    class Meta:
        model = VenueHold
        fields = ["venue", "event", "status", "rank"]


class VenueHoldViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Option holds: list (expired ones are expired first), place, release, confirm."""

    read_permissions = ("bookings.view_venuehold",)
    serializer_class = VenueHoldSerializer
    filterset_class = VenueHoldFilter
    ordering_fields = ["venue", "start", "rank", "expires_on", "created_at"]

    def get_queryset(self):
        holds = selectors.hold_list()
        if self.action in ("list", "retrieve"):
            # Organisers' addresses are need-to-know: each role reads its categories' holds.
            # Writes see every hold, so another category's is a 403 (the category rule).
            holds = holds.filter(event__category__in=event_categories(self.request.user))
        return holds

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The listing is never stale even where cron does not run expire_holds.
        services.holds_expire()
        return super().list(request, *args, **kwargs)

    @extend_schema(request=VenueHoldCreateSerializer, responses={201: VenueHoldSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = VenueHoldCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        require_category(request.user, data.validated_data["event"].category)
        hold = services.hold_place(**data.validated_data, holder=request.user)
        return Response(self.get_serializer(hold).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=VenueHoldSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str) -> Response:
        """Give the hold up; the next options on its days move up."""
        return Response(self.get_serializer(services.hold_release(hold=self.get_object())).data)

    @extend_schema(request=None, responses=VenueHoldSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        """Book the venue: the event is confirmed there and competing holds lapse."""
        return Response(self.get_serializer(services.hold_confirm(hold=self.get_object())).data)


# --- history -----------------------------------------------------------------------------


def history_entries(event: Event, *, with_holds: bool) -> list[dict[str, Any]]:
    """The event's changes and (``with_holds``) its holds' changes, newest first."""
    entries = []
    holds = VenueHold.history.filter(event_id=event.pk) if with_holds else VenueHold.history.none()
    records = [
        *event.history.select_related("history_user"),
        *holds.select_related("history_user"),
    ]
    for record in records:
        changes = _changes(record)
        if record.history_type == "~" and not changes and not record.history_change_reason:
            continue  # a save that changed nothing: an event is saved before its lists are set
        entries.append(
            {
                "at": record.history_date.isoformat(),
                "by": record.history_user.get_username() if record.history_user else None,
                "object": "event" if isinstance(record, event.history.model) else "hold",
                "object_id": str(record.id),
                "type": {"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
    entries.sort(key=lambda entry: entry["at"], reverse=True)
    return entries


def _changes(record: Any) -> list[dict[str, Any]]:
    """What a history record changed against the one before it."""
    previous = record.prev_record
    if previous is None:
        return []
    return [
        {"field": c.field, "old": _plain(c.old), "new": _plain(c.new)}
        for c in record.diff_against(previous).changes
    ]


def _plain(value: Any) -> Any:
    """A value as JSON shows it: dates in ISO form, a list field as the ids it holds."""
    if isinstance(value, list):  # rows of a many-to-many table: {"event": ..., "venue": ...}
        return sorted(str(v) for row in value for k, v in row.items() if k != "event")
    return value.isoformat() if hasattr(value, "isoformat") else value


class EventHistoryView(APIView):
    """Who changed an event (or its holds), when, and what changed."""

    read_permissions = ("bookings.view_historicalevent",)

    @extend_schema(responses={200: dict})
    def get(self, request: Request, pk: str) -> Response:
        event = get_object_or_404(Event, pk=pk)
        # The holds list's rule: a role reads its own categories' holds only.
        with_holds = event.category in event_categories(request.user)
        return Response(
            {"event": event.pk, "history": history_entries(event, with_holds=with_holds)}
        )
