"""A small catalogue in the database, loaded through the real importer."""

import pytest

from events.exchange import catalogue_import
from scheduler.format import read_problem

SMALL_CITY = {
    "format": "city-events-problem/1",
    "name": "Small city 2026",
    "horizon": {"start": "2026-01-01", "end": "2026-12-31"},
    "venues": [
        {
            "id": "expo",
            "name": {"zh": "会展中心", "en": "Expo Centre"},
            "kind": "exhibition_centre",
            "location": {"lat": 31.73, "lon": 117.29},
            "capacity": 30000,
            "area_m2": 100000,
            "features": ["exhibition_halls"],
        },
        {
            "id": "stadium",
            "name": {"zh": "体育场", "en": "Stadium"},
            "kind": "stadium",
            "location": {"lat": 31.80, "lon": 117.22},
            "capacity": 60000,
            "features": ["athletics_track"],
        },
    ],
    "hotels": [
        {
            "id": "grand",
            "name": {"zh": "大酒店", "en": "Grand Hotel"},
            "stars": 5,
            "location": {"lat": 31.74, "lon": 117.28},
            "block_rooms": 300,
        }
    ],
    "events": [
        {
            "id": "expo-a",
            "name": {"zh": "甲博览会", "en": "Expo A"},
            "category": "exhibition",
            "international": True,
            "duration_days": 3,
            "setup_days": 2,
            "teardown_days": 1,
            "window": {"start": "2026-09-01", "end": "2026-09-30"},
            "preferred_start": "2026-09-10",
            "attendance": 10000,
            "area_m2": 80000,
            "required_features": ["exhibition_halls"],
            "hotel": {"rooms_per_night": 200, "min_stars": 4, "max_distance_km": 10},
            "value": 100,
        },
        {
            "id": "expo-b",
            "name": {"zh": "乙博览会", "en": "Expo B"},
            "category": "exhibition",
            "international": True,
            "duration_days": 2,
            "window": {"start": "2026-09-01", "end": "2026-09-30"},
            "preferred_start": "2026-09-10",
            "attendance": 5000,
            "area_m2": 50000,
            "required_features": ["exhibition_halls"],
            "value": 80,
        },
        {
            "id": "run",
            "name": {"zh": "马拉松", "en": "Marathon"},
            "category": "sports",
            "international": True,
            "duration_days": 1,
            "window": {"start": "2026-11-01", "end": "2026-11-30"},
            "attendance": 30000,
            "exclusive": True,
            "required_features": ["athletics_track"],
            "value": 50,
        },
    ],
    "targets": [{"year": 2026, "category": "exhibition", "international": True, "min_count": 2}],
    "blackouts": [],
}


@pytest.fixture
def small_city(db):
    """The small city's catalogue, imported."""
    catalogue_import(read_problem(SMALL_CITY))
    return SMALL_CITY


# The security tests' API client per role, shared rather than copied.
from tests.security.conftest import as_role  # noqa: E402, F401
