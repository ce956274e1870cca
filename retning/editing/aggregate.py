"""A record and its child rows (an initiative and its deliveries), validated and saved as one.

Every write goes through ``versioned_save``/``versioned_delete``/``versioned_create`` inside one
transaction, so a stale version anywhere rolls back the whole edit.
"""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet

from .forms import RecordForm, StyledModelForm, VersionedModelForm
from .services import versioned_create, versioned_delete, versioned_save

# The formsets of an edit page hold StyledModelForm rows of any model.
type RowFormSet = BaseInlineFormSet[Any, Any, Any]


class RowsVanished(Exception):
    """Rows the user edited were deleted by someone else after the form was opened."""


@dataclass
class Aggregate:
    form: RecordForm
    formsets: list[RowFormSet] = field(default_factory=list)

    def is_valid(self) -> bool:
        # Validate everything (no short-circuit) so that every error is shown at once.
        results = [self.form.is_valid(), *(formset.is_valid() for formset in self.formsets)]
        return all(results)

    def vanished_rows(self) -> list[str]:
        """Primary keys the user submitted for rows that no longer exist."""
        return [pk for formset in self.formsets for pk in _vanished(formset)]

    def save(self, *, user: Any) -> models.Model:
        reason = self.form.cleaned_data.get("change_reason", "")
        with transaction.atomic():
            record = self._save_record(user=user, reason=reason)
            for formset in self.formsets:
                _save_rows(formset, user=user, reason=reason)
        return record

    def _save_record(self, *, user: Any, reason: str) -> models.Model:
        form = self.form
        if form.instance._state.adding:
            return versioned_create(form.save(commit=False), user=user, reason=reason)
        # Rows without a version of their own are protected by the record's version instead.
        unversioned_rows_changed = any(
            formset.has_changed()
            for formset in self.formsets
            if not issubclass(formset.form, VersionedModelForm)
        )
        if not form.content_changed() and not unversioned_rows_changed:
            return form.instance
        m2m = {
            name: form.cleaned_data[name]
            for name in form.fields
            if isinstance(form.fields[name], forms.ModelMultipleChoiceField)
        }
        return versioned_save(
            form.save(commit=False),
            expected_version=form.cleaned_data["version"],
            user=user,
            reason=reason,
            m2m=m2m,
        )


def _vanished(formset: RowFormSet) -> list[str]:
    if not formset.is_bound:
        return []
    existing = {str(pk) for pk in formset.get_queryset().values_list("pk", flat=True)}
    submitted = [
        formset.data.get(f"{formset.add_prefix(index)}-id", "")
        for index in range(formset.initial_form_count())
    ]
    return [pk for pk in submitted if pk and pk not in existing]


def _save_rows(formset: RowFormSet, *, user: Any, reason: str) -> None:
    deleted = {id(form) for form in formset.deleted_forms} if formset.can_delete else set()
    for form in formset.initial_forms:
        if id(form) in deleted:
            _delete_row(form, user=user, reason=reason)
        elif form.content_changed():
            _save_row(form, user=user, reason=reason)
    for form in formset.extra_forms:
        if form.has_changed() and id(form) not in deleted:
            row = form.save(commit=False)
            if isinstance(form, VersionedModelForm):
                versioned_create(row, user=user, reason=reason)
            else:
                _plain_save(row, user=user, reason=reason)


def _save_row(form: StyledModelForm, *, user: Any, reason: str) -> None:
    row = form.save(commit=False)
    if isinstance(form, VersionedModelForm):
        versioned_save(row, expected_version=form.cleaned_data["version"], user=user, reason=reason)
    else:
        _plain_save(row, user=user, reason=reason)


def _delete_row(form: StyledModelForm, *, user: Any, reason: str) -> None:
    row = form.instance
    if isinstance(form, VersionedModelForm):
        # A row marked for deletion skips validation, so its version is read from the raw value.
        version = form.submitted_version()
        versioned_delete(row, expected_version=version or 0, user=user, reason=reason)
    else:
        row._history_user = user  # type: ignore[attr-defined]
        row.delete()


def _plain_save(row: models.Model, *, user: Any, reason: str) -> None:
    row._history_user = user  # type: ignore[attr-defined]
    if reason:
        row._change_reason = reason  # type: ignore[attr-defined]
    row.save()
