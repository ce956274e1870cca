"""The roadmap filter: parsed from the query string so that a filtered view is a shareable link."""

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from retning.actors.models import Organisation, UserGroup
from retning.lib.text import search_key
from retning.publishing.templatetags.retning_tags import localized
from retning.roadmap.models import PHASE_CHOICES, Initiative
from retning.strategy.models import Goal, SubGoal, Theme


class RoadmapFilterForm(forms.Form):
    q = forms.CharField(label=_("Fritekst"), required=False, max_length=200)
    mal = forms.TypedChoiceField(label=_("Mål"), required=False, coerce=int, empty_value=None)
    delmal = forms.ChoiceField(label=_("Delmål"), required=False)
    fase = forms.TypedChoiceField(label=_("Fase"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Planleggingsstatus"),
        required=False,
        choices=[("", _("Alle")), *Initiative.PlanningStatus.choices],
    )
    eier = forms.ChoiceField(label=_("Eier"), required=False)
    brukergruppe = forms.ChoiceField(label=_("Brukergruppe"), required=False)
    tema = forms.ChoiceField(label=_("Tverrgående forutsetning"), required=False)
    visning = forms.ChoiceField(
        label=_("Visning"),
        required=False,
        choices=[("liste", _("Liste")), ("tidslinje", _("Tidslinje"))],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        everything = [("", _("Alle"))]
        fields = self.fields
        fields["mal"].choices = everything + [  # type: ignore[attr-defined]
            (g.number, f"{g.number}. {localized(g, 'title')}")
            for g in Goal.objects.order_by("number")
        ]
        fields["delmal"].choices = everything + [  # type: ignore[attr-defined]
            (s.code, f"{s.code} {localized(s, 'title')}") for s in SubGoal.objects.order_by("code")
        ]
        fields["fase"].choices = everything + PHASE_CHOICES  # type: ignore[attr-defined]
        owning = Initiative.owners.through.objects.filter(organisation=OuterRef("pk"))
        fields["eier"].choices = everything + [  # type: ignore[attr-defined]
            (o.slug, o.name)
            for o in Organisation.objects.filter(Exists(owning))
            .only("slug", "name")
            .order_by("name")
        ]
        fields["brukergruppe"].choices = everything + [  # type: ignore[attr-defined]
            (u.slug, u.name) for u in UserGroup.objects.order_by("name")
        ]
        fields["tema"].choices = everything + [  # type: ignore[attr-defined]
            (t.slug, t.name) for t in Theme.objects.order_by("name")
        ]

    @property
    def view(self) -> str:
        if self.is_valid():
            return self.cleaned_data.get("visning") or "liste"
        return "liste"

    def apply(self, initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
        """Narrow the queryset by every valid filter; invalid ones are ignored and reported."""
        data = self.cleaned_data if self.is_valid() else self._valid_part()
        if data.get("mal"):
            initiatives = initiatives.filter(subgoal__goal__number=data["mal"])
        if data.get("delmal"):
            initiatives = initiatives.filter(subgoal__code=data["delmal"])
        if data.get("fase"):
            initiatives = initiatives.filter(
                phase_first__lte=data["fase"], phase_last__gte=data["fase"]
            )
        if data.get("status"):
            initiatives = initiatives.filter(planning_status=data["status"])
        # Many-to-many filters are EXISTS subqueries: joins would repeat rows and need a DISTINCT,
        # which makes the database sort every wide row of the roadmap.
        row = OuterRef("pk")
        if data.get("eier"):
            initiatives = initiatives.filter(
                Exists(
                    Initiative.owners.through.objects.filter(
                        initiative=row, organisation__slug=data["eier"]
                    )
                )
            )
        if data.get("brukergruppe"):
            initiatives = initiatives.filter(
                Exists(
                    Initiative.user_groups.through.objects.filter(
                        initiative=row, usergroup__slug=data["brukergruppe"]
                    )
                )
            )
        if data.get("tema"):
            tagged = Initiative.themes.through.objects.filter(
                initiative=row, theme__slug=data["tema"]
            )
            subgoal_tagged = SubGoal.themes.through.objects.filter(
                subgoal=OuterRef("subgoal"), theme__slug=data["tema"]
            )
            initiatives = initiatives.filter(Q(Exists(tagged)) | Q(Exists(subgoal_tagged)))
        if data.get("q"):
            for word in search_key(data["q"]).split():
                initiatives = initiatives.filter(search_text__contains=word)
        return initiatives

    def _valid_part(self) -> dict[str, object]:
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}

    @property
    def active(self) -> bool:
        if not self.is_valid():
            return True
        return any(v for k, v in self.cleaned_data.items() if k != "visning")
