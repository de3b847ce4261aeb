"""One JSON error shape for every error the API returns.

``{"errors": [{"field": "window_end", "message": "..."}]}``; ``field`` is null
for an error about the request as a whole, and a dotted path for a nested
row (``unavailable.1.end``). Django ``ValidationError`` raised by the services
becomes a 400 like a serializer's; ``StaleWrite`` (a row changed since the
client read it) a 412 when the client's ``If-Match`` named the revision it
read, else a 409; ``SolveQueueUnavailable`` (the broker refused a solve
run, failed already) a 503 with ``Retry-After``; ``ProtectedError`` (a row still
referenced elsewhere), ``BookingClash`` (a venue already booked) and
``IntegrityError`` (a database constraint that refused a write another
request raced in before, such as the booking exclusion constraint) a 409,
never a 500.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from events.services import BookingClash
from scheduler.services import SolveQueueUnavailable
from venues.services import StaleWrite

RETRY_LATER = {"Retry-After": "30"}


def conflict(errors: list[dict], code: int = status.HTTP_409_CONFLICT) -> Response:
    return Response({"errors": errors}, status=code)


def exception_handler(exc, context):
    """DRF's handler, with Django's errors translated first and the one shape applied."""
    if isinstance(exc, BookingClash):
        return conflict(list(flatten(exc.message_dict)))
    if isinstance(exc, SolveQueueUnavailable):
        # The run is failed already, so the client (or the scenario) may simply try again.
        body = {"errors": [{"field": None, "message": str(exc.message)}]}
        return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers=RETRY_LATER)
    if isinstance(exc, StaleWrite):
        code = status.HTTP_412_PRECONDITION_FAILED if exc.precondition else status.HTTP_409_CONFLICT
        return conflict([{"field": None, "message": message} for message in exc.messages], code)
    if isinstance(exc, ProtectedError):
        names = ", ".join(sorted({str(obj.pk) for obj in exc.protected_objects})[:10])
        return conflict([{"field": None, "message": f"Still referenced by {names}."}])
    if isinstance(exc, IntegrityError):  # after ProtectedError, one of its kind
        # The services check first; this is the database refusing a write that
        # raced past that check. Its own words name the constraint and the row.
        detail = str(exc).strip().splitlines()
        message = " ".join(line.strip() for line in detail[:2]) or "A conflicting row exists."
        return conflict([{"field": None, "message": f"Conflicts with stored data: {message}"}])
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, Http404 | ObjectDoesNotExist):  # or deleted while the request ran
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = {"errors": list(flatten(exc.detail))}
    return response


def flatten(detail, field: str | None = None):
    """The ``{"field", "message"}`` items of a DRF error detail; nested rows as dotted paths."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            # A nested list's errors are keyed by row index, and row 0 is a name too.
            name = (
                None if key in (NON_FIELD_ERRORS, api_settings.NON_FIELD_ERRORS_KEY, None) else key
            )
            if name is None:
                yield from flatten(value, field)
            else:
                yield from flatten(value, f"{field}.{name}" if field else str(name))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            yield from flatten(value, f"{field}.{index}" if nested and field else field)
    else:
        yield {"field": field, "message": str(detail)}
