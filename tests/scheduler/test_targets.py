"""Rule 10, targets: hard where they can all be met, priced where they cannot."""

from dataclasses import replace

from scheduler.problem import Problem, Target

from .conftest import placed, solved
from .factories import day, event, problem, span


def _rivals(expo_value: float) -> Problem:
    """An exposition and a race that both need the only venue on the same two days."""
    both_days = span("2026-01-10", "2026-01-11")
    expo = event("expo", exclusive=True, value=expo_value, window=both_days)
    race = event("race", category="sports", exclusive=True, value=0, window=both_days)
    return problem(expo, race, targets=(Target(2026, "sports", 1, True),))


def test_a_target_that_can_be_met_is_met_however_much_missing_it_would_gain():
    solution = solved(_rivals(expo_value=50_000))  # worth five shortfalls
    assert set(placed(solution)) == {"race"}
    assert solution.status == "OPTIMAL" and solution.targets_met
    assert solution.objective == 0 and solution.diagnosis == ()


def test_targets_that_cannot_all_be_met_leave_the_best_priced_plan():
    city = _rivals(expo_value=50_000)
    city = replace(city, targets=(*city.targets, Target(2026, "conference", 1, True)))
    progress = []
    solution = solved(city, on_progress=progress.append)
    assert set(placed(solution)) == {"expo"}  # 50,000 - 10,000 beats 0 - 10,000
    assert solution.status == "OPTIMAL" and solution.objective == 40_000
    assert solution.best_bound == 40_000
    assert [t.met for t in solution.targets] == [False, True]
    assert solution.diagnosis[0].startswith("2026 sports (international): 0 of 1")
    # The live figures are the spec's too, never the model's weight for "every target met".
    assert all(-20_000 <= p.objective <= 40_000 <= p.best_bound for p in progress)


def test_a_mandatory_event_comes_before_a_target():
    hall = span("2026-01-01", "2026-01-05")
    first = event(
        "first",
        exclusive=True,
        mandatory=True,
        value=500,
        window=hall,
        preferred_start=day("2026-01-01"),
    )
    second = event(
        "second", exclusive=True, mandatory=True, window=span("2026-01-02", "2026-01-03")
    )
    race = event("race", category="sports", exclusive=True, window=span("2026-01-01", "2026-01-04"))
    city = problem(first, second, race, targets=(Target(2026, "sports", 1, True),))
    solution = solved(city)
    assert set(placed(solution)) == {"first", "second"}  # the greedy start placed the race
    assert not solution.targets_met and solution.status == "OPTIMAL"


def test_when_another_years_target_cannot_be_met_the_best_priced_plan_wins():
    """2027's target cannot be met, so not every target can: the plan is the best priced one,
    the exposition in 2026 rather than the race its target asks for."""
    rivals = _rivals(expo_value=50_000)
    forum = event("forum", window=span("2027-03-01", "2027-03-31"))
    city = replace(
        rivals,
        horizon=span("2026-01-01", "2027-12-31"),
        events=(*rivals.events, forum),
        targets=(*rivals.targets, Target(2027, "conference", 2, True)),
    )
    solution = solved(city)
    assert set(placed(solution)) == {"expo", "forum"}
    assert solution.status == "OPTIMAL" and solution.objective == 50_000 + 100 - 2 * 10_000
    sports, conference = solution.diagnosis
    assert sports.startswith("2026 sports (international): 0 of 1 — reachable, but not every")
    assert conference.startswith("2027 conference (international): 1 of 2 — only 1")
