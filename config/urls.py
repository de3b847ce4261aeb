"""URL roots: admin, the REST API with its schema, public pages."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from bookings.admin import availability_page

urlpatterns = [
    path(
        "admin/availability/",
        admin.site.admin_view(availability_page),
        name="admin-availability",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("planner/", include("api.planner_urls")),
    path("", include("api.calendar_urls")),
]
