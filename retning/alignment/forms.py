"""Forms for plans, items, documents, watch items and the theme log. Norwegian messages."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from retning.council.models import Case
from retning.roadmap.models import Initiative
from retning.strategy.models import Goal, Strategy, SubGoal

from .models import ActorPlan, PlanItem, RelatedDocument, Strength, ThemeLogEntry, WatchItem

NO_LINK = ""
STRENGTH_CHOICES = [(NO_LINK, _("Ingen kobling")), *Strength.choices]


def style(form: forms.BaseForm) -> None:
    """Designsystemet's input class on every visible text, number, date and select widget."""
    for field in form.fields.values():
        widget = field.widget
        if widget.is_hidden or isinstance(
            widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect
        ):
            continue
        classes = widget.attrs.get("class", "")
        widget.attrs["class"] = f"{classes} ds-input".strip()


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class VersionedForm(forms.ModelForm):
    """Carries the version the user started from, so a later save can refuse a stale edit."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    @property
    def expected_version(self) -> int:
        return int(self.cleaned_data.get("version") or self.instance.version)


class PlanForm(VersionedForm):
    class Meta:
        model = ActorPlan
        fields = ["title", "period_start", "period_end", "url", "status"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Perioden kan ikke slutte før den begynner."))
        for name in ("period_start", "period_end"):
            year = data.get(name)
            if year and not 1990 <= year <= 2100:
                self.add_error(name, _("Oppgi et årstall mellom 1990 og 2100."))
        return data


def _link_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=STRENGTH_CHOICES, required=False)


class PlanItemForm(VersionedForm):
    """An item with one strength select per national goal and sub-goal."""

    initiatives = forms.ModelMultipleChoiceField(
        label=_("Nasjonale initiativer punktet henger sammen med"),
        queryset=Initiative.objects.none(),
        required=False,
        help_text=_("Hold nede Ctrl (Cmd på Mac) for å velge flere."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = PlanItem
        fields = ["kind", "title", "description", "initiatives"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        strategy = Strategy.current()
        self.goals = list(Goal.objects.filter(strategy=strategy).order_by("number"))
        self.subgoals = list(SubGoal.objects.filter(strategy=strategy).order_by("code"))
        initiatives = Initiative.objects.filter(retired_in__isnull=True).select_related("subgoal")
        field = self.fields["initiatives"]
        field.queryset = initiatives.order_by("subgoal__code", "title")  # type: ignore[attr-defined]
        field.label_from_instance = lambda i: f"{i.subgoal.code} – {i.title}"  # type: ignore[attr-defined]
        current: dict[str, str] = {}
        if self.instance.pk:
            for link in self.instance.goal_links.all():
                key = f"subgoal_{link.subgoal_id}" if link.subgoal_id else f"goal_{link.goal_id}"
                current[key] = link.strength
        for goal in self.goals:
            name = f"goal_{goal.pk}"
            self.fields[name] = _link_field(
                str(_("Mål %(number)s som helhet: %(title)s"))
                % {"number": goal.number, "title": goal.title}
            )
            self.fields[name].initial = current.get(name, NO_LINK)
        for subgoal in self.subgoals:
            name = f"subgoal_{subgoal.pk}"
            self.fields[name] = _link_field(f"{subgoal.code} {subgoal.title}")
            self.fields[name].initial = current.get(name, NO_LINK)
        style(self)

    def link_groups(self) -> list[tuple[Goal, list[forms.BoundField]]]:
        """The strength selects grouped by goal, for one fieldset per goal."""
        groups = []
        for goal in self.goals:
            fields = [self[f"goal_{goal.pk}"]]
            fields += [self[f"subgoal_{sg.pk}"] for sg in self.subgoals if sg.goal_id == goal.pk]
            groups.append((goal, fields))
        return groups

    def links(self) -> list[tuple[Goal | None, SubGoal | None, str]]:
        chosen: list[tuple[Goal | None, SubGoal | None, str]] = []
        for goal in self.goals:
            if strength := self.cleaned_data.get(f"goal_{goal.pk}"):
                chosen.append((goal, None, strength))
        for subgoal in self.subgoals:
            if strength := self.cleaned_data.get(f"subgoal_{subgoal.pk}"):
                chosen.append((None, subgoal, strength))
        return chosen


class RelatedDocumentForm(VersionedForm):
    class Meta:
        model = RelatedDocument
        fields = [
            "title",
            "issuer",
            "kind",
            "period_start",
            "period_end",
            "url",
            "relation",
            "relation_description",
            "themes",
        ]
        widgets = {"themes": forms.CheckboxSelectMultiple}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Perioden kan ikke slutte før den begynner."))
        return data


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class WatchItemForm(VersionedForm):
    class Meta:
        model = WatchItem
        fields = [
            "title",
            "description",
            "expected_date",
            "review_date",
            "owner",
            "related_document",
        ]
        widgets = {"expected_date": DateInput(), "review_date": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["owner"].queryset = get_user_model().objects.filter(  # type: ignore[attr-defined]
            is_active=True, is_secretariat=True
        )


class WatchCloseForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    conclusion = forms.CharField(
        label=_("Konklusjon"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Hva betyr dokumentet eller endringen for strategien?"),
    )
    propose_case = forms.BooleanField(
        label=_("Foreslå en sak for rådsmodellen med konklusjonen"), required=False
    )

    def clean_conclusion(self) -> str:
        text = self.cleaned_data["conclusion"].strip()
        if not text:
            raise ValidationError(_("Skriv konklusjonen før punktet lukkes."))
        return str(text)


class ThemeLogForm(forms.ModelForm):
    class Meta:
        model = ThemeLogEntry
        fields = ["date", "text"]
        widgets = {"date": DateInput(), "text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class IndicatorLinksForm(StyledForm):
    initiatives = forms.ModelMultipleChoiceField(
        label=_("Initiativer som skal påvirke indikatoren"),
        queryset=Initiative.objects.none(),
        required=False,
        help_text=_("Hold nede Ctrl (Cmd på Mac) for å velge flere."),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["initiatives"]
        field.queryset = (  # type: ignore[attr-defined]
            Initiative.objects.filter(retired_in__isnull=True)
            .select_related("subgoal")
            .order_by("subgoal__code", "title")
        )
        field.label_from_instance = lambda i: f"{i.subgoal.code} – {i.title}"  # type: ignore[attr-defined]


class AttachReportForm(StyledForm):
    case: "forms.ModelChoiceField[Case]" = forms.ModelChoiceField(
        label=_("Sak i rådsmodellen"), queryset=Case.objects.none()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = Case.objects.exclude(  # type: ignore[attr-defined]
            status=Case.Status.WITHDRAWN
        ).order_by("-created_at")
