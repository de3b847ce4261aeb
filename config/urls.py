"""URL roots: admin, the REST API with its schema, public pages."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from bookings.admin import availability_page

API_DOCS_CSP = {"style-src": [SELF, UNSAFE_INLINE], "img-src": [SELF, "data:"]}
"""What Swagger UI needs beyond the site's policy: the inline styles it sets and its data:
icons. Its files are ours (drf-spectacular-sidecar) and the split view serves its start-up
script from here, so scripts stay 'self' only."""

urlpatterns = [
    path(
        "admin/availability/",
        admin.site.admin_view(availability_page),
        name="admin-availability",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        csp_update(API_DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
    path("planner/", include("api.planner_urls")),
    path("", include("api.calendar_urls")),
]
