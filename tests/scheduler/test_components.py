"""Cutting a problem into parts no rule connects: what must stay together, and the same answer."""

import datetime as dt
from dataclasses import replace

import pytest

import scheduler.solve
from scheduler.candidates import event_options
from scheduler.components import split
from scheduler.problem import DateRange, MaxConcurrentMajor, Target

from .conftest import placed, solved
from .factories import (
    event,
    generated_problem,
    hotel,
    north_of,
    problem,
    rooms,
    rules,
    span,
    venue,
)

YEARS = DateRange(dt.date(2026, 1, 1), dt.date(2027, 12, 31))


def _parts(city) -> list[list[str]]:
    return [[e.id for e in part.events] for part in split(city, event_options(city))]


def _in(window: str, **fields):
    """An event whose public days must fall in the given month ("2026-03")."""
    first = dt.date.fromisoformat(f"{window}-01")
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return event(fields.pop("id"), window=DateRange(first, last), **fields)


def test_a_two_year_programme_is_planned_one_year_at_a_time():
    city = problem(
        _in("2026-05", id="expo-2026"),
        _in("2027-05", id="expo-2027"),
        _in("2026-09", id="forum-2026"),
        horizon=YEARS,
        targets=(Target(2027, "conference", 1), Target(2026, "conference", 2)),
    )
    parts = split(city, event_options(city))
    assert [[e.id for e in p.events] for p in parts] == [["expo-2026", "forum-2026"], ["expo-2027"]]
    assert [p.targets for p in parts] == [
        (Target(2026, "conference", 2),),
        (Target(2027, "conference", 1),),
    ]


def test_events_that_could_share_a_venue_on_the_same_days_stay_together():
    shared = problem(
        _in("2026-05", id="a", category="sports"),
        _in("2026-05", id="b", category="exhibition"),
        horizon=YEARS,
    )
    assert _parts(shared) == [["a", "b"]]


def test_setup_and_teardown_days_count_as_shared_days():
    # Public days in different months, but b's move-in reaches back into a's move-out.
    city = problem(
        event("a", category="sports", window=span("2026-05-01", "2026-05-02"), teardown_days=5),
        event("b", category="exhibition", window=span("2026-05-06", "2026-05-07"), setup_days=3),
        horizon=YEARS,
    )
    assert _parts(city) == [["a", "b"]]
    apart = problem(
        event("a", category="sports", window=span("2026-05-01", "2026-05-02")),
        event("b", category="exhibition", window=span("2026-05-06", "2026-05-07")),
        horizon=YEARS,
    )
    assert _parts(apart) == [["a"], ["b"]]


def test_events_in_different_venues_meet_through_a_hotel_on_the_same_nights():
    near, far = venue("near", location=north_of(0)), venue("far", location=north_of(30))
    inn = hotel("inn", block_rooms=100, location=north_of(15))

    def city(second_month: str):
        return problem(
            _in("2026-05", id="a", allowed_venues=("near",), hotel=rooms(60)),
            _in(second_month, id="b", allowed_venues=("far",), hotel=rooms(60)),
            venues=(near, far),
            hotels=(inn,),
            horizon=YEARS,
        )

    assert _parts(city("2026-05")) == [["a", "b"]]
    assert _parts(city("2026-08")) == [["a"], ["b"]]


def test_the_spacing_rule_joins_events_closer_than_its_gap():
    def city(gap: int):
        return problem(
            event("a", category="sports", window=span("2026-05-01", "2026-05-02")),
            event("b", category="sports", window=span("2026-05-10", "2026-05-11")),
            venues=(venue("x"), venue("y")),
            horizon=YEARS,
            rules=rules(min_gap_days={"sports": gap}),
        )

    assert _parts(city(gap=8)) == [["a", "b"]]
    assert _parts(city(gap=7)) == [["a"], ["b"]]  # 7 clear days, May 3-9


def test_major_events_on_the_same_days_stay_together():
    def city(attendance: int):
        return problem(
            _in("2026-05", id="a", attendance=attendance, allowed_venues=("x",)),
            _in("2026-05", id="b", attendance=attendance, allowed_venues=("y",), category="sports"),
            venues=(venue("x", capacity=50_000), venue("y", capacity=50_000)),
            horizon=YEARS,
            rules=rules(max_concurrent_major=MaxConcurrentMajor(10_000, 1)),
        )

    assert _parts(city(attendance=10_000)) == [["a", "b"]]
    assert _parts(city(attendance=9_999)) == [["a"], ["b"]]


def test_a_target_joins_the_events_it_counts_in_its_year():
    city = problem(
        _in("2026-03", id="spring"),
        _in("2026-10", id="autumn"),
        horizon=YEARS,
        targets=(Target(2026, "conference", 2),),
    )
    assert _parts(city) == [["spring", "autumn"]]


def test_events_that_cannot_be_placed_and_targets_nobody_counts_go_with_the_first_part():
    city = problem(
        _in("2027-05", id="late"),
        _in("2026-05", id="early"),
        event("too-big", attendance=1_000_000),
        horizon=YEARS,
        targets=(Target(2026, "sports", 1), Target(2030, "conference", 1)),
    )
    parts = split(city, event_options(city))
    assert [[e.id for e in p.events] for p in parts] == [["early", "too-big"], ["late"]]
    assert parts[0].targets == city.targets and parts[1].targets == ()


def test_the_whole_plan_is_the_plans_of_the_parts_together():
    city = problem(
        _in("2026-05", id="a-2026", preferred_start=dt.date(2026, 5, 10)),
        _in("2026-05", id="b-2026", preferred_start=dt.date(2026, 5, 10)),
        _in("2027-05", id="a-2027", preferred_start=dt.date(2027, 5, 10)),
        event("too-big", attendance=1_000_000),
        horizon=YEARS,
        venues=(venue("hall", area_m2=1000),),
        targets=(Target(2027, "conference", 2), Target(2026, "conference", 2)),
    )
    city = replace(city, events=tuple(replace(e, area_m2=600) for e in city.events))
    solution = solved(city)
    assert solution.status == "OPTIMAL" and solution.gap == 0
    # Problem order, both years, one target missed (2027 has one event) and said so.
    assert [a.event for a in solution.assignments] == ["a-2026", "b-2026", "a-2027"]
    assert [u.event for u in solution.unplaced] == ["too-big"]
    assert [(t.year, t.achieved, t.met) for t in solution.targets] == [
        (2027, 1, False),
        (2026, 2, True),
    ]
    assert solution.targets_met is False
    assert any("2027" in note for note in solution.diagnosis)
    got = placed(solution)
    assert got["a-2026"].start != got["b-2026"].start  # 600 + 600 m² do not fit one hall


def _two_years(seed: int):
    """A generated year of 16 events, and the same events again a year later."""
    first = generated_problem(events=16, venues=4, hotels=6, seed=seed)

    def next_year(day: dt.date | None) -> dt.date | None:
        return None if day is None else day.replace(year=2027)

    later = tuple(
        replace(
            e,
            id=f"{e.id}-next",
            window=DateRange(next_year(e.window.start), next_year(e.window.end)),
            preferred_start=next_year(e.preferred_start),
        )
        for e in first.events
    )
    return replace(first, events=first.events + later, horizon=YEARS)


@pytest.mark.parametrize("seed", [11, 12])
def test_splitting_never_changes_the_optimum(monkeypatch, seed):
    city = _two_years(seed)
    assert len(split(city, event_options(city))) >= 2
    apart = solved(city, time_limit_s=20)
    monkeypatch.setattr(scheduler.solve, "split", lambda problem, options: [problem])
    whole = solved(city, time_limit_s=20)
    assert apart.status == whole.status == "OPTIMAL"
    assert apart.objective == pytest.approx(whole.objective, abs=1e-6)


def test_progress_covers_the_whole_plan_while_parts_are_searched():
    seen = []
    solution = solved(_two_years(11), time_limit_s=20, on_progress=seen.append)
    first = seen[0]
    # From the first report on, objective and bound are of the whole two years.
    assert first.objective is not None and first.best_bound is not None
    assert first.objective > 0.8 * solution.objective
    assert first.best_bound >= solution.objective - 1e-6
    assert seen[-1].objective == pytest.approx(solution.objective)
