"""Uploading a file of observations: upload, (mapping), preview, confirm.

The uploaded bytes stay on the server between the steps, in MEDIA_ROOT/imports/ under a random
token; the browser only ever sends the token back, so the data imported is exactly the data that
was previewed. Staged files are deleted after the import, or after a day if the user walks away.
"""

import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retning.indicators.formats import (
    BreakdownKind,
    BreakdownMapping,
    DimensionInfo,
    Mapping,
    MappingError,
)
from retning.indicators.models import Indicator
from retning.indicators.services import (
    FORMAT_JSONSTAT,
    ImportReport,
    detect_format,
    indicator_observations_import,
    parse_file,
    saved_mapping,
    size_problem,
)

from .registry import permission_for

STAGING_LIFETIME_SECONDS = 24 * 60 * 60
# Changes listed one by one in the preview; the counts always cover all of them.
PREVIEW_ROWS = 200
_TOKEN_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


# --- Staged uploads ------------------------------------------------------------------------------


@dataclass
class Staged:
    token: str
    indicator_code: str
    user_id: int
    filename: str
    source_name: str
    file_format: str
    mapping: dict[str, Any] | None

    def data(self) -> bytes:
        return _data_path(self.token).read_bytes()

    def chosen_mapping(self) -> Mapping | None:
        return Mapping.from_dict(self.mapping) if self.mapping is not None else None


def _staging_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _data_path(token: str) -> Path:
    return _staging_dir() / f"{token}.upload"


def _meta_path(token: str) -> Path:
    return _staging_dir() / f"{token}.json"


def stage_upload(
    *, indicator: Indicator, user: Any, data: bytes, filename: str, source_name: str
) -> Staged:
    purge_expired_uploads()
    directory = _staging_dir()
    directory.mkdir(parents=True, exist_ok=True)
    staged = Staged(
        token=secrets.token_urlsafe(24),
        indicator_code=indicator.code,
        user_id=user.pk,
        filename=Path(filename).name[:255],
        source_name=source_name,
        file_format=detect_format(filename, data),
        mapping=None,
    )
    _data_path(staged.token).write_bytes(data)
    _save_meta(staged)
    return staged


def _save_meta(staged: Staged) -> None:
    meta = {k: v for k, v in staged.__dict__.items() if k != "token"}
    _meta_path(staged.token).write_text(json.dumps(meta), encoding="utf-8")


def load_staged(token: str, indicator: Indicator, user: Any) -> Staged | None:
    """The staged upload behind ``token`` if it belongs to this user and indicator and is fresh."""
    if not 20 <= len(token) <= 64 or not set(token) <= _TOKEN_CHARACTERS:
        return None
    meta_path, data_path = _meta_path(token), _data_path(token)
    try:
        age = time.time() - meta_path.stat().st_mtime
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if age > STAGING_LIFETIME_SECONDS or not data_path.exists():
        discard_upload(token)
        return None
    staged = Staged(token=token, **meta)
    if staged.indicator_code != indicator.code or staged.user_id != user.pk:
        return None
    return staged


def discard_upload(token: str) -> None:
    _data_path(token).unlink(missing_ok=True)
    _meta_path(token).unlink(missing_ok=True)


def purge_expired_uploads() -> None:
    directory = _staging_dir()
    if not directory.is_dir():
        return
    cutoff = time.time() - STAGING_LIFETIME_SECONDS
    for path in directory.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue  # removed by a parallel request


# --- Forms ---------------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fil"),
        help_text=gettext_lazy("JSON-stat (.json), CSV (.csv) eller Excel (.xlsx)."),
    )
    source_name = forms.CharField(
        label=gettext_lazy("Kilde"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "For eksempel «SSB tabell 12345». Oppsettet du velger, huskes til neste fil fra "
            "samme kilde."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["class"] = "ds-input"
        self.fields["source_name"].widget.attrs["class"] = "ds-input"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        too_big = size_problem(upload.size)
        if too_big is not None:
            raise forms.ValidationError(too_big.message_nb)
        return upload


USE_IGNORE = ""
USE_TIME = "time"
USE_VALUE = "value"
USE_STATUS = "status"
USE_BREAKDOWN = "breakdown"
USE_FILTER = "filter"


def _use_choices(tabular: bool) -> list[tuple[str, str]]:
    choices = [(USE_IGNORE, _("Ikke i bruk")), (USE_TIME, _("Periode"))]
    if tabular:
        choices += [(USE_VALUE, _("Verdi")), (USE_STATUS, _("Status"))]
    choices += [
        (USE_BREAKDOWN, _("Inndeling")),
        (USE_FILTER, _("Filter: bare én kategori")),
    ]
    return choices


def _kind_choices() -> list[tuple[str, str]]:
    labels = {
        BreakdownKind.REGION_COUNTY: _("Fylke"),
        BreakdownKind.REGION_MUNICIPALITY: _("Kommune"),
        BreakdownKind.HEALTH_REGION: _("Helseregion"),
        BreakdownKind.ORGANISATION: _("Virksomhet"),
        BreakdownKind.GENDER: _("Kjønn"),
        BreakdownKind.AGE_GROUP: _("Aldersgruppe"),
        BreakdownKind.USER_GROUP: _("Brukergruppe"),
        BreakdownKind.CUSTOM: _("Annen inndeling"),
    }
    return [(kind.value, labels[kind]) for kind in BreakdownKind]


class MappingForm(forms.Form):
    """One row per dimension or column: what it is used for, and the details that use needs."""

    def __init__(
        self,
        *args: Any,
        dimensions: tuple[DimensionInfo, ...],
        tabular: bool,
        initial_mapping: Mapping | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        self.tabular = tabular
        initial = _initial_uses(dimensions, initial_mapping)
        for index, dimension in enumerate(dimensions):
            use, kind, category = initial[dimension.id]
            name = (
                dimension.id
                if dimension.label == dimension.id
                else (f"{dimension.label} ({dimension.id})")
            )
            self.fields[f"use_{index}"] = forms.ChoiceField(
                label=_("Bruk av «%(name)s»") % {"name": name},
                choices=_use_choices(tabular),
                required=False,
                initial=use,
            )
            self.fields[f"kind_{index}"] = forms.ChoiceField(
                label=_("Type inndeling"), choices=_kind_choices(), initial=kind
            )
            categories = [
                (c.code, f"{c.code} – {c.label}" if c.label != c.code else c.code)
                for c in dimension.categories
            ]
            self.fields[f"filter_{index}"] = forms.ChoiceField(
                label=_("Kategori som skal brukes"),
                choices=[("", "–"), *categories],
                required=False,
                initial=category,
            )
            for field in ("use", "kind", "filter"):
                self.fields[f"{field}_{index}"].widget.attrs["class"] = "ds-input"

    def rows(self) -> list[tuple[DimensionInfo, Any, Any, Any]]:
        return [
            (d, self[f"use_{i}"], self[f"kind_{i}"], self[f"filter_{i}"])
            for i, d in enumerate(self.dimensions)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        time_source = value_source = status_source = ""
        breakdowns: list[BreakdownMapping] = []
        filters: list[tuple[str, str]] = []
        for index, dimension in enumerate(self.dimensions):
            use = cleaned.get(f"use_{index}", "")
            if use == USE_TIME:
                time_source = dimension.id
            elif use == USE_VALUE:
                value_source = dimension.id
            elif use == USE_STATUS:
                status_source = dimension.id
            elif use == USE_BREAKDOWN:
                kind = BreakdownKind(cleaned.get(f"kind_{index}") or BreakdownKind.CUSTOM)
                breakdowns.append(BreakdownMapping(dimension.id, kind))
            elif use == USE_FILTER:
                category = cleaned.get(f"filter_{index}", "")
                if not category:
                    self.add_error(
                        f"filter_{index}",
                        _("Velg hvilken kategori av «%(name)s» som skal brukes.")
                        % {"name": dimension.id},
                    )
                    continue
                filters.append((dimension.id, category))
        uses = [cleaned.get(f"use_{i}", "") for i in range(len(self.dimensions))]
        for use, message in (
            (USE_TIME, _("Velg én kolonne som periode.")),
            (USE_VALUE, _("Velg én kolonne som verdi.")),
        ):
            if use == USE_VALUE and not self.tabular:
                continue
            count = uses.count(use)
            if count > 1 or (count == 0 and (self.tabular or use != USE_TIME)):
                self.add_error(None, message)
        if uses.count(USE_BREAKDOWN) > 1:
            self.add_error(
                None,
                _(
                    "En måling kan bare ha én inndeling. Velg «Filter» for de andre, så brukes "
                    "bare én kategori av dem."
                ),
            )
        if self.errors:
            return cleaned
        try:
            cleaned["mapping"] = Mapping(
                time=time_source,
                value=value_source,
                status=status_source,
                breakdowns=tuple(breakdowns),
                filters=tuple(filters),
            )
        except MappingError as error:
            self.add_error(None, str(error))
        return cleaned


def _initial_uses(
    dimensions: tuple[DimensionInfo, ...], mapping: Mapping | None
) -> dict[str, tuple[str, str, str]]:
    """Start from the chosen mapping, else from what the file says about itself."""
    result: dict[str, tuple[str, str, str]] = {}
    if mapping is not None:
        kinds = {b.source: b.kind.value for b in mapping.breakdowns}
        filters = mapping.filter_dict
        for d in dimensions:
            if d.id == mapping.time:
                use = USE_TIME
            elif d.id == mapping.value:
                use = USE_VALUE
            elif d.id == mapping.status:
                use = USE_STATUS
            elif d.id in kinds:
                use = USE_BREAKDOWN
            elif d.id in filters:
                use = USE_FILTER
            else:
                use = USE_IGNORE
            result[d.id] = (use, kinds.get(d.id, BreakdownKind.CUSTOM.value), filters.get(d.id, ""))
        return result
    for d in dimensions:
        kind = BreakdownKind.CUSTOM.value
        if d.role in {"time", "value", "status"}:
            use = d.role
        elif d.role == "geo":
            use, kind = USE_BREAKDOWN, BreakdownKind.REGION_COUNTY.value
        elif d.role == "metric" or d.size > 1 and d.role == "":
            use = USE_FILTER if d.role == "metric" else USE_IGNORE
        else:
            use = USE_IGNORE
        first = d.categories[0].code if d.categories and use == USE_FILTER else ""
        result[d.id] = (use, kind, first)
    return result


# --- Views ---------------------------------------------------------------------------------------


def indicator_for_import(code: str, token: str = "") -> Indicator:
    return get_object_or_404(Indicator, code=code)


def _crumbs(indicator: Indicator, last: str) -> list[tuple[str, str | None]]:
    return [
        (_("Forside"), reverse("publishing:home")),
        (_("Indikatorer"), reverse("publishing:indicator_list")),
        (indicator.code, indicator.get_absolute_url()),
        (_("Målinger"), reverse("editing:observation_list", args=[indicator.code])),
        (last, None),
    ]


def _staged_or_404(request: HttpRequest, indicator: Indicator, token: str) -> Staged:
    staged = load_staged(token, indicator, request.user)
    if staged is None:
        raise Http404(_("Fant ikke den opplastede filen. Den kan være slettet etter et døgn."))
    return staged


@permission_for("indicators.import_observations", lookup=indicator_for_import)
def import_upload(request: HttpRequest, indicator: Indicator) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        staged = stage_upload(
            indicator=indicator,
            user=request.user,
            data=upload.read(),
            filename=upload.name or "opplasting",
            source_name=form.cleaned_data["source_name"].strip(),
        )
        return redirect("editing:import_preview", code=indicator.code, token=staged.token)
    errors = [
        (form[name].auto_id if name != "__all__" else "upload-form", message)
        for name, messages_ in form.errors.items()
        for message in messages_
    ]
    return render(
        request,
        "editing/import_upload.html",
        {
            "indicator": indicator,
            "form": form,
            "errors": errors,
            "crumbs": _crumbs(indicator, _("Importer fra fil")),
        },
        status=200,
    )


@permission_for("indicators.import_observations", lookup=indicator_for_import)
def import_mapping(request: HttpRequest, indicator: Indicator) -> HttpResponse:
    token = request.resolver_match.kwargs["token"]  # type: ignore[union-attr]
    staged = _staged_or_404(request, indicator, token)
    data = staged.data()
    dimensions = parse_file(data, staged.file_format, None).dimensions
    current = staged.chosen_mapping()
    if current is None:
        stored = saved_mapping(indicator, staged.source_name)
        current = Mapping.from_dict(stored.mapping) if stored is not None else None
    form = MappingForm(
        request.POST or None,
        dimensions=dimensions,
        tabular=staged.file_format != FORMAT_JSONSTAT,
        initial_mapping=current,
    )
    if request.method == "POST" and form.is_valid():
        staged.mapping = form.cleaned_data["mapping"].to_dict()
        _save_meta(staged)
        return redirect("editing:import_preview", code=indicator.code, token=staged.token)
    errors = [
        (form[name].auto_id if name != "__all__" else "mapping-form", message)
        for name, messages_ in form.errors.items()
        for message in messages_
    ]
    return render(
        request,
        "editing/import_mapping.html",
        {
            "indicator": indicator,
            "staged": staged,
            "form": form,
            "errors": errors,
            "no_dimensions": not dimensions,
            "crumbs": _crumbs(indicator, _("Oppsett for import")),
        },
    )


@permission_for("indicators.import_observations", lookup=indicator_for_import)
def import_preview(request: HttpRequest, indicator: Indicator) -> HttpResponse:
    token = request.resolver_match.kwargs["token"]  # type: ignore[union-attr]
    staged = _staged_or_404(request, indicator, token)
    try:
        chosen = staged.chosen_mapping()
    except MappingError:
        chosen = None
    has_saved = saved_mapping(indicator, staged.source_name) is not None
    dry_run = request.method != "POST"
    report = indicator_observations_import(
        indicator=indicator,
        data=staged.data(),
        filename=staged.filename,
        file_format=staged.file_format,
        mapping=chosen,
        source_name=staged.source_name or None,
        user=request.user,
        dry_run=dry_run,
    )
    mapping_url = reverse("editing:import_mapping", args=[indicator.code, staged.token])
    if dry_run and report.read_failed and chosen is None and not has_saved and report.dimensions:
        # The file needs decisions about its columns before it can be read at all.
        return redirect(mapping_url)
    if not dry_run and report.ok:
        discard_upload(staged.token)
        messages.success(request, _import_message(report))
        return redirect("editing:observation_list", code=indicator.code)
    return render(
        request,
        "editing/import_preview.html",
        {
            "indicator": indicator,
            "staged": staged,
            "report": report,
            "changed": report.changed[:PREVIEW_ROWS],
            "created": report.created[:PREVIEW_ROWS],
            "more_changed": max(0, report.changed_count - PREVIEW_ROWS),
            "more_created": max(0, report.created_count - PREVIEW_ROWS),
            "errors": [("problems", str(problem)) for problem in report.problems],
            "mapping_url": mapping_url,
            "upload_url": reverse("editing:import_upload", args=[indicator.code]),
            "crumbs": _crumbs(indicator, _("Kontroller importen")),
        },
        status=200 if report.ok or dry_run else 422,
    )


def _import_message(report: ImportReport) -> str:
    if not report.has_changes:
        return _("Ingen endringer: alle %(n)s målingene i filen var allerede lagret.") % {
            "n": report.unchanged_count
        }
    return _(
        "Importert fra «%(file)s»: %(created)s nye, %(changed)s endrede og %(unchanged)s "
        "uendrede målinger."
    ) % {
        "file": report.filename,
        "created": report.created_count,
        "changed": report.changed_count,
        "unchanged": report.unchanged_count,
    }
