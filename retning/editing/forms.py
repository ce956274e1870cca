"""Edit forms. Every form for a versioned record carries the version it was opened at."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.forms.models import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from retning.actors.models import Organisation
from retning.indicators import periods
from retning.indicators.models import Indicator, Observation, Target
from retning.roadmap.models import Delivery, Initiative
from retning.strategy.models import BenefitObjective, Goal, SubGoal

# Fields that describe the editing itself rather than the record.
BOOKKEEPING_FIELDS = frozenset({"version", "change_reason", "id", "DELETE"})
MAX_ROWS = 50


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TextArea(forms.Textarea):
    """A text area that reads line breaks as stored text has them.

    Browsers send CRLF; without this every save of a multi-line text would count as a change, bump
    the version and clutter the change log.
    """

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _style(fields: dict[str, forms.Field]) -> None:
    """Give every visible widget Designsystemet's input class."""
    for field in fields.values():
        if field.widget.is_hidden:
            continue
        if type(field.widget) is forms.Textarea:
            field.widget = TextArea(attrs=field.widget.attrs)
        classes = field.widget.attrs.get("class", "")
        field.widget.attrs["class"] = f"{classes} ds-input".strip()


def _blank_labels(fields: dict[str, forms.Field]) -> None:
    """Say in Norwegian what the empty choice of a list means: nothing chosen yet, or not given."""
    for field in fields.values():
        label = _("Velg") if field.required else _("Ikke oppgitt")
        if isinstance(field, forms.ModelMultipleChoiceField):
            continue
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None:
                field.empty_label = label
        elif isinstance(field, forms.ChoiceField):
            choices: list[Any] = list(field.choices)  # type: ignore[arg-type]
            if choices and choices[0][0] == "":
                field.choices = [("", label), *choices[1:]]


def _canonical_period(value: str) -> str:
    """A period code as written in the database (2024K3), or the parser's Norwegian message."""
    if not value:
        return value
    try:
        return periods.parse_period(value).code
    except periods.PeriodError as error:
        raise forms.ValidationError(str(error), code="invalid_period") from error


class StyledModelForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self.fields)
        _blank_labels(self.fields)

    def content_changed(self) -> list[str]:
        """The record fields the user changed, compared with the record as stored now."""
        return [name for name in self.changed_data if name not in BOOKKEEPING_FIELDS]


class VersionedModelForm(StyledModelForm):
    """A model form that remembers which version of the record the user started from."""

    version = forms.IntegerField(label=_("Versjon"), widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["version"].error_messages["required"] = _(
            "Skjemaet mangler versjonsnummeret. Last siden på nytt og prøv igjen."
        )

    def submitted_version(self) -> int | None:
        """The version the user started from, also for a row marked for deletion."""
        raw = self["version"].value()
        try:
            return int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            return None


class RecordForm(VersionedModelForm):
    """The main form of an edit page; its comment is stored with every change the page makes."""

    change_reason = forms.CharField(
        label=_("Kommentar til endringen"),
        required=False,
        max_length=100,
        help_text=_("Valgfritt. Vises i endringsloggen, for eksempel «Oppdatert etter styremøte»."),
    )


class GoalForm(RecordForm):
    class Meta:
        model = Goal
        fields = ["title", "title_en", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class SubGoalForm(RecordForm):
    class Meta:
        model = SubGoal
        fields = ["title", "title_en", "description", "themes"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "themes": forms.CheckboxSelectMultiple,
        }


class BenefitObjectiveForm(StyledModelForm):
    class Meta:
        model = BenefitObjective
        fields = ["text", "order"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


BenefitObjectiveFormSet = inlineformset_factory(
    SubGoal,
    BenefitObjective,
    form=BenefitObjectiveForm,
    extra=1,
    can_delete=True,
    max_num=MAX_ROWS,
    validate_max=True,
)


class IndicatorForm(RecordForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "name_en",
            "definition",
            "goal",
            "subgoal",
            "unit",
            "unit_label",
            "decimals",
            "direction",
            "data_source",
            "frequency",
            "responsible",
            "methodology_note",
            "baseline_period",
            "baseline_value",
            "baseline_is_example",
            "themes",
        ]
        localized_fields = ["baseline_value"]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "methodology_note": forms.Textarea(attrs={"rows": 3}),
            "themes": forms.CheckboxSelectMultiple,
        }

    def clean_baseline_period(self) -> str:
        return _canonical_period(self.cleaned_data["baseline_period"])


class TargetForm(VersionedModelForm):
    class Meta:
        model = Target
        fields = ["period", "value", "is_example"]
        localized_fields = ["value"]

    def clean_period(self) -> str:
        return _canonical_period(self.cleaned_data["period"])


TargetFormSet = inlineformset_factory(
    Indicator,
    Target,
    form=TargetForm,
    extra=1,
    can_delete=True,
    max_num=MAX_ROWS,
    validate_max=True,
)


class ObservationForm(RecordForm):
    class Meta:
        model = Observation
        fields = [
            "period",
            "value",
            "status",
            "breakdown_dimension",
            "breakdown_value",
            "source",
            "note",
        ]
        localized_fields = ["value"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.indicator = indicator

    def clean_period(self) -> str:
        return _canonical_period(self.cleaned_data["period"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The unique constraint includes the indicator, which is not a form field, so Django would
        # skip it and the database would refuse the row instead of the form explaining why.
        period = cleaned.get("period")
        if period:
            taken = (
                Observation.objects.filter(
                    indicator=self.instance.indicator,
                    period=period,
                    breakdown_dimension=cleaned.get("breakdown_dimension", ""),
                    breakdown_value=cleaned.get("breakdown_value", ""),
                )
                .exclude(pk=self.instance.pk)
                .exists()
            )
            if taken:
                self.add_error(
                    "period",
                    _("Det finnes allerede en måling for %(period)s med samme inndeling.")
                    % {"period": period},
                )
        return cleaned


class InitiativeForm(RecordForm):
    class Meta:
        model = Initiative
        fields = [
            "title",
            "description",
            "phase_first",
            "phase_last",
            "planning_status",
            "start_date",
            "end_date",
            "owners",
            "user_groups",
            "themes",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "start_date": DateInput,
            "end_date": DateInput,
            "owners": forms.CheckboxSelectMultiple,
            "user_groups": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, may_change_owners: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_change_owners:
            # Owners decide who may edit; only the secretariat may change them.
            del self.fields["owners"]


class DeliveryForm(VersionedModelForm):
    class Meta:
        model = Delivery
        fields = ["title", "kind", "planned_date", "actual_date"]
        widgets = {"planned_date": DateInput, "actual_date": DateInput}


DeliveryFormSet = inlineformset_factory(
    Initiative,
    Delivery,
    form=DeliveryForm,
    extra=1,
    can_delete=True,
    max_num=MAX_ROWS,
    validate_max=True,
)


class OrganisationForm(RecordForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "kind",
            "org_number",
            "parent",
            "url",
            "description",
            "former",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent: forms.ModelChoiceField = self.fields["parent"]  # type: ignore[assignment]
        parent.queryset = Organisation.objects.exclude(pk=self.instance.pk).order_by("name")
        self.fields["org_number"].widget.attrs.update({"inputmode": "numeric"})


def delivery_row_form(initiative: Initiative, index: int) -> forms.ModelForm:
    """An empty delivery row numbered ``index``, for adding a row without reloading the page."""
    formset = DeliveryFormSet(instance=initiative, prefix="deliveries")
    return formset.form(
        auto_id=formset.auto_id,
        prefix=formset.add_prefix(index),
        empty_permitted=True,
        use_required_attribute=False,
        **formset.get_form_kwargs(index),
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Model) -> str:
        full_name = obj.get_full_name()  # type: ignore[attr-defined]
        username = obj.get_username()  # type: ignore[attr-defined]
        return f"{full_name} ({username})" if full_name else username


class ChangeLogFilterForm(forms.Form):
    """The filters of the global change log. Every filter is optional."""

    kind = forms.ChoiceField(label=_("Type oppføring"), required=False)
    user = UserChoiceField(
        label=_("Endret av"), required=False, queryset=get_user_model().objects.none()
    )
    date_from = forms.DateField(label=_("Fra og med dato"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Til og med dato"), required=False, widget=DateInput)
    q = forms.CharField(
        label=_("Fritekst"),
        required=False,
        max_length=200,
        help_text=_("Søker i navn og titler på oppføringene og i kommentarer til endringene."),
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind: forms.ChoiceField = self.fields["kind"]  # type: ignore[assignment]
        kind.choices = [("", _("Alle typer")), *kinds]
        user: forms.ModelChoiceField = self.fields["user"]  # type: ignore[assignment]
        user.queryset = users
        user.empty_label = _("Alle brukere")
        _style(self.fields)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("Til-datoen kan ikke være før fra-datoen."))
        return cleaned
