"""A hotel's nightly figure: ``reduced`` overrides the block; overlaps take the smallest."""

from scheduler.problem import ReducedBlock

from .factories import day, hotel, span

INN = hotel("inn", block_rooms=100, reduced=(
    ReducedBlock(day("2026-01-05"), day("2026-01-25"), 200),
    ReducedBlock(day("2026-01-12"), day("2026-01-15"), 120),
    ReducedBlock(day("2026-01-14"), day("2026-01-20"), 150),
))  # fmt: skip


def _figures(*nights: str) -> list[int]:
    return [INN.rooms_on(day(night)) for night in nights]


def test_a_reduced_figure_replaces_the_block_even_when_larger():
    assert _figures("2026-01-04", "2026-01-05", "2026-01-26") == [100, 200, 100]


def test_overlapping_ranges_take_the_smallest_figure():
    assert _figures("2026-01-12", "2026-01-15", "2026-01-16") == [120, 120, 150]


def test_runs_cut_the_nights_where_the_figure_changes():
    assert INN.rooms_by_run(span("2026-01-01", "2026-01-31")) == [
        (span("2026-01-01", "2026-01-04"), 100),
        (span("2026-01-05", "2026-01-11"), 200),
        (span("2026-01-12", "2026-01-15"), 120),
        (span("2026-01-16", "2026-01-20"), 150),
        (span("2026-01-21", "2026-01-25"), 200),
        (span("2026-01-26", "2026-01-31"), 100),
    ]


def test_runs_and_most_rooms_stay_inside_the_nights_asked_about():
    nights = span("2026-01-13", "2026-01-17")
    assert INN.rooms_by_run(nights) == [
        (span("2026-01-13", "2026-01-15"), 120),
        (span("2026-01-16", "2026-01-17"), 150),
    ]
    assert INN.most_rooms(nights) == 150
    assert hotel("plain", block_rooms=80).most_rooms(nights) == 80


def test_equal_figures_on_adjacent_ranges_make_one_run():
    twin = hotel("twin", reduced=(
        ReducedBlock(day("2026-01-05"), day("2026-01-09"), 60),
        ReducedBlock(day("2026-01-10"), day("2026-01-12"), 60),
    ))  # fmt: skip
    assert twin.rooms_by_run(span("2026-01-06", "2026-01-11")) == [
        (span("2026-01-06", "2026-01-11"), 60)
    ]
