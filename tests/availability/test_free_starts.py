"""The availability answer on a catalogue small enough to work out by hand.

One hall of 10,000 m² and two hotels about 1 km away (300 rooms at 5★,
500 at 3★). The request: an exhibition of 6,000 m² with 2 public days,
1 move-in and 1 move-out day, first public day in 1..9 September 2026, 200
rooms a night at 4★+ within 15 km on the nights before each public day but
the last (so the nights s-1 and s). Its occupancy is s-1..s+2.
"""

import datetime as dt
from dataclasses import replace

import pytest

from bookings.availability import AvailabilityRequest, HeldRooms, Occupant, free_starts
from scheduler import problem as fmt

D = dt.date
SEPT = fmt.DateRange(D(2026, 9, 1), D(2026, 9, 10))

PROBLEM = fmt.Problem(
    horizon=SEPT,
    venues=(
        fmt.Venue(
            id="hall",
            name=fmt.Name(en="Hall"),
            kind="exhibition_centre",
            capacity=5000,
            location=fmt.Location(31.0, 117.0),
            area_m2=10000,
            features=("exhibition_halls",),
        ),
    ),
    hotels=(
        fmt.Hotel("five", fmt.Name(en="Five"), 5, fmt.Location(31.01, 117.0), 300),
        fmt.Hotel("three", fmt.Name(en="Three"), 3, fmt.Location(31.0, 117.01), 500),
    ),
)
REQUEST = AvailabilityRequest(
    category="exhibition",
    window=SEPT,
    duration_days=2,
    setup_days=1,
    teardown_days=1,
    area_m2=6000,
    attendance=3000,
    required_features=("exhibition_halls",),
    rooms_per_night=200,
    min_stars=4,
    max_distance_km=15,
)


def starts(answer) -> list[tuple[int, int]]:
    """The hall's free ranges as (first day, last day) of September."""
    assert [v.venue for v in answer.venues] == ["hall"], answer
    return [(r.first_start.day, r.last_start.day) for r in answer.venues[0].ranges]


def occupant(days: tuple[int, int], area: int, exclusive: bool = False) -> Occupant:
    return Occupant(
        "other", "hall", fmt.DateRange(D(2026, 9, days[0]), D(2026, 9, days[1])), area, exclusive
    )


def test_an_empty_hall_takes_every_start_of_the_window():
    answer = free_starts(problem=PROBLEM, request=REQUEST)
    assert starts(answer) == [(1, 9)]
    free = answer.venues[0].ranges[0]
    assert free.rooms_available == 300
    assert [(h.hotel, h.stars, h.spare_rooms) for h in free.hotels] == [("five", 5, 300)]
    assert free.hotels[0].km == pytest.approx(1.11, abs=0.01)


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        # 5,000 m² on 5..6 Sep leaves 5,000 < 6,000: starts whose s-1..s+2 meets 5..6 go.
        (occupant((5, 6), 5000), [(1, 2), (8, 9)]),
        # 4,000 m² leaves exactly 6,000: the area is shared.
        (occupant((5, 6), 4000), [(1, 9)]),
        # An exclusive occupant shares nothing, whatever its area.
        (occupant((5, 6), 0, exclusive=True), [(1, 2), (8, 9)]),
    ],
)
def test_area_is_shared_and_exclusivity_is_not(taken, expected):
    assert starts(free_starts(problem=PROBLEM, request=REQUEST, occupants=[taken])) == expected


def test_an_exclusive_request_finds_no_room_beside_anyone():
    request = replace(REQUEST, exclusive=True)
    answer = free_starts(problem=PROBLEM, request=request, occupants=[occupant((5, 6), 0)])
    assert starts(answer) == [(1, 2), (8, 9)]


def test_a_blackout_of_the_category_removes_starts_and_another_does_not():
    exhibitions = fmt.Blackout(D(2026, 9, 4), D(2026, 9, 4), ("exhibition",), "fair")
    sports = fmt.Blackout(D(2026, 9, 4), D(2026, 9, 4), ("sports",), "marathon")
    # Public days s, s+1 must miss 4 Sep: s is neither 3 nor 4.
    assert starts(
        free_starts(problem=replace(PROBLEM, blackouts=(exhibitions,)), request=REQUEST)
    ) == [
        (1, 2),
        (5, 9),
    ]
    assert starts(free_starts(problem=replace(PROBLEM, blackouts=(sports,)), request=REQUEST)) == [
        (1, 9)
    ]


def test_rooms_partly_taken_narrow_the_starts_and_the_spare_count():
    held = [HeldRooms("five", fmt.DateRange(D(2026, 9, 1), D(2026, 9, 2)), 150)]
    # 150 spare on the nights of 1 and 2 Sep: a start s with nights s-1, s meeting them
    # (s in 1..3) cannot hold 200; later starts have all 300.
    answer = free_starts(problem=PROBLEM, request=REQUEST, held_rooms=held)
    assert starts(answer) == [(4, 9)]
    assert answer.venues[0].ranges[0].rooms_available == 300
    # Asking for 100, every start fits; the range reports its tightest night.
    answer = free_starts(
        problem=PROBLEM, request=replace(REQUEST, rooms_per_night=100), held_rooms=held
    )
    assert starts(answer) == [(1, 9)]
    free = answer.venues[0].ranges[0]
    assert free.rooms_available == 150
    assert [(h.hotel, h.spare_rooms) for h in free.hotels] == [("five", 150)]


def test_the_answer_says_why_no_venue_fits():
    answer = free_starts(problem=PROBLEM, request=replace(REQUEST, area_m2=20000))
    assert answer.venues == []
    assert "20000 m²" in answer.reason
    too_few_rooms = replace(REQUEST, rooms_per_night=400)
    assert "no suitable hotel rooms" in free_starts(problem=PROBLEM, request=too_few_rooms).reason


def test_a_hall_taken_all_window_is_left_out_with_a_reason():
    answer = free_starts(problem=PROBLEM, request=REQUEST, occupants=[occupant((1, 12), 9000)])
    assert answer.venues == [] and "taken" in answer.reason
