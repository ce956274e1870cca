"""Forms for the council pages. They only gather input; the services decide what is allowed."""

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from retning.actors.models import Organisation
from retning.indicators.models import Indicator, Target
from retning.roadmap.models import PHASE_CHOICES, Initiative
from retning.strategy.models import Goal, Strategy, SubGoal

from .models import Body, Case, Meeting, Membership
from .services import PlanChangeRequest

INPUT = {"class": "ds-input"}


def _input(widget: forms.Widget) -> forms.Widget:
    widget.attrs.setdefault("class", "ds-input")
    return widget


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs.setdefault("class", "ds-input")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "ds-input")
            else:
                _input(widget)


def _strategy_filter(queryset: Any) -> Any:
    strategy = Strategy.current()
    return queryset.filter(strategy=strategy) if strategy else queryset.none()


class CaseProposalForm(StyledForm):
    body = forms.ModelChoiceField(Body.objects.all(), label=_("Råd eller utvalg"))
    organisation = forms.ModelChoiceField(
        Organisation.objects.none(), label=_("Virksomhet som melder inn saken"), required=False
    )
    title = forms.CharField(label=_("Tittel"), max_length=300)
    case_type = forms.ChoiceField(
        label=_("Sakstype"), choices=Case.Type.choices, initial=Case.Type.DISCUSSION
    )
    background = forms.CharField(label=_("Bakgrunn"), widget=forms.Textarea(attrs={"rows": 5}))
    requested_action = forms.CharField(
        label=_("Hva rådet blir bedt om"), widget=forms.Textarea(attrs={"rows": 3})
    )
    goals = forms.ModelMultipleChoiceField(
        Goal.objects.none(), label=_("Strategiske mål"), required=False
    )
    subgoals = forms.ModelMultipleChoiceField(
        SubGoal.objects.none(), label=_("Delmål"), required=False
    )
    indicators = forms.ModelMultipleChoiceField(
        Indicator.objects.order_by("code"), label=_("Målindikatorer"), required=False
    )
    initiatives = forms.ModelMultipleChoiceField(
        Initiative.objects.filter(retired_in__isnull=True).order_by("external_id"),
        label=_("Initiativer"),
        required=False,
    )
    attachment = forms.FileField(
        label=_("Vedlegg"),
        required=False,
        help_text=_("PDF, Word (DOCX) eller Excel (XLSX)."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if getattr(user, "is_secretariat", False) or getattr(user, "is_superuser", False):
            organisations = Organisation.objects.order_by("name")
        else:
            organisations = user.reporter_for.order_by("name")
            self.fields["organisation"].required = True
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()
        self.fields["goals"].queryset = _strategy_filter(Goal.objects.order_by("number"))
        self.fields["subgoals"].queryset = _strategy_filter(SubGoal.objects.order_by("code"))
        for name in ("goals", "subgoals", "indicators", "initiatives"):
            self.fields[name].widget.attrs["size"] = 6


class CaseTriageForm(StyledForm):
    title = forms.CharField(label=_("Tittel"), max_length=300)
    case_type = forms.ChoiceField(label=_("Sakstype"), choices=Case.Type.choices)
    background = forms.CharField(
        label=_("Bakgrunn"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    requested_action = forms.CharField(
        label=_("Hva rådet blir bedt om"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    assessment = forms.CharField(
        label=_("Vurdering"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    proposed_resolution = forms.CharField(
        label=_("Forslag til vedtak"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_exempt = forms.BooleanField(label=_("Unntatt offentlighet"), required=False)
    exemption_basis = forms.CharField(
        label=_("Hjemmel for unntak"),
        required=False,
        max_length=200,
        help_text=_("For eksempel «offl. § 14»."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ScheduleForm(StyledForm):
    meeting = forms.ModelChoiceField(Meeting.objects.none(), label=_("Møte"))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            body=case.body, status=Meeting.Status.PLANNED
        ).order_by("date")


class MeetingForm(StyledForm):
    date = forms.DateField(label=_("Dato"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Sted"), required=False, max_length=200)
    video_link = forms.URLField(label=_("Videolenke"), required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("place") and not data.get("video_link") and not self.errors:
            raise forms.ValidationError(_("Oppgi sted eller videolenke for møtet."))
        return data


YEARS = [(str(year), str(year)) for year in range(2023, 2031)]


class DecisionForm(StyledForm):
    """The decision text and, optionally, the plan changes it makes."""

    text = forms.CharField(label=_("Vedtak"), widget=forms.Textarea(attrs={"rows": 4}))
    # Target value for a year
    target_indicator = forms.ModelChoiceField(
        Indicator.objects.order_by("code"), label=_("Målindikator"), required=False
    )
    target_period = forms.ChoiceField(
        label=_("År"), choices=[("", "—"), *YEARS], required=False, initial="2030"
    )
    target_value = forms.DecimalField(label=_("Ny målverdi"), required=False)
    # Goal text
    goal = forms.ModelChoiceField(Goal.objects.none(), label=_("Strategisk mål"), required=False)
    goal_title = forms.CharField(label=_("Ny tittel på målet"), required=False, max_length=300)
    # Retire a sub-goal
    retire_subgoal = forms.ModelChoiceField(
        SubGoal.objects.none(), label=_("Delmål som skal utgå"), required=False
    )
    # Initiative phase
    initiative = forms.ModelChoiceField(
        Initiative.objects.filter(retired_in__isnull=True).order_by("external_id"),
        label=_("Initiativ"),
        required=False,
    )
    phase_first = forms.IntegerField(label=_("Første fase"), required=False, min_value=1)
    phase_last = forms.IntegerField(label=_("Siste fase"), required=False, min_value=1)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = _strategy_filter(Goal.objects.order_by("number"))
        self.fields["retire_subgoal"].queryset = _strategy_filter(SubGoal.objects.order_by("code"))
        linked = case.indicators.order_by("code").first()
        if linked is not None:
            self.fields["target_indicator"].initial = linked.pk
        if not self.is_bound and case.proposed_resolution:
            self.fields["text"].initial = case.proposed_resolution

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        groups = {
            "target_indicator": ("target_period", "target_value"),
            "goal": ("goal_title",),
            "initiative": ("phase_first", "phase_last"),
        }
        if data.get("target_value") is None:
            # The indicator and year come preselected; without a value nothing was asked for.
            del groups["target_indicator"]
        for lead, rest in groups.items():
            given = [data.get(lead) not in (None, "")] + [
                data.get(name) not in (None, "") for name in rest
            ]
            if any(given) and not all(given):
                for name in (lead, *rest):
                    if data.get(name) in (None, ""):
                        self.add_error(name, _("Fyll ut alle feltene for denne endringen."))
        return data

    def plan_changes(self) -> list[PlanChangeRequest]:
        """The changes filled in above, as the service takes them (call after is_valid)."""
        data = self.cleaned_data
        changes: list[PlanChangeRequest] = []
        indicator = data.get("target_indicator")
        if indicator is not None and data.get("target_value") is not None:
            changes.append(
                _target_value(indicator, str(data["target_period"]), data["target_value"])
            )
        goal = data.get("goal")
        if goal is not None:
            changes.append(_change(goal, "title", data["goal_title"]))
        subgoal = data.get("retire_subgoal")
        if subgoal is not None:
            changes.append(PlanChangeRequest(kind="retire", target=subgoal))
        initiative = data.get("initiative")
        if initiative is not None:
            changes += [
                _change(initiative, name, data[name]) for name in ("phase_first", "phase_last")
            ]
        return changes


def _change(target: models.Model, field_name: str, value: Any) -> PlanChangeRequest:
    return PlanChangeRequest(kind="change", target=target, field_name=field_name, new_value=value)


def _target_value(indicator: Indicator, period: str, value: Any) -> PlanChangeRequest:
    """Set the target for a period: a change if the indicator has one, otherwise a new target."""
    target = Target.objects.filter(indicator=indicator, period=period).first()
    if target is None:
        return PlanChangeRequest(
            kind="add",
            model=Target,
            new_value={"indicator": indicator.pk, "period": period, "value": str(value)},
        )
    return _change(target, "value", str(value))


# --- Plan changes, any number per decision ------------------------------------------------------
#
# Each row is one change of one kind. Rows are added and removed with ordinary submit buttons
# (no script), and a row only ever shows the fields of its kind.

ROW_PREFIX = "endring"
ROWS_FIELD = "endring-rader"
MAX_ROWS = 30
ROW_REQUIRED = _("Fyll ut feltet, eller ta bort endringen.")


class ChangeRow(StyledForm):
    """One plan change in a decision. Subclasses name their kind and build the requests."""

    key: ClassVar[str] = ""
    legend: ClassVar[Any] = ""
    target_field: ClassVar[str] = ""
    # For text changes: form field → model field; at least one must be filled in.
    text_fields: ClassVar[Mapping[str, str]] = {}
    retire: ClassVar[bool] = False

    def __init__(self, *args: Any, index: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.index = index
        self.number = 0
        for field in self.fields.values():
            field.error_messages["required"] = ROW_REQUIRED
            if isinstance(field, forms.ModelChoiceField):
                model = getattr(field.queryset, "model", None)
                if model is Goal:
                    field.queryset = _strategy_filter(Goal.objects.order_by("number"))
                elif model is SubGoal:
                    field.queryset = _strategy_filter(SubGoal.objects.order_by("code"))

    @property
    def anchor(self) -> str:
        return f"{ROW_PREFIX}-{self.index}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.text_fields and not any(data.get(name) for name in self.text_fields):
            labels = " / ".join(str(self.fields[name].label).lower() for name in self.text_fields)
            self.add_error(
                next(iter(self.text_fields)),
                _("Fyll ut minst ett av feltene (%(fields)s), eller ta bort endringen.")
                % {"fields": labels},
            )
        return data

    def _model_errors(self, instance: models.Model, exclude: tuple[str, ...] = ()) -> None:
        """Check a record a row would create now, so a bad one is refused before it is recorded."""
        try:
            instance.full_clean(exclude=["version", *exclude])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)

    def plan_changes(self) -> list[PlanChangeRequest]:
        target = self.cleaned_data[self.target_field]
        if self.retire:
            return [PlanChangeRequest(kind="retire", target=target)]
        return [
            _change(target, model_name, self.cleaned_data[name])
            for name, model_name in self.text_fields.items()
            if self.cleaned_data.get(name)
        ]


def _goal_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(Goal.objects.none(), label=_("Strategisk mål"))


def _subgoal_field(label: Any = None, required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        SubGoal.objects.none(), label=label or _("Delmål"), required=required
    )


def _indicator_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(Indicator.objects.order_by("code"), label=_("Målindikator"))


def _initiative_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        Initiative.objects.filter(retired_in__isnull=True).order_by("external_id"),
        label=_("Initiativ"),
    )


def _text(label: Any, max_length: int | None = None, required: bool = False) -> forms.CharField:
    if max_length is None:
        return forms.CharField(
            label=label, required=required, widget=forms.Textarea(attrs={"rows": 3})
        )
    return forms.CharField(label=label, required=required, max_length=max_length)


def _priority_field(required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Prioritet"),
        choices=[("", "—"), *Initiative.Priority.choices],
        coerce=int,
        empty_value=None,
        required=required,
    )


def _phase_field(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=[("", "—"), *PHASE_CHOICES], coerce=int, empty_value=None
    )


class GoalTextRow(ChangeRow):
    key = "goal_text"
    legend = _("Endre teksten i et strategisk mål")
    target_field = "goal"
    text_fields = {"title": "title", "description": "description"}
    goal = _goal_field()
    title = _text(_("Ny tittel"), 300)
    description = _text(_("Ny beskrivelse"))


class SubGoalAddRow(ChangeRow):
    key = "subgoal_add"
    legend = _("Legg til et delmål")
    goal = _goal_field()
    code = forms.CharField(label=_("Kode"), max_length=4, help_text=_("For eksempel 1E."))
    title = _text(_("Tittel"), 400, required=True)
    description = _text(_("Beskrivelse"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            goal = data["goal"]
            record = SubGoal(
                strategy_id=goal.strategy_id,
                goal=goal,
                code=data["code"],
                title=data["title"],
                description=data.get("description", ""),
            )
            self._model_errors(record)
            data["code"] = record.code  # upper case, as the model keeps it
        return data

    def plan_changes(self) -> list[PlanChangeRequest]:
        data = self.cleaned_data
        values = {
            "strategy": data["goal"].strategy_id,
            "goal": data["goal"].pk,
            "code": data["code"],
            "title": data["title"],
        }
        if data.get("description"):
            values["description"] = data["description"]
        return [PlanChangeRequest(kind="add", model=SubGoal, new_value=values)]


class SubGoalChangeRow(ChangeRow):
    key = "subgoal_change"
    legend = _("Endre et delmål")
    target_field = "subgoal"
    text_fields = {"title": "title", "description": "description"}
    subgoal = _subgoal_field()
    title = _text(_("Ny tittel"), 400)
    description = _text(_("Ny beskrivelse"))


class SubGoalRetireRow(ChangeRow):
    key = "subgoal_retire"
    legend = _("La et delmål utgå")
    target_field = "subgoal"
    retire = True
    subgoal = _subgoal_field(_("Delmål som skal utgå"))


class RecordAddRow(ChangeRow):
    """A row adding a record whose field values come from ``_values``: checked against the
    model's own validation, then proposed as one plan change with related records as keys."""

    model: type[models.Model]

    @staticmethod
    def _values(data: Mapping[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            self._model_errors(self.model(**self._values(data)))
        return data

    def plan_changes(self) -> list[PlanChangeRequest]:
        values = {
            name: value.pk if isinstance(value, models.Model) else value
            for name, value in self._values(self.cleaned_data).items()
        }
        return [PlanChangeRequest(kind="add", model=self.model, new_value=values)]


class IndicatorAddRow(RecordAddRow):
    model = Indicator
    key = "indicator_add"
    legend = _("Legg til en målindikator")
    code = forms.CharField(label=_("Kode"), max_length=60)
    name = _text(_("Navn"), 300, required=True)
    goal = _goal_field()
    subgoal = _subgoal_field(required=False)
    unit = forms.CharField(
        label=_("Enhet"), max_length=40, help_text=_("For eksempel «prosent» eller «antall».")
    )
    definition = _text(_("Definisjon"))

    @staticmethod
    def _values(data: Mapping[str, Any]) -> dict[str, Any]:
        values = {
            "code": data["code"].strip(),
            "name": data["name"],
            "goal": data["goal"],
            "unit": data["unit"],
        }
        if data.get("subgoal"):
            values["subgoal"] = data["subgoal"]
        if data.get("definition"):
            values["definition"] = data["definition"]
        return values


class IndicatorChangeRow(ChangeRow):
    key = "indicator_change"
    legend = _("Endre en målindikator")
    target_field = "indicator"
    text_fields = {"name": "name", "definition": "definition"}
    indicator = _indicator_field()
    name = _text(_("Nytt navn"), 300)
    definition = _text(_("Ny definisjon"))


class IndicatorRetireRow(ChangeRow):
    key = "indicator_retire"
    legend = _("La en målindikator utgå")
    target_field = "indicator"
    retire = True
    indicator = _indicator_field()


class TargetSetRow(ChangeRow):
    key = "target_set"
    legend = _("Sett målverdi for et år")
    indicator = _indicator_field()
    period = forms.ChoiceField(label=_("År"), choices=[("", "—"), *YEARS])
    value = forms.DecimalField(label=_("Målverdi"), max_digits=20, decimal_places=6)

    def plan_changes(self) -> list[PlanChangeRequest]:
        data = self.cleaned_data
        return [_target_value(data["indicator"], data["period"], data["value"])]


class TargetRetireRow(ChangeRow):
    key = "target_retire"
    legend = _("Fjern målverdien for et år")
    indicator = _indicator_field()
    period = forms.ChoiceField(label=_("År"), choices=[("", "—"), *YEARS])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            data["target"] = Target.objects.filter(
                indicator=data["indicator"], period=data["period"]
            ).first()
            if data["target"] is None:
                self.add_error(
                    "period",
                    _("Indikatoren har ingen målverdi for %(year)s.") % {"year": data["period"]},
                )
        return data

    def plan_changes(self) -> list[PlanChangeRequest]:
        return [PlanChangeRequest(kind="retire", target=self.cleaned_data["target"])]


class InitiativeAddRow(RecordAddRow):
    model = Initiative
    key = "initiative_add"
    legend = _("Legg til et initiativ")
    external_id = forms.CharField(
        label=_("Leveranse-ID"),
        max_length=17,
        validators=[RegexValidator(r"^\d{17}$", _("Leveranse-ID-en skal være 17 sifre."))],
        help_text=_("17 sifre."),
    )
    title = _text(_("Tittel"), 400, required=True)
    subgoal = _subgoal_field()
    description = _text(_("Beskrivelse"))
    priority = _priority_field(required=False)

    @staticmethod
    def _values(data: Mapping[str, Any]) -> dict[str, Any]:
        values = {name: data[name] for name in ("external_id", "title", "subgoal")}
        for name in ("description", "priority"):
            if data.get(name) not in (None, ""):
                values[name] = data[name]
        return values


class InitiativeChangeRow(ChangeRow):
    key = "initiative_change"
    legend = _("Endre et initiativ")
    target_field = "initiative"
    text_fields = {"title": "title", "description": "description"}
    initiative = _initiative_field()
    title = _text(_("Ny tittel"), 400)
    description = _text(_("Ny beskrivelse"))


class InitiativeRetireRow(ChangeRow):
    key = "initiative_retire"
    legend = _("La et initiativ utgå")
    target_field = "initiative"
    retire = True
    initiative = _initiative_field()


class InitiativePriorityRow(ChangeRow):
    key = "initiative_priority"
    legend = _("Endre prioritet for et initiativ")
    initiative = _initiative_field()
    priority = _priority_field()

    def plan_changes(self) -> list[PlanChangeRequest]:
        data = self.cleaned_data
        return [_change(data["initiative"], "priority", data["priority"])]


class InitiativePhaseRow(ChangeRow):
    key = "initiative_phase"
    legend = _("Endre fase for et initiativ")
    initiative = _initiative_field()
    phase_first = _phase_field(_("Første fase"))
    phase_last = _phase_field(_("Siste fase"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and data["phase_last"] < data["phase_first"]:
            self.add_error("phase_last", _("Fasen kan ikke slutte før den begynner."))
        return data

    def plan_changes(self) -> list[PlanChangeRequest]:
        data = self.cleaned_data
        return [_change(data["initiative"], n, data[n]) for n in ("phase_first", "phase_last")]


ROW_KINDS: dict[str, type[ChangeRow]] = {
    row.key: row
    for row in (
        TargetSetRow,
        TargetRetireRow,
        GoalTextRow,
        SubGoalAddRow,
        SubGoalChangeRow,
        SubGoalRetireRow,
        IndicatorAddRow,
        IndicatorChangeRow,
        IndicatorRetireRow,
        InitiativeAddRow,
        InitiativeChangeRow,
        InitiativePriorityRow,
        InitiativePhaseRow,
        InitiativeRetireRow,
    )
}


def _submitted(data: Any, names: Any, prefix: str = "") -> dict[str, Any]:
    """What was typed into a form, to show again without judging it yet."""
    key = (lambda name: f"{prefix}-{name}") if prefix else (lambda name: name)
    return {name: data.get(key(name)) for name in names if data.get(key(name)) is not None}


class ChangeRows:
    """The change rows of a decision form.

    ``data`` is the posted form. With ``editing`` the user only added or removed a row: the rows
    are shown again as typed, without error messages, with ``add`` (a kind) appended and the row
    numbered ``remove`` left out.
    """

    def __init__(
        self,
        data: Any = None,
        *,
        editing: bool = False,
        add: str = "",
        remove: int | None = None,
    ) -> None:
        self.rows: list[ChangeRow] = []
        self.added: ChangeRow | None = None
        indices: list[int] = []
        if data is not None:
            for raw in data.getlist(ROWS_FIELD):
                if raw.isdigit() and int(raw) not in indices and len(indices) < MAX_ROWS:
                    indices.append(int(raw))
        for index in indices:
            prefix = f"{ROW_PREFIX}-{index}"
            row_class = ROW_KINDS.get(data.get(f"{prefix}-type", ""))
            if row_class is None or index == remove:
                continue
            if editing:
                initial = _submitted(data, row_class.base_fields, prefix)
                row = row_class(initial=initial, prefix=prefix, index=index)
            else:
                row = row_class(data, prefix=prefix, index=index)
            self.rows.append(row)
        if add in ROW_KINDS and len(self.rows) < MAX_ROWS:
            index = max(indices, default=-1) + 1
            self.added = ROW_KINDS[add](prefix=f"{ROW_PREFIX}-{index}", index=index)
            self.rows.append(self.added)
            # The new row's first field takes the focus, so keyboard users land where they work.
            next(iter(self.added.fields.values())).widget.attrs["autofocus"] = True
        for number, row in enumerate(self.rows, start=1):
            row.number = number

    def is_valid(self) -> bool:
        return all([row.is_valid() for row in self.rows])  # every row checked, not just the first

    def plan_changes(self) -> list[PlanChangeRequest]:
        return [change for row in self.rows for change in row.plan_changes()]


def decision_form_as_typed(data: Any, case: Case) -> "DecisionForm":
    return DecisionForm(initial=_submitted(data, DecisionForm.base_fields), case=case)


class MinutesForm(StyledForm):
    minutes = forms.CharField(
        label=_("Referat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Sammendrag av møtet. Vedtakene føres per sak."),
    )
    attendees = forms.ModelMultipleChoiceField(
        Membership.objects.none(),
        label=_("Til stede"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = meeting.body.members.order_by("role", "person_name")


class FollowUpForm(StyledForm):
    description = forms.CharField(
        label=_("Oppfølgingspunkt"), widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_organisation = forms.ModelChoiceField(
        Organisation.objects.order_by("name"), label=_("Ansvarlig virksomhet"), required=False
    )
    owner_person = forms.CharField(label=_("Ansvarlig person"), required=False, max_length=200)
    due_date = forms.DateField(
        label=_("Frist"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AttachmentForm(StyledForm):
    attachment = forms.FileField(
        label=_("Vedlegg"), help_text=_("PDF, Word (DOCX) eller Excel (XLSX).")
    )


def default_meeting_date() -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=30)
