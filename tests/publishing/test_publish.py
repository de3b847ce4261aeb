"""Publishing a plan: versions, frozen snapshot, SEQUENCE, CANCELLED, changelog."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from events import services
from events.exchange import catalogue_export
from events.models import Event
from scheduler.models import PublishedEvent, ScheduleVersion, SolveRun
from scheduler.problem import Placement, Problem
from scheduler.publishing import CANCELLED_RETENTION, PublishError, plan_publish
from scheduler.solve import solve
from tests.publishing import factories as f

D = f.D
pytestmark = pytest.mark.django_db


def snapshot(version: ScheduleVersion) -> dict[str, PublishedEvent]:
    return {pe.event_code: pe for pe in version.events.all()}


@pytest.fixture
def city():
    """Two venues and three events, the first published plan placing all three."""
    expo, stadium = f.venue("expo"), f.venue("stadium", name_zh="体育场", name_en="Stadium")
    events = [f.event("wmc"), f.event("fair"), f.event("run", category="sports")]
    first = f.plan(
        [
            (events[0], expo, D(2026, 9, 20), D(2026, 9, 23)),
            (events[1], expo, D(2026, 4, 26), D(2026, 4, 28)),
            (events[2], stadium, D(2026, 11, 9), D(2026, 11, 9)),
        ]
    )
    return {"expo": expo, "stadium": stadium, "events": events, "plan": first}


def test_first_version_freezes_the_public_facts(city):
    user = get_user_model().objects.create_user("planner", is_staff=True)
    version = plan_publish(plan=city["plan"], comment="Programme 2026", user=user)
    assert (version.number, version.comment, version.published_by) == (1, "Programme 2026", user)
    assert timezone.is_aware(version.published_at)
    wmc = snapshot(version)["wmc"]
    assert (wmc.start_date, wmc.end_date) == (D(2026, 9, 20), D(2026, 9, 23))
    assert (wmc.venue_code, wmc.venue_name_en, wmc.venue_lat) == ("expo", f.venue().name_en, 31.73)
    assert wmc.name_zh == "wmc 博览会"
    assert (wmc.status, wmc.sequence) == ("CONFIRMED", 0)
    assert {e["event"] for e in version.changelog["added"]} == {"wmc", "fair", "run"}
    assert version.changelog["previous_version"] is None

    # Later catalogue edits do not touch what was published.
    Event.objects.filter(pk="wmc").update(name_zh="改名")
    assert snapshot(version)["wmc"].name_zh == "wmc 博览会"


def test_publishing_places_the_plans_open_events(city):
    Event.objects.filter(pk="run").update(status=Event.Status.CANCELLED)
    plan_publish(plan=city["plan"], comment="")
    wmc = Event.objects.get(pk="wmc")
    assert (wmc.status, wmc.previous_venue_id, wmc.previous_start) == (
        "placed",
        "expo",
        D(2026, 9, 20),
    )
    run = Event.objects.get(pk="run")
    assert (run.status, run.previous_venue_id) == ("cancelled", None)


def placed_at(problem: Problem) -> dict[str, tuple[str, dt.date]]:
    """Venue and first day of each event the solver places in ``problem``."""
    solution = solve(problem, time_limit_s=10, workers=1)
    return {a.event: (a.venue, a.start) for a in solution.assignments}


def test_publishing_records_where_a_partial_contract_was_placed_and_a_solve_keeps_it(city):
    """The fair is signed for the Expo, days to be set; the plan put it on 26 April.

    It prefers 20 April and takes it before anything is published; once 26
    April is published, moving costs change_penalty (50), more than 6 days
    off its preference (6), so the next solve keeps it.
    """
    fair = Event.objects.get(pk="fair")
    services.event_update(event=fair, preferred_start=D(2026, 4, 20))
    services.event_confirm(event=fair, venue=city["expo"])
    horizon = {"start": D(2026, 1, 1), "end": D(2026, 12, 31)}
    assert placed_at(catalogue_export(**horizon))["fair"] == ("expo", D(2026, 4, 20))

    plan_publish(plan=city["plan"], comment="")
    fair.refresh_from_db()
    assert (fair.status, fair.pinned_venue_id, fair.pinned_start) == ("confirmed", "expo", None)
    assert (fair.previous_venue_id, fair.previous_start) == ("expo", D(2026, 4, 26))
    problem = catalogue_export(**horizon)
    exported = problem.event("fair")
    assert (exported.pinned_venue, exported.previous) == ("expo", Placement("expo", D(2026, 4, 26)))
    assert placed_at(problem)["fair"] == ("expo", D(2026, 4, 26))


def test_publishing_the_same_plan_again_returns_its_version(city):
    first = plan_publish(plan=city["plan"], comment="one")
    again = plan_publish(plan=city["plan"], comment="retry")
    assert again.pk == first.pk and again.comment == "one"
    assert ScheduleVersion.objects.count() == 1
    assert PublishedEvent.objects.count() == 3


@pytest.mark.parametrize(
    ("run_status", "solver_status"),
    [
        (SolveRun.Status.FAILED, "OPTIMAL"),
        (SolveRun.Status.RUNNING, "FEASIBLE"),
        (SolveRun.Status.SUCCEEDED, "INFEASIBLE"),
        (SolveRun.Status.SUCCEEDED, "UNKNOWN"),
    ],
)
def test_refuses_a_plan_not_from_a_good_run(run_status, solver_status):
    plan = f.plan([], run_status=run_status, solver_status=solver_status)
    with pytest.raises(PublishError):
        plan_publish(plan=plan, comment="")
    assert not ScheduleVersion.objects.exists()


def test_published_rows_are_immutable(city):
    version = plan_publish(plan=city["plan"], comment="")
    version.comment = "rewritten"
    with pytest.raises(ValueError, match="immutable"):
        version.save()
    event = version.events.first()
    event.sequence = 99
    with pytest.raises(ValueError, match="immutable"):
        event.save()


def test_sequence_uid_and_cancellation_across_versions(city):
    expo, stadium = city["expo"], city["stadium"]
    wmc, fair, run = city["events"]
    first = plan_publish(plan=city["plan"], comment="v1")
    # v2: wmc moved by a day, fair unchanged, run dropped, a new event added.
    late = f.event("late", category="conference")
    second_plan = f.plan(
        [
            (wmc, expo, D(2026, 9, 21), D(2026, 9, 24)),
            (fair, expo, D(2026, 4, 26), D(2026, 4, 28)),
            (late, stadium, D(2026, 12, 1), D(2026, 12, 2)),
        ]
    )
    second = plan_publish(plan=second_plan, comment="v2")
    assert second.number == 2
    before, after = snapshot(first), snapshot(second)
    assert after["wmc"].sequence == before["wmc"].sequence + 1
    assert after["wmc"].last_modified == second.published_at
    assert after["fair"].sequence == before["fair"].sequence
    assert after["fair"].last_modified == before["fair"].last_modified
    assert (after["run"].status, after["run"].sequence) == ("CANCELLED", 1)
    assert after["run"].cancelled_at == second.published_at
    assert after["late"].sequence == 0

    log = second.changelog
    assert log["previous_version"] == 1
    assert [e["event"] for e in log["added"]] == ["late"]
    assert [e["event"] for e in log["cancelled"]] == ["run"]
    (moved,) = log["moved"]
    assert moved["event"] == "wmc"
    assert (moved["old"]["start"], moved["new"]["start"]) == ("2026-09-20", "2026-09-21")
    assert (moved["old"]["venue"], moved["new"]["venue"]) == ("expo", "expo")

    # v3: the cancellation is kept, not repeated; run comes back -> reinstated, SEQUENCE up.
    third = plan_publish(plan=f.plan([(wmc, expo, D(2026, 9, 21), D(2026, 9, 24))]), comment="")
    kept = snapshot(third)["run"]
    assert (kept.status, kept.sequence) == ("CANCELLED", 1)
    assert {e["event"] for e in third.changelog["cancelled"]} == {"fair", "late"}
    fourth = plan_publish(plan=f.plan([(run, stadium, D(2026, 11, 9), D(2026, 11, 9))]), comment="")
    back = snapshot(fourth)["run"]
    assert (back.status, back.sequence, back.cancelled_at) == ("CONFIRMED", 2, None)
    assert [e["event"] for e in fourth.changelog["added"]] == ["run"]


def test_title_change_raises_sequence_and_description_change_does_not(city):
    first = plan_publish(plan=city["plan"], comment="")
    wmc, fair, run = city["events"]
    Event.objects.filter(pk="wmc").update(name_en="World Manufacturing Convention")
    Event.objects.filter(pk="fair").update(description_en="New text")
    placements = [(p.event, p.venue, p.start, p.end) for p in city["plan"].placements.all()]
    second = plan_publish(plan=f.plan(placements), comment="")
    before, after = snapshot(first), snapshot(second)
    assert after["wmc"].sequence == 1
    assert (after["fair"].sequence, after["fair"].last_modified) == (0, second.published_at)
    assert after["run"].last_modified == before["run"].last_modified
    changed = {c["event"]: c["fields"] for c in second.changelog["changed"]}
    assert changed == {"wmc": ["name_en"], "fair": ["description_en"]}
    assert second.changelog["moved"] == []


def test_catalogue_cancellation_is_published_as_cancelled(city):
    plan_publish(plan=city["plan"], comment="")
    Event.objects.filter(pk="fair").update(status=Event.Status.CANCELLED)
    placements = [(p.event, p.venue, p.start, p.end) for p in city["plan"].placements.all()]
    second = plan_publish(plan=f.plan(placements), comment="")
    assert snapshot(second)["fair"].status == "CANCELLED"
    assert [e["event"] for e in second.changelog["cancelled"]] == ["fair"]


def test_events_outside_the_new_horizon_are_carried_over(city):
    first = plan_publish(plan=city["plan"], comment="")
    wmc = city["events"][0]
    # A plan for the last quarter only says nothing about April's fair.
    autumn = f.plan(
        [(wmc, city["expo"], D(2026, 10, 10), D(2026, 10, 13))],
        horizon=(D(2026, 10, 1), D(2026, 12, 31)),
    )
    second = plan_publish(plan=autumn, comment="")
    after = snapshot(second)
    assert after["fair"].status == "CONFIRMED"
    assert after["fair"].sequence == snapshot(first)["fair"].sequence
    assert after["run"].status == "CANCELLED"  # November is in the new horizon


def test_cancelled_events_are_dropped_after_the_retention(city, monkeypatch):
    plan_publish(plan=city["plan"], comment="")
    plan_publish(plan=f.plan([]), comment="everything cancelled")
    later = timezone.now() + CANCELLED_RETENTION + dt.timedelta(days=400)
    monkeypatch.setattr(timezone, "now", lambda: later)
    third = plan_publish(plan=f.plan([]), comment="much later")
    assert list(third.events.all()) == []


def test_only_the_plans_events_are_published(city):
    f.event("tentative")  # requested, never placed
    version = plan_publish(plan=city["plan"], comment="")
    assert set(snapshot(version)) == {"wmc", "fair", "run"}
