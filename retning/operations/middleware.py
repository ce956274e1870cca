"""Give every request an id that ties its log lines, its response and the proxy's log together."""

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import empty

from .logging import RequestContext, accepted_request_id, current_request

REQUEST_ID_HEADER = "X-Request-ID"
# Probed every few seconds by load balancers; a line for each healthy answer would drown the log.
QUIET_PATHS = frozenset({"/healthz", "/readyz"})

request_logger = logging.getLogger("retning.request")


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id, but only if something already looked the user up.

    Resolving ``request.user`` here would cost a session query on requests that never needed one
    (the health checks promise not to touch the database).
    """
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestIdMiddleware:
    """Outermost middleware: sets ``request.request_id``, the log context and the response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = accepted_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        # Cleared when the response is closed (OperationsConfig.ready), not on the way out.
        current_request.set(
            RequestContext(request_id=request_id, method=request.method or "", path=request.path)
        )
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        if response.status_code >= 400 or request.path not in QUIET_PATHS:
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": _user_id(request),
                },
            )
        return response
