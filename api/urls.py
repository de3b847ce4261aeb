"""Routes of /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from api import bookings, catalogue, scenarios, schedule_versions, solve_runs, tokens

router = DefaultRouter()
router.register("features", catalogue.FeatureViewSet, basename="feature")
router.register("venues", catalogue.VenueViewSet, basename="venue")
router.register("hotels", catalogue.HotelViewSet, basename="hotel")
router.register("events", catalogue.EventViewSet, basename="event")
router.register("targets", catalogue.TargetViewSet, basename="target")
router.register("blackouts", catalogue.BlackoutViewSet, basename="blackout")
router.register("solve-runs", solve_runs.SolveRunViewSet, basename="solverun")
router.register("plans", solve_runs.PlanViewSet, basename="plan")
router.register("scenarios", scenarios.ScenarioViewSet, basename="scenario")
router.register("holds", bookings.VenueHoldViewSet, basename="venuehold")
router.register(
    "schedule-versions", schedule_versions.ScheduleVersionViewSet, basename="scheduleversion"
)

urlpatterns = [
    path("auth/token/", tokens.TokenView.as_view(), name="auth-token"),
    path("rules/", catalogue.PlanningRulesView.as_view(), name="planning-rules"),
    path("availability/", bookings.AvailabilityView.as_view(), name="availability"),
    path("events/<str:pk>/history/", bookings.EventHistoryView.as_view(), name="event-history"),
    *router.urls,
]
