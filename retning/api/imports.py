"""Importing a file of observations through the API: the same service, rules and report as the UI.

The file is either the whole request body (JSON-stat as application/json, CSV as text/csv, XLSX as
its spreadsheet media type) with options in the query string, or a multipart form with the file
in ``file`` and the options as form fields. Problems in the file give 422 and write nothing.
"""

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema, Status

from retning.indicators.formats import Mapping, MappingError
from retning.indicators.services import (
    FILE_FORMATS,
    ImportReport,
    indicator_observations_import,
    size_problem,
)

from .problems import VALIDATION, ApiProblem, FieldProblem, Text
from .read import router
from .write import (
    _INDICATOR_EDITORS,
    ERRORS,
    THROTTLE,
    TOKEN,
    Subject,
    _indicator_get,
    _require,
    _user,
)

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_IMPORT = Text("lese inn målinger for", "import observations into")
_FORMAT_BY_MEDIA_TYPE = {
    "application/json": "jsonstat",
    "text/csv": "csv",
    XLSX_MEDIA_TYPE: "xlsx",
}
_TRUE = frozenset({"1", "true", "yes", "ja", "on"})


class ObservationChangeOut(Schema):
    period: str
    breakdown_dimension: str
    breakdown_value: str
    old_value: float | None
    old_status: str
    new_value: float | None
    new_status: str


class NewObservationOut(Schema):
    period: str
    breakdown_dimension: str
    breakdown_value: str
    value: float | None
    status: str


class ImportOut(Schema):
    indicator: str
    filename: str
    file_format: str
    sha256: str = Field(description="SHA-256 av filen, slik den er lagret på importen.")
    dry_run: bool = Field(description="Sann når ingenting er lagret (prøvekjøring).")
    batch: int | None = Field(
        None, description="Importens id; tom ved prøvekjøring eller når ingenting endret seg."
    )
    created: int
    changed: int
    unchanged: int
    mapping: dict[str, Any] | None
    changes: list[ObservationChangeOut]
    new_observations: list[NewObservationOut]


_REQUEST_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "mapping": {"type": "string", "description": "Oppsettet som JSON."},
                    "source": {"type": "string"},
                    "dry_run": {"type": "boolean"},
                },
            }
        },
        "application/json": {"schema": {"type": "object", "description": "JSON-stat 2.0"}},
        "text/csv": {"schema": {"type": "string"}},
        # XLSX: its own media type is accepted too, but tools handle octet-stream better.
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
    },
}


def _invalid(message: str, field: str = "", location: str = "body") -> ApiProblem:
    text = Text(
        "Filen kan ikke leses inn. Se «errors» for hva som er galt. Ingenting er lagret.",
        "The file cannot be imported. See 'errors' for what is wrong. Nothing was saved.",
    )
    return ApiProblem(VALIDATION, text, errors=[FieldProblem(location, field, message)])


def _read_upload(request: HttpRequest) -> tuple[bytes, str, str, dict[str, str]]:
    """The file's bytes, name and format (empty to detect), and the options sent with it."""
    limit = settings.RETNING_MAX_IMPORT_BYTES
    media_type = request.content_type or ""
    options = {
        key: request.GET.get(key, "") for key in ("filename", "source", "mapping", "dry_run")
    }
    if media_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise _invalid("Send filen i feltet «file».", "file")
        for key in ("source", "mapping", "dry_run"):
            options[key] = request.POST.get(key, options[key])
        too_big = size_problem(upload.size or 0)
        if too_big is not None:
            raise _invalid(too_big.message_nb, "file")
        return upload.read(), options["filename"] or upload.name or "", "", options
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    too_big = size_problem(declared)
    if too_big is not None:
        raise _invalid(too_big.message_nb)
    # Read the stream rather than request.body, whose own limit is far below an import's.
    data = request.read(limit + 1)
    return data, options["filename"], _FORMAT_BY_MEDIA_TYPE.get(media_type, ""), options


def _mapping(raw: str) -> Mapping | None:
    if not raw:
        return None
    try:
        return Mapping.from_dict(json.loads(raw))
    except json.JSONDecodeError as error:
        raise _invalid(
            f"Oppsettet er ikke gyldig JSON: {error.msg}.", "mapping", "query"
        ) from error
    except MappingError as error:
        raise _invalid(str(error), "mapping", "query") from error


def _decimal(value: Any) -> float | None:
    return None if value is None else float(value)


def _out(report: ImportReport) -> dict[str, Any]:
    return {
        "indicator": report.indicator_code,
        "filename": report.filename,
        "file_format": report.file_format,
        "sha256": report.sha256,
        "dry_run": report.dry_run,
        "batch": report.batch_id,
        "created": report.created_count,
        "changed": report.changed_count,
        "unchanged": report.unchanged_count,
        "mapping": report.mapping.to_dict() if report.mapping is not None else None,
        "changes": [
            {
                "period": c.period,
                "breakdown_dimension": c.breakdown_dimension,
                "breakdown_value": c.breakdown_value,
                "old_value": _decimal(c.old_value),
                "old_status": c.old_status,
                "new_value": _decimal(c.new_value),
                "new_status": c.new_status,
            }
            for c in report.changed
        ],
        "new_observations": [
            {
                "period": n.period,
                "breakdown_dimension": n.breakdown_dimension,
                "breakdown_value": n.breakdown_value,
                "value": _decimal(n.value),
                "status": n.status,
            }
            for n in report.created
        ],
    }


def _problems(report: ImportReport) -> ApiProblem:
    text = Text(
        "Filen har {count} feil. Ingenting er lagret. Se «errors» for rad, celle og hva som er "
        "galt.",
        "The file has {count} problems. Nothing was saved. See 'errors' for the row, the cell "
        "and what is wrong (in Norwegian).",
    )
    errors = [
        FieldProblem(
            "file",
            ", ".join(
                part
                for part in (
                    f"rad {problem.row}" if problem.row is not None else "",
                    problem.cell or "",
                )
                if part
            ),
            problem.message_nb,
        )
        for problem in report.problems
    ]
    return ApiProblem(
        VALIDATION,
        text,
        {"count": len(report.problems)},
        errors=errors,
        extra={
            "problems": [
                {"row": p.row, "cell": p.cell, "detail": p.message_nb} for p in report.problems
            ]
        },
    )


@router.post(
    "/indicators/{code}/imports",
    auth=TOKEN,
    throttle=THROTTLE,
    response={201: ImportOut, 200: ImportOut, **ERRORS},
    operation_id="importObservations",
    summary="Lese inn målinger fra en fil",
    tags=["Indikatorer"],
    openapi_extra={"requestBody": _REQUEST_BODY},
)
def import_observations(request: HttpRequest, response: HttpResponse, code: str) -> Status[Any]:
    """Les inn en fil (JSON-stat, CSV eller XLSX) med målinger for indikatoren.

    Send filen som hele innholdet (med `filename`, `source`, `mapping` og `dry_run` i
    spørrestrengen) eller som skjema (multipart) med feltet `file`. `mapping` er oppsettet som
    JSON; uten det brukes oppsettet som er lagret for `source`. Svaret er 201 når noe er lagret,
    200 ved prøvekjøring eller når alt allerede var lagret, og 422 med alle feil når filen ikke
    kan leses inn; da er ingenting lagret.
    """
    indicator = _indicator_get(code)
    subject = Subject(
        Text("indikatoren {id}", "indicator {id}"), _INDICATOR_EDITORS, indicator.code
    )
    _require(request, "indicators.import_observations", indicator, _IMPORT, subject)
    data, filename, file_format, options = _read_upload(request)
    mapping = _mapping(options["mapping"])
    report = indicator_observations_import(
        indicator=indicator,
        data=data,
        filename=filename or f"api-import.{file_format or 'dat'}",
        file_format=file_format if file_format in FILE_FORMATS else "",
        mapping=mapping,
        source_name=options["source"].strip() or None,
        user=_user(request),
        dry_run=options["dry_run"].strip().casefold() in _TRUE,
    )
    if not report.ok:
        raise _problems(report)
    return Status(201 if report.written else 200, _out(report))
