"""When targets, pins or mandatory events cannot all hold: the plan still comes, with the reason."""

from scheduler.problem import Name, Placement, Target

from .conftest import placed, solved
from .factories import day, event, problem, rules, span, venue


def test_target_short_of_candidates_names_the_count():
    races = [event(f"r{i}", category="sports") for i in range(2)]
    solution = solved(problem(*races, targets=(Target(2026, "sports", 3, True),)))
    assert solution.status == "OPTIMAL"
    assert not solution.targets_met
    assert solution.targets[0].achieved == 2 and not solution.targets[0].met
    assert solution.diagnosis[0].startswith("2026 sports (international): 2 of 3 — only 2")


def test_target_blocked_by_a_pinned_event_in_the_only_suitable_venue():
    stadium = venue("stadium", name=Name(en="Olympic Stadium"), features=("athletics_track",),
                    area_m2=0)  # fmt: skip
    window = span("2026-01-06", "2026-01-13")
    meets = [
        event(f"meet{i}", category="sports", duration_days=3, exclusive=True, window=window,
              required_features=("athletics_track",))
        for i in range(2)
    ]  # fmt: skip
    concert = event("concert", category="conference", international=False, exclusive=True,
                    duration_days=3, pinned=Placement("stadium", day("2026-01-08")))  # fmt: skip
    city = problem(*meets, concert, venues=[stadium, venue("hall")],
                   targets=(Target(2026, "sports", 2, True),))  # fmt: skip
    solution = solved(city)
    line = solution.diagnosis[0]
    assert line.startswith("2026 sports (international): 1 of 2 — ")
    assert "cannot be met together with pinned event concert" in line
    assert "can only use Olympic Stadium" in line
    assert "taken by concert from 2026-01-08 to 2026-01-10" in line
    assert placed(solution)["concert"].start == day("2026-01-08")


def test_target_in_a_year_outside_the_horizon():
    solution = solved(problem(event("a"), targets=(Target(2030, "conference", 1),)))
    assert solution.targets[0].met is False
    assert "2030 lies outside the horizon" in solution.diagnosis[0]
    assert solution.objective == 100 - 10_000  # the shortfall is priced


def test_pinned_clash_is_infeasible_and_names_both_events():
    y = event("y", exclusive=True, duration_days=3, pinned=Placement("hall", day("2026-01-10")))
    z = event("z", exclusive=True, duration_days=2, pinned=Placement("hall", day("2026-01-11")))
    solution = solved(problem(y, z, event("free")))
    assert solution.status == "INFEASIBLE"
    assert solution.diagnosis == (
        "pinned event y collides with pinned event z at venue hall on "
        "2026-01-11..2026-01-12 (exclusive use)",
    )
    got = placed(solution)
    assert "free" in got and len({"y", "z"} & got.keys()) == 1
    assert [u.event for u in solution.unplaced] == sorted({"y", "z"} - got.keys())


def test_mandatory_event_with_no_venue():
    solution = solved(problem(event("m", mandatory=True, required_features=("ice_rink",)),
                              event("other")))  # fmt: skip
    assert solution.status == "INFEASIBLE"
    assert solution.diagnosis == (
        "mandatory event m cannot be placed: no venue has feature 'ice_rink'",
    )
    assert set(placed(solution)) == {"other"}
    assert solution.unplaced[0].event == "m"


def test_mandatory_events_in_conflict_name_the_rule():
    s1 = event("s1", category="sports", mandatory=True, window=span("2026-01-10", "2026-01-12"))
    s2 = event("s2", category="sports", mandatory=True, window=span("2026-01-12", "2026-01-14"))
    city = problem(s1, s2, venues=[venue("a"), venue("b")],
                   rules=rules(min_gap_days={"sports": 3}))  # fmt: skip
    solution = solved(city)
    assert solution.status == "INFEASIBLE"
    assert "international sports events need 3 clear days between them" in solution.diagnosis[0]
    assert len(solution.assignments) == 1


def test_static_reasons_for_a_short_window():
    solution = solved(problem(event("m", mandatory=True, duration_days=4,
                                    window=span("2026-01-10", "2026-01-11"))))  # fmt: skip
    assert (
        "window 2026-01-10..2026-01-11 is shorter than its 4 public days" in solution.diagnosis[0]
    )


def test_static_reasons_for_blackouts():
    from scheduler.problem import Blackout

    festival = Blackout(day("2026-01-01"), day("2026-01-31"), None, "Spring Festival")
    solution = solved(problem(event("m", mandatory=True), blackouts=(festival,)))
    assert "every start in its window hits a blackout (Spring Festival)" in solution.diagnosis[0]


def test_a_pinned_venue_outside_the_allowed_venues_is_named():
    contract = event("m", pinned=Placement("hall", day("2026-01-10")), allowed_venues=("annex",))
    solution = solved(problem(contract, venues=[venue("hall"), venue("annex")]))
    assert solution.status == "INFEASIBLE"
    assert "its pinned venue hall is not one of its allowed venues" in solution.diagnosis[0]
    assert solution.assignments == ()


def test_one_proven_clash_proves_the_musts_infeasible_when_time_runs_out(monkeypatch):
    from scheduler import diagnosis
    from scheduler.candidates import event_options

    clashes = [
        event(name, exclusive=True, duration_days=2, pinned=Placement(hall, day("2026-01-10")))
        for name, hall in (("y", "hall"), ("z", "hall"), ("p", "annex"), ("q", "annex"))
    ]
    city = problem(*clashes, venues=[venue("hall"), venue("annex")])
    real, calls = diagnosis._Oracle.minimal_conflict, []

    def out_of_time_after_one(oracle, names):
        calls.append(names)
        return real(oracle, names) if len(calls) == 1 else None

    monkeypatch.setattr(diagnosis._Oracle, "minimal_conflict", out_of_time_after_one)
    found = diagnosis.explain_must_conflicts(
        city, event_options(city), {"y", "z", "p", "q"}, deadline=10**9
    )
    assert found.proven
    assert len(found.messages) == 1 and "collides with pinned event" in found.messages[0]
