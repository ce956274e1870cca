"""Forms for the council pages. They only gather input; the services decide what is allowed."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from retning.actors.models import Organisation
from retning.indicators.models import Indicator
from retning.roadmap.models import Initiative
from retning.strategy.models import Goal, Strategy, SubGoal

from .models import Body, Case, Meeting, Membership

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
        for lead, rest in groups.items():
            given = [data.get(lead) not in (None, "")] + [
                data.get(name) not in (None, "") for name in rest
            ]
            if any(given) and not all(given):
                for name in (lead, *rest):
                    if data.get(name) in (None, ""):
                        self.add_error(name, _("Fyll ut alle feltene for denne endringen."))
        return data


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
