"""Request bodies too large or too deeply nested, refused before anything parses them.

Django refuses a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` only when a view
reads it, and then with its HTML 400 page; this answers at once from the
Content-Length with a 413. Python's ``json`` recurses once per array or
object, so a body well under the size limit but a thousand levels deep
raised ``RecursionError`` (a 500) in whichever view decoded it, the
anonymous token endpoint included; this counts the depth first, without
recursion, and answers 400. Both answer in the API's error shape under
/api/, in plain text elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

TOO_LARGE = 413
BAD_REQUEST = 400
MAX_JSON_DEPTH = 64
"""Arrays and objects inside each other; no request of the API needs a tenth of it."""
OPENERS, CLOSERS = "[{", "]}"

Middleware = Callable[[HttpRequest], HttpResponse]


def refusal(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """The answer to a refused body: the API's error shape under /api/, else plain text."""
    if request.path.startswith("/api/"):
        return JsonResponse({"errors": [{"field": None, "message": message}]}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RequestBodyLimitMiddleware:
    """A 413 for a body over the size limit, from its Content-Length, before it is read."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is None or length <= limit:
            return self.get_response(request)
        message = f"The request body is {length} bytes; at most {limit} are accepted."
        return refusal(request, TOO_LARGE, message)


def nests_deeper_than(text: str, limit: int) -> bool:
    """Whether JSON ``text`` has arrays or objects more than ``limit`` levels deep.

    One pass, no recursion, stopping at the first level too many; brackets
    inside strings do not count. Text that is not JSON is the parser's to
    refuse: a parser stops where the text stops being JSON, and up to there
    this count is the parser's depth.
    """
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in OPENERS:
            depth += 1
            if depth > limit:
                return True
        elif char in CLOSERS:
            depth -= 1
    return False


def json_text(request: HttpRequest) -> str | None:
    """The body of a JSON request as text; None for another kind, or bytes not in its charset."""
    media_type = request.content_type or ""
    if media_type != "application/json" and not media_type.endswith("+json"):
        return None
    try:
        return request.body.decode(request.content_params.get("charset", settings.DEFAULT_CHARSET))
    except (LookupError, UnicodeDecodeError):
        return None  # the parser refuses it in its own words


class JSONDepthLimitMiddleware:
    """A 400 naming the limit for a JSON body nested deeper than MAX_JSON_DEPTH.

    A middleware rather than a DRF parser, so it holds for every view that
    reads JSON, whatever parsers it names (the token view names DRF's own).
    After LocaleMiddleware: the message is in the client's language.
    """

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        text = json_text(request)
        if text is not None and nests_deeper_than(text, MAX_JSON_DEPTH):
            message = _("JSON nested deeper than %(limit)s levels.") % {"limit": MAX_JSON_DEPTH}
            return refusal(request, BAD_REQUEST, message)
        return self.get_response(request)
