"""ETags and If-Match for the catalogue rows that count revisions (events, venues, hotels).

A row's ETag is its revision (``venues.models.Revised``), which every write
raises. A client that sends the ETag it read back as ``If-Match`` with its
change gets a 412 when the row has changed since, instead of overwriting what
it never saw (RFC 9110, section 13.1.1); the service compares the two under
the row's lock, so no write can slip in between.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

ENTITY_TAG = r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"'  # RFC 9110, section 8.8.3
TAG_LIST = re.compile(rf"\s*{ENTITY_TAG}(?:\s*,\s*{ENTITY_TAG})*\s*")
OUR_TAG = re.compile(r'"(\d{1,18})"')  # a strong tag of ours: the row's revision

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
    """The schema of a viewset whose writes take If-Match (the class decorator)."""
    update = extend_schema(
        parameters=[IF_MATCH], responses={200: serializer, 412: PRECONDITION_FAILED}
    )
    delete = extend_schema(parameters=[IF_MATCH], responses={204: None, 412: PRECONDITION_FAILED})
    return extend_schema_view(update=update, partial_update=update, destroy=delete)


def etag(revision: int) -> str:
    return f'"{revision}"'


def if_match_revisions(request: Request) -> frozenset[int] | None:
    """The revisions the request's If-Match accepts; None without the header or with ``*``.

    RFC 9110: a list matches when any of its tags matches, by strong
    comparison, so a weak tag (``W/"3"``) or another server's tag matches
    nothing (412, not 400). Only a header that is no list of entity tags is a
    400 naming it.
    """
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    if not TAG_LIST.fullmatch(header):
        raise exceptions.ValidationError(
            {"If-Match": [_("Give the ETag this API sent with the row (in quotes), or *.")]}
        )
    tags = re.findall(ENTITY_TAG, header)
    return frozenset(int(m.group(1)) for tag in tags if (m := OUR_TAG.fullmatch(tag)))


def with_etag(response: Response) -> Response:
    """The response, with the ETag of the row it shows when it shows one row with a revision."""
    data = response.data
    if response.status_code < 300 and isinstance(data, dict) and "revision" in data:
        response["ETag"] = etag(data["revision"])
    return response
