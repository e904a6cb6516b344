"""Turn a lost database into a clean 503, and a NUL in a query into a 400,
instead of a traceback."""

import logging

from django.db import OperationalError, connections
from django.db.utils import InterfaceError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable: %s", exception)
        # Drop the broken connection so the next request opens a fresh one.
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        message = "The database is unavailable for a moment. Please retry shortly."
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain")
        response["Retry-After"] = "5"
        return response


class NulInQueryMiddleware:
    """Refuse a query parameter holding a NUL character with a 400 naming it.

    PostgreSQL refuses NUL in text outright, so a filter or search holding one
    (the admin's changelists pass them straight to the database) would be a
    500. The API's filters refuse one by name in the answer's own format, so
    the API is left to them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            return self.get_response(request)
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                shown = name.replace("\x00", "\\x00")
                message = f"The query parameter {shown!r} holds a NUL character."
                return HttpResponse(message, status=400, content_type="text/plain")
        return self.get_response(request)
