"""History in the admin is for reading only.

simple-history's admin offers a "revert" form on every old version, and its view saves whatever is
posted there for anyone with change permission, even when the button is hidden. A revert would
also skip the version check, so it could silently undo someone else's newer edit. Old versions can
still be looked at; changes go through the edit pages, which check versions and log who did what.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryMixin:
    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return super().history_form_view(  # type: ignore[misc]
            request, object_id, version_id, extra_context
        )


def make_history_read_only(site: admin.AdminSite) -> None:
    """Give every registered history admin the read-only behaviour, whoever wrote it."""
    for model_admin in site._registry.values():
        cls = type(model_admin)
        if isinstance(model_admin, SimpleHistoryAdmin) and not isinstance(
            model_admin, ReadOnlyHistoryMixin
        ):
            model_admin.__class__ = type(cls.__name__, (ReadOnlyHistoryMixin, cls), {})
