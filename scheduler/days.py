"""Day-index arithmetic over the horizon: the one place dates become integers.

The solver counts days as integers from the first day of the horizon (day 0).
Days before the horizon are negative, which hotel nights may need (the eve of
an event on the first day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scheduler.problem import DateRange


def shift(day: dt.date, days: int) -> dt.date:
    """The date ``days`` after ``day`` (before it when negative)."""
    return day + dt.timedelta(days=days)


@dataclass(frozen=True)
class DayIndex:
    """Converts between dates and day numbers counted from ``origin``."""

    origin: dt.date

    def index(self, day: dt.date) -> int:
        return (day - self.origin).days

    def date(self, index: int) -> dt.date:
        return shift(self.origin, index)

    def span(self, days: DateRange) -> tuple[int, int]:
        """First and last day number of an inclusive range."""
        return self.index(days.start), self.index(days.end)

    def range(self, first: int, last: int) -> DateRange:
        return DateRange(self.date(first), self.date(last))


def year_spans(horizon: DateRange) -> dict[int, tuple[int, int]]:
    """For every calendar year the horizon touches, its first and last day number."""
    days = DayIndex(horizon.start)
    spans = {}
    for year in range(horizon.start.year, horizon.end.year + 1):
        first = max(horizon.start, dt.date(year, 1, 1))
        last = min(horizon.end, dt.date(year, 12, 31))
        spans[year] = (days.index(first), days.index(last))
    return spans
