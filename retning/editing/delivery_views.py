"""Forecast and actual dates of deliveries, and dependencies between initiatives.

The secretariat or a reporter for one of the initiative's owners may change a delivery's forecast
and actual date (``roadmap.change_delivery``) and record or remove what the initiative depends on
(``roadmap.add_dependency`` / ``roadmap.delete_dependency``, see ``retning/roadmap/rules.py``).
Date edits go through the shared versioned edit flow, so two people editing the same delivery get
a conflict page instead of overwriting each other.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retning.roadmap.models import Delivery, Dependency, Initiative
from retning.roadmap.schedule import would_create_cycle
from retning.roadmap.selectors import all_dependency_edges

from .aggregate import Aggregate
from .forms import DateInput, RecordForm, StyledModelForm
from .registry import permission_for
from .views import EditPage, _edit, initiative_by_external_id

# ---------------------------------------------------------------------------------------------
# Lookups


def delivery_by_pk(pk: int) -> Delivery:
    return get_object_or_404(
        Delivery.objects.select_related("initiative__subgoal").prefetch_related(
            "initiative__owners"
        ),
        pk=pk,
    )


def dependency_by_pk(pk: int) -> Dependency:
    return get_object_or_404(
        Dependency.objects.select_related(
            "dependent", "prerequisite", "dependent_delivery", "prerequisite_delivery"
        ).prefetch_related("dependent__owners"),
        pk=pk,
    )


def _crumbs(initiative: Initiative, last: str) -> list[tuple[str, str | None]]:
    return [
        (_("Forside"), reverse("publishing:home")),
        (_("Veikart"), reverse("publishing:roadmap")),
        (initiative.title, initiative.get_absolute_url()),
        (last, None),
    ]


# ---------------------------------------------------------------------------------------------
# Delivery dates


class DeliveryScheduleForm(RecordForm):
    """The owner's latest expectation and, once it has happened, the actual date."""

    class Meta:
        model = Delivery
        fields = ["forecast_date", "actual_date"]
        widgets = {"forecast_date": DateInput, "actual_date": DateInput}
        help_texts = {
            "forecast_date": gettext_lazy(
                "Når dere nå regner med at leveransen kommer. Planlagt dato endres ikke."
            ),
            "actual_date": gettext_lazy("Fyll ut når leveransen har skjedd."),
        }

    def clean_actual_date(self) -> Any:
        actual = self.cleaned_data.get("actual_date")
        if actual is not None and actual > timezone.localdate():
            raise forms.ValidationError(
                _("Faktisk dato kan ikke være fram i tid. Bruk prognosedato for det som ventes.")
            )
        return actual


@permission_for("roadmap.change_delivery", lookup=delivery_by_pk)
def delivery_schedule(request: HttpRequest, delivery: Delivery) -> HttpResponse:
    initiative = delivery.initiative
    url = initiative.get_absolute_url()
    planned = (
        delivery.planned_date.strftime("%d.%m.%Y") if delivery.planned_date else _("ikke oppgitt")
    )
    page = EditPage(
        title=_("Datoer for leveransen «%(title)s»") % {"title": delivery.title},
        build=lambda data, record: Aggregate(DeliveryScheduleForm(data, instance=record)),
        done_url=url,
        cancel_url=url,
        crumbs=_crumbs(initiative, _("Datoer for %(title)s") % {"title": delivery.title}),
        intro=_("Initiativ: %(initiative)s. Planlagt dato: %(planned)s.")
        % {"initiative": initiative.title, "planned": planned},
    )
    return _edit(request, delivery, page)


# ---------------------------------------------------------------------------------------------
# Dependencies


class _InitiativeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.subgoal.code} · {obj.title}"


class _DeliveryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.initiative.title}: {obj.title}"


class DependencyForm(StyledModelForm):
    """What ``initiative`` needs first: another initiative, or one of its deliveries."""

    prerequisite = _InitiativeChoice(
        label=gettext_lazy("Forutsetter initiativ"),
        queryset=Initiative.objects.none(),
        to_field_name="external_id",
        help_text=gettext_lazy("Initiativet som må komme først."),
    )
    prerequisite_delivery = _DeliveryChoice(
        label=gettext_lazy("Forutsetter leveranse"),
        queryset=Delivery.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "Velg en leveranse hvis det er den og ikke hele initiativet som trengs."
        ),
    )

    class Meta:
        model = Dependency
        fields = ["prerequisite", "prerequisite_delivery", "dependent_delivery", "note"]
        help_texts = {
            "dependent_delivery": gettext_lazy(
                "Velg en av initiativets egne leveranser hvis det bare er den som trenger "
                "forutsetningen. Ellers gjelder avhengigheten hele initiativet."
            ),
        }

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        prerequisite: forms.ModelChoiceField = self.fields["prerequisite"]  # type: ignore[assignment]
        prerequisite.queryset = (
            Initiative.objects.filter(retired_in__isnull=True)
            .exclude(pk=initiative.pk)
            .select_related("subgoal")
            .order_by("subgoal__code", "title")
        )
        prerequisite_delivery: forms.ModelChoiceField = self.fields["prerequisite_delivery"]  # type: ignore[assignment]
        prerequisite_delivery.queryset = (
            Delivery.objects.exclude(initiative=initiative)
            .select_related("initiative")
            .order_by("initiative__title", "planned_date", "pk")
        )
        prerequisite_delivery.empty_label = _("Hele initiativet")
        own: forms.ModelChoiceField = self.fields["dependent_delivery"]  # type: ignore[assignment]
        own.queryset = initiative.deliveries.order_by("planned_date", "pk")
        own.empty_label = _("Hele initiativet")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        prerequisite = data.get("prerequisite")
        delivery = data.get("prerequisite_delivery")
        if prerequisite is None:
            return data
        if delivery is not None and delivery.initiative_id != prerequisite.pk:
            self.add_error(
                "prerequisite_delivery",
                _("Leveransen hører til et annet initiativ enn det du valgte som forutsetning."),
            )
            return data
        duplicate = Dependency.objects.filter(
            dependent=self.initiative,
            dependent_delivery=data.get("dependent_delivery"),
            prerequisite=prerequisite,
            prerequisite_delivery=delivery,
        )
        if duplicate.exists():
            raise forms.ValidationError(_("Denne avhengigheten er allerede registrert."))
        cycle = would_create_cycle(all_dependency_edges(), prerequisite.pk, self.initiative.pk)
        if cycle:
            titles = dict(Initiative.objects.filter(pk__in=cycle).values_list("pk", "title"))
            chain = " → ".join(f"«{titles.get(pk, pk)}»" for pk in cycle)
            raise forms.ValidationError(
                _(
                    "Avhengigheten ville gått i ring (%(chain)s), så ingen av dem kunne komme "
                    "først. Ingenting er lagret."
                )
                % {"chain": chain}
            )
        return data


def _errors(form: forms.Form) -> list[tuple[str, str]]:
    if not form.is_bound:
        return []
    items = [("edit-form", str(message)) for message in form.non_field_errors()]
    for bound in form:
        for message in bound.errors:
            items.append((str(bound.auto_id), f"{bound.label}: {message}"))
    return items


@permission_for("roadmap.add_dependency", lookup=initiative_by_external_id)
def dependency_list(request: HttpRequest, initiative: Initiative) -> HttpResponse:
    """What the initiative depends on, with a form to add one and a delete link for each."""
    initial: dict[str, Any] = {}
    wanted = request.GET.get("forutsetning", "")
    if wanted:
        initial["prerequisite"] = wanted
    if request.method == "POST":
        form = DependencyForm(
            request.POST, instance=Dependency(dependent=initiative), initiative=initiative
        )
        if form.is_valid():
            dependency = form.save(commit=False)
            dependency._history_user = request.user  # type: ignore[attr-defined]
            try:
                with transaction.atomic():
                    dependency.save()
            except IntegrityError:
                form.add_error(None, _("Denne avhengigheten er allerede registrert."))
            else:
                messages.success(
                    request,
                    _("Avhengigheten av «%(title)s» er lagret.")
                    % {"title": dependency.prerequisite.title},
                )
                return redirect(reverse("editing:dependency_list", args=[initiative.external_id]))
    else:
        form = DependencyForm(initial=initial, initiative=initiative)
    needs = (
        Dependency.objects.filter(dependent=initiative)
        .select_related("prerequisite", "prerequisite_delivery", "dependent_delivery")
        .order_by("prerequisite__title", "pk")
    )
    errors = _errors(form)
    return render(
        request,
        "editing/delivery_dependencies.html",
        {
            "initiative": initiative,
            "needs": needs,
            "form": form,
            "errors": errors,
            "crumbs": _crumbs(initiative, _("Avhengigheter")),
        },
        status=400 if errors else 200,
    )


@permission_for("roadmap.delete_dependency", lookup=dependency_by_pk)
def dependency_delete(request: HttpRequest, dependency: Dependency) -> HttpResponse:
    initiative = dependency.dependent
    done = reverse("editing:dependency_list", args=[initiative.external_id])
    if request.method != "POST":
        return render(
            request,
            "editing/delivery_dependency_delete.html",
            {
                "dependency": dependency,
                "initiative": initiative,
                "cancel_url": done,
                "crumbs": _crumbs(initiative, _("Fjern avhengighet")),
            },
        )
    with transaction.atomic():
        stored = Dependency.objects.select_for_update().filter(pk=dependency.pk).first()
        if stored is None:
            messages.info(request, _("Avhengigheten var allerede fjernet."))
            return redirect(done)
        stored._history_user = request.user  # type: ignore[attr-defined]
        stored.delete()
    messages.success(
        request,
        _("Avhengigheten av «%(title)s» er fjernet.") % {"title": dependency.prerequisite.title},
    )
    return redirect(done)
