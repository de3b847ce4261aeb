"""Routes of the staff planner pages, included from config/urls.py under ``planner/``."""

from django.urls import path

from api import planner

app_name = "planner"

urlpatterns = [
    path("", planner.index, name="index"),
    path("timeline/", planner.timeline, name="timeline"),
    path("hotels/", planner.hotels, name="hotels"),
    path("targets/", planner.targets, name="targets"),
    path("season/", planner.season_view, name="season"),
    path("scenarios/<int:pk>/", planner.scenario_page, name="scenario"),
    path("scenarios/<int:pk>/hotels/", planner.scenario_hotels, name="scenario-hotels"),
    path("runs/<uuid:pk>/", planner.run_page, name="run"),
]
