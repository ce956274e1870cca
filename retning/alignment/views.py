"""Alignment pages. Thin: selectors read, services write, each write view states its permission."""

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from retning.actors.models import Organisation
from retning.editing.registry import permission_for
from retning.editing.services import (
    RecordGone,
    StaleVersion,
    versioned_create,
    versioned_delete,
    versioned_save,
)
from retning.indicators.models import Indicator
from retning.strategy.models import Theme

from . import annual_report, measure, selectors, services
from .forms import (
    AttachReportForm,
    IndicatorLinksForm,
    PlanForm,
    PlanItemForm,
    RelatedDocumentForm,
    ThemeLogForm,
    VersionedForm,
    WatchCloseForm,
    WatchItemForm,
)
from .models import ActorPlan, AnnualReport, PlanItem, RelatedDocument, WatchItem

FIRST_REPORT_YEAR = 2023

# ---------------------------------------------------------------------------------------------
# Lookups


def organisation_by_slug(slug: str) -> Organisation:
    return get_object_or_404(Organisation, slug=slug)


def plan_by_pk(pk: int) -> ActorPlan:
    return get_object_or_404(ActorPlan.objects.select_related("organisation"), pk=pk)


def item_by_pk(pk: int) -> PlanItem:
    return get_object_or_404(PlanItem.objects.select_related("plan__organisation"), pk=pk)


def indicator_by_code(code: str) -> Indicator:
    return get_object_or_404(Indicator, code=code)


def document_by_pk(pk: int) -> RelatedDocument:
    return get_object_or_404(RelatedDocument, pk=pk)


def watch_by_pk(pk: int) -> WatchItem:
    return get_object_or_404(WatchItem, pk=pk)


def theme_by_slug(slug: str) -> Theme:
    return get_object_or_404(Theme, slug=slug)


def report_by_pk(year: int, pk: int) -> AnnualReport:
    return get_object_or_404(AnnualReport, year=year, pk=pk)


# ---------------------------------------------------------------------------------------------
# Helpers


def _crumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("Forside"), reverse("publishing:home")),
        (_("Samsvar med aktørenes planer"), reverse("alignment:matrix")),
        *trail,
    ]


def _data(request: HttpRequest) -> Any:
    """The posted data, or None for a GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def _errors(form: forms.BaseForm) -> list[tuple[str, str]]:
    if not form.is_bound:
        return []
    items = [("alignment-form", str(message)) for message in form.non_field_errors()]
    for bound in form:
        for message in bound.errors:
            anchor = "alignment-form" if bound.is_hidden else str(bound.auto_id)
            items.append((anchor, f"{bound.label}: {message}"))
    return items


def _form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    crumbs: list[tuple[str, str | None]],
    cancel_url: str,
    intro: str = "",
    template: str = "alignment/form.html",
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "form": form,
            "errors": _errors(form),
            "title": title,
            "intro": intro,
            "crumbs": crumbs,
            "cancel_url": cancel_url,
            **extra,
        },
        status=status,
    )


def _conflict(form: VersionedForm, current: models.Model | None) -> dict[str, Any]:
    """The stored values next to the user's, and the form rebased on the stored version."""
    if current is None:
        form.add_error(None, _("Posten er slettet av noen andre. Ingenting er lagret."))
        return {}
    form.add_error(
        None,
        _(
            "Noen andre lagret endringer etter at du åpnet skjemaet. Ingenting er lagret. "
            "Se over verdiene og lagre på nytt."
        ),
    )
    rows = []
    for name, field in form.fields.items():
        if name == "version" or not hasattr(current, name):
            continue
        stored = getattr(current, name)
        if hasattr(stored, "all"):
            stored = ", ".join(str(o) for o in stored.all())
        elif hasattr(current, f"get_{name}_display"):
            stored = getattr(current, f"get_{name}_display")()
        rows.append((field.label, form.data.get(name, ""), stored))
    data = form.data.copy()  # type: ignore[attr-defined]
    data["version"] = str(getattr(current, "version", ""))
    form.data = data
    return {"comparison": rows}


# ---------------------------------------------------------------------------------------------
# Public alignment pages


@require_GET
def matrix(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "alignment/matrix.html",
        {
            "matrix": selectors.alignment_matrix(),
            "weights": measure.WEIGHTS,
            "goal_factor": measure.GOAL_LEVEL_FACTOR,
            "crumbs": [
                (_("Forside"), reverse("publishing:home")),
                (_("Samsvar med aktørenes planer"), None),
            ],
            "nav_active": "alignment",
        },
    )


@require_GET
def unreflected(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "alignment/unreflected.html",
        {
            "items": selectors.items_not_reflected(),
            "may_propose": request.user.has_perm("alignment.propose_case"),
            "crumbs": _crumbs((_("Uten nasjonalt initiativ"), None)),
            "nav_active": "alignment",
        },
    )


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.plans_with_items(ActorPlan.objects.all()), pk=pk)
    return render(
        request,
        "alignment/plan_detail.html",
        {
            "plan": plan,
            "may_change": request.user.has_perm("alignment.change_actorplan", plan),
            "crumbs": _crumbs(
                (plan.organisation.name, plan.organisation.get_absolute_url()), (plan.title, None)
            ),
            "nav_active": "alignment",
        },
    )


# ---------------------------------------------------------------------------------------------
# Plans and items


@permission_for("alignment.add_actorplan", lookup=organisation_by_slug)
def plan_add(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = PlanForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                organisation=organisation, plan=form.save(commit=False), user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Planen er registrert. Legg til målene og tiltakene i den.")
            )
            return redirect(plan.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Registrer plan for %(org)s") % {"org": organisation.name},
        intro=_("En strategi eller plan aktøren har vedtatt eller arbeider med."),
        crumbs=_crumbs((organisation.name, organisation.get_absolute_url()), (_("Ny plan"), None)),
        cancel_url=organisation.get_absolute_url(),
    )


@permission_for("alignment.change_actorplan", lookup=plan_by_pk)
def plan_edit(request: HttpRequest, plan: ActorPlan) -> HttpResponse:
    form = PlanForm(_data(request), instance=plan)
    extra: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=form.save(commit=False),
                expected_version=form.expected_version,
                user=request.user,
            )
        except StaleVersion as stale:
            extra = _conflict(form, stale.current)
        except RecordGone:
            extra = _conflict(form, None)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Endringene er lagret."))
            return redirect(plan.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Endre «%(title)s»") % {"title": plan.title},
        crumbs=_crumbs((plan.title, plan.get_absolute_url()), (_("Endre"), None)),
        cancel_url=plan.get_absolute_url(),
        status=409 if extra else 200,
        **extra,
    )


def _item_page(
    request: HttpRequest, form: PlanItemForm, plan: ActorPlan, title: str, **extra: Any
) -> HttpResponse:
    return _form_page(
        request,
        form,
        title=title,
        intro=_(
            "Koble punktet til de nasjonale målene og delmålene det bidrar til, med hvor sterk "
            "sammenhengen er, og til nasjonale initiativer som svarer på det."
        ),
        template="alignment/item_form.html",
        crumbs=_crumbs((plan.title, plan.get_absolute_url()), (title, None)),
        cancel_url=plan.get_absolute_url(),
        **extra,
    )


@permission_for("alignment.add_planitem", lookup=plan_by_pk)
def item_add(request: HttpRequest, plan: ActorPlan) -> HttpResponse:
    form = PlanItemForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.item_create(
                plan=plan,
                item=form.save(commit=False),
                links=form.links(),
                initiatives=form.cleaned_data["initiatives"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Punktet er lagt til."))
            return redirect(plan.get_absolute_url())
    return _item_page(request, form, plan, _("Nytt punkt i planen"))


@permission_for("alignment.change_planitem", lookup=item_by_pk)
def item_edit(request: HttpRequest, item: PlanItem) -> HttpResponse:
    form = PlanItemForm(_data(request), instance=item)
    extra: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(
                item=form.save(commit=False),
                expected_version=form.expected_version,
                links=form.links(),
                initiatives=form.cleaned_data["initiatives"],
                user=request.user,
            )
        except StaleVersion as stale:
            extra = _conflict(form, stale.current)
        except RecordGone:
            extra = _conflict(form, None)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Endringene er lagret."))
            return redirect(item.plan.get_absolute_url())
    return _item_page(
        request,
        form,
        item.plan,
        _("Endre «%(title)s»") % {"title": item.title},
        status=409 if extra else 200,
        **extra,
    )


class DeleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


@permission_for("alignment.delete_planitem", lookup=item_by_pk)
def item_delete(request: HttpRequest, item: PlanItem) -> HttpResponse:
    form = DeleteForm(_data(request), initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        try:
            versioned_delete(
                item,
                expected_version=form.cleaned_data["version"],
                user=request.user,
                reason="Punkt slettet",
            )
        except StaleVersion:
            form.add_error(
                None,
                _("Noen andre endret punktet etter at du åpnet siden. Ingenting er slettet."),
            )
            data = form.data.copy()  # type: ignore[attr-defined]
            data["version"] = str(PlanItem.objects.get(pk=item.pk).version)
            form.data = data
        except RecordGone:
            messages.info(request, _("Punktet var allerede slettet."))
            return redirect(item.plan.get_absolute_url())
        else:
            messages.success(request, _("Punktet er slettet."))
            return redirect(item.plan.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Slett «%(title)s»") % {"title": item.title},
        intro=_("Punktet og koblingene fra det til nasjonale mål og initiativer slettes."),
        crumbs=_crumbs((item.plan.title, item.plan.get_absolute_url()), (_("Slett"), None)),
        cancel_url=item.plan.get_absolute_url(),
        submit_label=_("Slett punktet"),
    )


@permission_for("alignment.propose_case", lookup=item_by_pk)
@require_POST
def item_propose(request: HttpRequest, item: PlanItem) -> HttpResponse:
    try:
        case = services.item_propose_case(item=item, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Saken «%(title)s» er foreslått for rådsmodellen.") % {"title": case.title}
        )
    return redirect("alignment:unreflected")


# ---------------------------------------------------------------------------------------------
# Gap analysis


@permission_for("alignment.view_gaps")
def gap_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "alignment/gaps.html",
        {
            "gaps": selectors.gap_analysis(),
            "crumbs": _crumbs((_("Gapanalyse"), None)),
            "nav_active": "alignment",
        },
    )


@permission_for("alignment.change_indicatorinitiativelink", lookup=indicator_by_code)
def indicator_links(request: HttpRequest, indicator: Indicator) -> HttpResponse:
    current = list(indicator.initiative_links.values_list("initiative_id", flat=True))
    form = IndicatorLinksForm(_data(request), initial={"initiatives": current})
    if request.method == "POST" and form.is_valid():
        services.indicator_links_set(
            indicator=indicator, initiatives=form.cleaned_data["initiatives"], user=request.user
        )
        messages.success(request, _("Koblingene er lagret."))
        return redirect("alignment:gaps")
    return _form_page(
        request,
        form,
        title=_("Initiativer for «%(name)s»") % {"name": indicator.name},
        intro=_(
            "Velg initiativene som forventes å påvirke indikatoren. Koblingene brukes i gapanalysen."
        ),
        crumbs=_crumbs((_("Gapanalyse"), reverse("alignment:gaps")), (indicator.name, None)),
        cancel_url=reverse("alignment:gaps"),
    )


# ---------------------------------------------------------------------------------------------
# Related documents


def _versioned_form_view(
    request: HttpRequest,
    form: VersionedForm,
    *,
    title: str,
    done_url: Callable[[Any], str],
    cancel_url: str,
    crumbs: list[tuple[str, str | None]],
    reason: str,
) -> HttpResponse:
    extra: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        instance = form.save(commit=False)
        try:
            if instance.pk:
                versioned_save(
                    instance,
                    expected_version=form.expected_version,
                    user=request.user,
                    reason=reason,
                    m2m={
                        name: form.cleaned_data[name]
                        for name in form._meta.fields or []  # type: ignore[attr-defined]
                        if isinstance(form.fields.get(name), forms.ModelMultipleChoiceField)
                    },
                )
            else:
                versioned_create(instance, user=request.user, reason=reason)
                form.save_m2m()
        except StaleVersion as stale:
            extra = _conflict(form, stale.current)
        except RecordGone:
            extra = _conflict(form, None)
        else:
            messages.success(request, _("Endringene er lagret."))
            return redirect(done_url(instance))
    return _form_page(
        request,
        form,
        title=title,
        crumbs=crumbs,
        cancel_url=cancel_url,
        status=409 if extra else 200,
        **extra,
    )


@permission_for("alignment.add_relateddocument")
def document_add(request: HttpRequest) -> HttpResponse:
    return _versioned_form_view(
        request,
        RelatedDocumentForm(_data(request)),
        title=_("Nytt relatert dokument"),
        done_url=lambda _doc: reverse("publishing:document_list"),
        cancel_url=reverse("publishing:document_list"),
        crumbs=_crumbs((_("Nytt relatert dokument"), None)),
        reason="Dokument registrert",
    )


@permission_for("alignment.change_relateddocument", lookup=document_by_pk)
def document_edit(request: HttpRequest, document: RelatedDocument) -> HttpResponse:
    return _versioned_form_view(
        request,
        RelatedDocumentForm(_data(request), instance=document),
        title=_("Endre «%(title)s»") % {"title": document.title},
        done_url=lambda _doc: reverse("publishing:document_list"),
        cancel_url=reverse("publishing:document_list"),
        crumbs=_crumbs((document.title, None)),
        reason="Dokument endret",
    )


# ---------------------------------------------------------------------------------------------
# Watch items


@permission_for("alignment.view_watchitem")
def watch_list(request: HttpRequest) -> HttpResponse:
    items = WatchItem.objects.select_related("owner", "related_document", "proposed_case")
    return render(
        request,
        "alignment/watch_list.html",
        {
            "open_items": [i for i in items if i.is_open],
            "closed_items": [i for i in items if not i.is_open],
            "documents": RelatedDocument.objects.order_by("title"),
            "today": timezone.localdate(),
            "soon": timezone.localdate() + datetime.timedelta(days=services.REMINDER_DAYS_BEFORE),
            "crumbs": _crumbs((_("Følges med på"), None)),
            "nav_active": "alignment",
        },
    )


@permission_for("alignment.add_watchitem")
def watch_add(request: HttpRequest) -> HttpResponse:
    form = WatchItemForm(_data(request), initial={"owner": request.user.pk})
    return _versioned_form_view(
        request,
        form,
        title=_("Nytt punkt å følge med på"),
        done_url=lambda _item: reverse("alignment:watch_list"),
        cancel_url=reverse("alignment:watch_list"),
        crumbs=_crumbs((_("Følges med på"), reverse("alignment:watch_list")), (_("Nytt"), None)),
        reason="Punkt registrert",
    )


@permission_for("alignment.change_watchitem", lookup=watch_by_pk)
def watch_edit(request: HttpRequest, item: WatchItem) -> HttpResponse:
    if not item.is_open:
        raise Http404("Lukkede punkter endres ikke.")
    return _versioned_form_view(
        request,
        WatchItemForm(_data(request), instance=item),
        title=_("Endre «%(title)s»") % {"title": item.title},
        done_url=lambda _item: reverse("alignment:watch_list"),
        cancel_url=reverse("alignment:watch_list"),
        crumbs=_crumbs((_("Følges med på"), reverse("alignment:watch_list")), (item.title, None)),
        reason="Punkt endret",
    )


@permission_for("alignment.change_watchitem", lookup=watch_by_pk)
def watch_close(request: HttpRequest, item: WatchItem) -> HttpResponse:
    form = WatchCloseForm(_data(request), initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.watch_close(
                item=item,
                conclusion=form.cleaned_data["conclusion"],
                expected_version=form.cleaned_data["version"],
                propose=form.cleaned_data["propose_case"],
                user=request.user,
            )
        except StaleVersion:
            form.add_error(
                None,
                _("Noen andre endret punktet etter at du åpnet skjemaet. Ingenting er lagret."),
            )
            data = form.data.copy()  # type: ignore[attr-defined]
            data["version"] = str(WatchItem.objects.get(pk=item.pk).version)
            form.data = data
        except (RecordGone, ValidationError) as error:
            form.add_error(None, getattr(error, "messages", [_("Punktet er slettet.")])[0])
        else:
            messages.success(request, _("Punktet er lukket med konklusjonen."))
            return redirect("alignment:watch_list")
    return _form_page(
        request,
        form,
        title=_("Lukk «%(title)s»") % {"title": item.title},
        crumbs=_crumbs((_("Følges med på"), reverse("alignment:watch_list")), (item.title, None)),
        cancel_url=reverse("alignment:watch_list"),
        submit_label=_("Lukk punktet"),
    )


# ---------------------------------------------------------------------------------------------
# The theme log


@permission_for("alignment.add_themelogentry", lookup=theme_by_slug)
def theme_log_add(request: HttpRequest, theme: Theme) -> HttpResponse:
    form = ThemeLogForm(_data(request), initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_log_add(
                theme=theme,
                date=form.cleaned_data["date"],
                text=form.cleaned_data["text"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Loggføringen er lagret."))
            return redirect(theme.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Ny loggføring for %(theme)s") % {"theme": theme.name},
        crumbs=[
            (_("Forside"), reverse("publishing:home")),
            (theme.name, theme.get_absolute_url()),
            (_("Ny loggføring"), None),
        ],
        cancel_url=theme.get_absolute_url(),
    )


# ---------------------------------------------------------------------------------------------
# The annual status report


def report_year(year: int) -> int:
    if not FIRST_REPORT_YEAR <= year <= timezone.localdate().year:
        raise Http404("Ingen rapport for dette året.")
    return year


@permission_for("alignment.view_annualreport")
def annual_report_index(request: HttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    return render(
        request,
        "alignment/annual_report_index.html",
        {
            "years": list(range(this_year, FIRST_REPORT_YEAR - 1, -1)),
            "reports": AnnualReport.objects.select_related("generated_by", "case"),
            "may_generate": request.user.has_perm("alignment.generate_annualreport"),
            "crumbs": _crumbs((_("Årlig statusrapport"), None)),
            "nav_active": "alignment",
        },
    )


@permission_for("alignment.view_annualreport", lookup=report_year)
def annual_report_year(request: HttpRequest, year: int) -> HttpResponse:
    """A live preview of the report for ``year``; generating stores a frozen copy."""
    return render(
        request,
        "alignment/annual_report_page.html",
        {
            **annual_report.assemble(year),
            "generated_at": timezone.now(),
            "stored": AnnualReport.objects.filter(year=year),
            "may_generate": request.user.has_perm("alignment.generate_annualreport"),
            "crumbs": _crumbs(
                (_("Årlig statusrapport"), reverse("alignment:annual_report_index")),
                (str(year), None),
            ),
            "nav_active": "alignment",
        },
    )


@permission_for("alignment.generate_annualreport", lookup=report_year)
@require_POST
def annual_report_generate(request: HttpRequest, year: int) -> HttpResponse:
    report = annual_report.generate(year=year, user=request.user)
    messages.success(request, _("Rapporten for %(year)s er generert og lagret.") % {"year": year})
    return redirect(report.get_absolute_url())


def _stored_report(year: int, pk: int) -> AnnualReport:
    return report_by_pk(year, pk)


@permission_for("alignment.view_annualreport", lookup=_stored_report)
def annual_report_stored(request: HttpRequest, report: AnnualReport) -> HttpResponse:
    return render(
        request,
        "alignment/annual_report_stored.html",
        {
            "report": report,
            "may_attach": request.user.has_perm("alignment.attach_annualreport", report),
            "crumbs": _crumbs(
                (_("Årlig statusrapport"), reverse("alignment:annual_report_index")),
                (str(report), None),
            ),
            "nav_active": "alignment",
        },
    )


@permission_for("alignment.view_annualreport", lookup=_stored_report)  # type: ignore[arg-type]
def annual_report_pdf(request: HttpRequest, report: AnnualReport) -> HttpResponseBase:
    try:
        handle = report.pdf.open("rb")
    except FileNotFoundError as error:
        raise Http404("PDF-filen finnes ikke.") from error
    return FileResponse(
        handle,
        content_type="application/pdf",
        filename=f"arsrapport-{report.year}-{report.pk}.pdf",
    )


@permission_for("alignment.attach_annualreport", lookup=_stored_report)
def annual_report_attach(request: HttpRequest, report: AnnualReport) -> HttpResponse:
    form = AttachReportForm(_data(request), initial={"case": report.case_id})
    if request.method == "POST" and form.is_valid():
        AnnualReport.objects.filter(pk=report.pk).update(case=form.cleaned_data["case"])
        messages.success(request, _("Rapporten er knyttet til saken."))
        return redirect(report.get_absolute_url())
    return _form_page(
        request,
        form,
        title=_("Knytt rapporten til en sak"),
        intro=_(
            "Saken får rapporten slik den var da den ble generert %(when)s. Senere endringer i "
            "dataene endrer den ikke."
        )
        % {"when": timezone.localtime(report.generated_at).strftime("%d.%m.%Y %H:%M")},
        crumbs=_crumbs((str(report), report.get_absolute_url()), (_("Knytt til sak"), None)),
        cancel_url=report.get_absolute_url(),
    )
