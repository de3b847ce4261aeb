"""Planner pages: venue timeline, hotel pressure, targets, sports season, scenarios, solve runs.

Pictures are inline SVG drawn on the server (``api.charts``), so the pages
need no JavaScript; a running solve refreshes its page every two seconds
with a plain ``<meta http-equiv="refresh">``. Languages work as on the
public pages (``?lang=en``). Unpublished plans appear here only, behind the
login, for the staff who may read plans and solve runs: the convention
group, the sports bureau and planners (``api.permissions.planner_pages_required``).
Any of them may try a what-if; publishing one stays with the planners.

A scenario's pictures are drawn by the same functions as the published
plan's, fed with both plans, so the two compare on one scale.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.roles import event_categories
from api import charts, ical
from api.feeds import request_lang
from api.pages import (
    MAX_YEAR,
    MIN_YEAR,
    BadParameter,
    bad_parameter_pages,
    page,
    shown_year,
    with_lang,
)
from api.permissions import may_publish, planner_pages_required, require_what_if
from events.exchange import catalogue_export
from events.selectors import blackout_list
from scheduler.models import Scenario, SolveRun
from scheduler.planner import (
    CITY_WIDE,
    Placed,
    TargetStatus,
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
from scheduler.problem import CATEGORIES, DateRange, Name, Problem, Venue, has_plan
from scheduler.publishing import latest_version
from scheduler.scenarios import (
    ScenarioForbidden,
    scenario_create,
    scenario_diff,
    scenario_publish,
    scenario_solve,
    scenario_withdraw,
)
from scheduler.services import SolveQueueUnavailable, solve_runs_fail_stale

MAX_RANGE_DAYS = 3 * 366
answers_bad_parameters = bad_parameter_pages("planner/base.html")
"""Planner pages with a ``BadParameter`` shown as a 400 planner page naming it."""


def _given_year(request: HttpRequest) -> int | None:
    """``?year=`` as a number from 2000 to 2100; None when not given."""
    given = request.GET.get("year", "").strip()
    if not given:
        return None
    try:
        year = int(given)
    except ValueError:
        year = 0
    if not shown_year(year):
        raise BadParameter(
            "year",
            _("Give a year from %(first)s to %(last)s, not “%(given)s”.")
            % {"first": MIN_YEAR, "last": MAX_YEAR, "given": given},
        )
    return year


def _default_year() -> int:
    """The first year of the published plan, else this year."""
    version = latest_version()
    return version.plan.horizon_start.year if version else dt.date.today().year


def _year(request: HttpRequest) -> int:
    """``?year=``, else the first year of the published plan, else this year."""
    year = _given_year(request)
    return year if year is not None else _default_year()


def _date(request: HttpRequest, name: str) -> dt.date | None:
    """The date in ``?name=`` (YYYY-MM-DD); None when not given."""
    given = request.GET.get(name, "").strip()
    if not given:
        return None
    try:
        return dt.date.fromisoformat(given)
    except ValueError:
        raise BadParameter(
            name, _("Give a date as YYYY-MM-DD, not “%(given)s”.") % {"given": given}
        ) from None


def _days(request: HttpRequest, default: DateRange | None = None) -> DateRange:
    """``?start=&end=``, else the ``?year=``, else ``default``, else the published plan's
    first year. Both ends or neither; at most three years."""
    start, end = _date(request, "start"), _date(request, "end")
    year = _given_year(request)  # checked even when the range wins: no bad input is ignored
    if start is None and end is None:
        if year is None and default is not None:
            return default
        return year_range(year if year is not None else _default_year())
    if start is None or end is None:
        missing = "start" if start is None else "end"
        raise BadParameter(missing, _("Give the first and the last day, or neither."))
    if end < start:
        raise BadParameter("end", _("The last day comes before the first."))
    if (end - start).days >= MAX_RANGE_DAYS:
        raise BadParameter(
            "end", _("Show at most %(days)s days at once.") % {"days": MAX_RANGE_DAYS}
        )
    return DateRange(start, end)


def _svg(markup: str) -> SafeString:
    # api.charts escapes every text it draws; nothing else reaches the markup.
    return mark_safe(markup)


def _category_labels() -> dict[str, str]:
    return {c: ical.category_label(c) for c in CATEGORIES}


def _shades(days: DateRange, lang: str) -> list[charts.Shade]:
    """The catalogue's blackouts over ``days``, with their reasons in ``lang``.

    One that holds for some categories only (the Gaokao for sports) is drawn
    hatched and says which, so nobody takes it for days closed to every event.
    Call inside the page's language.
    """
    shades = []
    for blackout in blackout_list().filter(start__lte=days.end, end__gte=days.start):
        reason = Name(blackout.reason_zh or None, blackout.reason_en or None).text(lang)
        reason = reason or _("Blackout")
        if blackout.categories:
            only = ", ".join(ical.category_label(c) for c in blackout.categories)
            reason = _("%(reason)s (%(categories)s only)") % {"reason": reason, "categories": only}
        shades.append(
            charts.Shade(blackout.start, blackout.end, reason, partial=bool(blackout.categories))
        )
    return shades


def timeline_picture(
    placed: Iterable[Placed], venues: Sequence[Venue], days: DateRange, lang: str, title: str
) -> SafeString:
    """The venue timeline of ``placed`` over ``days``: every venue a row, blackouts shaded.

    Call inside the page's language.
    """
    by_venue: dict[str, list[charts.Bar]] = {v.id: [] for v in venues}
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
    names = {v.id: v.name.text(lang) for v in venues}
    rows = [
        charts.TimelineRow(venue=v, label=names.get(v, v), bars=bars)
        for v, bars in by_venue.items()
    ]
    texts = charts.TimelineTexts(
        title=title,
        public=_("public days"),
        move_in=_("move-in"),
        move_out=_("move-out"),
        blackout=_("blackout"),
        partial_blackout=_("blackout for some categories"),
        categories=_category_labels(),
    )
    return _svg(
        charts.timeline_svg(
            rows, start=days.start, end=days.end, shades=_shades(days, lang), texts=texts
        )
    )


def _range_links(request: HttpRequest, days: DateRange, lang: str) -> dict[str, str | None]:
    """The previous and next year's pages; none past the years ``_given_year`` takes."""
    year = days.start.year

    def link(to: int) -> str | None:
        return with_lang(request.path, lang, year=str(to)) if shown_year(to) else None

    return {"previous_year_url": link(year - 1), "next_year_url": link(year + 1)}


def run_status(run: SolveRun | None) -> str:
    """A solve run's state in the active language, with the solver's verdict once it has one."""
    if run is None:
        return "–"
    states = {
        SolveRun.Status.QUEUED: _("queued"),
        SolveRun.Status.RUNNING: _("running"),
        SolveRun.Status.SUCCEEDED: _("succeeded"),
        SolveRun.Status.FAILED: _("failed"),
    }
    verdicts = {
        "OPTIMAL": _("optimal"),
        "FEASIBLE": _("feasible"),
        "INFEASIBLE": _("infeasible"),
        "UNKNOWN": _("no answer in time"),
        "MODEL_INVALID": _("invalid model"),
    }
    state = states.get(run.status, run.status)
    if not run.solver_status:
        return state
    verdict = verdicts.get(run.solver_status, run.solver_status)
    return _("%(state)s (%(verdict)s)") % {"state": state, "verdict": verdict}


def progress_context(run: SolveRun | None) -> dict[str, Any]:
    """What ``planner/_progress.html`` draws: a run's state and figures, and whether it is
    still going (the page then refreshes itself). Call inside the page's language."""
    return {
        "run": run,
        "running": run is not None and not run.is_finished,
        "run_status": run_status(run),
        "gap_percent": run.gap * 100 if run is not None and run.gap is not None else None,
    }


@planner_pages_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The planner's start page: the pictures, the scenarios and the latest solve runs."""
    lang = request_lang(request)
    scenarios = Scenario.objects.select_related("solve_run", "base_version", "owner").defer(
        "solve_run__problem", "solve_run__solution"
    )[:50]
    runs = (
        SolveRun.objects.filter(scenarios=None)
        .select_related("requested_by")
        .defer("problem", "solution")[:20]
    )
    with translation.override(ical.LANGS[lang]):
        context = {
            "scenarios": [(s, run_status(s.solve_run)) for s in scenarios],
            "runs": [(run, run_status(run)) for run in runs],
            "lang_suffix": with_lang("", lang),
        }
    return page(request, "planner/index.html", context)


@planner_pages_required
@require_safe
@answers_bad_parameters
def timeline(request: HttpRequest) -> HttpResponse:
    """Venue timeline of the published plan for a year or ``?start=&end=``."""
    lang = request_lang(request)
    days = _days(request)
    with translation.override(ical.LANGS[lang]):
        problem = catalogue_export(start=days.start, end=days.end)
        picture = timeline_picture(
            plan_placed(published_plan(latest_version())),
            problem.venues,
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


@planner_pages_required
@require_safe
@answers_bad_parameters
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


def _planned_days(scenario: Scenario) -> DateRange:
    """The days a scenario's pictures cover: those its solve planned, else its own range.

    A solve's horizon is bounded (the format's dates, ``SOLVER_MAX_HORIZON_YEARS``);
    a scenario's range is not, and a picture of it could run to the year 9999.
    """
    run = scenario.solve_run
    if run is None:
        return DateRange(scenario.horizon_start, scenario.horizon_end)
    return DateRange(run.horizon_start, run.horizon_end)


@planner_pages_required
@require_safe
@answers_bad_parameters
def scenario_hotels(request: HttpRequest, pk: int) -> HttpResponse:
    """A scenario's hotel pressure under the published plan's, hotel by hotel, one scale each."""
    lang = request_lang(request)
    scenario = get_object_or_404(
        Scenario.objects.select_related("solve_run", "base_version"), pk=pk
    )
    days = _days(request, _planned_days(scenario))
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


def targets_picture(statuses: Sequence[TargetStatus], lang: str, title: str) -> SafeString:
    """Required against achieved for each target's status. Call inside the page's language."""
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
    """A target as a person names it: the category's name and its scope, never a code."""
    scope = {True: _("international"), False: _("domestic"), None: _("all")}[international]
    return f"{ical.category_label(category)} ({scope})"


@planner_pages_required
@require_safe
@answers_bad_parameters
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


@planner_pages_required
@require_http_methods(["GET", "POST"])
@answers_bad_parameters
def season_view(request: HttpRequest) -> HttpResponse:
    """The sports bureau's season: events, targets, spacing, venue needs; a what-if form."""
    lang = request_lang(request)
    year = _year(request)
    error = refused = None
    with translation.override(ical.LANGS[lang]):
        view = season(year, latest_version())
        if request.method == "POST":
            require_what_if(request.user)
            days = year_range(year)
            try:
                name, change = _sports_change(
                    request.POST, season_events={e.event for e in view.events}
                )
                with transaction.atomic():
                    scenario = scenario_create(
                        name=name,
                        events=[change],
                        owner=request.user,
                        start=days.start,
                        end=days.end,
                    )
                    scenario_solve(scenario=scenario, requested_by=request.user)
            except ValidationError as invalid:
                error = "; ".join(invalid.messages)
            except ScenarioForbidden as forbidden:  # shown next to the event, as typed
                refused = "; ".join(forbidden.reasons)
            except SolveQueueUnavailable as down:
                error = down.message  # lazy: the page renders it in its reader's language
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
            "before_name": view.before.name(lang) if view.before else "",
            "error": error,
            "refused": refused,
            "form": request.POST if error or refused else {},
            **_range_links(request, year_range(year), lang),
        },
    )
    response.status_code = 403 if refused else 400 if error else 200
    return response


def _scenario_act(request: HttpRequest, scenario: Scenario) -> None:
    """What the scenario page's forms ask: publish, withdraw an event and re-plan, or solve.

    Trying things needs the scenario permissions (every staff role has them);
    publishing changes what the public sees, so it needs the planners' (403 otherwise).
    A withdrawal and a publication are judged by the category rule as the user's
    direct cancel or write would be (``ScenarioForbidden``).
    """
    action = request.POST.get("action")
    if action != "publish":
        require_what_if(request.user)
    if action == "publish":
        if not may_publish(request.user):
            raise PermissionDenied("Publishing a scenario is for planners.")
        scenario_publish(
            scenario=scenario, comment=request.POST.get("comment", ""), user=request.user
        )
    elif action == "withdraw":
        with transaction.atomic():
            scenario = scenario_withdraw(
                scenario=scenario, event=request.POST.get("event", ""), user=request.user
            )
            scenario_solve(scenario=scenario, requested_by=request.user)
    else:
        scenario_solve(scenario=scenario, requested_by=request.user)


def _event_label(problem: Problem, code: str, lang: str) -> str:
    """An event of the problem by its name in ``lang`` and its code; the code alone for an
    event the problem does not hold."""
    event = next((e for e in problem.events if e.id == code), None)
    return f"{event.name.text(lang)} ({code})" if event is not None else code


def _withdrawable(
    scenario: Scenario, problem: Problem, lang: str, categories: Collection[str]
) -> list[tuple[str, str]]:
    """(code, label) of the events of ``categories`` (the reader's) the scenario may still
    withdraw; contracts (full or partial pins) say so."""
    contract = " — " + _("confirmed booking")
    options = []
    for event in problem.events:
        if event.id in scenario.withdrawn or event.category not in categories:
            continue
        contracted = event.pinned is not None or event.is_partly_pinned
        # An option holds no markup: FSI ... PDI keep the name's bidirectional controls
        # from reordering the code and the words after it.
        label = f"\u2068{_event_label(problem, event.id, lang)}\u2069"
        label += contract if contracted else ""
        options.append((event.id, label))
    return sorted(options, key=lambda option: option[1])


# --- what a scenario changes, in words ---------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    """One of the scenario's event dicts as a person reads it: which event, and what it
    would be instead (field name, value), in the page's language."""

    event: str
    name: str
    new: bool
    fields: list[tuple[str, str]]


def _field_names() -> dict[str, str]:
    """The exchange format's event fields by their names on the page (active language)."""
    return {
        "name": _("Name"),
        "category": _("Category"),
        "international": _("International"),
        "duration_days": _("Public days"),
        "setup_days": _("Move-in days"),
        "teardown_days": _("Move-out days"),
        "window": _("Window"),
        "preferred_start": _("Preferred first day"),
        "attendance": _("Attendance"),
        "area_m2": _("Area (m²)"),
        "exclusive": _("Whole venue"),
        "required_features": _("Required features"),
        "allowed_venues": _("Allowed venues"),
        "hotel": _("Hotel rooms"),
        "value": _("Value"),
        "mandatory": _("Must be placed"),
        "pinned": _("Contract"),
        "pinned_venue": _("Contracted venue"),
        "pinned_start": _("Contracted first day"),
        "previous": _("Previous placement"),
        "start_time": _("Daily start"),
        "end_time": _("Daily end"),
    }


def _hotel_text(need: dict[str, Any]) -> str:
    """A hotel need ("600 rooms a night, 4★+, within 15 km, 1 night before, 0 after")."""
    parts = [_("%(rooms)s rooms a night") % {"rooms": need["rooms_per_night"]}]
    if need.get("min_stars") is not None:
        parts.append(f"{need['min_stars']}★+")
    if need.get("max_distance_km") is not None:
        parts.append(_("within %(km)s km") % {"km": need["max_distance_km"]})
    if need.get("nights_before") is not None:
        parts.append(_("%(nights)s nights before") % {"nights": need["nights_before"]})
    if need.get("nights_after") is not None:
        parts.append(_("%(nights)s nights after") % {"nights": need["nights_after"]})
    return ", ".join(parts)


def _value_text(key: str, value: Any, venue_names: dict[str, str]) -> str:
    """A field's value as a person reads it: names, not codes, and yes/no, not true/false.

    The dicts passed the format's checks when the scenario was made, so each
    key has its format's shape.
    """
    if value is None or value == []:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "name":
        return " / ".join(text for text in (value.get("zh"), value.get("en")) if text)
    if key == "category":
        return ical.category_label(value)
    if key == "window":
        return f"{value['start']} – {value['end']}"
    if key in ("pinned", "previous"):
        return f"{venue_names.get(value['venue'], value['venue'])}, {value['start']}"
    if key == "pinned_venue":
        return venue_names.get(value, value)
    if key == "allowed_venues":
        return ", ".join(venue_names.get(v, v) for v in value)
    if key == "hotel":
        return _hotel_text(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def change_rows(scenario: Scenario, problem: Problem, lang: str) -> list[ChangeRow]:
    """The scenario's changed and added events, field by field. Call inside the page's
    language; ``problem`` is the catalogue over the scenario's range."""
    names = _field_names()
    venue_names = {v.id: v.name.text(lang) for v in problem.venues}
    catalogue = {e.id: e for e in problem.events}
    rows = []
    for change in scenario.events:
        code = change["id"]
        known = catalogue.get(code)
        name = known.name if known is not None else Name(**change.get("name", {}))
        fields = [
            (names.get(key, key), _value_text(key, value, venue_names))
            for key, value in change.items()
            if key != "id"
        ]
        rows.append(ChangeRow(code, name.text(lang) or code, known is None, fields or [("–", "–")]))
    return rows


# --- the differences, in words ---------------------------------------------------------


@dataclass(frozen=True)
class DiffRow:
    """An event publishing the scenario would move, add or drop, as the page shows it."""

    kind: str
    """"moved", "added" or "dropped": the row's class."""
    label: str
    event: str
    name: str
    published: str
    scenario: str
    notes: tuple[tuple[str, str], ...] = ()
    """(class, text) of what a dropped row should add: withdrawn, a contract broken."""


def diff_rows(diff: dict[str, Any], venue_names: dict[str, str], lang: str) -> list[DiffRow]:
    """The differences' moved, added and dropped events with names and venues in ``lang``
    (never codes). Call inside the page's language."""

    def name(row: dict[str, Any]) -> str:
        return Name(row["name_zh"] or None, row["name_en"] or None).text(lang) or row["event"]

    def when_where(row: dict[str, Any]) -> str:
        return f"{row['start']} – {row['end']}, {venue_names.get(row['venue'], row['venue'])}"

    def notes(row: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        return tuple(
            (kind, text)
            for kind, text, applies in (
                ("withdrawn-note", _("withdrawn in this scenario"), row["withdrawn"]),
                (
                    "contract-note",
                    _("a confirmed booking: publishing breaks its contract"),
                    row["confirmed"],
                ),
            )
            if applies
        )

    return [
        *(
            DiffRow(
                "moved", _("moved"), e["event"], name(e), when_where(e["old"]), when_where(e["new"])
            )
            for e in diff["moved"]
        ),
        *(
            DiffRow("added", _("added"), e["event"], name(e), "–", when_where(e))
            for e in diff["added"]
        ),
        *(
            DiffRow("dropped", _("dropped"), e["event"], name(e), when_where(e), "–", notes(e))
            for e in diff["dropped"]
        ),
    ]


def _scenario_target_label(target: dict[str, Any]) -> str:
    return f"{target['year']} {_target_label(target['category'], target['international'])}"


def targets_picture_from_diff(diff: dict[str, Any]) -> SafeString:
    """Targets after the scenario, the published achievement in each bar's tooltip.

    Call inside the page's language.
    """
    bars = [
        charts.TargetBar(
            label=_scenario_target_label(t),
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


def _timelines(scenario: Scenario, problem: Problem, lang: str) -> list[tuple[str, SafeString]]:
    """The published plan's venue timeline above the scenario's, over the days it planned."""
    days = _planned_days(scenario)
    plans = [
        (_("Published plan"), plan_placed(published_plan(scenario.base_version))),
        (scenario.name, scenario_placed(scenario)),
    ]
    return [
        (title, timeline_picture(placed, problem.venues, days, lang, title))
        for title, placed in plans
    ]


def _differences(scenario: Scenario, diff: dict[str, Any], problem: Problem, lang: str) -> dict:
    """The page's differences: the table, the targets and both timelines."""
    venue_names = {v.id: v.name.text(lang) for v in problem.venues}
    return {
        "diff_rows": diff_rows(diff, venue_names, lang),
        "target_rows": [(_scenario_target_label(t), t) for t in diff["targets"]],
        "targets_picture": targets_picture_from_diff(diff),
        "pictures": _timelines(scenario, problem, lang),
    }


def _scenario_context(scenario: Scenario, lang: str, reader: Any) -> dict[str, Any]:
    """Everything the scenario page shows ``reader``, in ``lang``: the events offered for a
    withdrawal are those of the reader's categories."""
    run = scenario.solve_run
    published = run is not None and hasattr(run, "plan")
    with translation.override(ical.LANGS[lang]):
        diff = scenario_diff(scenario=scenario)  # its sentences in the page's language
        problem = catalogue_export(start=scenario.horizon_start, end=scenario.horizon_end)
        progress = progress_context(run)
        running = progress["running"]
        context = {
            **progress,
            "scenario": scenario,
            "published": published,
            "diff": diff,
            "publishable": diff is not None and has_plan(diff["solver_status"]),
            "changes": change_rows(scenario, problem, lang),
            "withdrawn": [_event_label(problem, code, lang) for code in scenario.withdrawn],
            "withdrawable": []
            if published or running
            else _withdrawable(scenario, problem, lang, event_categories(reader)),
        }
        if diff is not None:
            context |= _differences(scenario, diff, problem, lang)
    return context


@planner_pages_required
@require_http_methods(["GET", "POST"])
def scenario_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One scenario: live progress while solving, then the differences and both timelines;
    forms to withdraw an event and solve again, and for planners to publish."""
    lang = request_lang(request)
    solve_runs_fail_stale()  # a dead run must not show as running, hiding the forms
    scenario = get_object_or_404(
        Scenario.objects.select_related("solve_run", "base_version", "owner"), pk=pk
    )
    error = refused = None
    if request.method == "POST":
        try:
            with translation.override(ical.LANGS[lang]):
                _scenario_act(request, scenario)
            return redirect(with_lang(reverse("planner:scenario", args=[pk]), lang))
        except ValidationError as invalid:
            error = "; ".join(invalid.messages)
        except ScenarioForbidden as forbidden:  # shown next to the form that asked
            refused = "; ".join(forbidden.reasons)
        except SolveQueueUnavailable as down:
            error = down.message  # lazy: the page renders it in its reader's language
    context = _scenario_context(scenario, lang, request.user)
    context |= {
        "error": error,
        "refused": refused,
        "refused_action": request.POST.get("action") if refused else None,
        "chosen_event": request.POST.get("event", ""),
        "may_publish": may_publish(request.user),
    }
    response = page(request, "planner/scenario.html", context)
    response.status_code = 403 if refused else 400 if error else 200
    return response


# --- an ordinary solve run ---------------------------------------------------------------


@planner_pages_required
@require_safe
def run_page(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """A solve run's live progress (objective, bound, gap, elapsed), refreshing itself while
    it runs, then its outcome: the plan it wrote, or why it failed."""
    solve_runs_fail_stale()  # a run whose worker died would refresh its page for ever
    lang = request_lang(request)
    run = get_object_or_404(
        SolveRun.objects.select_related("requested_by", "plan__schedule_version").defer(
            "problem", "solution"
        ),
        pk=pk,
    )
    with translation.override(ical.LANGS[lang]):
        context = progress_context(run)
    plan = getattr(run, "plan", None)
    context |= {
        "plan": plan,
        "published_as": getattr(plan, "schedule_version", None),
        "scenario": run.scenarios.first(),
    }
    return page(request, "planner/run.html", context)
