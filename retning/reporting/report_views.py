"""Thin views for the portfolio report (HTML, PDF) and the round's spreadsheet (download, upload).

The uploaded sheet is kept on the server between preview and confirm, under a random token in
MEDIA_ROOT/reporting-imports/; only the token travels through the browser, so what is imported is
exactly the file that was previewed (and it is validated again, against the reports as they are
then, when it is confirmed).
"""

import json
import secrets
import time
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retning.editing.registry import permission_for

from . import pdf, spreadsheet
from .models import ReportingRound
from .portfolio import portfolio_report

STAGING_LIFETIME_SECONDS = 24 * 60 * 60
PREVIEW_ROWS = 300
_TOKEN_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _round(round_id: int) -> ReportingRound:
    return get_object_or_404(ReportingRound, pk=round_id)


def _crumbs(reporting_round: ReportingRound, *last: tuple[str, str | None]) -> list:
    crumbs: list[tuple[str, str | None]] = [
        (_("Forsiden"), reverse("publishing:home")),
        (_("Rapportering"), reverse("reporting:todo")),
        (
            _("Porteføljerapport %(round)s") % {"round": reporting_round.label},
            reverse("reporting:portfolio", args=[reporting_round.pk]),
        ),
    ]
    return crumbs + list(last)


# --- portfolio report ---------------------------------------------------------------------------


@permission_for("reporting.view_portfolio_report", lookup=lambda round_id: _round(round_id))
def portfolio_page(request: HttpRequest, reporting_round: ReportingRound) -> HttpResponse:
    report = portfolio_report(reporting_round)
    crumbs = _crumbs(reporting_round)
    crumbs[-1] = (crumbs[-1][0], None)
    return render(
        request,
        "reporting/portfolio.html",
        {
            "portfolio": report,
            "chart": mark_safe(report.distribution_svg),  # noqa: S308 (escaped by charts.py)
            "crumbs": crumbs,
            "may_export": request.user.has_perm("reporting.export_report_sheet", reporting_round),
            "may_import": request.user.has_perm("reporting.import_report_sheet", reporting_round),
        },
    )


@permission_for("reporting.view_portfolio_report", lookup=lambda round_id: _round(round_id))
def portfolio_pdf(request: HttpRequest, reporting_round: ReportingRound) -> HttpResponse:
    data = pdf.portfolio_pdf(reporting_round)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.pdf_filename(reporting_round)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- spreadsheet --------------------------------------------------------------------------------


@permission_for("reporting.export_report_sheet", lookup=lambda round_id: _round(round_id))
def sheet_export(request: HttpRequest, reporting_round: ReportingRound) -> HttpResponse:
    data = spreadsheet.export_workbook(reporting_round, request.user)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = spreadsheet.export_filename(reporting_round)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class SheetUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Utfylt Excel-ark (.xlsx)"),
        help_text=gettext_lazy(
            "Bruk arket du lastet ned for denne runden. Du ser hva som endres før noe lagres."
        ),
        error_messages={"required": gettext_lazy("Velg filen du vil laste opp.")},
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "class": "ds-input",
            }
        ),
    )


def _staging_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "reporting-imports"


def _stage(data: bytes, user: Any, reporting_round: ReportingRound, filename: str) -> str:
    directory = _staging_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _sweep(directory)
    token = secrets.token_urlsafe(24)
    (directory / f"{token}.xlsx").write_bytes(data)
    meta = {"user": user.pk, "round": reporting_round.pk, "filename": filename[:200]}
    (directory / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def _sweep(directory: Path) -> None:
    cutoff = time.time() - STAGING_LIFETIME_SECONDS
    for path in directory.glob("*.*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


def _staged(token: str, user: Any, reporting_round: ReportingRound) -> tuple[bytes, str]:
    """The staged bytes and file name for ``token``, if they belong to this user and round."""
    if not token or len(token) > 64 or not set(token) <= _TOKEN_CHARACTERS:
        raise Http404
    directory = _staging_dir()
    try:
        meta = json.loads((directory / f"{token}.json").read_text(encoding="utf-8"))
        data = (directory / f"{token}.xlsx").read_bytes()
    except (OSError, ValueError) as error:
        raise Http404 from error
    if meta.get("user") != user.pk or meta.get("round") != reporting_round.pk:
        raise Http404
    return data, str(meta.get("filename", ""))


def _unstage(token: str) -> None:
    for suffix in (".xlsx", ".json"):
        (_staging_dir() / f"{token}{suffix}").unlink(missing_ok=True)


@permission_for("reporting.import_report_sheet", lookup=lambda round_id: _round(round_id))
def sheet_upload(request: HttpRequest, reporting_round: ReportingRound) -> HttpResponse:
    posted = request.method == "POST"
    form = SheetUploadForm(request.POST, request.FILES) if posted else SheetUploadForm()
    problems: list[str] = []
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.RETNING_MAX_IMPORT_BYTES:
            problems = [spreadsheet.size_problem(upload.size) or ""]
        else:
            data = upload.read()
            plan = spreadsheet.plan_import(reporting_round, request.user, data)
            problems = plan.problems
            if plan.ok:
                token = _stage(data, request.user, reporting_round, upload.name or "")
                url = reverse("reporting:sheet_preview", args=[reporting_round.pk])
                return redirect(f"{url}?fil={token}")
    errors = [
        (f"{form[name].auto_id}", message) for name in form.errors for message in form.errors[name]
    ]
    errors += [("problems", problem) for problem in problems]
    return render(
        request,
        "reporting/spreadsheet_upload.html",
        {
            "round": reporting_round,
            "form": form,
            "errors": errors,
            "problems": problems,
            "crumbs": _crumbs(reporting_round, (_("Last opp Excel-ark"), None)),
        },
        status=400 if errors and posted else 200,
    )


@permission_for("reporting.import_report_sheet", lookup=lambda round_id: _round(round_id))
def sheet_preview(request: HttpRequest, reporting_round: ReportingRound) -> HttpResponse:
    token = (request.POST.get("fil") if request.method == "POST" else request.GET.get("fil")) or ""
    data, filename = _staged(token, request.user, reporting_round)
    if request.method == "POST":
        plan = spreadsheet.apply_import(reporting_round, request.user, data)
        if plan.applied:
            _unstage(token)
            messages.success(
                request,
                _("Arket er importert: %(n)s rapporter er oppdatert.") % {"n": len(plan.changes)}
                if plan.changes
                else _("Arket inneholdt ingen endringer; ingenting er lagret."),
            )
            return redirect("reporting:portfolio", reporting_round.pk)
    else:
        plan = spreadsheet.plan_import(reporting_round, request.user, data)
    return render(
        request,
        "reporting/spreadsheet_preview.html",
        {
            "round": reporting_round,
            "plan": plan,
            "token": token,
            "filename": filename,
            "shown": plan.changes[:PREVIEW_ROWS],
            "more": max(0, len(plan.changes) - PREVIEW_ROWS),
            "crumbs": _crumbs(reporting_round, (_("Kontroller importen"), None)),
        },
        status=409 if request.method == "POST" and not plan.ok else 200,
    )
