"""Conditional GET: every successful read carries an ETag and may be answered with 304.

The validator is a hash of the serialised body, so it changes exactly when the representation
does and costs nothing to keep in step with the data. Reads are public; a short max-age lets
shared caches absorb bursts while clients revalidate cheaply with If-None-Match.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import parse_etags, set_response_etag  # type: ignore[attr-defined]

PUBLIC_READ = "public, max-age=60"
NO_STORE = "no-store"

# The headers RFC 9110 (15.4.5) asks a 304 to repeat from the 200 it stands for.
_KEPT_ON_304 = ("Cache-Control", "Content-Location", "ETag", "Expires", "Vary")


def _matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison, as If-None-Match requires: W/"x" and "x" are the same validator."""
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == opaque for tag in parse_etags(if_none_match))


def conditional_get(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Add ETag and Cache-Control to a successful read; 304 when the client already has it."""
    if request.method not in {"GET", "HEAD"}:
        if "Cache-Control" not in response:
            response["Cache-Control"] = NO_STORE
        return response
    if response.status_code != 200 or response.streaming:
        return response
    if "Cache-Control" not in response:
        response["Cache-Control"] = PUBLIC_READ
    set_response_etag(response)
    etag = response.get("ETag")
    if etag and _matches(request.headers.get("If-None-Match", ""), etag):
        not_modified = HttpResponseNotModified()
        for name in _KEPT_ON_304:
            if name in response:
                not_modified[name] = response[name]
        return not_modified
    return response


def conditional_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The same for plain Django views such as the OpenAPI document and the docs page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return conditional_get(request, view(request, *args, **kwargs))

    return wrapper
