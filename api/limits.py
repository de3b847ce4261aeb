"""Request bodies over the size limit, refused before anything reads them.

Django refuses a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` only when a view
reads it, and then with its HTML 400 page. This middleware answers at once
from the Content-Length: a 413 in the API's error shape under /api/, plain
text elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

TOO_LARGE = 413


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
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
        if request.path.startswith("/api/"):
            return JsonResponse({"errors": [{"field": None, "message": message}]}, status=TOO_LARGE)
        return HttpResponse(message, status=TOO_LARGE, content_type="text/plain; charset=utf-8")
