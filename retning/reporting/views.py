"""Pages for reporters and the secretariat: to-do list, report form, review, round overview.

Thin: forms validate, ``services`` decide and write, ``selectors`` read. Every view is guarded
with ``permission_for`` (anonymous → sign-in, wrong user → 403).
"""

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from retning.editing.registry import permission_for

from . import selectors, services
from .forms import (
    DeliveryFormSet,
    ReportForm,
    ReturnForm,
    RiskFormSet,
    RoundForm,
    delivery_rows,
    risk_rows,
)
from .models import Rating, ReportingRound, StatusReport
from .trend import Point, trend_svg

RATING_NAMES = (
    ("overall", gettext_lazy("Samlet status")),
    ("schedule", gettext_lazy("Framdrift")),
    ("cost", gettext_lazy("Kostnad")),
    ("scope", gettext_lazy("Omfang")),
    ("benefits", gettext_lazy("Gevinster")),
)


def _report(pk: int) -> StatusReport:
    return get_object_or_404(
        StatusReport.objects.select_related(
            "round", "initiative", "initiative__subgoal__goal", "organisation"
        ),
        pk=pk,
    )


def _round(pk: int) -> ReportingRound:
    return get_object_or_404(ReportingRound, pk=pk)


def _crumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("Forside"), reverse("publishing:home")),
        (_("Rapportering"), reverse("reporting:todo")),
        *trail,
    ]


def _is_secretariat(request: HttpRequest) -> bool:
    return bool(request.user.has_perm("reporting.review_statusreport"))


# --- Reporter -----------------------------------------------------------------------------


@permission_for("reporting.view_todo")
@require_http_methods(["GET"])
def todo(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [(r, selectors.expected_for(r, today)) for r in selectors.todo_for(request.user, today)]
    return render(
        request,
        "reporting/todo.html",
        {
            "rows": rows,
            "today": today,
            "is_secretariat": _is_secretariat(request),
            "crumbs": _crumbs(),
        },
    )


def _forms_for(report: StatusReport, data: Any = None) -> tuple[Any, Any, Any]:
    if data is not None:
        return (
            ReportForm(data),
            RiskFormSet(data, prefix="risks"),
            DeliveryFormSet(data, prefix="deliveries"),
        )
    risks = [
        {
            "description": r.description,
            "probability": r.probability,
            "consequence": r.consequence,
            "mitigation": r.mitigation,
        }
        for r in report.risks.all()
    ]
    deliveries = [
        {
            "delivery_id": d.delivery_id,
            "title": d.title,
            "planned_date": d.planned_date,
            "forecast_date": d.forecast_date,
            "actual_date": d.actual_date,
        }
        for d in report.next_deliveries.all()
    ]
    return (
        ReportForm(initial=ReportForm.initial_for(report)),
        RiskFormSet(initial=risks, prefix="risks"),
        DeliveryFormSet(initial=deliveries, prefix="deliveries"),
    )


def _form_errors(form: Any, *formsets: Any) -> list[tuple[str, str]]:
    """(anchor, message) pairs for the error summary, each pointing at its field."""
    errors: list[tuple[str, str]] = []
    for name, msgs in form.errors.items():
        text = " ".join(str(m) for m in msgs)
        if name in form.fields:
            errors.append((form[name].auto_id, f"{form.fields[name].label}: {text}"))
        else:
            errors.append(("edit-form", text))
    for formset in formsets:
        for n, row in enumerate(formset.forms, start=1):
            for name, msgs in row.errors.items():
                anchor = row[name].auto_id if name in row.fields else row.prefix
                label = row.fields[name].label if name in row.fields else ""
                text = " ".join(str(m) for m in msgs)
                message = _("%(table)s, rad %(row)d, %(field)s: %(errors)s") % {
                    "table": formset_title(formset),
                    "row": n,
                    "field": label,
                    "errors": text,
                }
                errors.append((anchor, message))
        for msg in formset.non_form_errors():
            errors.append((formset.prefix, str(msg)))
    return errors


def formset_title(formset: Any) -> str:
    return _("Risikoer") if formset.prefix == "risks" else _("Neste leveranser")


@permission_for("reporting.change_statusreport", lookup=_report)
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, report: StatusReport) -> HttpResponse:
    context: dict[str, Any] = {"report": report, "rating_fields": RATING_NAMES}
    status = 200
    if request.method == "POST":
        form, risks, deliveries = _forms_for(report, request.POST)
        if form.is_valid() and risks.is_valid() and deliveries.is_valid():
            submit = request.POST.get("action") == "submit"
            action = services.report_save_and_submit if submit else services.report_save
            try:
                action(
                    report,
                    expected_version=form.cleaned_data["version"],
                    user=request.user,
                    fields=form.fields_data(),
                    risks=risk_rows(risks),
                    deliveries=delivery_rows(deliveries),
                )
            except services.StaleVersion as stale:
                return _conflict(request, report, stale.current, form, risks, deliveries)
            except services.ReportingError as error:
                context["refusal"] = str(error)
                status = 400
            else:
                if submit:
                    messages.success(request, _("Rapporten er sendt inn. Takk!"))
                    return redirect("reporting:report_detail", report.pk)
                messages.success(request, _("Utkastet er lagret."))
                return redirect("reporting:report_edit", report.pk)
        else:
            context["errors"] = _form_errors(form, risks, deliveries)
            status = 400
    else:
        form, risks, deliveries = _forms_for(report)
    context.update(_edit_context(request, report, form, risks, deliveries))
    return render(request, "reporting/report_edit.html", context, status=status)


def _edit_context(
    request: HttpRequest, report: StatusReport, form: Any, risks: Any, deliveries: Any
) -> dict[str, Any]:
    return {
        "form": form,
        "risks": risks,
        "deliveries": deliveries,
        "rating_meanings": Rating.choices,
        "locked": services.round_is_locked(report.round),
        "is_secretariat": _is_secretariat(request),
        "expected": selectors.expected_for(report),
        "return_comment": selectors.return_comment(report),
        "crumbs": _crumbs(
            (str(report.initiative), report.get_absolute_url()), (_("Fyll ut"), None)
        ),
    }


def _conflict(
    request: HttpRequest,
    report: StatusReport,
    current: Any,
    form: Any,
    risks: Any,
    deliveries: Any,
) -> HttpResponse:
    """Someone saved first: nothing is written; show theirs next to the user's own values."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    form, risks, deliveries = _forms_for(report, data)
    form.is_valid()
    risks.is_valid()
    deliveries.is_valid()
    yours = form.cleaned_data
    comparison = []
    for name in (
        "overall",
        "schedule",
        "cost",
        "scope",
        "benefits",
        "narrative",
        "decisions_needed",
    ):
        label = str(getattr(StatusReport._meta.get_field(name), "verbose_name", name)).capitalize()
        stored = (
            getattr(current, f"get_{name}_display")()
            if name in dict(RATING_NAMES)
            else getattr(current, name)
        )
        mine = dict(Rating.choices).get(yours.get(name) or "", yours.get(name) or "")
        comparison.append(
            (label, str(mine or "–"), str(stored or "–"), str(mine or "") != str(stored or ""))
        )
    context = {
        "report": current,
        "rating_fields": RATING_NAMES,
        "conflict": comparison,
        "conflict_by": current.updated_by,
    }
    context.update(_edit_context(request, current, form, risks, deliveries))
    return render(request, "reporting/report_edit.html", context, status=409)


# --- Report page and the secretariat's review ----------------------------------------------


@permission_for("reporting.view_statusreport", lookup=_report)
@require_http_methods(["GET"])
def report_detail(request: HttpRequest, report: StatusReport) -> HttpResponse:
    trend = selectors.initiative_trend(report.initiative_id)
    chart = trend_svg(
        [Point(r.round.label, r.overall) for r in trend],
        {"green": _("Grønn"), "yellow": _("Gul"), "red": _("Rød"), "": _("Ikke satt")},
        _("Samlet status over rundene: grønn øverst, rød nederst"),
    )
    return render(
        request,
        "reporting/report_detail.html",
        {
            "report": report,
            "ratings": [
                (label, getattr(report, name), getattr(report, f"get_{name}_display")())
                for name, label in RATING_NAMES
            ],
            "events": report.events.select_related("actor").order_by("at", "pk"),
            "risks": sorted(report.risks.all(), key=lambda r: -r.score),
            "next_deliveries": report.next_deliveries.all(),
            "expected": selectors.expected_for(report),
            "trend": trend,
            "trend_chart": mark_safe(chart),  # noqa: S308 (every text is escaped in trend.py)
            "locked": services.round_is_locked(report.round),
            "is_secretariat": _is_secretariat(request),
            "may_edit": request.user.has_perm("reporting.change_statusreport", report),
            "return_form": ReturnForm(initial={"version": report.version}),
            "crumbs": _crumbs((str(report.initiative), None)),
        },
    )


@permission_for("reporting.review_statusreport", lookup=_report)
@require_POST
def report_approve(request: HttpRequest, report: StatusReport) -> HttpResponse:
    try:
        version = int(request.POST.get("version", ""))
        services.report_approve(report, expected_version=version, user=request.user)
    except ValueError:
        messages.error(request, _("Skjemaet mangler versjon. Last siden på nytt."))
    except services.StaleVersion:
        messages.error(
            request,
            _(
                "Rapporten ble endret etter at du åpnet den. Se over den nye versjonen før du godkjenner."
            ),
        )
    except services.ReportingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Rapporten er godkjent."))
    return redirect("reporting:report_detail", report.pk)


@permission_for("reporting.review_statusreport", lookup=_report)
@require_http_methods(["GET", "POST"])
def report_return(request: HttpRequest, report: StatusReport) -> HttpResponse:
    form = ReturnForm(request.POST or None, initial={"version": report.version})
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.report_return(
                report,
                expected_version=form.cleaned_data["version"],
                user=request.user,
                comment=form.cleaned_data["comment"],
            )
        except services.StaleVersion:
            refusal = _("Rapporten ble endret etter at du åpnet den. Last siden på nytt.")
        except services.ReportingError as error:
            refusal = str(error)
        else:
            messages.success(request, _("Rapporten er returnert til eieren med kommentaren din."))
            return redirect("reporting:report_detail", report.pk)
    errors = (
        [(form["comment"].auto_id, " ".join(str(m) for m in form.errors["comment"]))]
        if form.errors.get("comment")
        else []
    )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reporting/report_return.html",
        {
            "report": report,
            "form": form,
            "errors": errors,
            "refusal": refusal,
            "crumbs": _crumbs(
                (str(report.initiative), report.get_absolute_url()), (_("Returner"), None)
            ),
        },
        status=status,
    )


# --- Rounds (secretariat) ------------------------------------------------------------------


@permission_for("reporting.view_reportinground")
@require_http_methods(["GET"])
def round_list(request: HttpRequest) -> HttpResponse:
    open_states = selectors.OPEN
    rounds = ReportingRound.objects.annotate(
        total=Count("reports"),
        received=Count("reports", filter=~Q(reports__state__in=open_states)),
    ).order_by("-deadline", "-pk")
    return render(
        request,
        "reporting/round_list.html",
        {"rounds": rounds, "crumbs": _crumbs((_("Runder"), None))},
    )


@permission_for("reporting.add_reportinground")
@require_http_methods(["GET", "POST"])
def round_open(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_open(
                label=data["label"],
                opens_on=data["opens_on"],
                deadline=data["deadline"],
                grace_days=data["grace_days"],
                initiatives=list(data["initiatives"]),
                user=request.user,
            )
        except services.ReportingError as error:
            refusal = str(error)
        else:
            messages.success(request, _("Runden er åpnet."))
            return redirect(round_)
    errors = [
        (
            form[name].auto_id if name in form.fields else "round-form",
            " ".join(str(m) for m in msgs),
        )
        for name, msgs in form.errors.items()
    ]
    return render(
        request,
        "reporting/round_open.html",
        {
            "form": form,
            "errors": errors,
            "refusal": refusal,
            "crumbs": _crumbs(
                (_("Runder"), reverse("reporting:round_list")), (_("Åpne en runde"), None)
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


@permission_for("reporting.view_reportinground", lookup=_round)
@require_http_methods(["GET"])
def round_detail(request: HttpRequest, round_: ReportingRound) -> HttpResponse:
    overview = selectors.round_overview(round_)
    return render(
        request,
        "reporting/round_detail.html",
        {
            "overview": overview,
            "round": round_,
            "may_lock": round_.locked_at is None,
            "crumbs": _crumbs((_("Runder"), reverse("reporting:round_list")), (round_.label, None)),
        },
    )


@permission_for("reporting.lock_reportinground", lookup=_round)
@require_POST
def round_lock(request: HttpRequest, round_: ReportingRound) -> HttpResponse:
    try:
        services.round_lock(round_, user=request.user, force=request.POST.get("force") == "1")
    except services.ReportingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Runden er låst. Bare sekretariatet kan nå endre rapportene."))
    return redirect(round_)
