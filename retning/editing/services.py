"""Saving edits without lost updates.

Every editable record carries a ``version``. An edit remembers the version it started from; saving
checks, inside a locked transaction, that nobody saved in between. If someone did, nothing is
written and the caller gets the current record to show side by side with the user's own.
"""

from collections.abc import Iterable, Mapping
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


def _lock_at_version(instance: Versioned, expected_version: int) -> None:
    """Lock the stored row; refuse if it is gone or someone saved after ``expected_version``.

    Call inside a transaction, so the lock holds until the caller's write is done.
    """
    model: type[models.Model] = type(instance)
    stored = (
        model._default_manager.select_for_update()
        .filter(pk=instance.pk)
        # No default ordering: its joins (Initiative orders by grouping, a nullable FK) make
        # PostgreSQL refuse FOR UPDATE on the nullable side of an outer join.
        .order_by()
        .values_list("version", flat=True)
        .first()
    )
    if stored is None:
        raise RecordGone()
    if stored != expected_version:
        raise StaleVersion(model._default_manager.get(pk=instance.pk))  # type: ignore[arg-type]


def _record_author(instance: Versioned, user: Any, reason: str) -> None:
    """Who and why, for the history record the next save or delete writes."""
    if user is not None:
        instance._history_user = user  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]


def versioned_save[V: Versioned](
    instance: V,
    *,
    expected_version: int,
    user: Any = None,
    reason: str = "",
    m2m: Mapping[str, Iterable[Any]] | None = None,
) -> V:
    """Save ``instance`` (already changed in memory) if its stored version is still the expected one.

    ``m2m`` sets many-to-many relations in the same transaction, before the save, so that the save's
    one history record holds them; otherwise simple-history writes a record for every add and remove.
    """
    with transaction.atomic():
        _lock_at_version(instance, expected_version)
        instance.version = expected_version + 1
        _record_author(instance, user, reason)
        if m2m:
            _set_m2m_without_history(instance, m2m)
        instance.save()
    return instance


def _set_m2m_without_history(instance: models.Model, m2m: Mapping[str, Iterable[Any]]) -> None:
    instance.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        for name, values in m2m.items():
            getattr(instance, name).set(values)
    finally:
        del instance.skip_history_when_saving  # type: ignore[attr-defined]


def versioned_create[V: Versioned](instance: V, *, user: Any = None, reason: str = "") -> V:
    """Save a new record, with the same history bookkeeping as ``versioned_save``.

    A new record cannot be stale, but creating it here keeps who and why in its history.
    """
    _record_author(instance, user, reason)
    with transaction.atomic():
        instance.save()
    return instance


def versioned_delete[V: Versioned](
    instance: V, *, expected_version: int, user: Any = None, reason: str = ""
) -> None:
    """Delete ``instance`` if nobody saved it after the version the user saw."""
    with transaction.atomic():
        _lock_at_version(instance, expected_version)
        _record_author(instance, user, reason)
        instance.delete()
