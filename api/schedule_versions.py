"""Published schedule versions over HTTP, and publishing a plan.

``PlanPublishMixin`` adds ``POST /api/v1/plans/{id}/publish/`` to the plans
viewset; ``ScheduleVersionViewSet`` serves ``/api/v1/schedule-versions/``
(read-only: a published version never changes). The rules live in
``scheduler.publishing``; this module validates, calls it and serialises.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from scheduler.models import PublishedEvent, ScheduleVersion
from scheduler.publishing import plan_publish


class PlanPublishSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class PublishedEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublishedEvent
        exclude = ["id", "version"]


class ScheduleVersionSerializer(serializers.ModelSerializer):
    published_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ScheduleVersion
        fields = ["number", "plan", "comment", "published_at", "published_by", "changelog"]
        read_only_fields = fields

    def to_representation(self, instance: ScheduleVersion) -> dict:
        """Who published is staff's business: the public reads null there (the list is public)."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not request.user.has_perm("scheduler.view_plan"):
            data["published_by"] = None
        return data


class ScheduleVersionDetailSerializer(ScheduleVersionSerializer):
    events = PublishedEventSerializer(many=True, read_only=True)

    class Meta(ScheduleVersionSerializer.Meta):
        fields = [*ScheduleVersionSerializer.Meta.fields, "events"]
        read_only_fields = fields


class PlanPublishMixin:
    """The ``publish`` action of the plans viewset: the plan becomes the next version.

    201 with the new version; 200 with the existing one when the plan was
    already published (a retried request publishes nothing twice); 400 in
    the API's error shape when the plan may not be published. Publishing
    needs the permission to add a schedule version (planners).
    """

    action_permissions = {"publish": ("scheduler.add_scheduleversion",)}

    @extend_schema(
        request=PlanPublishSerializer,
        responses={201: ScheduleVersionSerializer, 200: ScheduleVersionSerializer},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk=None) -> Response:
        plan = self.get_object()
        params = PlanPublishSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        already = ScheduleVersion.objects.filter(plan=plan).exists()
        version = plan_publish(
            plan=plan, comment=params.validated_data["comment"], user=request.user
        )
        body = ScheduleVersionSerializer(version, context={"request": request}).data
        return Response(body, status=status.HTTP_200_OK if already else status.HTTP_201_CREATED)


@extend_schema(tags=["schedule versions"])
class ScheduleVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Published schedule versions with their changelog; the detail adds the frozen events."""

    lookup_field = "number"
    ordering_fields = ["number", "published_at"]

    def get_queryset(self):
        versions = ScheduleVersion.objects.select_related("published_by").order_by("-number")
        if self.action == "retrieve":
            versions = versions.prefetch_related("events")
        return versions

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ScheduleVersionDetailSerializer
        return ScheduleVersionSerializer
