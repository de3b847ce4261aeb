"""The publishing API routed on its own, so its tests need no other viewset."""

from django.urls import include, path
from rest_framework import viewsets
from rest_framework.routers import DefaultRouter

from api.schedule_versions import PlanPublishMixin, ScheduleVersionViewSet
from scheduler.models import Plan


class PublishablePlanViewSet(PlanPublishMixin, viewsets.GenericViewSet):
    queryset = Plan.objects.all()


router = DefaultRouter()
router.register("plans", PublishablePlanViewSet, basename="plan")
router.register("schedule-versions", ScheduleVersionViewSet, basename="scheduleversion")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("", include("api.calendar_urls")),
]
