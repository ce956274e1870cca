"""Editing pages. Each view's permission is declared once, in its ``@permission_for`` line."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from retning.actors.models import Organisation
from retning.indicators.models import Indicator, Observation
from retning.roadmap.models import Initiative
from retning.strategy.models import Goal, Strategy, SubGoal

from . import selectors
from .aggregate import Aggregate
from .conflicts import compare, display, rebase
from .forms import (
    MAX_ROWS,
    BenefitObjectiveFormSet,
    ChangeLogFilterForm,
    DeliveryFormSet,
    GoalForm,
    IndicatorForm,
    InitiativeForm,
    ObservationForm,
    OrganisationForm,
    SubGoalForm,
    TargetFormSet,
    delivery_row_form,
)
from .registry import forbidden, permission_for
from .services import RecordGone, StaleVersion, versioned_delete

type Builder = Callable[[QueryDict | None, Any], Aggregate]


# ---------------------------------------------------------------------------------------------
# Lookups: the object each permission is asked about


def _current_strategy() -> Strategy | None:
    return Strategy.current()


def goal_by_number(number: int) -> Goal:
    return get_object_or_404(Goal, strategy=_current_strategy(), number=number)


def subgoal_by_code(code: str) -> SubGoal:
    return get_object_or_404(
        SubGoal.objects.select_related("goal"), strategy=_current_strategy(), code=code.upper()
    )


def indicator_by_code(code: str) -> Indicator:
    return get_object_or_404(Indicator.objects.select_related("responsible"), code=code)


def observation_by_code_and_pk(code: str, pk: int) -> Observation:
    return get_object_or_404(
        Observation.objects.select_related("indicator__responsible"), indicator__code=code, pk=pk
    )


def initiative_by_external_id(external_id: str) -> Initiative:
    return get_object_or_404(
        Initiative.objects.select_related("subgoal").prefetch_related("owners"),
        external_id=external_id,
    )


def organisation_by_slug(slug: str) -> Organisation:
    return get_object_or_404(Organisation, slug=slug)


# ---------------------------------------------------------------------------------------------
# The shared edit flow


@dataclass
class RowsSpec:
    """A formset on an edit page. Rows with rules of their own name the permissions to ask."""

    title: str
    help_text: str = ""
    row_url: str | None = None
    add_permission: str | None = None  # asked about the record the rows belong to
    change_permission: str | None = None  # asked about each changed row
    delete_permission: str | None = None  # asked about each deleted row


@dataclass
class EditPage:
    """What differs between the edit pages; the flow in ``_edit`` is the same for all of them."""

    title: str
    build: Builder
    done_url: str
    cancel_url: str
    crumbs: list[tuple[str, str | None]]
    rows: list[RowsSpec] = field(default_factory=list)
    intro: str = ""
    validate_inline: tuple[str, ...] = ()


def _crumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Forside"), reverse("publishing:home")), *trail]


def _edit(request: HttpRequest, record: models.Model, page: EditPage) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, page, page.build(None, record))
    aggregate = page.build(request.POST, record)
    validate = request.POST.get("_validate", "")
    if getattr(request, "htmx", False) and validate in page.validate_inline:
        return _inline_validation(request, page, aggregate, validate)
    if "_add_row" in request.POST:
        data = _with_extra_row(request.POST, request.POST["_add_row"], aggregate)
        return _form_page(request, page, page.build(data, record))
    if aggregate.vanished_rows():
        return _conflict(request, page, record, aggregate)
    if not aggregate.is_valid():
        return _form_page(request, page, aggregate)
    if _row_permission_problem(request, page, aggregate):
        return forbidden(request)
    try:
        aggregate.save(user=request.user)
    except (StaleVersion, RecordGone):
        return _conflict(request, page, record, aggregate)
    messages.success(request, _("Endringene er lagret."))
    return redirect(page.done_url)


def _row_permission_problem(request: HttpRequest, page: EditPage, aggregate: Aggregate) -> bool:
    """Whether a row the user added, changed or deleted is one the rules do not allow."""
    user = request.user
    for formset, spec in zip(aggregate.formsets, page.rows, strict=False):
        deleted_ids = {id(form) for form in formset.deleted_forms} if formset.can_delete else set()
        for form in formset.forms:
            deleted = id(form) in deleted_ids
            if not form.instance.pk:
                wanted = spec.add_permission if form.has_changed() and not deleted else None
                obj: Any = formset.instance
            elif deleted:
                wanted, obj = spec.delete_permission, form.instance
            else:
                wanted = spec.change_permission if form.content_changed() else None
                obj = form.instance
            if wanted and not user.has_perm(wanted, obj):
                return True
    return False


def _with_extra_row(data: QueryDict, prefix: str, aggregate: Aggregate) -> QueryDict:
    """The submitted data with one more blank row, for adding a row without JavaScript."""
    prefixes = {formset.prefix for formset in aggregate.formsets}
    if prefix not in prefixes:
        return data
    copy = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(copy.get(key, "0"))
    except ValueError:
        return data
    copy[key] = str(min(total + 1, MAX_ROWS))
    return copy


def _error_summary(aggregate: Aggregate, rows: list[RowsSpec]) -> list[tuple[str, str]]:
    """(anchor, message) for every error on the page, for the summary at the top."""
    if not aggregate.form.is_bound:
        return []
    items: list[tuple[str, str]] = []
    form = aggregate.form
    for message in form.non_field_errors():
        items.append(("edit-form", str(message)))
    for bound in form:
        for message in bound.errors:
            anchor = "edit-form" if bound.is_hidden else str(bound.auto_id)
            items.append((anchor, f"{bound.label}: {message}"))
    for formset, spec in zip(aggregate.formsets, rows, strict=False):
        for message in formset.non_form_errors():
            items.append((str(formset.prefix), f"{spec.title}: {message}"))
        for number, row in enumerate(formset.forms, start=1):
            row_name = _("%(rows)s, rad %(number)s") % {"rows": spec.title, "number": number}
            for message in row.non_field_errors():
                items.append((str(row.prefix), f"{row_name}: {message}"))
            for bound in row:
                for message in bound.errors:
                    anchor = str(row.prefix) if bound.is_hidden else str(bound.auto_id)
                    items.append((anchor, f"{row_name} – {bound.label}: {message}"))
    return items


def _form_context(request: HttpRequest, page: EditPage, aggregate: Aggregate) -> dict[str, Any]:
    _attach_inline_validation(request, page, aggregate)
    return {
        "page": page,
        "aggregate": aggregate,
        "formsets": list(zip(aggregate.formsets, page.rows, strict=False)),
        "errors": _error_summary(aggregate, page.rows),
        "crumbs": page.crumbs,
        "action_url": request.path,
    }


def _form_page(request: HttpRequest, page: EditPage, aggregate: Aggregate) -> HttpResponse:
    return render(request, "editing/edit.html", _form_context(request, page, aggregate))


def _attach_inline_validation(request: HttpRequest, page: EditPage, aggregate: Aggregate) -> None:
    for name in page.validate_inline:
        bound = aggregate.form[name]
        bound.field.widget.attrs.update(
            {
                "hx-post": request.path,
                "hx-trigger": "change",
                "hx-target": f"#{bound.auto_id}_container",
                "hx-swap": "outerHTML",
                "hx-vals": json.dumps({"_validate": name}),
            }
        )


def _inline_validation(
    request: HttpRequest, page: EditPage, aggregate: Aggregate, name: str
) -> HttpResponse:
    """One field re-rendered with its validation message; nothing is saved."""
    aggregate.form.is_valid()
    _attach_inline_validation(request, page, aggregate)
    return render(request, "editing/partials/field.html", {"field": aggregate.form[name]})


def _reload(record: models.Model) -> models.Model | None:
    return type(record)._default_manager.filter(pk=record.pk).first()


def _conflict(
    request: HttpRequest, page: EditPage, record: models.Model, submitted: Aggregate
) -> HttpResponse:
    """Nothing was saved. Show both versions and a form that starts from the stored one."""
    current_record = _reload(record)
    if current_record is None:
        return _gone(request, page, submitted)
    current = page.build(None, current_record)
    comparison = compare(submitted, current)
    rebased = page.build(rebase(request.POST, submitted, current), current_record)
    context = _form_context(request, page, rebased)
    context.update({"comparison": comparison, "errors": []})
    return render(request, "editing/conflict.html", context, status=409)


def _gone(request: HttpRequest, page: EditPage, submitted: Aggregate) -> HttpResponse:
    form = submitted.form
    values = [
        (str(form.fields[name].label), display(form.fields[name], form[name].value()))
        for name in form.fields
        if name not in {"version"}
    ]
    return render(
        request,
        "editing/gone.html",
        {"page": page, "values": values, "crumbs": page.crumbs},
        status=410,
    )


# ---------------------------------------------------------------------------------------------
# Goals, sub-goals, indicators, organisations: the secretariat


@permission_for("strategy.change_goal", lookup=goal_by_number)
def goal_edit(request: HttpRequest, goal: Goal) -> HttpResponse:
    url = goal.get_absolute_url()
    page = EditPage(
        title=_("Endre mål %(number)s") % {"number": goal.number},
        build=lambda data, record: Aggregate(GoalForm(data, instance=record)),
        done_url=url,
        cancel_url=url,
        crumbs=_crumbs((_("Mål %(n)s") % {"n": goal.number}, url), (_("Endre"), None)),
    )
    return _edit(request, goal, page)


@permission_for("strategy.change_subgoal", lookup=subgoal_by_code)
def subgoal_edit(request: HttpRequest, subgoal: SubGoal) -> HttpResponse:
    url = subgoal.get_absolute_url()
    page = EditPage(
        title=_("Endre delmål %(code)s") % {"code": subgoal.code},
        build=lambda data, record: Aggregate(
            SubGoalForm(data, instance=record),
            [BenefitObjectiveFormSet(data, instance=record, prefix="objectives")],
        ),
        done_url=url,
        cancel_url=url,
        crumbs=_crumbs((_("Delmål %(code)s") % {"code": subgoal.code}, url), (_("Endre"), None)),
        rows=[
            RowsSpec(
                _("Nyttemålsetninger"),
                _("Lavere rekkefølge vises først. Kryss av for «Slett» for å fjerne en rad."),
            )
        ],
    )
    return _edit(request, subgoal, page)


@permission_for("indicators.change_indicator", lookup=indicator_by_code)
def indicator_edit(request: HttpRequest, indicator: Indicator) -> HttpResponse:
    url = indicator.get_absolute_url()
    with_targets = request.user.has_perm("indicators.change_target", indicator)

    def build(data: QueryDict | None, record: Indicator) -> Aggregate:
        formsets = [TargetFormSet(data, instance=record, prefix="targets")] if with_targets else []
        return Aggregate(IndicatorForm(data, instance=record), formsets)

    page = EditPage(
        title=_("Endre indikatoren «%(name)s»") % {"name": indicator.name},
        build=build,
        done_url=url,
        cancel_url=url,
        crumbs=_crumbs(
            (_("Indikatorer"), reverse("publishing:indicator_list")),
            (indicator.code, url),
            (_("Endre"), None),
        ),
        rows=[
            RowsSpec(
                _("Målverdier"),
                _("Periode skrives som 2030, 2026H1, 2026T2, 2026K3 eller 2026M03."),
            )
        ]
        if with_targets
        else [],
    )
    return _edit(request, indicator, page)


@permission_for("actors.change_organisation", lookup=organisation_by_slug)
def organisation_edit(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    url = organisation.get_absolute_url()
    page = EditPage(
        title=_("Endre aktøren «%(name)s»") % {"name": organisation.name},
        build=lambda data, record: Aggregate(OrganisationForm(data, instance=record)),
        done_url=url,
        cancel_url=url,
        crumbs=_crumbs(
            (_("Aktører"), reverse("publishing:organisation_list")),
            (organisation.name, url),
            (_("Endre"), None),
        ),
        validate_inline=("org_number",),
    )
    return _edit(request, organisation, page)


# ---------------------------------------------------------------------------------------------
# Initiatives and their deliveries: the secretariat or a reporter for an owner


@permission_for("roadmap.change_initiative", lookup=initiative_by_external_id)
def initiative_edit(request: HttpRequest, initiative: Initiative) -> HttpResponse:
    url = initiative.get_absolute_url()
    may_change_owners = request.user.has_perm("roadmap.change_initiative_owners", initiative)

    def build(data: QueryDict | None, record: Initiative) -> Aggregate:
        return Aggregate(
            InitiativeForm(data, instance=record, may_change_owners=may_change_owners),
            [DeliveryFormSet(data, instance=record, prefix="deliveries")],
        )

    page = EditPage(
        title=_("Endre initiativet «%(title)s»") % {"title": initiative.title},
        build=build,
        done_url=url,
        cancel_url=url,
        crumbs=_crumbs(
            (_("Veikart"), reverse("publishing:roadmap")),
            (initiative.title, url),
            (_("Endre"), None),
        ),
        rows=[
            RowsSpec(
                _("Leveranser"),
                _("Milepælene i initiativet. Kryss av for «Slett» for å fjerne en leveranse."),
                row_url=reverse("editing:delivery_row", args=[initiative.external_id]),
                add_permission="roadmap.add_delivery",
                change_permission="roadmap.change_delivery",
                delete_permission="roadmap.delete_delivery",
            )
        ],
        intro=""
        if may_change_owners
        else _("Bare sekretariatet kan endre hvem som eier initiativet."),
    )
    return _edit(request, initiative, page)


@permission_for("roadmap.add_delivery", lookup=initiative_by_external_id)
@require_GET
def delivery_row(request: HttpRequest, initiative: Initiative) -> HttpResponse:
    """One more blank delivery row, added by htmx; the form's row count comes back out of band."""
    raw = request.GET.get("deliveries-TOTAL_FORMS", "")
    if not raw.isdigit() or not 0 <= int(raw) < MAX_ROWS:
        return HttpResponseBadRequest(_("Ugyldig antall rader."))
    index = int(raw)
    form = delivery_row_form(initiative, index)
    form.fields["title"].widget.attrs["autofocus"] = True
    return render(
        request,
        "editing/partials/delivery_row.html",
        {"form": form, "number": index + 1, "total": index + 1, "prefix": "deliveries"},
    )


# ---------------------------------------------------------------------------------------------
# Indicator data: the secretariat, data stewards, or a reporter for the responsible organisation


def _observation_crumbs(indicator: Indicator, *trail: tuple[str, str | None]) -> list[Any]:
    return _crumbs(
        (_("Indikatorer"), reverse("publishing:indicator_list")),
        (indicator.code, indicator.get_absolute_url()),
        (_("Målinger"), reverse("editing:observation_list", args=[indicator.code])),
        *trail,
    )


@permission_for("indicators.add_observation", lookup=indicator_by_code)
@require_GET
def observation_list(request: HttpRequest, indicator: Indicator) -> HttpResponse:
    observations = indicator.observations.order_by(
        "breakdown_dimension", "breakdown_value", "-period_start"
    )
    return render(
        request,
        "editing/observation_list.html",
        {
            "indicator": indicator,
            "observations": observations,
            "crumbs": _observation_crumbs(indicator)[:-1] + [(_("Målinger"), None)],
        },
    )


@permission_for("indicators.add_observation", lookup=indicator_by_code)
def observation_add(request: HttpRequest, indicator: Indicator) -> HttpResponse:
    done = reverse("editing:observation_list", args=[indicator.code])
    page = EditPage(
        title=_("Ny måling for «%(name)s»") % {"name": indicator.name},
        build=lambda data, record: Aggregate(
            ObservationForm(data, instance=record, indicator=indicator)
        ),
        done_url=done,
        cancel_url=done,
        crumbs=_observation_crumbs(indicator, (_("Ny måling"), None)),
        intro=_("Periode skrives som 2024, 2024H1, 2024T2, 2024K3 eller 2024M03."),
    )
    return _edit(request, Observation(indicator=indicator), page)


@permission_for("indicators.change_observation", lookup=observation_by_code_and_pk)
def observation_edit(request: HttpRequest, observation: Observation) -> HttpResponse:
    indicator = observation.indicator
    done = reverse("editing:observation_list", args=[indicator.code])
    page = EditPage(
        title=_("Endre målingen for %(period)s") % {"period": observation.period},
        build=lambda data, record: Aggregate(
            ObservationForm(data, instance=record, indicator=indicator)
        ),
        done_url=done,
        cancel_url=done,
        crumbs=_observation_crumbs(indicator, (observation.period, None)),
    )
    return _edit(request, observation, page)


@permission_for("indicators.delete_observation", lookup=observation_by_code_and_pk)
def observation_delete(request: HttpRequest, observation: Observation) -> HttpResponse:
    indicator = observation.indicator
    done = reverse("editing:observation_list", args=[indicator.code])
    context: dict[str, Any] = {
        "observation": observation,
        "indicator": indicator,
        "cancel_url": done,
        "crumbs": _observation_crumbs(
            indicator, (_("Slett %(p)s") % {"p": observation.period}, None)
        ),
    }
    if request.method != "POST":
        return render(request, "editing/observation_delete.html", context)
    raw = request.POST.get("version", "")
    try:
        versioned_delete(
            observation,
            expected_version=int(raw) if raw.isdigit() else 0,
            user=request.user,
        )
    except StaleVersion as stale:
        # Changed since the user looked: show what it holds now and ask again.
        context.update({"observation": stale.current, "stale": True})
        return render(request, "editing/observation_delete.html", context, status=409)
    except RecordGone:
        messages.info(request, _("Målingen var allerede slettet."))
        return redirect(done)
    messages.success(request, _("Målingen for %(p)s er slettet.") % {"p": observation.period})
    return redirect(done)


# ---------------------------------------------------------------------------------------------
# The global change log: the secretariat


@permission_for("accounts.view_changelog")
@require_GET
def changelog(request: HttpRequest) -> HttpResponse:
    users = get_user_model().objects.order_by("first_name", "last_name", "username")
    form = ChangeLogFilterForm(request.GET or None, kinds=selectors.kind_choices(), users=users)
    filters = selectors.ChangeLogFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.ChangeLogFilters(
            kind=data["kind"] or "",
            user_id=data["user"].pk if data["user"] else None,
            date_from=data["date_from"],
            date_to=data["date_to"],
            text=data["q"].strip(),
        )
    raw_page = request.GET.get("page", "1")
    page_obj = selectors.changelog_page(filters, int(raw_page) if raw_page.isdigit() else 1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "editing/changelog.html",
        {
            "form": form,
            "page_obj": page_obj,
            "querystring": query.urlencode(),
            "crumbs": _crumbs((_("Endringslogg"), None)),
        },
    )
