"""Import and export of the exchange format: round trips, all-or-nothing, commands."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from events import exchange, services
from events.models import Blackout, Event, PlanningRules, Target
from scheduler.format import ProblemFormatError, read_problem, write_problem
from scheduler.problem import Problem
from tests.catalogue import factories as make
from venues.models import Feature, Hotel, Venue, VenueUnavailability

pytestmark = pytest.mark.django_db
D = make.D
DEMO = Path(__file__).resolve().parents[2] / "events" / "fixtures" / "hefei-demo.json"
CATALOGUE = [Feature, Venue, VenueUnavailability, Hotel, Event, Target, Blackout, PlanningRules]


def snapshot(*, revisions: bool = True) -> dict:
    """Every catalogue row, to show that a failed import changed nothing.

    ``revisions=False`` leaves out the rows' revisions (the API's ETags), which
    count every write, a repeated one too.
    """
    return {
        model.__name__: [
            {k: v for k, v in row.items() if revisions or k != "revision"}
            for row in model.objects.order_by("pk").values()
        ]
        for model in CATALOGUE
    }


def canonical(problem: dict) -> dict:
    """A written problem with its sets sorted: the catalogue keeps no order for them."""
    problem = json.loads(json.dumps(problem))
    for key in ("venues", "hotels", "events"):
        problem[key].sort(key=lambda item: item["id"])
    for venue in problem["venues"]:
        venue["features"] = sorted(venue["features"] or [])
    for event in problem["events"]:
        event["required_features"] = sorted(event["required_features"] or [])
        if event["allowed_venues"] is not None:
            event["allowed_venues"].sort()
    problem["targets"].sort(key=json.dumps)
    problem["blackouts"].sort(key=json.dumps)
    return problem


def test_every_field_round_trips_exactly():
    problem = make.every_field_problem()
    exchange.catalogue_import(problem)
    exported = exchange.catalogue_export(
        start=problem.horizon.start, end=problem.horizon.end, name=problem.name
    )
    assert exported == problem
    original = json.loads(make.EVERY_FIELD.read_text(encoding="utf-8"))
    assert write_problem(exported) == original


def test_every_field_lands_in_its_column():
    exchange.catalogue_import(make.every_field_problem())
    expo = Event.objects.get(pk="expo-2026")
    assert (expo.status, expo.pinned_venue_id, str(expo.pinned_start)) == (
        "confirmed",
        "hall.A-1",
        "2026-09-20",
    )
    assert (expo.hotel_max_distance_km, expo.hotel_nights_before) == (15.5, 2)
    assert Event.objects.get(pk="marathon-2026").status == "placed"
    assert Event.objects.get(pk="forum-2026").status == "requested"
    assert Blackout.objects.get(start=D(2026, 2, 15)).reason_en == "Spring Festival"
    assert PlanningRules.objects.get().min_gap_exhibition_days == 7
    assert Feature.objects.get(code="athletics_track").name_en == "athletics_track"


def test_demo_round_trips():
    problem = read_problem(json.loads(DEMO.read_text(encoding="utf-8")))
    exchange.catalogue_import(problem)
    exported = exchange.catalogue_export(
        start=problem.horizon.start, end=problem.horizon.end, name=problem.name
    )
    assert canonical(write_problem(exported)) == canonical(write_problem(problem))


def test_import_twice_is_an_update():
    problem = make.every_field_problem()
    first = exchange.catalogue_import(problem)
    before = snapshot(revisions=False)
    second = exchange.catalogue_import(problem)
    assert snapshot(revisions=False) == before
    assert first.created["events"] == second.updated["events"] == 3
    assert "events: 0 created, 3 updated" in str(second)


def test_export_keeps_to_the_range_and_leaves_out_cancelled_events():
    exchange.catalogue_import(make.every_field_problem())
    services.event_cancel(event=Event.objects.get(pk="forum-2026"))
    autumn = exchange.catalogue_export(start=D(2026, 9, 1), end=D(2026, 9, 30))
    assert [e.id for e in autumn.events] == ["expo-2026", "marathon-2026"]  # no window: any time
    assert autumn.blackouts == ()
    derived = exchange.catalogue_export()
    assert (derived.horizon.start, derived.horizon.end) == (D(2026, 1, 1), D(2026, 12, 31))
    assert [t.year for t in exchange.catalogue_export(start=D(2027, 1, 1)).targets] == []


def test_one_bound_of_the_range_is_kept_and_the_other_derived_around_it():
    exchange.catalogue_import(make.every_field_problem())  # events of 2026
    later = exchange.catalogue_export(start=D(2027, 3, 1)).horizon
    assert (later.start, later.end) == (D(2027, 3, 1), D(2027, 12, 31))
    earlier = exchange.catalogue_export(end=D(2025, 6, 30)).horizon
    assert (earlier.start, earlier.end) == (D(2025, 1, 1), D(2025, 6, 30))


def test_blackouts_on_the_same_days_for_other_categories_are_two_blackouts():
    data = json.loads(make.EVERY_FIELD.read_text(encoding="utf-8"))
    exhibitions = {"start": "2026-06-01", "end": "2026-06-03", "categories": ["exhibition"]}
    data["blackouts"].append({**exhibitions, "reason": "Hall floor works"})
    exchange.catalogue_import(read_problem(data))
    exchange.catalogue_import(read_problem(data))  # and again: an update, not a third row
    exported = exchange.catalogue_export(start=D(2026, 1, 1), end=D(2026, 12, 31))
    assert canonical(write_problem(exported))["blackouts"] == canonical(data)["blackouts"]


def test_a_target_or_blackout_given_twice_is_refused_not_overwritten():
    before = snapshot()
    data = json.loads(make.EVERY_FIELD.read_text(encoding="utf-8"))
    data["targets"].append({**data["targets"][1], "min_count": 9})
    blackout = data["blackouts"][1]
    data["blackouts"].append({**blackout, "categories": blackout["categories"][::-1]})
    with pytest.raises(ProblemFormatError) as failed:
        exchange.catalogue_import(read_problem(data))
    assert [str(issue) for issue in failed.value.issues] == [
        "/targets/2: the same year, category and international as /targets/1",
        "/blackouts/2: the same days and categories as /blackouts/1",
    ]
    assert snapshot() == before


def test_domain_errors_are_reported_by_pointer_and_nothing_is_written():
    make.venue("existing")
    before = snapshot()
    data = json.loads(make.EVERY_FIELD.read_text(encoding="utf-8"))
    data["events"][1]["window"] = {"start": "2026-05-10", "end": "2026-05-10"}
    data["events"][0]["attendance"] = 40000
    data["events"][0]["hotel"] = None
    data["hotels"][1]["stars"] = 6
    with pytest.raises(ProblemFormatError) as failed:
        exchange.catalogue_import(read_problem(data))
    pointers = {issue.pointer for issue in failed.value.issues}
    assert pointers == {
        "/events/1/window/end",
        "/events/0/pinned/venue",
        "/hotels/1/stars",
    }
    assert snapshot() == before


def test_a_crash_in_the_middle_rolls_everything_back(monkeypatch):
    before = snapshot()

    def crash(**fields):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "target_create", crash)
    with pytest.raises(RuntimeError):
        exchange.catalogue_import(make.every_field_problem())
    assert snapshot() == before


def test_a_different_timezone_is_refused():
    data = json.loads(make.EVERY_FIELD.read_text(encoding="utf-8"))
    data["timezone"] = "Europe/Paris"
    with pytest.raises(ProblemFormatError) as failed:
        exchange.catalogue_import(read_problem(data))
    assert [issue.pointer for issue in failed.value.issues] == ["/timezone"]


# --- commands -----------------------------------------------------------------------------


def test_import_and_export_commands(tmp_path):
    out = StringIO()
    call_command("import_problem", str(make.EVERY_FIELD), stdout=out)
    assert "events: 3 created" in out.getvalue()
    target = tmp_path / "out.json"
    call_command(
        "export_problem",
        "--start=2026-01-01",
        "--end=2026-12-31",
        "--name=Every field of the format",
        f"-o{target}",
        stderr=StringIO(),
    )
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(
        make.EVERY_FIELD.read_text(encoding="utf-8")
    )


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["--start=2027-01-01", "--end=2026-01-01"], "--end 2026-01-01 is before --start"),
        (["-o/nonexistent/dir/problem.json"], "/nonexistent/dir/problem.json"),
    ],
)
def test_export_refuses_a_backwards_range_or_an_unwritable_file_with_exit_2(arguments, words):
    with pytest.raises(CommandError) as failed:
        call_command("export_problem", *arguments, stdout=StringIO(), stderr=StringIO())
    assert failed.value.returncode == 2
    assert words in str(failed.value)


@pytest.mark.parametrize(
    ("breakage", "line"),
    [
        (lambda d: d["venues"][0].pop("capacity"), "/venues/0/capacity: "),
        (lambda d: d["events"][2].update(duration_days=0), "/events/2/duration_days: "),
        (lambda d: d["events"][0]["window"].update(end="2026-09-02"), "/events/0/window/end: "),
        (lambda d: d["events"][0].update(allowed_venues=["nowhere"]), "/events/0/allowed_venues/0"),
        (
            lambda d: d["events"][0].pop("window") and d["events"][0].update(duration_days=10**8),
            "/events/0/duration_days: ",
        ),
        (
            lambda d: d["events"][2].update(
                teardown_days=1, previous={"venue": "stadium", "start": "9999-12-31"}
            ),
            "/events/2/previous/start: ",
        ),
        (lambda d: d["events"][1].update(value=float("nan")), "/events/1/value: "),
        (lambda d: d["events"][1].update(allowed_venues=[]), "/events/1/allowed_venues: "),
        (
            lambda d: d["events"][0]["hotel"].update(max_distance_km=float("inf")),
            "/events/0/hotel/max_distance_km: ",
        ),
        (
            lambda d: d["rules"]["weights"].update(change_penalty=float("inf")),
            "/rules/weights/change_penalty: ",
        ),
    ],
)
def test_a_broken_file_exits_2_with_pointers_and_changes_nothing(tmp_path, breakage, line):
    make.venue()
    before = snapshot()
    data = json.loads(make.EVERY_FIELD.read_text(encoding="utf-8"))
    breakage(data)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_problem", str(broken), stderr=err)
    assert failed.value.returncode == 2
    assert any(row.startswith(line) for row in err.getvalue().splitlines()), err.getvalue()
    assert snapshot() == before


def test_not_json_exits_2(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_problem", str(broken), stderr=err)
    assert failed.value.returncode == 2
    assert "not valid JSON" in err.getvalue()


def test_load_demo_is_idempotent():
    call_command("load_demo", stdout=StringIO())
    first = snapshot(revisions=False)
    call_command("load_demo", stdout=StringIO())
    assert snapshot(revisions=False) == first
    assert Feature.objects.get(code="plenary_hall").name_zh
    assert Event.objects.count() == len(json.loads(DEMO.read_text(encoding="utf-8"))["events"])


def test_an_event_first_on_two_venues_prefers_the_hold_it_took_first():
    from tests.holds.factories import hold

    wmc = make.event("wmc", window_start=D(2027, 9, 1), window_end=D(2027, 9, 30))
    hold(wmc, make.venue("aa-hall"), D(2027, 9, 20))  # taken first
    hold(wmc, make.venue("zz-hall"), D(2027, 9, 10))
    (exported,) = exchange.catalogue_export(start=D(2027, 1, 1), end=D(2027, 12, 31)).events
    assert (exported.previous.venue, exported.previous.start) == ("aa-hall", D(2027, 9, 20))


# --- the lifecycle: an import signs and places, never undoes -----------------------------


def every_field_with(**changes: dict) -> Problem:
    """The every-field file with each named event's keys replaced as given."""
    data = json.loads(make.EVERY_FIELD.read_text(encoding="utf-8"))
    for event in data["events"]:
        event.update(changes.get(event["id"], {}))
    return read_problem(data)


@pytest.mark.parametrize(
    ("pinned", "pointer", "words"),
    [
        (None, "/events/0/pinned", "an import does not remove it or a half of it"),
        (
            {"venue": "hall.A-1", "start": "2026-09-27"},
            "/events/0/pinned",
            "cancel it to sign anew",
        ),
    ],
)
def test_an_import_does_not_remove_or_change_a_signed_contract(pinned, pointer, words):
    exchange.catalogue_import(make.every_field_problem())  # expo-2026 is contracted
    before = snapshot()
    with pytest.raises(ProblemFormatError) as refused:
        exchange.catalogue_import(every_field_with(**{"expo-2026": {"pinned": pinned}}))
    assert any(
        issue.pointer == pointer and words in issue.message for issue in refused.value.issues
    )
    assert snapshot() == before


def test_an_import_does_not_bring_a_cancelled_event_back():
    exchange.catalogue_import(make.every_field_problem())
    services.event_cancel(event=Event.objects.get(pk="forum-2026"))
    with pytest.raises(ProblemFormatError) as refused:
        exchange.catalogue_import(make.every_field_problem())
    assert [(i.pointer, i.message) for i in refused.value.issues] == [
        ("/events/1/pinned", "forum-2026 is cancelled; an import does not bring it back.")
    ]
    assert Event.objects.get(pk="forum-2026").status == "cancelled"


def test_an_import_signs_a_contract_as_staff_would_so_another_events_option_is_honoured():
    from tests.holds.factories import hold

    exchange.catalogue_import(make.every_field_problem())
    hall = Venue.objects.get(pk="hall.A-1")
    rival = make.event(
        "rival", area_m2=100, window_start=D(2026, 11, 1), window_end=D(2026, 11, 30)
    )
    hold(rival, hall, D(2026, 11, 10))
    with pytest.raises(ProblemFormatError) as refused:
        exchange.catalogue_import(
            every_field_with(
                **{"forum-2026": {"pinned": {"venue": "hall.A-1", "start": "2026-11-10"}}}
            )
        )
    assert any(
        issue.pointer.startswith("/events/1/pinned") and "is held for rival" in issue.message
        for issue in refused.value.issues
    )
    assert Event.objects.get(pk="forum-2026").status == "requested"


def test_a_file_without_the_published_placement_leaves_it_as_published():
    exchange.catalogue_import(make.every_field_problem())
    exchange.catalogue_import(every_field_with(**{"marathon-2026": {"previous": None}}))
    marathon = Event.objects.get(pk="marathon-2026")
    assert (marathon.status, marathon.previous_venue_id) == ("placed", "stadium")


def test_an_import_does_not_drop_the_signed_half_of_a_partial_contract():
    exchange.catalogue_import(
        every_field_with(**{"forum-2026": {"pinned_venue": "hall.A-1"}})
    )  # the venue alone is signed
    with pytest.raises(ProblemFormatError) as refused:
        exchange.catalogue_import(
            every_field_with(**{"forum-2026": {"pinned_start": "2026-10-20"}})
        )
    assert any(
        "does not remove it or a half of it" in issue.message for issue in refused.value.issues
    )
    forum = Event.objects.get(pk="forum-2026")
    assert (forum.pinned_venue_id, forum.pinned_start) == ("hall.A-1", None)


def test_the_demo_loaded_again_keeps_what_staff_signed_and_cancelled():
    call_command("load_demo", stdout=StringIO())
    signed, cancelled = Event.objects.filter(status="requested")[:2]
    venue = Venue.objects.filter(
        area_m2__gte=signed.area_m2, capacity__gte=signed.attendance
    ).first()
    services.event_confirm(event=signed, venue=venue)
    services.event_cancel(event=cancelled)
    call_command("load_demo", stdout=StringIO())
    assert Event.objects.get(pk=signed.pk).pinned_venue == venue
    assert Event.objects.get(pk=cancelled.pk).status == "cancelled"
