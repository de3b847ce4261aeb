"""Planner pages (planner role): venue timeline, hotel pressure, targets, sports season, scenarios.

Pictures are inline SVG drawn on the server (``api.charts``), so the pages
need no JavaScript; a running solve refreshes its page every two seconds
with a plain ``<meta http-equiv="refresh">``. Languages work as on the
public pages (``?lang=en``). Unpublished plans appear here only, behind the
login (``api.permissions.planner_required``).

A scenario's pictures are drawn by the same functions as the published
plan's, fed with both plans, so the two compare on one scale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from api import charts, ical
from api.feeds import request_lang
from api.pages import CATEGORIES, page, with_lang
from api.permissions import planner_required
from events.exchange import catalogue_export
from scheduler.models import Scenario
from scheduler.planner import (
    CITY_WIDE,
    Placed,
    nightly_loads,
    overlapping,
    plan_placed,
    published_plan,
    scenario_has_plan,
    scenario_placed,
    season,
    targets_status,
    year_range,
)
from scheduler.problem import DateRange, Problem
from scheduler.publishing import latest_version
from scheduler.scenarios import (
    scenario_create,
    scenario_diff,
    scenario_publish,
    scenario_solve,
    scenario_withdraw,
)

MAX_RANGE_DAYS = 3 * 366
MIN_YEAR, MAX_YEAR = 2000, 2100


def _year(request: HttpRequest) -> int:
    """``?year=``, else the first year of the published plan, else this year."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = 0
    if MIN_YEAR <= year <= MAX_YEAR:
        return year
    version = latest_version()
    return version.plan.horizon_start.year if version else dt.date.today().year


def _days(request: HttpRequest, default: DateRange | None = None) -> DateRange:
    """``?start=&end=`` when both parse and make a sensible range, else ``default``, else
    the ``?year=``."""
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
        end = dt.date.fromisoformat(request.GET.get("end", ""))
        sensible = start <= end and (end - start).days < MAX_RANGE_DAYS
    except ValueError:
        sensible = False
    if sensible:
        return DateRange(start, end)
    return default or year_range(_year(request))


def _svg(markup: str) -> SafeString:
    # api.charts escapes every text it draws; nothing else reaches the markup.
    return mark_safe(markup)


def _category_labels() -> dict[str, str]:
    return {c: ical.category_label(c) for c in CATEGORIES}


def timeline_picture(
    placed: Iterable[Placed], problem: Problem, days: DateRange, lang: str, title: str
) -> SafeString:
    """The venue timeline of ``placed`` over ``days``: every venue a row, blackouts shaded."""
    by_venue: dict[str, list[charts.Bar]] = {v.id: [] for v in problem.venues}
    for p in overlapping(placed, days):
        by_venue.setdefault(p.venue, []).append(
            charts.Bar(
                event=p.event,
                label=p.name.text(lang),
                category=p.category,
                start=p.public.start,
                end=p.public.end,
                occupancy_start=p.occupancy.start,
                occupancy_end=p.occupancy.end,
            )
        )
    names = {v.id: v.name.text(lang) for v in problem.venues}
    rows = [
        charts.TimelineRow(venue=v, label=names.get(v, v), bars=bars)
        for v, bars in by_venue.items()
    ]
    shades = [
        charts.Shade(b.start, b.end, b.reason or _("Blackout"))
        for b in problem.blackouts
        if b.range.overlaps(days)
    ]
    texts = charts.TimelineTexts(
        title=title,
        public=_("public days"),
        move_in=_("move-in"),
        move_out=_("move-out"),
        categories=_category_labels(),
    )
    return _svg(
        charts.timeline_svg(rows, start=days.start, end=days.end, shades=shades, texts=texts)
    )


def _range_links(request: HttpRequest, days: DateRange, lang: str) -> dict[str, str]:
    year = days.start.year
    return {
        "previous_year_url": with_lang(request.path, lang, year=str(year - 1)),
        "next_year_url": with_lang(request.path, lang, year=str(year + 1)),
    }


@planner_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The planner's start page: the pictures and the scenarios."""
    lang = request_lang(request)
    scenarios = Scenario.objects.select_related("solve_run", "base_version", "owner")[:50]
    return page(
        request,
        "planner/index.html",
        {"scenarios": scenarios, "lang_suffix": with_lang("", lang), "year": _year(request)},
    )


@planner_required
@require_safe
def timeline(request: HttpRequest) -> HttpResponse:
    """Venue timeline of the published plan for a year or ``?start=&end=``."""
    lang = request_lang(request)
    days = _days(request)
    with translation.override(ical.LANGS[lang]):
        problem = catalogue_export(start=days.start, end=days.end)
        picture = timeline_picture(
            plan_placed(published_plan(latest_version())),
            problem,
            days,
            lang,
            _("Venue timeline %(start)s to %(end)s") % {"start": days.start, "end": days.end},
        )
    return page(
        request,
        "planner/timeline.html",
        {"days": days, "picture": picture, **_range_links(request, days, lang)},
    )


@dataclass(frozen=True)
class PressureFigure:
    """One plan's hotel pressure chart, and how many of its nights are peak nights."""

    caption: str
    peaks: int
    picture: SafeString


@dataclass(frozen=True)
class PressureSection:
    """A hotel (or the city) with one chart per plan compared."""

    title: str
    figures: list[PressureFigure]


def _pressure_figure(
    caption: str, hotel: str, nights: list[charts.NightLoad], most: int
) -> PressureFigure:
    texts = charts.PressureTexts(
        title=f"{hotel} · {caption}" if caption else hotel,
        held=_("rooms held"),
        capacity=_("block capacity"),
        peak=_("peak night"),
    )
    return PressureFigure(
        caption=caption,
        peaks=sum(1 for load in nights if load.is_peak),
        picture=_svg(charts.pressure_svg(nights, texts=texts, most=most)),
    )


def pressure_sections(
    plans: Sequence[tuple[str, Iterable[Placed]]], problem: Problem, days: DateRange, lang: str
) -> list[PressureSection]:
    """Hotel pressure of each ``(caption, placements)`` plan: city-wide first, then the
    hotels with the most peak nights in the last plan.

    A hotel's charts share one scale, so a scenario's bars stand against the
    published plan's as they are. Call inside the page's language.
    """
    loads = [(caption, nightly_loads(placed, problem.hotels, days)) for caption, placed in plans]
    names = {h.id: h.name.text(lang) for h in problem.hotels} | {CITY_WIDE: _("City-wide")}
    sections = []
    for hotel_id, name in names.items():
        series = [
            (caption, [charts.NightLoad(*night) for night in by_hotel[hotel_id]])
            for caption, by_hotel in loads
        ]
        most = max(charts.pressure_top(nights) for _caption, nights in series)
        figures = [_pressure_figure(caption, name, nights, most) for caption, nights in series]
        sections.append(PressureSection(name, figures))
    city = sections.pop()  # CITY_WIDE is the last of the names
    busiest = sorted(sections, key=lambda s: ([-f.peaks for f in reversed(s.figures)], s.title))
    return [city, *busiest]


@planner_required
@require_safe
def hotels(request: HttpRequest) -> HttpResponse:
    """Rooms held per night against block capacity, city-wide and per hotel."""
    lang = request_lang(request)
    days = _days(request)
    with translation.override(ical.LANGS[lang]):
        problem = catalogue_export(start=days.start, end=days.end)
        published = plan_placed(published_plan(latest_version()))
        sections = pressure_sections([("", published)], problem, days, lang)
    return page(
        request,
        "planner/hotels.html",
        {"days": days, "sections": sections, **_range_links(request, days, lang)},
    )


@planner_required
@require_safe
def scenario_hotels(request: HttpRequest, pk: int) -> HttpResponse:
    """A scenario's hotel pressure under the published plan's, hotel by hotel, one scale each."""
    lang = request_lang(request)
    scenario = get_object_or_404(
        Scenario.objects.select_related("solve_run", "base_version"), pk=pk
    )
    days = _days(request, DateRange(scenario.horizon_start, scenario.horizon_end))
    sections = []
    if scenario_has_plan(scenario):
        with translation.override(ical.LANGS[lang]):
            problem = catalogue_export(start=days.start, end=days.end)
            plans = [
                (_("Published plan"), plan_placed(published_plan(scenario.base_version))),
                (scenario.name, scenario_placed(scenario)),
            ]
            sections = pressure_sections(plans, problem, days, lang)
    return page(
        request,
        "planner/scenario_hotels.html",
        {"scenario": scenario, "days": days, "sections": sections},
    )


def targets_picture(statuses, lang: str, title: str) -> SafeString:
    bars = [
        charts.TargetBar(
            label=_target_label(s.target.category, s.target.international),
            required=s.target.min_count,
            achieved=s.achieved,
            category=s.target.category,
        )
        for s in statuses
    ]
    texts = charts.TargetTexts(title=title, required=_("required"), achieved=_("achieved"))
    return _svg(charts.targets_svg(bars, texts=texts))


def _target_label(category: str, international: bool | None) -> str:
    scope = {True: _("international"), False: _("domestic"), None: _("all")}[international]
    return f"{ical.category_label(category)} ({scope})"


@planner_required
@require_safe
def targets(request: HttpRequest) -> HttpResponse:
    """Yearly targets: required vs achieved in the published plan, and why any falls short."""
    lang = request_lang(request)
    year = _year(request)
    with translation.override(ical.LANGS[lang]):
        statuses = targets_status(year, latest_version())
        picture = targets_picture(statuses, lang, _("Targets %(year)s") % {"year": year})
        rows = [(_target_label(s.target.category, s.target.international), s) for s in statuses]
    return page(
        request,
        "planner/targets.html",
        {
            "year": year,
            "picture": picture,
            "rows": rows,
            **_range_links(request, year_range(year), lang),
        },
    )


def _sports_change(post, *, season_events: set[str]) -> tuple[str, dict]:
    """The scenario name and the one sports event dict a season form asks for.

    Empty fields are left out, so a change to an existing event overrides
    only what the planner filled in. Only this season's international
    sports events may be changed here, and a new event is one of them.
    """
    code = post.get("event", "").strip()
    change: dict = {"id": code}
    if post.get("new"):
        change |= {"category": "sports", "international": True}
    elif code not in season_events:
        raise ValidationError(
            _(
                "%(code)s is not an international sports event of this season; "
                "tick “a new event” to add it."
            )
            % {"code": code}
        )
    for lang in ("zh", "en"):
        if post.get(f"name_{lang}", "").strip():
            change.setdefault("name", {})[lang] = post[f"name_{lang}"].strip()
    for key in ("duration_days", "attendance"):
        if post.get(key, "").strip():
            change[key] = int(post[key]) if post[key].strip().isdigit() else post[key]
    if post.get("window_start") and post.get("window_end"):
        change["window"] = {"start": post["window_start"], "end": post["window_end"]}
    features = [f.strip() for f in post.get("required_features", "").split(",") if f.strip()]
    if features:
        change["required_features"] = features
    name = post.get("scenario_name", "").strip() or f"{code}?"
    return name, change


@planner_required
@require_http_methods(["GET", "POST"])
def season_view(request: HttpRequest) -> HttpResponse:
    """The sports bureau's season: events, targets, spacing, venue needs; a what-if form."""
    lang = request_lang(request)
    year = _year(request)
    error = None
    with translation.override(ical.LANGS[lang]):
        view = season(year, latest_version())
        if request.method == "POST":
            try:
                name, change = _sports_change(
                    request.POST, season_events={e.event for e in view.events}
                )
                with transaction.atomic():
                    scenario = scenario_create(
                        name=name,
                        events=[change],
                        owner=request.user,
                        start=dt.date(year, 1, 1),
                        end=dt.date(year, 12, 31),
                    )
                    scenario_solve(scenario=scenario, requested_by=request.user)
            except ValidationError as invalid:
                error = "; ".join(invalid.messages)
            else:
                return redirect(with_lang(reverse("planner:scenario", args=[scenario.pk]), lang))
        picture = targets_picture(view.targets, lang, _("Sports targets %(year)s") % {"year": year})
    rows = [
        {
            "event": e,
            "name": e.name.text(lang),
            "venues": [view.venue_names[v].text(lang) for v in e.candidate_venues],
            "published_venue": e.published.venue_name(lang) if e.published else "",
            "too_close": (
                e.gap_before is not None
                and view.min_gap_days is not None
                and e.gap_before < view.min_gap_days
            ),
        }
        for e in view.events
    ]
    response = page(
        request,
        "planner/season.html",
        {
            "season": view,
            "rows": rows,
            "picture": picture,
            "error": error,
            "form": request.POST if error else {},
            **_range_links(request, year_range(year), lang),
        },
    )
    response.status_code = 400 if error else 200
    return response


def _scenario_act(request: HttpRequest, scenario: Scenario) -> None:
    """What the scenario page's forms ask: publish, withdraw an event and re-plan, or solve."""
    action = request.POST.get("action")
    if action == "publish":
        scenario_publish(
            scenario=scenario, comment=request.POST.get("comment", ""), user=request.user
        )
    elif action == "withdraw":
        with transaction.atomic():
            scenario = scenario_withdraw(scenario=scenario, event=request.POST.get("event", ""))
            scenario_solve(scenario=scenario, requested_by=request.user)
    else:
        scenario_solve(scenario=scenario, requested_by=request.user)


def _withdrawable(scenario: Scenario, problem: Problem, lang: str) -> list[tuple[str, str]]:
    """(code, label) of the events the scenario may still withdraw; contracts (full or
    partial pins) say so."""
    contract = " — " + _("confirmed booking")
    options = []
    for event in problem.events:
        if event.id in scenario.withdrawn:
            continue
        contracted = event.pinned is not None or event.is_partly_pinned
        label = f"{event.name.text(lang)} ({event.id})" + (contract if contracted else "")
        options.append((event.id, label))
    return sorted(options, key=lambda option: option[1])


def _timelines(scenario: Scenario, problem: Problem, lang: str) -> list[tuple[str, SafeString]]:
    """The published plan's venue timeline above the scenario's, over the scenario's range."""
    days = DateRange(scenario.horizon_start, scenario.horizon_end)
    plans = [
        (_("Published plan"), plan_placed(published_plan(scenario.base_version))),
        (scenario.name, scenario_placed(scenario)),
    ]
    return [
        (title, timeline_picture(placed, problem, days, lang, title)) for title, placed in plans
    ]


@planner_required
@require_http_methods(["GET", "POST"])
def scenario_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One scenario: live progress while solving, then the differences and both timelines;
    forms to withdraw an event, solve again and publish."""
    lang = request_lang(request)
    scenario = get_object_or_404(
        Scenario.objects.select_related("solve_run", "base_version", "owner"), pk=pk
    )
    error = None
    if request.method == "POST":
        try:
            _scenario_act(request, scenario)
            return redirect(with_lang(reverse("planner:scenario", args=[pk]), lang))
        except ValidationError as invalid:
            error = "; ".join(invalid.messages)
    run = scenario.solve_run
    running = run is not None and not run.is_finished
    published = run is not None and hasattr(run, "plan")
    diff = scenario_diff(scenario=scenario)
    pictures, picture_targets, withdrawable = [], None, []
    if not running:
        with translation.override(ical.LANGS[lang]):
            problem = catalogue_export(start=scenario.horizon_start, end=scenario.horizon_end)
            if diff is not None:
                pictures = _timelines(scenario, problem, lang)
                picture_targets = targets_picture_from_diff(diff, lang)
            if not published:
                withdrawable = _withdrawable(scenario, problem, lang)
    response = page(
        request,
        "planner/scenario.html",
        {
            "scenario": scenario,
            "run": run,
            "running": running,
            "published": published,
            "gap_percent": run.gap * 100 if run is not None and run.gap is not None else None,
            "diff": diff,
            "pictures": pictures,
            "targets_picture": picture_targets,
            "withdrawable": withdrawable,
            "error": error,
        },
    )
    response.status_code = 400 if error else 200
    return response


def targets_picture_from_diff(diff: dict, lang: str) -> SafeString:
    """Targets after the scenario, the published achievement in each bar's tooltip."""
    bars = [
        charts.TargetBar(
            label=f"{t['year']} {_target_label(t['category'], t['international'])}",
            required=t["min_count"],
            achieved=t["after"],
            category=t["category"],
        )
        for t in diff["targets"]
    ]
    texts = charts.TargetTexts(
        title=_("Targets with the scenario"), required=_("required"), achieved=_("achieved")
    )
    return _svg(charts.targets_svg(bars, texts=texts))
