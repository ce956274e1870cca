"""Health checks for load balancers and orchestrators: liveness and readiness.

Both answer without a session, a language prefix or a sign-in, and are never cached: a cached
"ok" from a dead server is worse than no answer.
"""

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .db_router import REPLICA_ALIAS, replica_configured

logger = logging.getLogger(__name__)


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up and answering. Deliberately touches nothing else, not even the database."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def _database_reachable(alias: str) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # The details (host names, driver messages) belong in the log, not in the answer.
        logger.exception("Readiness check: database %r is not reachable", alias)
        return False
    return True


def _migrations_pending() -> bool:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


@login_not_required
@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: the database answers and its schema matches this version of the code."""
    checks: dict[str, str] = {}
    reason: str | None = None
    if not _database_reachable(DEFAULT_DB_ALIAS):
        checks["database"] = "unreachable"
        reason = "database_unreachable"
    else:
        checks["database"] = "ok"
        try:
            pending = _migrations_pending()
        except DatabaseError:
            logger.exception("Readiness check: could not read the migration state")
            checks["migrations"] = "unknown"
            reason = "migrations_unknown"
        else:
            checks["migrations"] = "pending" if pending else "ok"
            if pending:
                logger.warning("Readiness check: the database has unapplied migrations")
                reason = "migrations_pending"
    if replica_configured():
        replica_ok = _database_reachable(REPLICA_ALIAS)
        checks["replica"] = "ok" if replica_ok else "unreachable"
        if not replica_ok and reason is None:
            reason = "replica_unreachable"
    if reason is not None:
        return JsonResponse(
            {"status": "unavailable", "reason": reason, "checks": checks}, status=503
        )
    return JsonResponse({"status": "ok", "checks": checks})
