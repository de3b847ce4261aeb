"""Each hard rule on a tiny instance where the obvious placement would break it.

Every plan goes through the independent checker (``solved``); the asserts
then name what a planner would notice.
"""

from scheduler.candidates import event_options
from scheduler.geo import haversine_km
from scheduler.model import build_model, spacing
from scheduler.problem import MaxConcurrentMajor, Placement, ReducedBlock, Target, Unavailability

from .conftest import placed, solved
from .factories import (
    day,
    event,
    hotel,
    north_of,
    problem,
    rooms,
    rules,
    span,
    venue,
)


def test_setup_and_teardown_occupy_the_venue():
    # Public days 5-6 and 8-9 do not meet, but with setup/teardown the occupancies would.
    a = event(
        "a",
        duration_days=2,
        setup_days=2,
        teardown_days=1,
        exclusive=True,
        preferred_start=day("2026-01-05"),
    )
    b = event("b", duration_days=2, setup_days=2, exclusive=True,
              preferred_start=day("2026-01-08"))  # fmt: skip
    solution = solved(problem(a, b))
    got = placed(solution)
    assert set(got) == {"a", "b"}
    assert not got["a"].occupancy.overlaps(got["b"].occupancy)
    assert got["a"].occupancy.start == got["a"].start.replace(day=got["a"].start.day - 2)


def test_occupancy_stays_inside_the_horizon():
    early = event("early", setup_days=3, preferred_start=day("2026-01-01"))
    got = placed(solved(problem(early)))["early"]
    assert got.occupancy.start >= day("2026-01-01")
    assert got.start == day("2026-01-04")


def test_area_is_shared_but_not_exceeded():
    hall = venue("hall", area_m2=100)
    same_days = span("2026-01-10", "2026-01-11")
    a = event("a", area_m2=50, window=same_days)
    b = event("b", area_m2=50, window=same_days)
    c = event("c", area_m2=50, window=same_days, value=1)
    got = placed(solved(problem(a, b, c, venues=[hall])))
    assert set(got) == {"a", "b"}


def test_exclusive_event_with_no_area_still_excludes_in_a_stadium():
    stadium = venue("stadium", kind="stadium", area_m2=0)
    same_day = span("2026-01-10", "2026-01-10")
    final = event("final", duration_days=1, exclusive=True, window=same_day, value=50)
    fun_run = event("fun-run", duration_days=1, window=same_day, value=10)
    got = placed(solved(problem(final, fun_run, venues=[stadium])))
    assert set(got) == {"final"}


def test_events_without_area_share_a_venue_without_area():
    stadium = venue("stadium", kind="stadium", area_m2=0)
    same_day = span("2026-01-10", "2026-01-10")
    a = event("a", duration_days=1, window=same_day)
    b = event("b", duration_days=1, window=same_day)
    assert set(placed(solved(problem(a, b, venues=[stadium])))) == {"a", "b"}


def test_features_capacity_and_allowed_venues_choose_the_venue():
    plain = venue("plain", capacity=50_000)
    track = venue("track", capacity=30_000, features=("athletics_track",))
    small_track = venue("small-track", capacity=1_000, features=("athletics_track",))
    meet = event("meet", required_features=("athletics_track",), attendance=20_000)
    fair = event("fair", attendance=40_000)
    gala = event("gala", allowed_venues=("small-track",))
    got = placed(solved(problem(meet, fair, gala, venues=[plain, track, small_track])))
    assert (got["meet"].venue, got["fair"].venue, got["gala"].venue) == (
        "track",
        "plain",
        "small-track",
    )


def test_unavailable_venue_moves_the_event():
    closed = Unavailability(day("2026-01-08"), day("2026-01-20"), "maintenance")
    hall = venue("hall", unavailable=(closed,))
    expo = event("expo", duration_days=3, setup_days=1, preferred_start=day("2026-01-10"))
    got = placed(solved(problem(expo, venues=[hall])))["expo"]
    assert not got.occupancy.overlaps(closed.range)
    assert got.start == day("2026-01-05")  # 5 days early beats 11 days late


def test_window_and_blackouts_by_category():
    from scheduler.problem import Blackout

    festival = Blackout(day("2026-01-10"), day("2026-01-15"), ("sports",), "festival")
    two_halls = [venue("h1"), venue("h2")]
    race = event(
        "race",
        category="sports",
        duration_days=2,
        preferred_start=day("2026-01-12"),
        window=span("2026-01-05", "2026-01-20"),
    )
    talk = event("talk", category="conference", duration_days=2,
                 preferred_start=day("2026-01-12"))  # fmt: skip
    got = placed(solved(problem(race, talk, venues=two_halls, blackouts=(festival,))))
    assert got["talk"].start == day("2026-01-12")
    assert not festival.range.overlaps(span(str(got["race"].start), str(got["race"].end)))
    assert got["race"].start in (day("2026-01-08"), day("2026-01-16"))


def test_event_outside_its_window_is_not_placed():
    late = event("late", duration_days=5, window=span("2026-01-10", "2026-01-12"))
    solution = solved(problem(late))
    assert solution.assignments == ()
    assert "shorter than its 5 public days" in solution.unplaced[0].reason


def test_hotel_capacity_per_night_with_reduced_nights():
    halls = [venue("h1"), venue("h2")]
    inn = hotel("inn", block_rooms=100,
                reduced=(ReducedBlock(day("2026-01-09"), day("2026-01-12"), 50),))  # fmt: skip
    a = event("a", hotel=rooms(80), preferred_start=day("2026-01-10"))
    b = event("b", hotel=rooms(60), preferred_start=day("2026-01-20"))
    c = event("c", hotel=rooms(60), preferred_start=day("2026-01-20"), value=90)
    solution = solved(problem(a, b, c, venues=halls, hotels=[inn]))
    got = placed(solution)
    nights_a = span(str(got["a"].rooms[0].first_night), str(got["a"].rooms[0].last_night))
    assert not nights_a.overlaps(span("2026-01-09", "2026-01-12"))
    # b and c cannot both hold 60 of 100 rooms on the same nights.
    b_nights, c_nights = (got[e].rooms[0] for e in ("b", "c"))
    assert b_nights.last_night < c_nights.first_night or c_nights.last_night < b_nights.first_night


def test_a_reduced_figure_above_the_block_replaces_it():
    # The format's ``reduced`` is a per-night override: 200 rooms in January, not min(100, 200).
    inn = hotel("inn", block_rooms=100,
                reduced=(ReducedBlock(day("2026-01-01"), day("2026-01-31"), 200),))  # fmt: skip
    fair = event("fair", hotel=rooms(150, nights_before=0),
                 pinned=Placement("hall", day("2026-01-10")))  # fmt: skip
    got = placed(solved(problem(fair, hotels=[inn])))["fair"]
    assert [(b.hotel, b.rooms_per_night) for b in got.rooms] == [("inn", 150)]


def test_overlapping_reduced_ranges_take_the_smallest_figure():
    # 200 rooms from the 5th to the 25th, but only 120 from the 12th to the 15th.
    inn = hotel("inn", block_rooms=100, reduced=(
        ReducedBlock(day("2026-01-05"), day("2026-01-25"), 200),
        ReducedBlock(day("2026-01-12"), day("2026-01-15"), 120),
    ))  # fmt: skip
    fair = event("fair", hotel=rooms(150, nights_before=0), preferred_start=day("2026-01-13"))
    got = placed(solved(problem(fair, hotels=[inn])))["fair"]
    # Its one night must fall on the 5th-11th or the 16th-25th; the 11th is nearest the 13th.
    assert (got.start, got.rooms[0].rooms_per_night) == (day("2026-01-11"), 150)


def test_stars_and_distance_choose_the_hotels():
    hall = venue("hall")
    near_cheap = hotel("near-cheap", stars=3, location=north_of(1))
    mid = hotel("mid", stars=4, location=north_of(4), block_rooms=60)
    mid2 = hotel("mid2", stars=5, location=north_of(2), block_rooms=30)
    far_lux = hotel("far-lux", stars=5, location=north_of(30))
    summit = event("summit", hotel=rooms(80, min_stars=4, max_distance_km=5))
    got = placed(solved(problem(summit, venues=[hall], hotels=[near_cheap, mid, mid2, far_lux])))
    blocks = {b.hotel: b.rooms_per_night for b in got["summit"].rooms}
    assert blocks == {"mid2": 30, "mid": 50}  # nearest eligible first, then the next one


def test_rooms_follow_the_chosen_venue():
    east = venue("east", location=north_of(0))
    west = venue("west", location=north_of(50))
    inn = hotel("inn", location=north_of(49))
    expo = event("expo", hotel=rooms(50, max_distance_km=5))
    got = placed(solved(problem(expo, venues=[east, west], hotels=[inn])))["expo"]
    assert got.venue == "west"
    assert haversine_km(inn.location, west.location) < 5


def test_nights_before_and_after_set_the_room_nights():
    inn = hotel("inn", block_rooms=100)
    halls = [venue("h1"), venue("h2")]
    first = event(
        "first",
        duration_days=3,
        preferred_start=day("2026-01-10"),
        hotel=rooms(60, nights_before=2, nights_after=1),
    )
    second = event("second", duration_days=2, preferred_start=day("2026-01-14"),
                   hotel=rooms(60))  # fmt: skip
    got = placed(solved(problem(first, second, venues=halls, hotels=[inn])))
    block = got["first"].rooms[0]
    assert block.first_night == got["first"].start.replace(day=got["first"].start.day - 2)
    assert block.last_night == got["first"].end
    # Public days 10-12 and 14-15 would fit, but the nights 8-12 and 13-14... must not overlap.
    other = got["second"].rooms[0]
    assert other.first_night > block.last_night or other.last_night < block.first_night


def test_min_gap_between_international_events_of_a_category():
    halls = [venue("h1"), venue("h2"), venue("h3")]
    a = event("a", category="sports", duration_days=2, preferred_start=day("2026-01-10"))
    b = event("b", category="sports", duration_days=2, preferred_start=day("2026-01-13"))
    local = event("local", category="sports", international=False, duration_days=2,
                  preferred_start=day("2026-01-11"))  # fmt: skip
    spaced = problem(a, b, local, venues=halls, rules=rules(min_gap_days={"sports": 5}))
    got = placed(solved(spaced))
    first, second = sorted((got["a"], got["b"]), key=lambda x: x.start)
    assert (second.start - first.end).days - 1 >= 5
    assert got["local"].start == day("2026-01-11")


def test_min_gap_in_a_crowded_season_gives_the_same_optimum_with_its_day_slots(monkeypatch):
    # Four 2-day events needing 5 clear days between them fill 28 of January's days:
    # crowded enough for the time-indexed form of the rule (spacing.CROWDED).
    races = [
        event(f"r{i}", category="sports", duration_days=2, preferred_start=day("2026-01-10"),
              value=100 + i)
        for i in range(4)
    ]  # fmt: skip
    city = problem(*races, venues=[venue("h1"), venue("h2")],
                   rules=rules(min_gap_days={"sports": 5}))  # fmt: skip
    assert build_model(city, event_options(city)).slots.keys() == {r.id for r in races}
    with_slots = solved(city)
    starts = sorted(a.start for a in with_slots.assignments)
    assert len(starts) == 4
    assert all((b - a).days - 2 >= 5 for a, b in zip(starts, starts[1:], strict=False))
    monkeypatch.setattr(spacing, "CROWDED", float("inf"))
    without = solved(city)
    assert with_slots.status == without.status == "OPTIMAL"
    assert with_slots.objective == without.objective


def test_max_concurrent_major_events():
    halls = [venue("h1"), venue("h2"), venue("h3")]
    majors = [
        event(f"m{i}", attendance=10_000, duration_days=2, preferred_start=day("2026-01-10"))
        for i in range(3)
    ]
    city = problem(*majors, venues=halls,
                   rules=rules(max_concurrent_major=MaxConcurrentMajor(10_000, 2)))  # fmt: skip
    got = placed(solved(city))
    assert len(got) == 3
    starts = sorted(a.start for a in got.values())
    assert starts.count(day("2026-01-10")) == 2
    moved = next(s for s in starts if s != day("2026-01-10"))
    assert abs((moved - day("2026-01-10")).days) == 2  # just clear of the other two


def test_pinned_event_stays_and_others_move():
    from scheduler.problem import Placement

    pinned = event("pinned", exclusive=True, value=0, pinned=Placement("hall", day("2026-01-10")))
    keen = event("keen", exclusive=True, value=100, preferred_start=day("2026-01-10"))  # fmt: skip
    got = placed(solved(problem(pinned, keen)))
    assert (got["pinned"].venue, got["pinned"].start) == ("hall", day("2026-01-10"))
    assert got["keen"].start != day("2026-01-10")


def test_mandatory_event_is_placed_even_when_worth_less():
    one_day = span("2026-01-10", "2026-01-11")
    must = event("must", exclusive=True, value=0, mandatory=True, window=one_day)
    rich = event("rich", exclusive=True, value=1000, window=one_day)
    got = placed(solved(problem(must, rich)))
    assert set(got) == {"must"}


def test_targets_count_the_year_of_the_first_public_day():
    new_year = span("2026-12-01", "2027-01-31")
    games = event(
        "games",
        category="sports",
        duration_days=3,
        window=span("2026-12-28", "2027-01-10"),
        preferred_start=day("2026-12-29"),
    )
    target = Target(year=2027, category="sports", min_count=1, international=True)
    solution = solved(problem(games, horizon=new_year, targets=(target,)))  # fmt: skip
    got = placed(solution)["games"]
    assert got.start.year == 2027
    assert solution.targets_met and solution.targets[0].achieved == 1
