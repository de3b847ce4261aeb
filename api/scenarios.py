"""What-if scenarios over HTTP: create with changes, withdraw events, solve (202), read the
differences, publish.

Every staff role may try one (create, withdraw, solve); publishing is the
planners' (docs/security.md#roles). In a scenario as directly, a role writes
and cancels only events of its own categories: a refusal is a 403, as a
direct write's is. The rules live in ``scheduler.scenarios``; this module
validates, calls it and serialises.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.schedule_versions import PlanPublishSerializer, ScheduleVersionSerializer
from api.solve_runs import MAX_TIME_LIMIT_S, MAX_WORKERS
from scheduler.models import Scenario, SolveRun
from scheduler.scenarios import (
    ScenarioForbidden,
    scenario_create,
    scenario_diff,
    scenario_publish,
    scenario_solve,
    scenario_withdraw,
)
from scheduler.services import solve_runs_fail_stale


class ScenarioCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    events = serializers.JSONField(
        default=list,
        help_text="Exchange-format event dicts: an existing id overrides the fields given; "
        "a new id adds an event.",
    )
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


class ScenarioWithdrawSerializer(serializers.Serializer):
    event = serializers.CharField(
        max_length=64, help_text="The catalogue event the scenario leaves out."
    )


class ScenarioSolveSerializer(serializers.Serializer):
    time_limit_s = serializers.FloatField(required=False, min_value=0.1, max_value=MAX_TIME_LIMIT_S)
    workers = serializers.IntegerField(required=False, min_value=1, max_value=MAX_WORKERS)
    seed = serializers.IntegerField(required=False, default=0, min_value=0, max_value=2**31 - 1)


class ScenarioRunSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="solverun-detail")

    class Meta:
        model = SolveRun
        fields = [
            "url",
            "id",
            "status",
            "solver_status",
            "objective",
            "best_bound",
            "gap",
            "elapsed_s",
            "time_limit_s",
            "error",
        ]
        read_only_fields = fields


class ScenarioSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="scenario-detail")
    base_version = serializers.SlugRelatedField(slug_field="number", read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    solve_run = ScenarioRunSerializer(read_only=True)

    class Meta:
        model = Scenario
        fields = [
            "url",
            "id",
            "name",
            "base_version",
            "horizon_start",
            "horizon_end",
            "events",
            "withdrawn",
            "owner",
            "created_at",
            "solve_run",
        ]
        read_only_fields = fields


class ScenarioDetailSerializer(ScenarioSerializer):
    diff = serializers.SerializerMethodField()

    class Meta(ScenarioSerializer.Meta):
        fields = [*ScenarioSerializer.Meta.fields, "diff"]
        read_only_fields = fields

    def get_diff(self, scenario: Scenario) -> dict | None:
        return scenario_diff(scenario=scenario)


@extend_schema(tags=["scenarios"])
class ScenarioViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """What-if scenarios: changed requests re-planned against the published schedule."""

    read_permissions = ("scheduler.view_scenario",)
    action_permissions = {
        # A scenario's solve run writes no plan anyone publishes but through the scenario.
        "solve": ("scheduler.change_scenario",),
        "publish": ("scheduler.add_scheduleversion",),
    }

    def get_queryset(self):
        scenarios = Scenario.objects.select_related("base_version", "owner", "solve_run")
        if self.action == "retrieve":
            return scenarios  # the differences read the run's problem and solution
        return scenarios.defer("solve_run__problem", "solve_run__solution")

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ScenarioForbidden):
            # A 403 as for the direct write, naming each change the role may not make.
            exc = exceptions.PermissionDenied(exc.message_dict)
        return super().handle_exception(exc)

    def get_serializer_class(self):
        if self.action == "create":
            return ScenarioCreateSerializer
        if self.action == "retrieve":
            return ScenarioDetailSerializer
        return ScenarioSerializer

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        solve_runs_fail_stale()
        return super().retrieve(request, *args, **kwargs)

    def create(self, request: Request, *args, **kwargs) -> Response:
        params = ScenarioCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        scenario = scenario_create(**params.validated_data, owner=request.user)
        body = ScenarioSerializer(scenario, context={"request": request}).data
        return Response(
            body, status=status.HTTP_201_CREATED, headers=self.get_success_headers(body)
        )

    @extend_schema(request=ScenarioSolveSerializer, responses={202: ScenarioSerializer})
    @action(detail=True, methods=["post"])
    def solve(self, request: Request, pk=None) -> Response:
        """Re-plan the scenario: 202 with the scenario and its queued run; 503 when the solver
        queue cannot be reached (the run is failed then, and the scenario free to solve again).
        A time limit or workers over the role's caps are a 400 naming the field."""
        params = ScenarioSolveSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        scenario = self.get_object()
        scenario_solve(scenario=scenario, requested_by=request.user, **params.validated_data)
        scenario.refresh_from_db()
        body = ScenarioSerializer(scenario, context={"request": request}).data
        return Response(
            body, status=status.HTTP_202_ACCEPTED, headers=self.get_success_headers(body)
        )

    @extend_schema(request=ScenarioWithdrawSerializer, responses={200: ScenarioSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk=None) -> Response:
        """Leave a catalogue event out of the scenario (the organiser pulls out); the
        scenario's solve is dropped, so solve it again to see the differences. 403 for an
        event of a category the user's role may not cancel directly."""
        params = ScenarioWithdrawSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        scenario = scenario_withdraw(
            scenario=self.get_object(), user=request.user, **params.validated_data
        )
        return Response(ScenarioSerializer(scenario, context={"request": request}).data)

    @extend_schema(request=PlanPublishSerializer, responses={201: ScheduleVersionSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk=None) -> Response:
        """Publish the scenario's plan as the next schedule version (its changes enter the
        catalogue in the same transaction). 403 when the publisher's role could not make
        them directly; 400 when they would change a contract the catalogue holds now."""
        params = PlanPublishSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        version = scenario_publish(
            scenario=self.get_object(), comment=params.validated_data["comment"], user=request.user
        )
        body = ScheduleVersionSerializer(version, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)
