"""Forms for the reporting pages; they only validate input, the services do the work."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retning.roadmap.models import Initiative

from .models import Rating, StatusReport
from .services import DeliveryRow, ReportFields, RiskRow

DATE = forms.DateInput(attrs={"type": "date", "class": "ds-input"}, format="%Y-%m-%d")


def _rating_field(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Rating.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "ds-input"}),
    )


class ReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    overall = _rating_field(_("Samlet status"))
    schedule = _rating_field(_("Framdrift"))
    cost = _rating_field(_("Kostnad"))
    scope = _rating_field(_("Omfang"))
    benefits = _rating_field(_("Gevinster"))
    narrative = forms.CharField(
        label=_("Beskrivelse av status"),
        required=False,
        help_text=_("Hva er gjort siden forrige rapport, og hva skjer fram mot neste?"),
        widget=forms.Textarea(attrs={"rows": 5, "class": "ds-input"}),
    )
    decisions_needed = forms.CharField(
        label=_("Beslutninger som trengs fra rådet"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "ds-input"}),
    )

    @classmethod
    def initial_for(cls, report: StatusReport) -> dict[str, Any]:
        names = ("overall", "schedule", "cost", "scope", "benefits", "narrative")
        return {
            "version": report.version,
            "decisions_needed": report.decisions_needed,
            **{n: getattr(report, n) for n in names},
        }

    def fields_data(self) -> ReportFields:
        data = self.cleaned_data
        return ReportFields(
            **{name: data.get(name) or "" for name in ReportFields.__dataclass_fields__}
        )


# An empty first choice, so an untouched extra row stays empty and is skipped.
SCALE = [("", "–"), *((n, str(n)) for n in range(1, 6))]


class RiskForm(forms.Form):
    description = forms.CharField(
        label=_("Risiko"), max_length=400, widget=forms.TextInput(attrs={"class": "ds-input"})
    )
    probability = forms.TypedChoiceField(
        label=_("Sannsynlighet (1–5)"),
        coerce=int,
        choices=SCALE,
        widget=forms.Select(attrs={"class": "ds-input"}),
    )
    consequence = forms.TypedChoiceField(
        label=_("Konsekvens (1–5)"),
        coerce=int,
        choices=SCALE,
        widget=forms.Select(attrs={"class": "ds-input"}),
    )
    mitigation = forms.CharField(
        label=_("Tiltak"),
        max_length=400,
        required=False,
        widget=forms.TextInput(attrs={"class": "ds-input"}),
    )


class DeliveryForm(forms.Form):
    delivery_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(
        label=_("Leveranse"), max_length=300, widget=forms.TextInput(attrs={"class": "ds-input"})
    )
    planned_date = forms.DateField(label=_("Planlagt dato"), required=False, widget=DATE)
    forecast_date = forms.DateField(label=_("Prognosedato"), required=False, widget=DATE)
    actual_date = forms.DateField(label=_("Faktisk dato"), required=False, widget=DATE)


class _RowFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict[str, Any]]:
        return [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


RiskFormSet = forms.formset_factory(RiskForm, formset=_RowFormSet, extra=1, can_delete=True)
DeliveryFormSet = forms.formset_factory(DeliveryForm, formset=_RowFormSet, extra=1, can_delete=True)


def risk_rows(formset: _RowFormSet) -> list[RiskRow]:
    return [
        RiskRow(
            description=row["description"],
            probability=row["probability"],
            consequence=row["consequence"],
            mitigation=row.get("mitigation") or "",
        )
        for row in formset.rows()
    ]


def delivery_rows(formset: _RowFormSet) -> list[DeliveryRow]:
    return [
        DeliveryRow(
            title=row["title"],
            planned_date=row.get("planned_date"),
            forecast_date=row.get("forecast_date"),
            actual_date=row.get("actual_date"),
            delivery_id=row.get("delivery_id"),
        )
        for row in formset.rows()
    ]


class ReturnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Hva må rettes?"),
        help_text=_("Kommentaren sendes med rapporten tilbake til eieren."),
        widget=forms.Textarea(attrs={"rows": 4, "class": "ds-input"}),
        error_messages={
            "required": _("Skriv en kommentar som forteller eieren hva som må rettes.")
        },
    )


class RoundForm(forms.Form):
    label = forms.CharField(
        label=_("Navn"),
        max_length=40,
        help_text=_("For eksempel «2026 T3»."),
        widget=forms.TextInput(attrs={"class": "ds-input"}),
    )
    opens_on = forms.DateField(label=_("Åpner"), widget=DATE)
    deadline = forms.DateField(label=_("Frist"), widget=DATE)
    grace_days = forms.IntegerField(
        label=_("Ettergivelse (dager)"),
        min_value=0,
        max_value=90,
        initial=7,
        help_text=_("Så mange dager etter fristen kan rapporter fortsatt sendes inn."),
        widget=forms.NumberInput(attrs={"class": "ds-input"}),
    )
    initiatives = forms.ModelMultipleChoiceField(
        label=_("Initiativer som skal rapportere"),
        help_text=_(
            "Alle aktive initiativer er valgt. Fjern haken for dem som ikke skal rapportere."
        ),
        queryset=Initiative.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ds-input"}),
        error_messages={"required": _("Velg minst ett initiativ som skal rapportere.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = Initiative.objects.filter(retired_in__isnull=True).order_by("external_id")
        field = self.fields["initiatives"]
        field.queryset = active  # type: ignore[attr-defined]
        if not self.is_bound:
            field.initial = list(active.values_list("pk", flat=True))
        self.fields["opens_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens_on, deadline = data.get("opens_on"), data.get("deadline")
        if opens_on and deadline and deadline < opens_on:
            self.add_error("deadline", _("Fristen kan ikke være før runden åpner."))
        return data
