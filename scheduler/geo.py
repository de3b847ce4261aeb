"""Great-circle distances between venues and hotels (rule 6)."""

from __future__ import annotations

import math

from scheduler.problem import Location

EARTH_RADIUS_KM = 6371.0


def haversine_km(a: Location, b: Location) -> float:
    """Great-circle distance in km, with the Earth radius the spec fixes."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
