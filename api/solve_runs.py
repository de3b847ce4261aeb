"""Solve runs and plans over HTTP: start a run, watch its progress, read its plan."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import MOST_SOLVE
from api.schedule_versions import PlanPublishMixin
from scheduler.models import Placement, Plan, RoomBlock, SolveRun
from scheduler.services import solve_run_create, solve_run_dispatch, solve_runs_fail_stale

MAX_TIME_LIMIT_S = MOST_SOLVE.time_limit_s
MAX_WORKERS = MOST_SOLVE.workers


class SolveRunCreateSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    time_limit_s = serializers.FloatField(required=False, min_value=0.1, max_value=MAX_TIME_LIMIT_S)
    workers = serializers.IntegerField(required=False, min_value=1, max_value=MAX_WORKERS)
    seed = serializers.IntegerField(required=False, default=0, min_value=0, max_value=2**31 - 1)


class SolveRunSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="solverun-detail")
    plan = serializers.HyperlinkedRelatedField(
        view_name="plan-detail", read_only=True, allow_null=True, help_text="Null until success."
    )

    class Meta:
        model = SolveRun
        fields = [
            "url",
            "id",
            "status",
            "horizon_start",
            "horizon_end",
            "time_limit_s",
            "workers",
            "seed",
            "solver_status",
            "objective",
            "best_bound",
            "gap",
            "elapsed_s",
            "solutions_found",
            "targets_met",
            "diagnosis",
            "error",
            "created_at",
            "started_at",
            "heartbeat_at",
            "finished_at",
            "plan",
        ]
        read_only_fields = fields


class SolveRunDetailSerializer(SolveRunSerializer):
    class Meta(SolveRunSerializer.Meta):
        fields = [*SolveRunSerializer.Meta.fields, "solution"]
        read_only_fields = fields


@extend_schema(tags=["solve runs"])
class SolveRunViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Start a solve of the catalogue (202) and follow its status and progress."""

    read_permissions = ("scheduler.view_solverun",)
    filterset_fields = ["status", "solver_status"]
    ordering_fields = ["created_at", "finished_at", "objective"]

    def get_queryset(self):
        return SolveRun.objects.select_related("plan").defer("problem")

    def get_serializer_class(self):
        if self.action == "create":
            return SolveRunCreateSerializer
        if self.action == "retrieve":
            return SolveRunDetailSerializer
        return SolveRunSerializer

    def list(self, request: Request, *args, **kwargs) -> Response:
        # Runs whose thread or worker died are shown as failed, not running forever.
        solve_runs_fail_stale()
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        solve_runs_fail_stale()
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(request=SolveRunCreateSerializer, responses={202: SolveRunSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        params = SolveRunCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        run = solve_run_create(**params.validated_data, requested_by=request.user)
        solve_run_dispatch(run=run)
        body = SolveRunSerializer(run, context={"request": request}).data
        return Response(
            body, status=status.HTTP_202_ACCEPTED, headers=self.get_success_headers(body)
        )


class RoomBlockSerializer(serializers.ModelSerializer):
    hotel_name_zh = serializers.CharField(source="hotel.name_zh", read_only=True)
    hotel_name_en = serializers.CharField(source="hotel.name_en", read_only=True)

    class Meta:
        model = RoomBlock
        fields = [
            "hotel",
            "hotel_name_zh",
            "hotel_name_en",
            "rooms_per_night",
            "first_night",
            "last_night",
        ]


class PlacementSerializer(serializers.ModelSerializer):
    event_name_zh = serializers.CharField(source="event.name_zh", read_only=True)
    event_name_en = serializers.CharField(source="event.name_en", read_only=True)
    category = serializers.CharField(source="event.category", read_only=True)
    international = serializers.BooleanField(source="event.international", read_only=True)
    venue_name_zh = serializers.CharField(source="venue.name_zh", read_only=True)
    venue_name_en = serializers.CharField(source="venue.name_en", read_only=True)
    room_blocks = RoomBlockSerializer(many=True, read_only=True)

    class Meta:
        model = Placement
        fields = [
            "event",
            "event_name_zh",
            "event_name_en",
            "category",
            "international",
            "venue",
            "venue_name_zh",
            "venue_name_en",
            "start",
            "end",
            "occupancy_start",
            "occupancy_end",
            "room_blocks",
        ]


class PlanSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="plan-detail")
    solve_run = serializers.HyperlinkedRelatedField(view_name="solverun-detail", read_only=True)
    diagnosis = serializers.JSONField(source="solve_run.diagnosis", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "url",
            "id",
            "solve_run",
            "horizon_start",
            "horizon_end",
            "solver_status",
            "objective",
            "targets_met",
            "diagnosis",
            "created_at",
        ]


class PlanDetailSerializer(PlanSerializer):
    placements = PlacementSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "placements"]


@extend_schema(tags=["plans"])
class PlanViewSet(PlanPublishMixin, viewsets.ReadOnlyModelViewSet):
    """Plans the solver produced, with their placements and hotel room blocks.

    ``POST plans/{id}/publish/`` publishes one as the next schedule version.
    """

    read_permissions = ("scheduler.view_plan",)  # unpublished: staff only
    filterset_fields = ["solver_status", "targets_met"]
    ordering_fields = ["created_at", "objective"]

    def get_queryset(self):
        queryset = Plan.objects.select_related("solve_run").defer(
            "solve_run__problem", "solve_run__solution"
        )
        if self.action == "retrieve":
            blocks = RoomBlock.objects.select_related("hotel")
            placements = Placement.objects.select_related("event", "venue").prefetch_related(
                Prefetch("room_blocks", queryset=blocks)
            )
            queryset = queryset.prefetch_related(Prefetch("placements", queryset=placements))
        return queryset

    def get_serializer_class(self):
        return PlanDetailSerializer if self.action == "retrieve" else PlanSerializer
