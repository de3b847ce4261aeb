"""The planner pages: staff only, both languages, the pictures and the season view."""

import xml.etree.ElementTree as ET

import pytest
from django.utils.html import escape

from events.exchange import catalogue_import
from scheduler.format import read_problem
from scheduler.models import Scenario
from scheduler.publishing import plan_publish
from scheduler.services import solve_run_create
from tests.planner.conftest import YEAR_END, YEAR_START, running_scenario, solve_now, tiny_city

SVG = "{http://www.w3.org/2000/svg}"
PAGES = [
    "/planner/",
    "/planner/timeline/?year=-5",
    "/planner/timeline/?year=2026",
    "/planner/hotels/?year=2026",
    "/planner/targets/?year=2026",
    "/planner/season/?year=2026",
]


def svgs(html: str) -> list[ET.Element]:
    """Every inline <svg> of a page, parsed as XML (so well-formed)."""
    found, rest = [], html
    while "<svg" in rest:
        start = rest.index("<svg")
        end = rest.index("</svg>", start) + len("</svg>")
        found.append(ET.fromstring(rest[start:end]))
        rest = rest[end:]
    return found


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_for_staff_only(client, published, django_user_model, path):
    assert client.get(path).status_code == 302  # to the login page
    client.force_login(django_user_model.objects.create_user("visitor", is_staff=False))
    assert client.get(path).status_code == 302


@pytest.mark.parametrize("path", PAGES)
def test_pages_in_both_languages(client, published, planner, path):
    client.force_login(planner)
    zh = client.get(path)
    en = client.get(path + ("&" if "?" in path else "?") + "lang=en")
    assert zh.status_code == en.status_code == 200
    assert zh["Content-Language"] == "zh-Hans" and en["Content-Language"] == "en"
    assert "规划" in zh.content.decode() and "Planner" in en.content.decode()


def test_timeline_draws_every_venue_and_the_published_placements(client, published, planner):
    client.force_login(planner)
    html = client.get("/planner/timeline/?year=2026&lang=en").content.decode()
    (svg,) = svgs(html)
    rows = svg.findall(f".//{SVG}g[@class='venue-row']")
    assert {r.get("data-venue") for r in rows} == {"expo", "stadium"}
    placed = {g.get("data-event") for g in svg.iter(f"{SVG}g") if g.get("class") == "placement"}
    assert placed == {p.event_id for p in published.plan.placements.all()}
    expo_a = next(g for g in svg.iter(f"{SVG}g") if g.get("data-event") == "expo-a")
    kinds = {r.get("class") for r in expo_a.findall(f"{SVG}rect")}
    assert kinds == {"move-in", "move-out", "public"}  # 2 days setup, 1 teardown
    assert svg.find(f".//{SVG}rect[@class='blackout']") is not None  # Golden Week
    assert "Expo A" in [t.text for t in svg.iter(f"{SVG}text")]


def test_hotel_pressure_counts_the_rooms_held(client, published, planner):
    client.force_login(planner)
    html = client.get("/planner/hotels/?year=2026&lang=en").content.decode()
    city, grand = svgs(html)
    assert city.find(f"{SVG}title").text == "City-wide"
    nights = [r for r in grand.iter(f"{SVG}rect") if "night" in (r.get("class") or "")]
    # Expo A holds 200 rooms of the Grand's 300 on each of its nights.
    assert nights and all("200 / 300" in r.find(f"{SVG}title").text for r in nights)


def test_hotel_pressure_says_what_a_peak_night_is_in_chinese(client, published, planner):
    client.force_login(planner)
    assert "红色为高峰夜" in client.get("/planner/hotels/?year=2026").content.decode()


def test_targets_dashboard_explains_a_short_target(client, published, planner):
    client.force_login(planner)
    html = client.get("/planner/targets/?year=2026&lang=en").content.decode()
    (svg,) = svgs(html)
    classes = sorted(g.get("class") for g in svg.findall(f"{SVG}g"))
    assert classes == ["target met", "target met"]  # exhibitions 2 of 2, sports 1 of 1
    assert "Exhibition (international)" in html


def test_season_view_lists_sports_events_with_needs_and_spacing(client, published, planner):
    client.force_login(planner)
    html = client.get("/planner/season/?year=2026&lang=en").content.decode()
    assert "Marathon" in html and "Expo A" not in html
    assert "athletics_track" in html  # required feature
    assert "Stadium" in html  # candidate venue and published venue
    assert "at least 14 clear days" in html
    assert 'data-event="run"' in html


def test_season_what_if_form_starts_a_scenario(
    client, published, planner, django_capture_on_commit_callbacks
):
    client.force_login(planner)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/planner/season/?year=2026&lang=en",
            {
                "scenario_name": "Earlier marathon",
                "event": "run",
                "window_start": "2026-11-01",
                "window_end": "2026-11-05",
            },
        )
    scenario = Scenario.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/planner/scenarios/{scenario.pk}/?lang=en"
    assert scenario.events == [
        {"id": "run", "window": {"start": "2026-11-01", "end": "2026-11-05"}}
    ]
    # While it runs the page refreshes itself and shows a progress bar.
    html = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "<progress" in html
    solve_now(scenario.solve_run_id)
    html = client.get(response["Location"]).content.decode()
    assert "http-equiv" not in html and "<progress" not in html
    assert "Differences from the published plan" in html
    assert len(svgs(html)) == 3  # targets, published timeline, scenario timeline


def test_season_form_errors_are_shown_not_raised(client, published, planner):
    client.force_login(planner)
    response = client.post(
        "/planner/season/?year=2026&lang=en",
        {"scenario_name": "Bad", "event": "new-cup", "new": "1", "duration_days": "2"},
    )
    assert response.status_code == 400
    assert "/events/0/name" in response.content.decode()
    assert not Scenario.objects.exists()


def test_progress_figures_of_a_running_solve(client, published, planner):
    scenario = running_scenario(name="Long <solve>", owner=planner, elapsed_s=12.0)
    client.force_login(planner)
    html = client.get(f"/planner/scenarios/{scenario.pk}/?lang=en").content.decode()
    assert '<progress id="solve-progress" max="60.000000" value="12.000000">' in html
    assert "3,232.1" in html or "3232.1" in html
    assert "3.15%" in html
    assert escape("Long <solve>") in html and "Long <solve>" not in html


def test_season_form_changes_only_sports_events(client, published, planner):
    client.force_login(planner)
    response = client.post(
        "/planner/season/?year=2026&lang=en",
        {"scenario_name": "Not sports", "event": "expo-a", "duration_days": "2"},
    )
    assert response.status_code == 400
    assert "expo-a is not an international sports event" in response.content.decode()
    assert not Scenario.objects.exists()


def test_targets_dashboard_gives_the_diagnosis_of_a_short_target(client, planner, db):
    """A conference target no event can meet: drawn red, with the solver's reason beside it."""
    city = tiny_city()
    city["targets"].append(
        {"year": 2026, "category": "conference", "international": True, "min_count": 1}
    )
    catalogue_import(read_problem(city))
    run = solve_run_create(start=YEAR_START, end=YEAR_END, time_limit_s=10, workers=2)
    solve_now(run.pk)
    run.refresh_from_db()
    plan_publish(plan=run.plan)

    client.force_login(planner)
    html = client.get("/planner/targets/?year=2026&lang=en").content.decode()
    (svg,) = svgs(html)
    short = [g for g in svg.findall(f"{SVG}g") if g.get("class") == "target short"]
    assert [g.get("data-category") for g in short] == ["conference"]
    assert '<tr class="short">' in html
    assert (
        escape(next(line for line in run.diagnosis if line.startswith("2026 conference"))) in html
    )
