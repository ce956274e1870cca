"""The secretariat's override of a computed progress assessment, one series at a time.

An override never hides the computation: the public page shows it as an override, with its
reason, next to the computed result. Removing an override also needs a reason, which is kept in
the override's history.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retning.indicators import selectors as indicator_selectors
from retning.indicators.assessment import Status
from retning.indicators.models import AssessmentOverride, Indicator

from .registry import permission_for
from .views import indicator_by_code

REMOVE = ""
_SEPARATOR = "::"
HEADLINE_CODE = "samlet"


def series_code(dimension: str, value: str) -> str:
    return f"{dimension}{_SEPARATOR}{value}" if dimension else HEADLINE_CODE


def _series_label(dimension: str, value: str) -> str:
    return f"{dimension}: {value}" if dimension else _("Samlet serie (uten inndeling)")


class OverrideForm(forms.Form):
    series = forms.ChoiceField(label=gettext_lazy("Serie"))
    status = forms.ChoiceField(
        label=gettext_lazy("Vurdering"),
        required=False,
        help_text=gettext_lazy("Velg «Bruk beregnet vurdering» for å fjerne en overstyring."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Begrunnelse"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={
            "required": gettext_lazy(
                "Skriv en begrunnelse. Den vises på den offentlige siden ved vurderingen."
            )
        },
    )

    def __init__(self, *args: Any, series_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        series, status = self.fields["series"], self.fields["status"]
        assert isinstance(series, forms.ChoiceField) and isinstance(status, forms.ChoiceField)
        series.choices = series_choices
        status.choices = [
            (REMOVE, _("Bruk beregnet vurdering")),
            *indicator_selectors.status_choices(),
        ]

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(
                _("Skriv en begrunnelse. Den vises på den offentlige siden ved vurderingen.")
            )
        return reason

    def series_key(self) -> tuple[str, str]:
        code = self.cleaned_data["series"]
        if code == HEADLINE_CODE:
            return "", ""
        dimension, _separator, value = code.partition(_SEPARATOR)
        return dimension, value


def _save(indicator: Indicator, form: OverrideForm, user: Any) -> None:
    dimension, value = form.series_key()
    status, reason = form.cleaned_data["status"], form.cleaned_data["reason"]
    existing = AssessmentOverride.objects.filter(
        indicator=indicator, breakdown_dimension=dimension, breakdown_value=value
    ).first()
    if status == REMOVE:
        if existing is not None:
            existing._history_user = user  # type: ignore[attr-defined]
            existing._change_reason = reason  # type: ignore[attr-defined]
            existing.delete()
        return
    override = existing or AssessmentOverride(
        indicator=indicator, breakdown_dimension=dimension, breakdown_value=value
    )
    override.status = Status(status).value
    override.reason = reason
    override.created_by = user
    override._history_user = user  # type: ignore[attr-defined]
    override._change_reason = reason  # type: ignore[attr-defined]
    override.save()


@permission_for("indicators.override_assessment", lookup=indicator_by_code)
def assessment_override(request: HttpRequest, indicator: Indicator) -> HttpResponse:
    series = indicator_selectors.indicator_assessments(indicator)
    choices = [(series_code(*item.key), _series_label(*item.key)) for item in series]
    form = OverrideForm(request.POST or None, series_choices=choices)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            _save(indicator, form, request.user)
        messages.success(request, _("Vurderingen er lagret."))
        return redirect(indicator.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    url = indicator.get_absolute_url()
    rows = [
        {
            "label": _series_label(*item.key),
            "computed": item.computed.status.label_nb,
            "explanation": item.computed.explanation_nb,
            "override": item.override,
            "override_label": item.status.label_nb if item.override else "",
        }
        for item in series
    ]
    errors = [(f"id_{name}", message) for name, items in form.errors.items() for message in items]
    return render(
        request,
        "editing/assessment_override.html",
        {
            "indicator": indicator,
            "form": form,
            "rows": rows,
            "errors": errors,
            "cancel_url": url,
            "crumbs": [
                (_("Forside"), reverse("publishing:home")),
                (_("Indikatorer"), reverse("publishing:indicator_list")),
                (indicator.code, url),
                (_("Overstyr vurdering"), None),
            ],
        },
        status=status,
    )
