"""Who is calling: personal API tokens for writes, and a limit on how fast one user may write.

Reads are anonymous. Writes need ``Authorization: Bearer rtn_…``; the token stands for its user,
whose roles decide what they may change (``retning.accounts.rules``), exactly as in the web UI.
"""

import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from retning.accounts.models import TOKEN_PREFIX, ApiToken, User

# A token is the prefix plus 43 URL-safe characters; anything much longer is not one of ours.
_MAX_TOKEN_LENGTH = 200
DEFAULT_WRITE_RATE = "120/m"


class ApiTokenAuth(HttpBearer):
    openapi_bearerFormat = "rtn_…"
    openapi_description = (
        "Personlig API-nøkkel. Lag en på /konto/api-nokler/ og send den som "
        "«Authorization: Bearer rtn_…». Nøkkelen har samme rettigheter som brukeren sin."
    )

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token.startswith(TOKEN_PREFIX) or len(token) > _MAX_TOKEN_LENGTH:
            return None
        user = ApiToken.authenticate(token)
        if user is None:
            return None
        # The history middleware reads request.user when a record is saved.
        request.user = user
        return user


def parse_rate(rate: str) -> tuple[int, int]:
    """'120/m' → (120, 60). Units: s, m, h, d."""
    count, _, unit = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit.strip()[:1].lower()]
    return int(count), seconds


class WriteThrottle(BaseThrottle):
    """A fixed window per user. The rate is read on each request so tests and operators can
    change ``RETNING_API_WRITE_RATE`` without a restart."""

    def __init__(self) -> None:
        # ninja asks for the wait after allow_request() on the same shared object.
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "auth", None)
        if user is None:
            return True
        limit, window = parse_rate(getattr(settings, "RETNING_API_WRITE_RATE", DEFAULT_WRITE_RATE))
        now = time.time()
        window_start = math.floor(now / window) * window
        key = f"retning-api-writes:{user.pk}:{window}:{window_start}"
        cache.add(key, 0, timeout=window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 1)
            count = 1
        self._local.wait = window_start + window - now
        return count <= limit

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
