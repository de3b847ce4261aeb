"""The planner pages: staff only, both languages, the pictures and the season view."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from django.utils.html import escape

from events.exchange import catalogue_import
from events.models import Event
from events.services import blackout_create, event_update
from scheduler.format import read_problem
from scheduler.models import Scenario, ScheduleVersion
from scheduler.publishing import plan_publish
from scheduler.scenarios import scenario_create, scenario_solve
from scheduler.services import solve_run_create
from tests.planner.conftest import (
    YEAR_END,
    YEAR_START,
    running_run,
    running_scenario,
    solve_now,
    tiny_city,
)
from tests.roles import user_with_role
from tests.security.test_hostile_text import OVERRIDE, isolated

SVG = "{http://www.w3.org/2000/svg}"
PAGES = [
    "/planner/",
    "/planner/timeline/?year=2026",
    "/planner/hotels/?year=2026",
    "/planner/targets/?year=2026",
    "/planner/season/?year=2026",
]


def publish_city(city: dict, start: dt.date = YEAR_START, end: dt.date = YEAR_END):
    """``city`` imported, solved over start..end for real and published; its solve run."""
    catalogue_import(read_problem(city))
    run = solve_run_create(start=start, end=end, time_limit_s=10, workers=2)
    solve_now(run.pk)
    run.refresh_from_db()
    plan_publish(plan=run.plan)
    return run


def solved_scenario(capture, **fields) -> Scenario:
    """A scenario created with ``fields`` and solved here and now."""
    scenario = scenario_create(**fields)
    with capture(execute=False):
        run = scenario_solve(scenario=scenario, time_limit_s=10, workers=2)
    solve_now(run.pk)
    scenario.refresh_from_db()
    return scenario


def texts(svg: ET.Element) -> set[str]:
    return {t.text for t in svg.iter(f"{SVG}text")}


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


# --- who may use the pages ------------------------------------------------------------


@pytest.mark.parametrize("role", ["sports", "convention"])
@pytest.mark.parametrize("path", PAGES)
def test_the_sports_bureau_and_the_convention_group_read_the_pages(client, published, role, path):
    client.force_login(user_with_role(role, role))
    assert client.get(path).status_code == 200


def test_staff_without_a_role_get_a_403_everywhere(client, published, django_user_model):
    scenario = scenario_create(name="What if", events=[])
    client.force_login(django_user_model.objects.create_user("clerk", is_staff=True))
    paths = [
        *PAGES,
        f"/planner/scenarios/{scenario.pk}/",
        f"/planner/scenarios/{scenario.pk}/hotels/",
        f"/planner/runs/{published.plan.solve_run_id}/",
    ]
    assert {path: client.get(path).status_code for path in paths} == dict.fromkeys(paths, 403)
    what_if = {"scenario_name": "Sneaky", "event": "run", "duration_days": "2"}
    assert client.post("/planner/season/?year=2026", what_if).status_code == 403
    assert client.post(f"/planner/scenarios/{scenario.pk}/", {"action": "solve"}).status_code == 403
    assert list(Scenario.objects.all()) == [scenario] and scenario.solve_run is None


def test_a_reader_without_the_scenario_permissions_may_not_try_a_what_if(
    client, published, django_user_model
):
    from django.contrib.auth.models import Permission

    reader = django_user_model.objects.create_user("reader", is_staff=True)
    reader.user_permissions.set(
        Permission.objects.filter(codename__in=["view_plan", "view_solverun"])
    )
    client.force_login(reader)
    scenario = scenario_create(name="What if", events=[])
    assert client.get("/planner/season/?year=2026").status_code == 200
    what_if = {"scenario_name": "Sneaky", "event": "run", "duration_days": "2"}
    assert client.post("/planner/season/?year=2026", what_if).status_code == 403
    assert client.post(f"/planner/scenarios/{scenario.pk}/", {"action": "solve"}).status_code == 403
    assert list(Scenario.objects.all()) == [scenario] and scenario.solve_run is None


def test_the_sports_bureau_tries_a_what_if_and_leaves_publishing_to_planners(
    client, published, planner, django_capture_on_commit_callbacks
):
    bureau = user_with_role("bureau", "sports")
    client.force_login(bureau)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/planner/season/?year=2026&lang=en",
            {
                "scenario_name": "December marathon",
                "event": "run",
                "window_start": "2026-12-01",
                "window_end": "2026-12-10",
            },
        )
    assert response.status_code == 302
    scenario = Scenario.objects.get()
    assert scenario.owner == bureau
    solve_now(scenario.solve_run_id)
    url = response["Location"]
    html = client.get(url).content.decode()
    assert "Differences from the published plan" in html
    assert 'value="publish"' not in html
    assert "Publishing a scenario is for planners" in html
    assert client.post(url, {"action": "publish", "comment": "mine"}).status_code == 403
    assert ScheduleVersion.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(url, {"action": "solve"}).status_code == 302  # trying more is theirs
    scenario.refresh_from_db()
    solve_now(scenario.solve_run_id)

    client.force_login(planner)
    assert 'value="publish"' in client.get(url).content.decode()
    assert client.post(url, {"action": "publish", "comment": "December"}).status_code == 302
    assert ScheduleVersion.objects.count() == 2


def test_the_convention_group_withdraws_an_event_in_a_what_if(
    client, published, django_capture_on_commit_callbacks
):
    office = user_with_role("office", "convention")
    scenario = scenario_create(name="Without Expo B", events=[], owner=office)
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            f"/planner/scenarios/{scenario.pk}/", {"action": "withdraw", "event": "expo-b"}
        )
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.withdrawn == ["expo-b"] and scenario.solve_run.status == "queued"


# --- parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("year=-5", "year"),
        ("year=twenty", "year"),
        ("year=2200", "year"),
        ("start=2026-02-30&end=2026-03-31", "start"),
        ("start=2026-01-01", "end"),
        ("end=2026-01-31", "start"),
        ("start=2026-05-01&end=2026-04-01", "end"),
        ("start=2026-01-01&end=2029-12-31", "end"),
        ("year=twenty&start=2026-01-01&end=2026-01-31", "year"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it_not_another_year(
    client, published, planner, query, field
):
    client.force_login(planner)
    response = client.get(f"/planner/timeline/?{query}&lang=en")
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<code class="field">{field}</code>' in html
    assert not svgs(html)  # no picture of a year nobody asked for


@pytest.mark.parametrize("path", ["hotels", "targets", "season"])
def test_every_page_names_a_bad_year_in_its_language(client, published, planner, path):
    client.force_login(planner)
    zh = client.get(f"/planner/{path}/?year=-5")
    assert zh.status_code == 400
    assert "请填写 2000 至 2100 之间的年份，而不是“-5”" in zh.content.decode()
    en = client.get(f"/planner/{path}/?year=-5&lang=en").content.decode()
    assert "Give a year from 2000 to 2100, not “-5”." in en


@pytest.mark.parametrize("path", ["timeline", "hotels", "targets", "season"])
def test_the_first_and_last_years_offer_no_year_a_page_cannot_show(
    client, published, planner, path
):
    client.force_login(planner)
    first = client.get(f"/planner/{path}/?year=2000&lang=en").content.decode()
    last = client.get(f"/planner/{path}/?year=2100&lang=en").content.decode()
    assert "year=1999" not in first and "Previous year" not in first and "Next year" in first
    assert "year=2101" not in last and "Next year" not in last and "Previous year" in last


@pytest.mark.parametrize("path", ["timeline", "hotels"])
def test_the_last_days_of_the_calendar_are_drawn(client, published, planner, path):
    client.force_login(planner)
    response = client.get(f"/planner/{path}/?start=9999-12-30&end=9999-12-31&lang=en")
    assert response.status_code == 200
    assert "9999-12" in texts(svgs(response.content.decode())[0])


def test_a_scenario_reaching_to_9999_is_drawn_over_the_days_it_solved(
    client, published, planner, django_capture_on_commit_callbacks
):
    """A scenario's range is not bounded, a solve's horizon is: the pictures show the latter."""
    scenario = solved_scenario(
        django_capture_on_commit_callbacks, name="Far", events=[], owner=planner
    )
    Scenario.objects.filter(pk=scenario.pk).update(horizon_end=dt.date(9999, 12, 31))
    client.force_login(planner)
    response = client.get(f"/planner/scenarios/{scenario.pk}/?lang=en")
    assert response.status_code == 200
    timelines = [svg for svg in svgs(response.content.decode()) if "timeline" in svg.get("class")]
    assert len(timelines) == 2
    assert all({"2026-01", "2026-12"} <= texts(t) and "2027-01" not in texts(t) for t in timelines)
    hotels = f"/planner/scenarios/{scenario.pk}/hotels/"
    assert client.get(hotels).status_code == 200
    assert client.get(hotels + "?start=9999-12-30&end=9999-12-31").status_code == 200
    assert client.get(hotels + "?start=9999-12-31").status_code == 400


# --- the pages in the reader's language ------------------------------------------------


def test_the_scenario_page_names_targets_changes_venues_and_status_in_chinese(
    client, published, planner, django_capture_on_commit_callbacks
):
    december = {"id": "run", "window": {"start": "2026-12-01", "end": "2026-12-10"}}
    scenario = solved_scenario(
        django_capture_on_commit_callbacks, name="十二月", events=[december], owner=planner
    )
    client.force_login(planner)
    html = client.get(f"/planner/scenarios/{scenario.pk}/").content.decode()
    change = re.search(r'<table class="data scenario-changes">.*?</table>', html, re.S).group()
    assert "马拉松" in change and "时间窗口" in change and "2026-12-01 – 2026-12-10" in change
    assert "&#x27;id&#x27;" not in html and "{'id'" not in html  # no dict dump
    assert "2026 展览 (国际)" in html and "2026 体育赛事 (国际)" in html
    assert "2026 exhibition" not in html and "2026 sports" not in html
    moved = re.search(r'<tr class="moved" data-event="run">.*?</tr>', html, re.S).group()
    assert moved.count("体育场") == 2 and "stadium" not in moved
    assert "已完成（最优）" in html and "succeeded" not in html
    index = client.get("/planner/").content.decode()
    assert "已完成（最优）" in index and "succeeded" not in index


def test_the_admin_availability_page_speaks_chinese_and_english(client, published, planner):
    question = {
        "category": "exhibition",
        "window_start": "2026-10-01",
        "window_end": "2026-10-31",
        "duration_days": "2",
    }
    client.force_login(planner)
    zh = client.get("/admin/availability/", question).content.decode()
    assert "场馆可用情况" in zh and "窗口开始" in zh and "查询" in zh and "首个公开日" in zh
    assert "Window start" not in zh and "first public day" not in zh
    en = client.get("/admin/availability/", question, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Venue availability" in en and "Window start" in en and "first public day" in en


# --- blackouts, diagnosis and spacing ---------------------------------------------------


def test_a_blackout_for_sports_only_is_drawn_apart_and_says_so(client, published, planner):
    blackout_create(
        start=dt.date(2026, 6, 7),
        end=dt.date(2026, 6, 9),
        categories=["sports"],
        reason_zh="高考",
        reason_en="Gaokao",
    )
    client.force_login(planner)
    (zh,) = svgs(client.get("/planner/timeline/?year=2026").content.decode())
    (gaokao,) = zh.findall(f".//{SVG}rect[@class='blackout partial']")
    assert gaokao.find(f"{SVG}title").text == "高考（仅限体育赛事）: 2026-06-07..2026-06-09"
    (golden_week,) = zh.findall(f".//{SVG}rect[@class='blackout']")  # every category
    assert "仅限" not in golden_week.find(f"{SVG}title").text
    assert {"禁排期", "部分类别的禁排期"} <= texts(zh)
    (en,) = svgs(client.get("/planner/timeline/?year=2026&lang=en").content.decode())
    partial = en.find(f".//{SVG}rect[@class='blackout partial']/{SVG}title").text
    assert partial.startswith("Gaokao (Sports only)")


def test_each_target_shows_its_own_diagnosis_only(client, planner, db):
    """International, domestic and all-events conference targets, all short: each row gets
    the solver's line for that target, not its neighbours' (they all begin "2026 conference")."""
    city = tiny_city()
    city["targets"] += [
        {"year": 2026, "category": "conference", "international": scope, "min_count": 1}
        for scope in (True, False, None)
    ]
    run = publish_city(city)
    client.force_login(planner)
    html = client.get("/planner/targets/?year=2026&lang=en").content.decode()
    rows = dict(
        re.findall(r'<tr class="short">\s*<th scope="row">(.*?)</th>(.*?)</tr>', html, re.S)
    )
    heads = {
        "Conference (international)": "2026 conference (international):",
        "Conference (domestic)": "2026 conference (domestic):",
        "Conference (all)": "2026 conference:",
    }
    assert set(rows) == set(heads)
    for label, head in heads.items():
        lines = re.findall(r'<p class="diagnosis">(.*?)</p>', rows[label])
        expected = [escape(line) for line in run.diagnosis if line.startswith(head)]
        assert lines == expected and expected, label


def test_the_first_event_of_a_season_is_spaced_from_the_year_before(client, planner, db):
    city = tiny_city()
    city["horizon"] = {"start": "2025-01-01", "end": "2026-12-31"}
    city["events"].append(
        {
            "id": "winter-run",
            "name": {"zh": "冬季长跑", "en": "Winter Run"},
            "category": "sports",
            "international": True,
            "duration_days": 1,
            "window": {"start": "2025-12-20", "end": "2025-12-31"},
            "attendance": 10000,
            "required_features": ["athletics_track"],
            "value": 40,
        }
    )
    publish_city(city, dt.date(2025, 1, 1), YEAR_END)
    version = ScheduleVersion.objects.get()
    winter, run = (version.events.get(event_code=code) for code in ("winter-run", "run"))
    client.force_login(planner)
    html = client.get("/planner/season/?year=2026&lang=en").content.decode()
    row = re.search(r'<tr data-event="run">.*?</tr>', html, re.S).group()
    gap = (run.start_date - winter.end_date).days - 1
    assert f'<td class="gap">{gap}</td>' in row
    assert f"count from Winter Run, which ended on {winter.end_date:%b}" in html


# --- an ordinary solve run's page ------------------------------------------------------


def test_a_running_solve_has_a_live_page_linked_from_the_index(client, published, planner):
    run = running_run(
        YEAR_START, YEAR_END, elapsed_s=12.0, started_at=timezone.now(), requested_by=planner
    )
    client.force_login(planner)
    index = client.get("/planner/?lang=en").content.decode()
    assert f'href="/planner/runs/{run.pk}/?lang=en"' in index
    html = client.get(f"/planner/runs/{run.pk}/?lang=en").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert '<progress id="solve-progress" max="60.000000" value="12.000000">' in html
    assert "3.15%" in html and "Requested by planner." in html
    assert "求解任务" in client.get(f"/planner/runs/{run.pk}/").content.decode()


def test_a_finished_solve_says_what_became_of_its_plan(client, published, planner):
    client.force_login(planner)
    html = client.get(f"/planner/runs/{published.plan.solve_run_id}/?lang=en").content.decode()
    assert "http-equiv" not in html and "<progress" not in html
    assert "succeeded (optimal)" in html and "Published as schedule version 1." in html


def test_a_run_page_footer_names_the_live_version_not_the_runs(client, published, planner):
    from tests.publishing import factories as f

    plan_publish(plan=f.plan([]), comment="later")
    client.force_login(planner)
    html = client.get(f"/planner/runs/{published.plan.solve_run_id}/?lang=en").content.decode()
    assert "Published as schedule version 1." in html and "Schedule version 2," in html


def test_the_season_page_isolates_names_so_an_override_reorders_nothing_after_it(
    client, published, planner
):
    event_update(event=Event.objects.get(pk="run"), name_en=f"Marathon {OVERRIDE}")
    client.force_login(planner)
    html = client.get("/planner/season/?year=2026&lang=en").content.decode()
    assert isolated(html, f"Marathon {OVERRIDE}")
