from typing import Any

from django.apps import AppConfig
from django.core.signals import request_finished
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "retning.operations"
    verbose_name = _("Drift")

    def ready(self) -> None:
        from .logging import clear_request_context

        request_finished.connect(
            clear_request_context, dispatch_uid="retning.clear_request_context"
        )
        # Sent once per app with models (this app has none); the command skips existing tables.
        post_migrate.connect(create_cache_table, dispatch_uid="retning.create_cache_table")


def create_cache_table(**kwargs: Any) -> None:
    """With a database cache configured, ``migrate`` also makes its table (idempotent)."""
    from django.conf import settings
    from django.core.management import call_command

    uses_database = any(
        cache["BACKEND"].endswith("DatabaseCache") for cache in settings.CACHES.values()
    )
    if uses_database:
        call_command("createcachetable", database=kwargs.get("using", "default"), verbosity=0)
