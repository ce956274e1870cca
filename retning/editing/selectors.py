"""The change log, read from django-simple-history with a fixed number of queries.

Each history table is read once for the entries and once for the records just before them; related
names are then fetched once per related model. The number of queries depends on how many kinds of
record are shown, never on how many entries there are.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import formats
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import get_m2m_reverse_field_name

from retning.actors.models import Organisation
from retning.indicators.models import Indicator, Observation, Target
from retning.roadmap.models import Delivery, Initiative
from retning.strategy.models import BenefitObjective, Goal, SubGoal, Theme

OBJECT_LOG_LIMIT = 20
CHANGELOG_PAGE_SIZE = 25
# Derived or technical fields that would only add noise to the log.
HIDDEN_FIELDS = frozenset({"version", "search_text", "period_start"})
LONG_TEXT = 300


def _empty() -> str:
    return _("(tomt)")


@dataclass(frozen=True)
class Tracked:
    """A kind of record whose history is shown; ``parent`` names the page it belongs to."""

    key: str
    model: type[models.Model]
    label: Promise
    title_field: str
    parent: str | None = None

    @property
    def history_model(self) -> type[models.Model]:
        return self.model.history.model  # type: ignore[attr-defined]


TRACKED: tuple[Tracked, ...] = (
    Tracked("goal", Goal, gettext_lazy("Strategisk mål"), "title"),
    Tracked("subgoal", SubGoal, gettext_lazy("Delmål"), "title"),
    Tracked(
        "benefit_objective",
        BenefitObjective,
        gettext_lazy("Nyttemålsetning"),
        "text",
        "subgoal",
    ),
    Tracked("indicator", Indicator, gettext_lazy("Målindikator"), "name"),
    Tracked("target", Target, gettext_lazy("Målverdi"), "period", "indicator"),
    Tracked("observation", Observation, gettext_lazy("Måling"), "period", "indicator"),
    Tracked("initiative", Initiative, gettext_lazy("Initiativ"), "title"),
    Tracked("delivery", Delivery, gettext_lazy("Leveranse"), "title", "initiative"),
    Tracked("organisation", Organisation, gettext_lazy("Aktør"), "name"),
    Tracked("theme", Theme, gettext_lazy("Tverrgående forutsetning"), "name"),
)
TRACKED_BY_KEY = {tracked.key: tracked for tracked in TRACKED}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class ChangeEntry:
    kind: Tracked
    history_id: int
    when: datetime
    action: str  # "+" created, "~" changed, "-" deleted, as simple-history writes it
    title: str
    user: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)
    url: str | None = None

    @property
    def action_label(self) -> str:
        return {"+": _("Opprettet"), "-": _("Slettet")}.get(self.action, _("Endret"))

    @property
    def kind_label(self) -> str:
        return str(self.kind.label)


# ---------------------------------------------------------------------------------------------
# Reading history records


def _with_previous(history: type[models.Model], queryset: QuerySet) -> QuerySet:
    """Annotate each record with the id of the record of the same object just before it."""
    earlier = history._default_manager.filter(id=OuterRef("id")).filter(  # type: ignore[attr-defined]
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    previous = earlier.order_by("-history_date", "-history_id").values("history_id")[:1]
    return queryset.annotate(previous_id=Subquery(previous)).select_related("history_user")


def _m2m_fields(tracked: Tracked) -> list[models.ManyToManyField]:
    return list(getattr(tracked.history_model, "_history_m2m_fields", []))


def _m2m_values(tracked: Tracked, history_ids: list[int]) -> dict[str, dict[int, frozenset[int]]]:
    """For each many-to-many field: the related ids stored with each history record."""
    result: dict[str, dict[int, frozenset[int]]] = {}
    for m2m_field in _m2m_fields(tracked):
        through_history = getattr(tracked.history_model, m2m_field.name).model
        target = get_m2m_reverse_field_name(m2m_field)
        grouped: dict[int, set[int]] = defaultdict(set)
        rows = through_history._default_manager.filter(history_id__in=history_ids).values_list(
            "history_id", f"{target}_id"
        )
        for history_id, related_id in rows:
            grouped[history_id].add(related_id)
        result[m2m_field.name] = {key: frozenset(value) for key, value in grouped.items()}
    return result


@dataclass(frozen=True)
class _Pending:
    """A raw value waiting for the names of related records."""

    model_field: models.Field
    value: Any


class _Names:
    """Collects related ids while entries are built and fetches each related model once."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.found: dict[type[models.Model], dict[Any, models.Model]] = {}

    def want(self, model_field: models.Field, value: Any) -> _Pending:
        related = model_field.related_model
        if related is not None and value not in (None, ""):
            values = value if isinstance(value, frozenset) else {value}
            self.wanted[related].update(values)  # type: ignore[index]
        return _Pending(model_field, value)

    def fetch(self) -> None:
        for model, keys in self.wanted.items():
            self.found[model] = model._default_manager.in_bulk(keys)  # type: ignore[assignment]

    def render(self, pending: _Pending) -> str:
        model_field, value = pending.model_field, pending.value
        related = model_field.related_model
        if related is not None:
            keys = value if isinstance(value, frozenset) else ({value} if value else set())
            objects = self.found.get(related, {})  # type: ignore[call-overload]
            names = sorted(
                str(objects[key]) if key in objects else _("(slettet, id %(id)s)") % {"id": key}
                for key in keys
            )
            return ", ".join(names) or _empty()
        return _plain(model_field, value)


def _plain(model_field: models.Field, value: Any) -> str:
    if isinstance(model_field, models.BooleanField):
        return _("Ja") if value else _("Nei")
    if value is None or value == "":
        return _empty()
    if model_field.choices:
        labels = {str(key): str(label) for key, label in model_field.flatchoices}
        return labels.get(str(value), str(value))
    if isinstance(value, datetime):
        return formats.date_format(value, "j. F Y H:i")
    if isinstance(value, date):
        return formats.date_format(value, "j. F Y")
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text.replace(".", str(formats.get_format("DECIMAL_SEPARATOR")))
    return Truncator(str(value)).chars(LONG_TEXT)


def _label(model_field: models.Field) -> str:
    return str(model_field.verbose_name).capitalize()


def _shown_fields(tracked: Tracked) -> list[models.Field]:
    history = tracked.history_model
    return [
        f
        for f in history.tracked_fields  # type: ignore[attr-defined]
        if f.editable and f.name not in HIDDEN_FIELDS
    ]


def _user_name(user: Any, show_who: bool) -> str:
    if not show_who:
        return ""
    if user is None:
        return _("ikke registrert (import eller system)")
    return user.get_full_name() or user.get_username()


def _entries(
    tracked: Tracked, records: list[Any], names: _Names, *, show_who: bool, skip_empty: bool
) -> list[tuple[ChangeEntry, list[tuple[str, _Pending, _Pending]]]]:
    """Entries for ``records`` (annotated with ``previous_id``), their values not yet named."""
    history = tracked.history_model
    previous_ids = [r.previous_id for r in records if r.previous_id]
    previous: dict[int, Any] = (
        history._default_manager.in_bulk(previous_ids)  # type: ignore[attr-defined]
        if previous_ids
        else {}
    )
    m2m = _m2m_values(tracked, [r.history_id for r in records] + previous_ids)
    m2m_names = [f.name for f in _m2m_fields(tracked)]
    shown = _shown_fields(tracked)
    by_name = {f.name: f for f in shown}
    built = []
    for record in records:
        before = previous.get(record.previous_id)
        pending: list[tuple[str, _Pending, _Pending]] = []
        if record.history_type == "~" and before is not None:
            delta = record.diff_against(before, excluded_fields=[*m2m_names, *HIDDEN_FIELDS])
            for change in delta.changes:
                model_field = by_name.get(change.field)
                if model_field is not None:
                    pending.append(_pair(names, model_field, change.old, change.new))
            for name in m2m_names:
                before_ids = m2m[name].get(before.history_id, frozenset())
                after_ids = m2m[name].get(record.history_id, frozenset())
                if before_ids != after_ids:
                    pending.append(_pair(names, _field(tracked.model, name), before_ids, after_ids))
            if not pending and skip_empty:
                continue  # saved without any visible change
        else:
            # Created, deleted, or changed without an earlier record: show the values it had.
            deleting = record.history_type == "-"
            for model_field in shown:
                value = getattr(record, model_field.attname)
                if (
                    value in (None, "")
                    or isinstance(model_field, models.BooleanField)
                    and not value
                ):
                    continue
                old, new = (value, None) if deleting else (None, value)
                pending.append(_pair(names, model_field, old, new))
            for name in m2m_names:
                ids = m2m[name].get(record.history_id, frozenset())
                if ids:
                    pair = (ids, frozenset()) if deleting else (frozenset(), ids)
                    pending.append(_pair(names, _field(tracked.model, name), *pair))
        entry = ChangeEntry(
            kind=tracked,
            history_id=record.history_id,
            when=record.history_date,
            action=record.history_type,
            title=Truncator(str(getattr(record, tracked.title_field))).chars(120),
            user=_user_name(record.history_user, show_who),
            reason=record.history_change_reason or "",
        )
        built.append((entry, pending))
    return built


def _field(model: type[models.Model], name: str) -> models.Field:
    return model._meta.get_field(name)  # type: ignore[return-value]


def _pair(
    names: _Names, model_field: models.Field, old: Any, new: Any
) -> tuple[str, _Pending, _Pending]:
    return (_label(model_field), names.want(model_field, old), names.want(model_field, new))


def _finish(
    built: Iterable[tuple[ChangeEntry, list[tuple[str, _Pending, _Pending]]]], names: _Names
) -> list[ChangeEntry]:
    built = list(built)
    names.fetch()
    entries = []
    for entry, pending in built:
        entry.changes = [
            FieldChange(label, names.render(old), names.render(new)) for label, old, new in pending
        ]
        entries.append(entry)
    return entries


# ---------------------------------------------------------------------------------------------
# The log on a public page


def _kinds_for(model: type[models.Model]) -> list[tuple[Tracked, str]]:
    """The tracked kinds shown on ``model``'s page, each with the lookup that selects them."""
    kinds = []
    for tracked in TRACKED:
        if tracked.model is model:
            kinds.append((tracked, "id"))
        elif (
            tracked.parent and tracked.model._meta.get_field(tracked.parent).related_model is model
        ):
            kinds.append((tracked, f"{tracked.parent}_id"))
    return kinds


def object_history(history: Any, lookup: str, pk: Any) -> models.QuerySet[Any]:
    """History rows of one record (``lookup`` "id") or of the rows under it, newest first.

    For observations under an indicator the index ``historicalobservation_log_idx`` (indicator,
    time, id; migration indicators 0005) gives these rows in this order.
    """
    return history._default_manager.filter(**{lookup: pk}).order_by(  # type: ignore[no-any-return]
        "-history_date", "-history_id"
    )


def object_changelog(
    obj: models.Model, *, show_who: bool, limit: int = OBJECT_LOG_LIMIT
) -> list[ChangeEntry]:
    """The latest changes to ``obj`` and the rows that belong to it, newest first."""
    names = _Names()
    built = []
    for tracked, lookup in _kinds_for(type(obj)):
        history = tracked.history_model
        records = list(_with_previous(history, object_history(history, lookup, obj.pk))[:limit])
        built += _entries(tracked, records, names, show_who=show_who, skip_empty=True)
    built.sort(key=lambda pair: (pair[0].when, pair[0].history_id), reverse=True)
    return _finish(built[:limit], names)


# ---------------------------------------------------------------------------------------------
# The global change log


@dataclass(frozen=True)
class ChangeLogFilters:
    kind: str = ""
    user_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""


def kind_choices() -> list[tuple[str, str]]:
    return [(tracked.key, str(tracked.label)) for tracked in TRACKED]


def _filtered(tracked: Tracked, filters: ChangeLogFilters) -> QuerySet:
    queryset = tracked.history_model._default_manager.all()  # type: ignore[attr-defined]
    if filters.user_id is not None:
        queryset = queryset.filter(history_user_id=filters.user_id)
    if filters.date_from is not None:
        queryset = queryset.filter(history_date__date__gte=filters.date_from)
    if filters.date_to is not None:
        queryset = queryset.filter(history_date__date__lte=filters.date_to)
    if filters.text:
        queryset = queryset.filter(
            Q(**{f"{tracked.title_field}__icontains": filters.text})
            | Q(history_change_reason__icontains=filters.text)
        )
    # History models are ordered by default, and a branch of a UNION must not be.
    return queryset.order_by().values_list(
        Value(tracked.key, output_field=CharField()), "history_id", "history_date"
    )


def changelog_page(filters: ChangeLogFilters, page_number: int) -> Page:
    """One page of the change log across every tracked kind; the page holds ``ChangeEntry``s."""
    kinds = [TRACKED_BY_KEY[filters.kind]] if filters.kind in TRACKED_BY_KEY else list(TRACKED)
    first, *rest = [_filtered(tracked, filters) for tracked in kinds]
    combined = first.union(*rest, all=True) if rest else first
    page = Paginator(
        combined.order_by("-history_date", "-history_id"), CHANGELOG_PAGE_SIZE
    ).get_page(page_number)
    page.object_list = _entries_for_rows(list(page.object_list))
    return page


def _entries_for_rows(rows: list[tuple[str, int, datetime]]) -> list[ChangeEntry]:
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for key, history_id, _when in rows:
        ids_by_kind[key].append(history_id)
    names = _Names()
    built = []
    for key, ids in ids_by_kind.items():
        tracked = TRACKED_BY_KEY[key]
        history = tracked.history_model
        records = list(
            _with_previous(history, history._default_manager.filter(history_id__in=ids))  # type: ignore[attr-defined]
        )
        # Every row of a page is shown, so that the page holds as many entries as the count says.
        kind_built = _entries(tracked, records, names, show_who=True, skip_empty=False)
        _attach_urls(tracked, records, [entry for entry, _pending in kind_built])
        built += kind_built
    order = {(key, history_id): index for index, (key, history_id, _when) in enumerate(rows)}
    built.sort(key=lambda pair: order[(pair[0].kind.key, pair[0].history_id)])
    return _finish(built, names)


def _as_instance(tracked: Tracked, record: Any) -> models.Model:
    """The record as an unsaved model object, without simple-history's query for excluded fields."""
    values = {f.attname: getattr(record, f.attname) for f in tracked.history_model.tracked_fields}  # type: ignore[attr-defined]
    return tracked.model(**values)


def _attach_urls(tracked: Tracked, records: list[Any], entries: list[ChangeEntry]) -> None:
    by_id = {record.history_id: record for record in records}
    if tracked.parent is None:
        for entry in entries:
            if entry.action != "-":
                instance: Any = _as_instance(tracked, by_id[entry.history_id])
                entry.url = instance.get_absolute_url()
        return
    parent_field = _field(tracked.model, tracked.parent)
    parent_ids = {getattr(record, parent_field.attname) for record in records}
    parents = parent_field.related_model._default_manager.in_bulk(parent_ids)  # type: ignore[union-attr]
    for entry in entries:
        parent: Any = parents.get(getattr(by_id[entry.history_id], parent_field.attname))
        if parent is not None:
            entry.url = parent.get_absolute_url()
