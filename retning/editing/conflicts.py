"""When someone else saved first: compare the user's values with the stored ones, and start over.

The comparison is field by field in words, so it can be read without colour. ``rebase`` turns the
user's submission into one that starts from the current versions, so nothing they typed is lost.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Model
from django.forms.models import InlineForeignKeyField
from django.http import QueryDict
from django.utils import formats
from django.utils.translation import gettext as _

from .aggregate import Aggregate, RowFormSet
from .forms import BOOKKEEPING_FIELDS


def _empty() -> str:
    return _("(tomt)")


@dataclass(frozen=True)
class FieldComparison:
    label: str
    yours: str
    stored: str

    @property
    def differs(self) -> bool:
        return self.yours != self.stored


@dataclass(frozen=True)
class RowComparison:
    title: str
    note: str
    fields: list[FieldComparison]
    anchor: str = ""

    @property
    def differs(self) -> bool:
        return bool(self.note) or any(f.differs for f in self.fields)

    @property
    def caption(self) -> str:
        return f"{self.title}. {self.note}" if self.note else self.title


@dataclass(frozen=True)
class RowSection:
    title: str
    rows: list[RowComparison]

    @property
    def differing_rows(self) -> list[RowComparison]:
        return [row for row in self.rows if row.differs]


@dataclass
class Comparison:
    fields: list[FieldComparison]
    sections: list[RowSection] = field(default_factory=list)

    @property
    def difference_count(self) -> int:
        rows = sum(1 for section in self.sections for row in section.rows if row.differs)
        return sum(1 for f in self.fields if f.differs) + rows


def display(form_field: forms.Field, value: Any) -> str:
    """A value as words, the same way for what the user typed and for what is stored."""
    if isinstance(form_field, forms.BooleanField):
        truthy = value not in (None, False, "", "False", "false", "off", [])
        return _("Ja") if truthy else _("Nei")
    if value is None or value == "" or value == [] or value == ():
        return _empty()
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return ", ".join(sorted(str(obj) for obj in _objects(form_field, value))) or _empty()
    if isinstance(form_field, forms.ModelChoiceField):
        objects = _objects(form_field, [value])
        return str(objects[0]) if objects else _empty()
    if isinstance(form_field, forms.ChoiceField):
        choices: list[Any] = list(form_field.choices)  # type: ignore[arg-type]
        labels = {str(key): str(label) for key, label in choices}
        return labels.get(str(value), str(value))
    if isinstance(value, date):
        return formats.date_format(value, "j. F Y")
    if isinstance(value, Decimal):
        return _decimal(value)
    return str(value)


def _decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", str(formats.get_format("DECIMAL_SEPARATOR")))


def _objects(form_field: forms.ModelChoiceField, values: Any) -> list[Model]:
    objects = [v for v in values if isinstance(v, Model)]
    keys = [v for v in values if not isinstance(v, Model) and v not in (None, "")]
    if keys:
        try:
            objects += list(form_field.queryset.filter(pk__in=keys))  # type: ignore[union-attr]
        except (TypeError, ValueError):
            pass  # a tampered key; nothing to show for it
    return objects


def _submitted(form: forms.BaseForm, name: str) -> Any:
    """What the user sent for a field: cleaned when the row is valid, raw otherwise."""
    if form.is_bound and not form.errors and name in getattr(form, "cleaned_data", {}):
        return form.cleaned_data[name]
    return form[name].value()


def _record_fields(form: forms.BaseForm) -> list[str]:
    return [
        name
        for name, form_field in form.fields.items()
        if name not in BOOKKEEPING_FIELDS and not isinstance(form_field, InlineForeignKeyField)
    ]


def compare(submitted: Aggregate, current: Aggregate) -> Comparison:
    """The user's submission next to an unbound aggregate built from the stored record."""
    fields = [
        FieldComparison(
            label=str(submitted.form.fields[name].label),
            yours=display(submitted.form.fields[name], _submitted(submitted.form, name)),
            stored=display(submitted.form.fields[name], current.form[name].initial),
        )
        for name in _record_fields(submitted.form)
    ]
    sections = [
        RowSection(
            title=_formset_title(theirs),
            rows=[
                RowComparison(row.title, row.note, row.fields, f"compare-{theirs.prefix}-{number}")
                for number, row in enumerate(_compare_rows(theirs, stored), start=1)
            ],
        )
        for theirs, stored in zip(submitted.formsets, current.formsets, strict=True)
    ]
    return Comparison(fields=fields, sections=sections)


def _formset_title(formset: RowFormSet) -> str:
    meta = formset.model._meta  # type: ignore[union-attr]
    return str(meta.verbose_name_plural).capitalize()


def _compare_rows(theirs: RowFormSet, stored: RowFormSet) -> list[RowComparison]:
    stored_forms = {str(form.instance.pk): form for form in stored.initial_forms}
    deleted = {id(form) for form in _deleted_forms(theirs)}
    rows: list[RowComparison] = []
    seen: set[str] = set()
    for index, form in enumerate(theirs.forms):
        pk = theirs.data.get(f"{form.prefix}-id", "") if index < theirs.initial_form_count() else ""
        if not pk and not form.has_changed():
            continue
        seen.add(pk)
        match = stored_forms.get(pk)
        if match is None and pk:
            note = _("Slettet av noen andre etter at du åpnet skjemaet.")
        elif match is None:
            note = _("Ny rad fra deg.")
        elif id(form) in deleted:
            note = _("Du vil slette denne raden.")
        else:
            note = ""
        rows.append(_row(form, match, note))
    for pk, match in stored_forms.items():
        if pk not in seen:
            rows.append(_row(None, match, _("Lagt til av noen andre etter at du åpnet skjemaet.")))
    return rows


def _deleted_forms(formset: RowFormSet) -> list[forms.BaseForm]:
    if not formset.can_delete:
        return []
    return [form for form in formset.forms if form["DELETE"].value()]


def _row(
    theirs: forms.ModelForm | None, stored: forms.ModelForm | None, note: str
) -> RowComparison:
    """One row side by side; either side is None where that version has no such row."""
    template = theirs or stored
    assert template is not None
    names = _record_fields(template)
    fields = [
        FieldComparison(
            label=str(template.fields[name].label),
            yours=display(template.fields[name], _submitted(theirs, name)) if theirs else _empty(),
            stored=display(template.fields[name], stored[name].initial) if stored else _empty(),
        )
        for name in names
    ]
    title = str(stored.instance) if stored else (fields[0].yours if fields else "")
    return RowComparison(title=title, note=note, fields=fields)


def rebase(data: QueryDict, submitted: Aggregate, current: Aggregate) -> QueryDict:
    """The user's values, re-addressed to the stored versions, ready to be bound to the forms again.

    Rows someone else deleted come back as new rows unless the user wanted them deleted too; rows
    someone else added are left out of the form and are kept as they are when it is saved.
    """
    rebased = data.copy()
    rebased[submitted.form.add_prefix("version")] = str(current.form.instance.version)
    for theirs, stored in zip(submitted.formsets, current.formsets, strict=True):
        _rebase_rows(rebased, data, theirs, stored)
    return rebased


def _rebase_rows(
    rebased: QueryDict, data: QueryDict, theirs: RowFormSet, stored: RowFormSet
) -> None:
    versions = {
        str(form.instance.pk): getattr(form.instance, "version", None)
        for form in stored.initial_forms
    }
    deleted = {id(form) for form in _deleted_forms(theirs)}
    kept: list[dict[str, list[str]]] = []
    revived: list[dict[str, list[str]]] = []
    for index, form in enumerate(theirs.forms):
        row = {name: data.getlist(form.add_prefix(name)) for name in form.fields}
        pk = (row.get("id") or [""])[-1]
        if index < theirs.initial_form_count() and pk in versions:
            if versions[pk] is not None and "version" in row:
                row["version"] = [str(versions[pk])]
            kept.append(row)
        elif id(form) not in deleted and form.has_changed():
            row.pop("id", None)
            if "version" in row:
                row["version"] = ["1"]
            revived.append(row)
    prefix = f"{theirs.prefix}-"
    for key in [key for key in rebased if key.startswith(prefix)]:
        del rebased[key]
    rows = kept + revived
    for index, row in enumerate(rows):
        for name, values in row.items():
            if values:
                rebased.setlist(f"{theirs.prefix}-{index}-{name}", values)
    rebased[f"{prefix}TOTAL_FORMS"] = str(len(rows))
    rebased[f"{prefix}INITIAL_FORMS"] = str(len(kept))
    rebased[f"{prefix}MIN_NUM_FORMS"] = str(theirs.min_num)
    rebased[f"{prefix}MAX_NUM_FORMS"] = str(theirs.max_num)
