"""URL roots: admin, the REST API with its schema, public pages."""

from urllib.parse import urlsplit

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from bookings.admin import availability_page

swagger_ui = urlsplit(spectacular_settings.SWAGGER_UI_DIST)
SWAGGER_UI_ORIGIN = f"{swagger_ui.scheme}://{swagger_ui.netloc}"
API_DOCS_CSP = {
    "script-src": [SELF, SWAGGER_UI_ORIGIN],
    "style-src": [SELF, SWAGGER_UI_ORIGIN, UNSAFE_INLINE],
    "img-src": [SELF, SWAGGER_UI_ORIGIN, "data:"],
}
"""What Swagger UI needs beyond the site's policy: its CDN, the inline styles it sets and
its data: icons. The split view serves its start-up script from here, so no inline script."""

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
