"""Reads and writes the exchange format (``shared/spec/problem-format.md``).

Reading collects every issue in the file before it gives up, each named by a
JSON pointer, so that whoever wrote the file can fix it in one pass. Absent
optional fields stay ``None`` in the dataclasses, and writing spells every
field out, so a file that spells out its fields survives a round trip.
Unknown keys are accepted: the spec allows optional extensions. Our own
extensions (an event's ``pinned_venue`` and ``pinned_start``, docs/solver.md)
are written only when set, so a file without them round-trips unchanged and
a reader that ignores them still reads a valid problem. Integers and dates
have limits no real problem reaches (MAX_QUANTITY and the rest below), so
that nothing the solver or the checker derives from them overflows.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scheduler.problem import (
    CATEGORIES,
    PROBLEM_FORMAT,
    SOLUTION_FORMAT,
    STATUSES,
    VENUE_KINDS,
    Assignment,
    Blackout,
    DateRange,
    Event,
    Hotel,
    HotelNeed,
    Location,
    MaxConcurrentMajor,
    Name,
    Placement,
    Problem,
    ReducedBlock,
    RoomBlock,
    Rules,
    Solution,
    Target,
    TargetResult,
    Unavailability,
    Unplaced,
    Venue,
    Weights,
)

ID_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,64}")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
TIME_PATTERN = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
MISSING = object()

# Limits no real city problem reaches (docs/solver.md, "Format limits"). Within
# them every figure the solver derives (areas and rooms summed, room-nights
# times km, shortfalls) fits CP-SAT's 64-bit integers, and every date it or the
# checker derives (a date give or take setup, duration, teardown and hotel
# nights) stays inside Python's years 1-9999. Beyond them it would crash.
MAX_QUANTITY = 10**9  # people, square metres, stars, counts of events
MAX_ROOMS = 10**6  # hotel rooms a night: the objective multiplies them by nights and km
MAX_DAYS = 3660  # a run of days: duration, setup, teardown, hotel nights, gaps
FIRST_DATE = dt.date(1900, 1, 1)  # dates in a problem
LAST_DATE = dt.date(2999, 12, 31)
# A solution's hotel nights may fall outside the horizon, up to MAX_DAYS nights.
FIRST_NIGHT = FIRST_DATE - dt.timedelta(days=MAX_DAYS)
LAST_NIGHT = LAST_DATE + dt.timedelta(days=MAX_DAYS)


def _child(pointer: str, key: str | int) -> str:
    """The JSON pointer of ``key`` under ``pointer``, escaped as RFC 6901 asks.

    Keys are the file's own (a category under min_gap_days, say), so a key
    with "/" or "~" would otherwise read as a different path.
    """
    token = str(key).replace("~", "~0").replace("/", "~1")
    return f"{pointer}/{token}"


def _declared_ids(items: Any) -> set[str]:
    """The string ids of a collection, for references read before the collection.

    Anything else under "id" is refused by the collection's own reader; it is
    no id a reference can name, and a list or object is not even hashable.
    """
    if not isinstance(items, list):
        return set()
    return {
        item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)
    }


def _iso_date(value: Any) -> dt.date | None:
    """``value`` as a date, when it is a string YYYY-MM-DD of a day the calendar has."""
    if not isinstance(value, str) or not DATE_PATTERN.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:  # 2026-02-30
        return None


@dataclass(frozen=True)
class FormatIssue:
    """One thing wrong with a file, at the JSON pointer ``pointer``."""

    pointer: str
    message: str

    def __str__(self) -> str:
        # The empty pointer is the whole document: the message says what is wrong with it.
        return f"{self.pointer}: {self.message}" if self.pointer else self.message


class ProblemFormatError(ValueError):
    """A file that breaks the exchange format; ``issues`` lists everything found."""

    def __init__(self, issues: Iterable[FormatIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


# --- reading: the checks every field goes through -------------------------------------


class _Reader:
    """Walks a JSON document, converting values and collecting issues."""

    earliest, latest = FIRST_DATE, LAST_DATE  # the dates the document may name

    def __init__(self) -> None:
        self.issues: list[FormatIssue] = []

    def fail(self, pointer: str, message: str) -> None:
        self.issues.append(FormatIssue(pointer, message))

    def get(self, obj: dict, key: str, pointer: str, read: Callable, *, required: bool) -> Any:
        """``read(value, pointer)`` of ``obj[key]``; None when absent, null or invalid."""
        value = obj.get(key, MISSING)
        here = _child(pointer, key)
        if value is MISSING or value is None:
            if required:
                self.fail(here, "is required")
            return None
        return read(value, here)

    def object(self, value: Any, pointer: str) -> dict | None:
        if not isinstance(value, dict):
            self.fail(pointer, "must be an object" if pointer else "the document must be an object")
            return None
        return value

    def list_of(self, read: Callable) -> Callable:
        def read_list(value: Any, pointer: str) -> tuple | None:
            if not isinstance(value, list):
                self.fail(pointer, "must be a list")
                return None
            items = [read(item, _child(pointer, i)) for i, item in enumerate(value)]
            return tuple(items) if all(item is not None for item in items) else None

        return read_list

    def string(self, value: Any, pointer: str) -> str | None:
        if not isinstance(value, str):
            self.fail(pointer, "must be a string")
            return None
        return value

    def time_zone(self, value: Any, pointer: str) -> str | None:
        """An IANA time zone name: the days of the file are the days of that zone."""
        name = self.string(value, pointer)
        if name is None:
            return None
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail(pointer, f"'{name}' is not a time zone name such as 'Asia/Shanghai'")
            return None
        return name

    def identifier(self, value: Any, pointer: str) -> str | None:
        if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
            self.fail(pointer, "must be an id: a string of 1-64 characters from A-Z a-z 0-9 _ . -")
            return None
        return value

    def boolean(self, value: Any, pointer: str) -> bool | None:
        if not isinstance(value, bool):
            self.fail(pointer, "must be true or false")
            return None
        return value

    def integer(self, value: Any, pointer: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(pointer, "must be an integer")
            return None
        return value

    def bounded(self, value: Any, pointer: str, least: int, most: int) -> int | None:
        """An integer from ``least`` to ``most``; the upper bounds are the format limits."""
        number = self.integer(value, pointer)
        if number is None:
            return None
        if number < least:
            self.fail(
                pointer, "must not be negative" if least == 0 else f"must be at least {least}"
            )
            return None
        if number > most:
            self.fail(pointer, f"must be at most {most}")
            return None
        return number

    def count(self, value: Any, pointer: str) -> int | None:
        """A non-negative quantity: people, square metres, stars, events."""
        return self.bounded(value, pointer, 0, MAX_QUANTITY)

    def rooms(self, value: Any, pointer: str) -> int | None:
        """A non-negative number of hotel rooms a night."""
        return self.bounded(value, pointer, 0, MAX_ROOMS)

    def day_count(self, value: Any, pointer: str) -> int | None:
        """A non-negative number of days or nights."""
        return self.bounded(value, pointer, 0, MAX_DAYS)

    def public_days(self, value: Any, pointer: str) -> int | None:
        """An event's duration: at least one public day."""
        return self.bounded(value, pointer, 1, MAX_DAYS)

    def year(self, value: Any, pointer: str) -> int | None:
        """A calendar year whose days a date in the file may name."""
        return self.bounded(value, pointer, self.earliest.year, self.latest.year)

    def number(self, value: Any, pointer: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(pointer, "must be a number")
            return None
        if not math.isfinite(value):
            # Python's JSON reader lets NaN and Infinity through; JSON has neither.
            self.fail(pointer, "must be a finite number")
            return None
        return value

    def amount(self, value: Any, pointer: str) -> float | None:
        """A non-negative number."""
        number = self.number(value, pointer)
        if number is not None and number < 0:
            self.fail(pointer, "must not be negative")
            return None
        return number

    def date(self, value: Any, pointer: str) -> dt.date | None:
        day = _iso_date(value)
        if day is None:
            self.fail(pointer, "must be a date YYYY-MM-DD")
            return None
        if not self.earliest <= day <= self.latest:
            self.fail(pointer, f"must be a date between {self.earliest} and {self.latest}")
            return None
        return day

    def time(self, value: Any, pointer: str) -> dt.time | None:
        if isinstance(value, str) and TIME_PATTERN.fullmatch(value):
            return dt.time.fromisoformat(value)
        self.fail(pointer, "must be a time HH:MM")
        return None

    def choice(self, allowed: Iterable[str]) -> Callable:
        allowed = tuple(allowed)

        def read_choice(value: Any, pointer: str) -> str | None:
            if value not in allowed:
                self.fail(pointer, f"must be one of {', '.join(allowed)}")
                return None
            return value

        return read_choice

    def dates(self, obj: dict, pointer: str) -> tuple[dt.date | None, dt.date | None]:
        """``start`` and ``end`` of an inclusive range, ``end`` not before ``start``."""
        start = self.get(obj, "start", pointer, self.date, required=True)
        end = self.get(obj, "end", pointer, self.date, required=True)
        if start is not None and end is not None and end < start:
            self.fail(f"{pointer}/end", f"must not be before {pointer}/start")
            return None, None
        return start, end

    def date_range(self, value: Any, pointer: str) -> DateRange | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        start, end = self.dates(obj, pointer)
        return DateRange(start, end) if start and end else None

    def name(self, value: Any, pointer: str) -> Name | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        zh = self.get(obj, "zh", pointer, self.string, required=False)
        en = self.get(obj, "en", pointer, self.string, required=False)
        if not zh and not en:
            self.fail(pointer, "needs at least one of zh, en")
            return None
        return Name(zh=zh, en=en)

    def location(self, value: Any, pointer: str) -> Location | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        lat = self.get(obj, "lat", pointer, self.number, required=True)
        lon = self.get(obj, "lon", pointer, self.number, required=True)
        if lat is not None and not -90 <= lat <= 90:
            self.fail(f"{pointer}/lat", "must be between -90 and 90")
            return None
        if lon is not None and not -180 <= lon <= 180:
            self.fail(f"{pointer}/lon", "must be between -180 and 180")
            return None
        return Location(lat, lon) if lat is not None and lon is not None else None

    def unique_ids(self, items: list, pointer: str) -> set[str]:
        """The ids of a collection, flagging each repeated one."""
        seen: set[str] = set()
        for i, item in enumerate(items):
            ident = item.get("id") if isinstance(item, dict) else None
            if isinstance(ident, str) and ident in seen:
                self.fail(f"{pointer}/{i}/id", f"repeats id '{ident}'")
            if isinstance(ident, str):
                seen.add(ident)
        return seen


# --- reading the problem ---------------------------------------------------------------


class _ProblemReader(_Reader):
    def __init__(self) -> None:
        super().__init__()
        self.venue_ids: set[str] = set()
        self.horizon: DateRange | None = None

    def venue_ref(self, value: Any, pointer: str) -> str | None:
        ident = self.identifier(value, pointer)
        if ident is not None and ident not in self.venue_ids:
            self.fail(pointer, f"unknown venue '{ident}'")
            return None
        return ident

    def horizon_day(self, value: Any, pointer: str) -> dt.date | None:
        """A date inside the horizon (when the horizon itself is readable)."""
        day = self.date(value, pointer)
        horizon = self.horizon
        if day is not None and horizon is not None and not horizon.contains(day):
            self.fail(pointer, f"must lie inside the horizon {horizon.start}..{horizon.end}")
            return None
        return day

    def contract_keys(self, obj: dict, pointer: str) -> None:
        """An event's contract is one of ``pinned``, ``pinned_venue``, ``pinned_start``.

        Both partial keys together are a full pin, which has its own key: two
        spellings of one contract would read differently in older readers.
        """
        given = [k for k in ("pinned", "pinned_venue", "pinned_start") if obj.get(k) is not None]
        if given[:1] == ["pinned"]:
            for key in given[1:]:
                self.fail(f"{pointer}/{key}", f"must not be given with {pointer}/pinned")
        elif len(given) == 2:
            self.fail(
                f"{pointer}/pinned_start",
                f"with {pointer}/pinned_venue fixes both venue and start: use {pointer}/pinned",
            )

    def categories(self, value: Any, pointer: str) -> tuple[str, ...] | None:
        return self.list_of(self.choice(CATEGORIES))(value, pointer)

    def collection(self, data: dict, key: str, read: Callable) -> tuple:
        items = data.get(key)
        if items is None:
            return ()
        if not isinstance(items, list):
            self.fail(f"/{key}", "must be a list")
            return ()
        self.unique_ids(items, f"/{key}")
        read_items = [read(item, f"/{key}/{i}") for i, item in enumerate(items)]
        return tuple(item for item in read_items if item is not None)

    def problem(self, data: Any) -> Problem | None:
        data = self.object(data, "")
        if data is None:
            return None
        fmt = self.get(data, "format", "", self.string, required=True)
        if fmt is not None and fmt != PROBLEM_FORMAT:
            self.fail("/format", f"must be '{PROBLEM_FORMAT}'")
        self.venue_ids = _declared_ids(data.get("venues"))
        # Read before the events: a partial pin's start must lie inside it.
        self.horizon = self.get(data, "horizon", "", self.date_range, required=True)
        problem = Problem(
            horizon=self.horizon,
            name=self.get(data, "name", "", self.string, required=False),
            timezone=self.get(data, "timezone", "", self.time_zone, required=False),
            venues=self.collection(data, "venues", self.venue),
            hotels=self.collection(data, "hotels", self.hotel),
            events=self.collection(data, "events", self.event),
            targets=self.collection(data, "targets", self.target),
            blackouts=self.collection(data, "blackouts", self.blackout),
            rules=self.get(data, "rules", "", self.rules, required=False),
        )
        return None if self.issues else problem

    def venue(self, value: Any, pointer: str) -> Venue | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        get = self.get
        return Venue(
            id=get(obj, "id", pointer, self.identifier, required=True),
            name=get(obj, "name", pointer, self.name, required=True),
            kind=get(obj, "kind", pointer, self.choice(VENUE_KINDS), required=True),
            capacity=get(obj, "capacity", pointer, self.count, required=True),
            location=get(obj, "location", pointer, self.location, required=False),
            area_m2=get(obj, "area_m2", pointer, self.count, required=False),
            features=get(obj, "features", pointer, self.list_of(self.string), required=False),
            unavailable=get(
                obj, "unavailable", pointer, self.list_of(self.unavailability), required=False
            ),
        )

    def unavailability(self, value: Any, pointer: str) -> Unavailability | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        start, end = self.dates(obj, pointer)
        reason = self.get(obj, "reason", pointer, self.string, required=False)
        return Unavailability(start, end, reason) if start and end else None

    def hotel(self, value: Any, pointer: str) -> Hotel | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        get = self.get
        return Hotel(
            id=get(obj, "id", pointer, self.identifier, required=True),
            name=get(obj, "name", pointer, self.name, required=True),
            stars=get(obj, "stars", pointer, self.count, required=True),
            location=get(obj, "location", pointer, self.location, required=True),
            block_rooms=get(obj, "block_rooms", pointer, self.rooms, required=True),
            reduced=get(obj, "reduced", pointer, self.list_of(self.reduced), required=False),
        )

    def reduced(self, value: Any, pointer: str) -> ReducedBlock | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        start, end = self.dates(obj, pointer)
        rooms = self.get(obj, "block_rooms", pointer, self.rooms, required=True)
        return ReducedBlock(start, end, rooms) if start and end and rooms is not None else None

    def event(self, value: Any, pointer: str) -> Event | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        get = self.get
        self.contract_keys(obj, pointer)
        return Event(
            id=get(obj, "id", pointer, self.identifier, required=True),
            name=get(obj, "name", pointer, self.name, required=True),
            category=get(obj, "category", pointer, self.choice(CATEGORIES), required=True),
            international=get(obj, "international", pointer, self.boolean, required=True),
            duration_days=get(obj, "duration_days", pointer, self.public_days, required=True),
            setup_days=get(obj, "setup_days", pointer, self.day_count, required=False),
            teardown_days=get(obj, "teardown_days", pointer, self.day_count, required=False),
            window=get(obj, "window", pointer, self.date_range, required=False),
            preferred_start=get(obj, "preferred_start", pointer, self.date, required=False),
            attendance=get(obj, "attendance", pointer, self.count, required=False),
            area_m2=get(obj, "area_m2", pointer, self.count, required=False),
            exclusive=get(obj, "exclusive", pointer, self.boolean, required=False),
            required_features=get(
                obj, "required_features", pointer, self.list_of(self.string), required=False
            ),
            allowed_venues=get(
                obj, "allowed_venues", pointer, self.list_of(self.venue_ref), required=False
            ),
            hotel=get(obj, "hotel", pointer, self.hotel_need, required=False),
            value=get(obj, "value", pointer, self.amount, required=False),
            mandatory=get(obj, "mandatory", pointer, self.boolean, required=False),
            pinned=get(obj, "pinned", pointer, self.placement, required=False),
            previous=get(obj, "previous", pointer, self.placement, required=False),
            start_time=get(obj, "start_time", pointer, self.time, required=False),
            end_time=get(obj, "end_time", pointer, self.time, required=False),
            pinned_venue=get(obj, "pinned_venue", pointer, self.venue_ref, required=False),
            pinned_start=get(obj, "pinned_start", pointer, self.horizon_day, required=False),
        )

    def hotel_need(self, value: Any, pointer: str) -> HotelNeed | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        get = self.get
        rooms = get(obj, "rooms_per_night", pointer, self.rooms, required=True)
        need = HotelNeed(
            rooms_per_night=rooms,
            min_stars=get(obj, "min_stars", pointer, self.count, required=False),
            max_distance_km=get(obj, "max_distance_km", pointer, self.amount, required=False),
            nights_before=get(obj, "nights_before", pointer, self.day_count, required=False),
            nights_after=get(obj, "nights_after", pointer, self.day_count, required=False),
        )
        return need if rooms is not None else None

    def placement(self, value: Any, pointer: str) -> Placement | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        venue = self.get(obj, "venue", pointer, self.venue_ref, required=True)
        start = self.get(obj, "start", pointer, self.date, required=True)
        return Placement(venue, start) if venue and start else None

    def target(self, value: Any, pointer: str) -> Target | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        get = self.get
        return Target(
            year=get(obj, "year", pointer, self.year, required=True),
            category=get(obj, "category", pointer, self.choice(CATEGORIES), required=True),
            min_count=get(obj, "min_count", pointer, self.count, required=True),
            international=get(obj, "international", pointer, self.boolean, required=False),
        )

    def blackout(self, value: Any, pointer: str) -> Blackout | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        start, end = self.dates(obj, pointer)
        return Blackout(
            start=start,
            end=end,
            categories=self.get(obj, "categories", pointer, self.categories, required=False),
            reason=self.get(obj, "reason", pointer, self.string, required=False),
        )

    def rules(self, value: Any, pointer: str) -> Rules | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        return Rules(
            min_gap_days=self.get(obj, "min_gap_days", pointer, self.min_gap, required=False),
            max_concurrent_major=self.get(
                obj, "max_concurrent_major", pointer, self.max_concurrent, required=False
            ),
            weights=self.get(obj, "weights", pointer, self.weights, required=False),
        )

    def min_gap(self, value: Any, pointer: str) -> dict[str, int] | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        gaps = {}
        for category, gap in obj.items():
            here = _child(pointer, category)
            if self.choice(CATEGORIES)(category, here) is not None:
                gaps[category] = self.day_count(gap, here)
        return gaps

    def max_concurrent(self, value: Any, pointer: str) -> MaxConcurrentMajor | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        return MaxConcurrentMajor(
            attendance_at_least=self.get(
                obj, "attendance_at_least", pointer, self.count, required=True
            ),
            max_events=self.get(obj, "max_events", pointer, self.count, required=True),
        )

    def weights(self, value: Any, pointer: str) -> Weights | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        defaults = Weights()
        given = {}
        for key in defaults.__dataclass_fields__:
            weight = self.get(obj, key, pointer, self.number, required=False)
            if weight is not None:
                given[key] = weight
        return Weights(**given)


def read_problem(data: Any) -> Problem:
    """The problem in a parsed JSON document; raises ProblemFormatError listing every issue."""
    reader = _ProblemReader()
    problem = reader.problem(data)
    if reader.issues or problem is None:
        raise ProblemFormatError(reader.issues)
    return problem


def _whole_file(message: str) -> ProblemFormatError:
    """An error about the file as a whole, which no pointer inside it could name."""
    return ProblemFormatError([FormatIssue("", message)])


def _read_text(path: str | Path) -> str:
    """The file's text. JSON travels as UTF-8 (RFC 8259): other bytes are refused, not guessed."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise _whole_file(f"cannot read {path}: {error.strerror}") from error
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _whole_file(
            f"not UTF-8 text (byte {error.start} cannot be decoded): save the file as UTF-8"
        ) from error


def _parse_json(text: str) -> Any:
    """The JSON value of ``text``, whatever the parser trips on named in one line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise _whole_file(f"not valid JSON ({where}): {error.msg}") from error
    except RecursionError as error:
        raise _whole_file("not usable JSON: lists or objects nested too deeply") from error
    except ValueError as error:
        # Python refuses to convert integers of thousands of digits (int_max_str_digits).
        raise _whole_file("not usable JSON: a number has too many digits") from error


def load_json(path: str | Path) -> Any:
    """A JSON file's content; unreadable or malformed files raise ProblemFormatError."""
    return _parse_json(_read_text(path))


def load_problem(path: str | Path) -> Problem:
    """The problem stored in a JSON file."""
    return read_problem(load_json(path))


# --- reading a solution ----------------------------------------------------------------


class _SolutionReader(_Reader):
    # Wider than a problem's: hotel nights may fall outside the horizon.
    earliest, latest = FIRST_NIGHT, LAST_NIGHT

    def solution(self, data: Any) -> Solution | None:
        data = self.object(data, "")
        if data is None:
            return None
        get = self.get
        fmt = get(data, "format", "", self.string, required=True)
        if fmt is not None and fmt != SOLUTION_FORMAT:
            self.fail("/format", f"must be '{SOLUTION_FORMAT}'")
        solution = Solution(
            status=get(data, "status", "", self.choice(STATUSES), required=True),
            problem=get(data, "problem", "", self.string, required=False),
            objective=get(data, "objective", "", self.number, required=False),
            best_bound=get(data, "best_bound", "", self.number, required=False),
            gap=get(data, "gap", "", self.number, required=False),
            wall_time_s=get(data, "wall_time_s", "", self.number, required=False),
            assignments=get(data, "assignments", "", self.list_of(self.assignment), required=False)
            or (),
            unplaced=get(data, "unplaced", "", self.list_of(self.unplaced), required=False) or (),
            targets=get(data, "targets", "", self.list_of(self.target_result), required=False)
            or (),
            targets_met=get(data, "targets_met", "", self.boolean, required=True),
            diagnosis=get(data, "diagnosis", "", self.list_of(self.string), required=False) or (),
        )
        return None if self.issues else solution

    def assignment(self, value: Any, pointer: str) -> Assignment | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        get = self.get
        start, end = self.dates(obj, pointer)
        occupancy = get(obj, "occupancy", pointer, self.date_range, required=True)
        rooms = get(obj, "rooms", pointer, self.list_of(self.room_block), required=False)
        event = get(obj, "event", pointer, self.identifier, required=True)
        venue = get(obj, "venue", pointer, self.identifier, required=True)
        if None in (start, end, occupancy, event, venue):
            return None
        return Assignment(event, venue, start, end, occupancy, rooms or ())

    def room_block(self, value: Any, pointer: str) -> RoomBlock | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        hotel = self.get(obj, "hotel", pointer, self.identifier, required=True)
        rooms = self.get(obj, "rooms_per_night", pointer, self.rooms, required=True)
        first = self.get(obj, "first_night", pointer, self.date, required=True)
        last = self.get(obj, "last_night", pointer, self.date, required=True)
        if None in (hotel, rooms, first, last):
            return None
        return RoomBlock(hotel, rooms, first, last)

    def unplaced(self, value: Any, pointer: str) -> Unplaced | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        event = self.get(obj, "event", pointer, self.identifier, required=True)
        reason = self.get(obj, "reason", pointer, self.string, required=False)
        return Unplaced(event, reason or "") if event else None

    def target_result(self, value: Any, pointer: str) -> TargetResult | None:
        obj = self.object(value, pointer)
        if obj is None:
            return None
        get = self.get
        fields = dict(
            year=get(obj, "year", pointer, self.year, required=True),
            category=get(obj, "category", pointer, self.choice(CATEGORIES), required=True),
            min_count=get(obj, "min_count", pointer, self.count, required=True),
            achieved=get(obj, "achieved", pointer, self.count, required=True),
            met=get(obj, "met", pointer, self.boolean, required=True),
        )
        international = get(obj, "international", pointer, self.boolean, required=False)
        if None in fields.values():
            return None
        return TargetResult(**fields, international=international)


def read_solution(data: Any) -> Solution:
    """The solution in a parsed JSON document; raises ProblemFormatError listing every issue."""
    reader = _SolutionReader()
    solution = reader.solution(data)
    if reader.issues or solution is None:
        raise ProblemFormatError(reader.issues)
    return solution


def load_solution(path: str | Path) -> Solution:
    """The solution stored in a JSON file."""
    return read_solution(load_json(path))


# --- writing ---------------------------------------------------------------------------


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _time(time: dt.time | None) -> str | None:
    return time.strftime("%H:%M") if time else None


def _list(items: tuple | None) -> list | None:
    return None if items is None else list(items)


def _range(days: DateRange | None) -> dict | None:
    return None if days is None else {"start": _day(days.start), "end": _day(days.end)}


def _name(name: Name) -> dict:
    # Only the languages given: a name is an object of translations, not of fields.
    return {lang: text for lang, text in (("zh", name.zh), ("en", name.en)) if text is not None}


def _location(location: Location | None) -> dict | None:
    return None if location is None else {"lat": location.lat, "lon": location.lon}


def _placement(placement: Placement | None) -> dict | None:
    if placement is None:
        return None
    return {"venue": placement.venue, "start": _day(placement.start)}


def _partial_pin(event: Event) -> dict:
    """The extension keys of a partial pin, only those set: absent keys stay absent."""
    keys = {"pinned_venue": event.pinned_venue, "pinned_start": _day(event.pinned_start)}
    return {key: value for key, value in keys.items() if value is not None}


def _venue(venue: Venue) -> dict:
    unavailable = None
    if venue.unavailable is not None:
        unavailable = [
            {"start": _day(u.start), "end": _day(u.end), "reason": u.reason}
            for u in venue.unavailable
        ]
    return {
        "id": venue.id,
        "name": _name(venue.name),
        "kind": venue.kind,
        "location": _location(venue.location),
        "capacity": venue.capacity,
        "area_m2": venue.area_m2,
        "features": _list(venue.features),
        "unavailable": unavailable,
    }


def _hotel(hotel: Hotel) -> dict:
    reduced = None
    if hotel.reduced is not None:
        reduced = [
            {"start": _day(r.start), "end": _day(r.end), "block_rooms": r.block_rooms}
            for r in hotel.reduced
        ]
    return {
        "id": hotel.id,
        "name": _name(hotel.name),
        "stars": hotel.stars,
        "location": _location(hotel.location),
        "block_rooms": hotel.block_rooms,
        "reduced": reduced,
    }


def _hotel_need(need: HotelNeed | None) -> dict | None:
    if need is None:
        return None
    return {
        "rooms_per_night": need.rooms_per_night,
        "min_stars": need.min_stars,
        "max_distance_km": need.max_distance_km,
        "nights_before": need.nights_before,
        "nights_after": need.nights_after,
    }


def _event(event: Event) -> dict:
    return {
        "id": event.id,
        "name": _name(event.name),
        "category": event.category,
        "international": event.international,
        "duration_days": event.duration_days,
        "setup_days": event.setup_days,
        "teardown_days": event.teardown_days,
        "window": _range(event.window),
        "preferred_start": _day(event.preferred_start),
        "attendance": event.attendance,
        "area_m2": event.area_m2,
        "exclusive": event.exclusive,
        "required_features": _list(event.required_features),
        "allowed_venues": _list(event.allowed_venues),
        "hotel": _hotel_need(event.hotel),
        "value": event.value,
        "mandatory": event.mandatory,
        "pinned": _placement(event.pinned),
        **_partial_pin(event),
        "previous": _placement(event.previous),
        "start_time": _time(event.start_time),
        "end_time": _time(event.end_time),
    }


def _rules(rules: Rules | None) -> dict | None:
    if rules is None:
        return None
    major = rules.max_concurrent_major
    weights = rules.weights
    return {
        "min_gap_days": None if rules.min_gap_days is None else dict(rules.min_gap_days),
        "max_concurrent_major": None
        if major is None
        else {"attendance_at_least": major.attendance_at_least, "max_events": major.max_events},
        "weights": None if weights is None else dict(vars(weights)),
    }


def write_problem(problem: Problem) -> dict:
    """The problem as a JSON-ready dict, every field spelled out (null when absent)."""
    return {
        "format": problem.format,
        "name": problem.name,
        "timezone": problem.timezone,
        "horizon": _range(problem.horizon),
        "venues": [_venue(v) for v in problem.venues],
        "hotels": [_hotel(h) for h in problem.hotels],
        "events": [_event(e) for e in problem.events],
        "targets": [
            {
                "year": t.year,
                "category": t.category,
                "international": t.international,
                "min_count": t.min_count,
            }
            for t in problem.targets
        ],
        "blackouts": [
            {
                "start": _day(b.start),
                "end": _day(b.end),
                "categories": _list(b.categories),
                "reason": b.reason,
            }
            for b in problem.blackouts
        ],
        "rules": _rules(problem.rules),
    }


def _assignment(assignment: Assignment) -> dict:
    return {
        "event": assignment.event,
        "venue": assignment.venue,
        "start": _day(assignment.start),
        "end": _day(assignment.end),
        "occupancy": _range(assignment.occupancy),
        "rooms": [
            {
                "hotel": block.hotel,
                "rooms_per_night": block.rooms_per_night,
                "first_night": _day(block.first_night),
                "last_night": _day(block.last_night),
            }
            for block in assignment.rooms
        ],
    }


def write_solution(solution: Solution) -> dict:
    """The solution as a JSON-ready dict."""
    return {
        "format": solution.format,
        "problem": solution.problem,
        "status": solution.status,
        "objective": solution.objective,
        "best_bound": solution.best_bound,
        "gap": solution.gap,
        "wall_time_s": solution.wall_time_s,
        "assignments": [_assignment(a) for a in solution.assignments],
        "unplaced": [{"event": u.event, "reason": u.reason} for u in solution.unplaced],
        "targets": [
            {
                "year": t.year,
                "category": t.category,
                "international": t.international,
                "min_count": t.min_count,
                "achieved": t.achieved,
                "met": t.met,
            }
            for t in solution.targets
        ],
        "targets_met": solution.targets_met,
        "diagnosis": list(solution.diagnosis),
    }
