"""ETags and If-Match for the catalogue rows that count revisions (events, venues, hotels).

A row's ETag is its revision (``venues.models.Revised``), which every write
raises. A client that sends the ETag it read back as ``If-Match`` with its
change gets a 412 when the row has changed since, instead of overwriting what
it never saw (RFC 9110, section 13.1.1); the service compares the two under
the row's lock, so no write can slip in between.
"""

from __future__ import annotations

import re

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

STRONG_TAG = re.compile(r'"(\d{1,18})"')

IF_MATCH = OpenApiParameter(
    "If-Match",
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        'The ETag read with the row (its revision, e.g. "3"); the change is refused with '
        "412 when the row has changed since. `*` or no header: no check."
    ),
)
PRECONDITION_FAILED = OpenApiResponse(
    description="The row changed since the ETag given in If-Match was read."
)


def revision_checked(serializer: type):
    """The schema of a viewset whose updates take If-Match (the class decorator)."""
    update = extend_schema(
        parameters=[IF_MATCH], responses={200: serializer, 412: PRECONDITION_FAILED}
    )
    return extend_schema_view(update=update, partial_update=update)


def etag(revision: int) -> str:
    return f'"{revision}"'


def if_match_revision(request: Request) -> int | None:
    """The revision the request's If-Match names; None without the header or with ``*``.

    This API sends one strong ETag per row, so it takes one back: a weak tag
    (``W/"3"``) or a list is a 400 naming the header, as a weak tag never
    matches for a write (strong comparison).
    """
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    if not (match := STRONG_TAG.fullmatch(header.strip())):
        raise exceptions.ValidationError(
            {"If-Match": ['Give the one ETag this API sent for the row, such as "3".']}
        )
    return int(match.group(1))


def with_etag(response: Response) -> Response:
    """The response, with the ETag of the row it shows when it shows one row with a revision."""
    data = response.data
    if response.status_code < 300 and isinstance(data, dict) and "revision" in data:
        response["ETag"] = etag(data["revision"])
    return response
