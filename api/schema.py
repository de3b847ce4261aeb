"""Corrections to the OpenAPI schema drf-spectacular derives, so clients can trust it.

Found by fuzzing the API against its own schema (tests/reliability/test_fuzz_api.py).
"""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension

WALL_CLOCK_TIME = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


class WallClockTimeField(OpenApiSerializerFieldExtension):
    """A ``TimeField`` is a wall-clock time in Asia/Shanghai, ``HH:MM[:SS]``, with no offset.

    drf-spectacular calls it ``format: time``, which JSON Schema reads as
    RFC 3339 ``full-time`` and so requires an offset the API never sends.
    """

    target_class = "rest_framework.fields.TimeField"

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "pattern": WALL_CLOCK_TIME, "example": "09:30:00"}
