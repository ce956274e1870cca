"""Saving edits without lost updates.

Every editable record carries a ``version``. An edit remembers the version it started from; saving
checks, inside a locked transaction, that nobody saved in between. If someone did, nothing is
written and the caller gets the current record to show side by side with the user's own.
"""

from typing import Any

from django.db import models, transaction

from retning.lib.models import Versioned


class StaleVersion(Exception):
    """Someone else saved the record after the editor opened it."""

    def __init__(self, current: Versioned) -> None:
        super().__init__(f"{type(current).__name__} {current.pk} is at version {current.version}")
        self.current = current


class RecordGone(Exception):
    """The record was deleted after the editor opened it."""


def versioned_save[V: Versioned](
    instance: V, *, expected_version: int, user: Any = None, reason: str = ""
) -> V:
    """Save ``instance`` (already changed in memory) if its stored version is still the expected one."""
    model: type[models.Model] = type(instance)
    with transaction.atomic():
        stored = (
            model._default_manager.select_for_update()
            .filter(pk=instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if stored is None:
            raise RecordGone()
        if stored != expected_version:
            raise StaleVersion(model._default_manager.get(pk=instance.pk))  # type: ignore[arg-type]
        instance.version = expected_version + 1
        if user is not None:
            instance._history_user = user  # type: ignore[attr-defined]
        if reason:
            instance._change_reason = reason  # type: ignore[attr-defined]
        instance.save()
    return instance


def versioned_delete[V: Versioned](instance: V, *, expected_version: int, user: Any = None) -> None:
    model: type[models.Model] = type(instance)
    with transaction.atomic():
        stored = (
            model._default_manager.select_for_update()
            .filter(pk=instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if stored is None:
            raise RecordGone()
        if stored != expected_version:
            raise StaleVersion(model._default_manager.get(pk=instance.pk))  # type: ignore[arg-type]
        if user is not None:
            instance._history_user = user  # type: ignore[attr-defined]
        instance.delete()
