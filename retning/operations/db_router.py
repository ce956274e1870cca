"""Send read-only queries to a PostgreSQL read replica when one is configured.

Reads go to the replica only when it is safe to accept data that may lag the primary by a moment:
outside any transaction on the primary, and not while handling a request that changes something
(a POST must see its own writes), and never for who is signed in and what they may do: a session
created by a sign-in must be found by the very next request. Everything else, and all writes, go
to the primary.
"""

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from .logging import current_request

REPLICA_ALIAS = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "accounts", "axes", "contenttypes"})


def replica_configured() -> bool:
    return REPLICA_ALIAS in settings.DATABASES


def _reads_may_lag() -> bool:
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return False
    request = current_request.get()
    return request is None or request.method in SAFE_METHODS


class ReplicaRouter:
    """Listed in ``DATABASE_ROUTERS``; without a replica it leaves every choice to the default."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if (
            replica_configured()
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and _reads_may_lag()
        ):
            return REPLICA_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Both aliases hold the same data, so objects read from either may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica follows the primary through replication; migrating it directly would fail.
        return db != REPLICA_ALIAS
