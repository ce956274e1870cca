"""A round's status reports as an Excel sheet, and bulk update by uploading the same sheet.

Export: one row per report the user may see (the secretariat: all; a reporter: their organisations'
reports). Columns A and B are hidden and hold the report's id and the version it had when the sheet
was made; a hidden sheet names the round. Text that a spreadsheet would run as a formula gets a
leading apostrophe (``retning.indicators.exports.neutralise``), which the import takes off again,
so an untouched sheet reads back exactly as it was written.

Import: the file is checked before openpyxl parses it (size limit ``RETNING_MAX_IMPORT_BYTES``,
zip-bomb checks of ``check_xlsx_archive``); openpyxl reads it read-only and, with defusedxml
installed, refuses XML entity tricks. Every row is validated and every problem is reported with its
row number; if there is any problem, nothing is imported. A row whose report has been saved since
the sheet was exported is a conflict: nobody's newer text is overwritten. Applying runs in one
transaction through ``versioned_save``, so a save that lands between preview and confirm is caught
as well.
"""

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from retning.editing.services import RecordGone, StaleVersion, versioned_save
from retning.indicators.exports import neutralise
from retning.indicators.formats.tabular import check_xlsx_archive

from . import workflow
from .models import Rating, ReportEvent, ReportingRound, StatusReport
from .portfolio import SHORT_RATING_LABELS
from .portfolio_rules import round_is_locked

logger = logging.getLogger(__name__)

SHEET_TITLE = "Statusrapporter"
META_SHEET_TITLE = "retning"
META_MARKER = "retning-statusrapporter"
MAX_ROWS = 5000
MAX_TEXT = 20_000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

RATING_FIELDS = ("overall", "schedule", "cost", "scope", "benefits")
TEXT_FIELDS = ("narrative", "decisions_needed")
EDITABLE_FIELDS = RATING_FIELDS + TEXT_FIELDS

# (field, heading, width); the order is the column order, A first.
COLUMNS: tuple[tuple[str, Any, int], ...] = (
    ("id", gettext_lazy("Rapport-ID (ikke endre)"), 10),
    ("version", gettext_lazy("Versjon (ikke endre)"), 10),
    ("external_id", gettext_lazy("Leveranse-ID"), 20),
    ("initiative", gettext_lazy("Initiativ"), 45),
    ("organisation", gettext_lazy("Rapporterende aktør"), 24),
    ("state", gettext_lazy("Tilstand"), 14),
    ("overall", gettext_lazy("Samlet status"), 14),
    ("schedule", gettext_lazy("Framdrift"), 12),
    ("cost", gettext_lazy("Kostnad"), 12),
    ("scope", gettext_lazy("Omfang"), 12),
    ("benefits", gettext_lazy("Gevinster"), 12),
    ("narrative", gettext_lazy("Beskrivelse av status"), 60),
    ("decisions_needed", gettext_lazy("Beslutninger som trengs fra rådet"), 45),
)
COLUMN_INDEX = {name: position for position, (name, _heading, _width) in enumerate(COLUMNS)}
FIELD_LABELS = {name: heading for name, heading, _width in COLUMNS}


def _letter(name: str) -> str:
    return chr(ord("A") + COLUMN_INDEX[name])


# --- who sees which reports ---------------------------------------------------------------------


def is_secretariat(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_secretariat or user.is_superuser))


def reports_for_user(reporting_round: ReportingRound, user: Any) -> QuerySet[StatusReport]:
    """The round's reports ``user`` answers for: all for the secretariat, else their organisations'."""
    reports = StatusReport.objects.filter(round=reporting_round).select_related(
        "initiative", "organisation"
    )
    if not is_secretariat(user):
        reports = reports.filter(organisation__in=user.reporter_for.all())
    return reports.order_by("initiative__external_id")


# --- export -------------------------------------------------------------------------------------


def _rating_text(value: str) -> str:
    return str(SHORT_RATING_LABELS[value]) if value in SHORT_RATING_LABELS else ""


def _cell_text(text: str) -> str:
    return neutralise(text.replace("\r\n", "\n"))


def export_workbook(reporting_round: ReportingRound, user: Any) -> bytes:
    """The sheet of ``reporting_round`` for ``user``, as XLSX bytes."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append([str(heading) for _name, heading, _width in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for report in reports_for_user(reporting_round, user):
        organisation = report.organisation
        sheet.append(
            [
                report.pk,
                report.version,
                _cell_text(report.initiative.external_id),
                _cell_text(report.initiative.title),
                _cell_text((organisation.short_name or organisation.name) if organisation else ""),
                str(StatusReport.State(report.state).label),
                *(_rating_text(getattr(report, name)) for name in RATING_FIELDS),
                _cell_text(report.narrative),
                _cell_text(report.decisions_needed),
            ]
        )
    last_row = max(sheet.max_row, 2)
    for name, _heading, width in COLUMNS:
        sheet.column_dimensions[_letter(name)].width = width
    for name in ("id", "version"):
        sheet.column_dimensions[_letter(name)].hidden = True
    wrap = Alignment(wrap_text=True, vertical="top")
    for name in ("initiative", *TEXT_FIELDS):
        for (cell,) in sheet.iter_rows(
            min_row=2, min_col=COLUMN_INDEX[name] + 1, max_col=COLUMN_INDEX[name] + 1
        ):
            cell.alignment = wrap
    choices = ",".join(str(SHORT_RATING_LABELS[r.value]) for r in Rating)
    validation = DataValidation(
        type="list",
        formula1=f'"{choices}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Ugyldig status"),
        error=_("Velg Grønn, Gul eller Rød, eller la cellen stå tom."),
    )
    sheet.add_data_validation(validation)
    validation.add(f"{_letter('overall')}2:{_letter('benefits')}{last_row + 500}")
    sheet.freeze_panes = "D2"

    meta = book.create_sheet(META_SHEET_TITLE)
    meta.append([META_MARKER, reporting_round.pk, _cell_text(reporting_round.label)])
    meta.sheet_state = "hidden"

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_filename(reporting_round: ReportingRound) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in reporting_round.label).strip("-")
    return f"statusrapporter-{safe or reporting_round.pk}.xlsx"


# --- import -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class RowChange:
    row: int
    report: StatusReport
    version: int
    values: dict[str, str]
    changes: list[FieldChange]
    new_state: str

    @property
    def title(self) -> str:
        return self.report.initiative.title


@dataclass
class SheetPlan:
    problems: list[str] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)


class _Conflict(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _rating_words() -> dict[str, str]:
    """Every spelling of a rating the import accepts, case-insensitive, to its stored value."""
    words: dict[str, str] = {}
    for language in ("nb", "en"):
        with translation.override(language):
            for rating in Rating:
                words[str(SHORT_RATING_LABELS[rating.value]).casefold()] = rating.value
                words[str(rating.label).casefold()] = rating.value
    for rating in Rating:
        words[rating.value] = rating.value
    return words


def size_problem(size: int) -> str | None:
    limit = settings.RETNING_MAX_IMPORT_BYTES
    if size <= limit:
        return None
    return _(
        "Filen er for stor (%(size)s). Største tillatte størrelse er %(limit)s. "
        "Last ned arket på nytt og fyll ut det."
    ) % {"size": _megabytes(size), "limit": _megabytes(limit)}


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def _clean_text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value) if not isinstance(value, float) or not value.is_integer() else str(int(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Take off the apostrophe the export put in front of formula-like text.
    if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
        text = text[1:]
    return text.strip()


def _same_text(stored: str, new: str) -> bool:
    return stored.replace("\r\n", "\n").strip() == new


def _read_rows(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[Any]]] | None, Any]:
    """Open the workbook; problems are whole-file problems (nothing could be read)."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors for damaged or hostile files.
        return (
            [
                _(
                    "Filen kunne ikke åpnes som Excel-fil (.xlsx). Den kan være skadet; last ned "
                    "arket på nytt fra Retning."
                )
            ],
            None,
            None,
        )
    if SHEET_TITLE not in book.sheetnames:
        book.close()
        return (
            [
                _(
                    "Filen har ikke arket «%(sheet)s». Bruk arket du lastet ned fra Retning for "
                    "denne runden."
                )
                % {"sheet": SHEET_TITLE}
            ],
            None,
            None,
        )
    sheet = book[SHEET_TITLE]
    sheet.reset_dimensions()

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for number, cells in enumerate(sheet.iter_rows(min_row=1, max_col=len(COLUMNS)), start=1):
            yield number, list(cells)

    return [], rows(), book


def _meta_round_id(book: Any) -> int | None:
    if META_SHEET_TITLE not in book.sheetnames:
        return None
    for row in book[META_SHEET_TITLE].iter_rows(min_row=1, max_row=1, values_only=True):
        if row and row[0] == META_MARKER and isinstance(row[1], int):
            return row[1]
    return None


def _whole_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def plan_import(reporting_round: ReportingRound, user: Any, data: bytes) -> SheetPlan:
    """Validate an uploaded sheet against the stored reports; change nothing."""
    plan = SheetPlan()
    problem = size_problem(len(data))
    if problem is None:
        problem = check_xlsx_archive(data)
    if problem is not None:
        plan.problems.append(problem)
        return plan
    secretariat = is_secretariat(user)
    if not secretariat and round_is_locked(reporting_round):
        plan.problems.append(
            _("Runden %(round)s er låst. Bare sekretariatet kan endre rapportene nå.")
            % {"round": reporting_round.label}
        )
        return plan
    problems, rows, book = _read_rows(data)
    if rows is None:
        plan.problems.extend(problems)
        return plan
    try:
        meta_round = _meta_round_id(book)
        if meta_round is not None and meta_round != reporting_round.pk:
            other = ReportingRound.objects.filter(pk=meta_round).first()
            plan.problems.append(
                _(
                    "Arket er lastet ned for runden %(other)s, ikke for %(round)s. Last opp arket "
                    "for riktig runde."
                )
                % {"other": other.label if other else meta_round, "round": reporting_round.label}
            )
            return plan
        _plan_rows(plan, reporting_round, user, secretariat, rows)
    except _TooManyRows:
        plan.problems.append(_("Arket har mer enn %(max)s rader. Del det opp.") % {"max": MAX_ROWS})
    except Exception:  # A sheet can be damaged further in than the workbook header.
        logger.exception("Could not read an uploaded report sheet")
        plan.problems.append(
            _("Arket kunne ikke leses helt; filen er trolig skadet. Last ned arket på nytt.")
        )
    finally:
        book.close()
    if plan.problems:
        plan.changes = []
    return plan


class _TooManyRows(Exception):
    pass


def _plan_rows(
    plan: SheetPlan,
    reporting_round: ReportingRound,
    user: Any,
    secretariat: bool,
    rows: Iterator[tuple[int, list[Any]]],
) -> None:
    ratings = _rating_words()
    parsed: list[tuple[int, int | None, int | None, dict[str, str], list[str]]] = []
    header_seen = False
    for number, cells in rows:
        if number > MAX_ROWS + 1:
            raise _TooManyRows()
        if not header_seen:
            header_seen = True
            continue
        values = [cell.value if cell is not None else None for cell in cells]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        row_problems: list[str] = []
        for cell in cells:
            if getattr(cell, "data_type", None) == "f":
                row_problems.append(
                    _(
                        "Rad %(row)s, celle %(cell)s: cellen inneholder en formel. Skriv inn "
                        "teksten eller statusen direkte."
                    )
                    % {"row": number, "cell": cell.coordinate}
                )
        values += [None] * (len(COLUMNS) - len(values))
        report_id = _whole_int(values[COLUMN_INDEX["id"]])
        version = _whole_int(values[COLUMN_INDEX["version"]])
        if report_id is None or version is None:
            row_problems.append(
                _(
                    "Rad %(row)s: rapport-ID eller versjon mangler (de skjulte kolonnene A og B). "
                    "Nye rader kan ikke legges til i arket, og de skjulte kolonnene må stå "
                    "urørt."
                )
                % {"row": number}
            )
        new_values: dict[str, str] = {}
        for name in RATING_FIELDS:
            text = _clean_text(values[COLUMN_INDEX[name]])
            if not text:
                new_values[name] = ""
            elif text.casefold() in ratings:
                new_values[name] = ratings[text.casefold()]
            else:
                row_problems.append(
                    _(
                        "Rad %(row)s, kolonne %(column)s (%(label)s): «%(value)s» er ikke en "
                        "gyldig status. Bruk Grønn, Gul eller Rød, eller la cellen stå tom."
                    )
                    % {
                        "row": number,
                        "column": _letter(name),
                        "label": FIELD_LABELS[name],
                        "value": text[:40],
                    }
                )
        for name in TEXT_FIELDS:
            text = _clean_text(values[COLUMN_INDEX[name]])
            if len(text) > MAX_TEXT:
                row_problems.append(
                    _(
                        "Rad %(row)s, kolonne %(column)s (%(label)s): teksten er lengre enn "
                        "%(max)s tegn."
                    )
                    % {
                        "row": number,
                        "column": _letter(name),
                        "label": FIELD_LABELS[name],
                        "max": MAX_TEXT,
                    }
                )
            new_values[name] = text
        parsed.append((number, report_id, version, new_values, row_problems))

    ids = [report_id for _n, report_id, _v, _vals, _p in parsed if report_id is not None]
    reports = {
        report.pk: report
        for report in StatusReport.objects.filter(round=reporting_round, pk__in=ids).select_related(
            "initiative", "organisation"
        )
    }
    locked = round_is_locked(reporting_round)
    own = set() if secretariat else set(user.reporter_for.values_list("pk", flat=True))
    first_row: dict[int, int] = {}
    for number, report_id, version, new_values, row_problems in parsed:
        plan.problems.extend(row_problems)
        if row_problems or report_id is None or version is None:
            continue
        if report_id in first_row:
            plan.problems.append(
                _("Rad %(row)s: rapporten står også i rad %(first)s. Ta den bare med én gang.")
                % {"row": number, "first": first_row[report_id]}
            )
            continue
        first_row[report_id] = number
        report = reports.get(report_id)
        if report is None:
            plan.problems.append(
                _(
                    "Rad %(row)s: rapporten med ID %(id)s finnes ikke i runden %(round)s. Last "
                    "ned arket på nytt."
                )
                % {"row": number, "id": report_id, "round": reporting_round.label}
            )
            continue
        if not secretariat and report.organisation_id not in own:
            organisation = report.organisation
            plan.problems.append(
                _(
                    "Rad %(row)s: du rapporterer ikke for %(organisation)s, så du kan ikke endre "
                    "rapporten for «%(initiative)s»."
                )
                % {
                    "row": number,
                    "organisation": (organisation.name if organisation else _("en annen aktør")),
                    "initiative": report.initiative.title,
                }
            )
            continue
        if report.version != version:
            plan.problems.append(
                _(
                    "Rad %(row)s: rapporten for «%(initiative)s» er endret av noen andre etter at "
                    "arket ble lastet ned (versjon %(old)s, nå %(new)s). Ingenting er "
                    "overskrevet; last ned arket på nytt og før inn endringene dine der."
                )
                % {
                    "row": number,
                    "initiative": report.initiative.title,
                    "old": version,
                    "new": report.version,
                }
            )
            continue
        changes = [
            FieldChange(
                field=name,
                label=str(FIELD_LABELS[name]),
                old=(
                    _rating_text(getattr(report, name))
                    if name in RATING_FIELDS
                    else getattr(report, name)
                ),
                new=_rating_text(new_values[name]) if name in RATING_FIELDS else new_values[name],
            )
            for name in EDITABLE_FIELDS
            if not _same_text(getattr(report, name), new_values[name])
        ]
        if not changes:
            plan.unchanged += 1
            continue
        try:
            new_state = workflow.check(
                report.state, workflow.Step.SAVE, secretariat=secretariat, locked=locked
            )
        except workflow.TransitionError as refusal:
            plan.problems.append(
                _("Rad %(row)s (%(initiative)s): %(reason)s")
                % {"row": number, "initiative": report.initiative.title, "reason": refusal}
            )
            continue
        plan.changes.append(RowChange(number, report, version, new_values, changes, str(new_state)))


def apply_import(reporting_round: ReportingRound, user: Any, data: bytes) -> SheetPlan:
    """Validate again and save every changed row, all or nothing."""
    try:
        with transaction.atomic():
            plan = plan_import(reporting_round, user, data)
            if not plan.ok:
                return plan
            for change in plan.changes:
                report = change.report
                for name in EDITABLE_FIELDS:
                    setattr(report, name, change.values[name])
                report.state = change.new_state
                report.updated_by = user
                try:
                    versioned_save(
                        report,
                        expected_version=change.version,
                        user=user,
                        reason=_("Oppdatert fra regneark"),
                    )
                except StaleVersion as error:
                    raise _Conflict(
                        _(
                            "Rad %(row)s: rapporten for «%(initiative)s» ble endret av noen andre "
                            "mens du kontrollerte arket (nå versjon %(new)s). Ingenting er "
                            "importert."
                        )
                        % {
                            "row": change.row,
                            "initiative": change.title,
                            "new": error.current.version,
                        }
                    ) from error
                except RecordGone as error:
                    raise _Conflict(
                        _("Rad %(row)s: rapporten er slettet. Ingenting er importert.")
                        % {"row": change.row}
                    ) from error
                ReportEvent.objects.create(
                    report=report,
                    action=ReportEvent.Action.SAVED,
                    actor=user,
                    comment=_("Oppdatert fra regneark"),
                )
            plan.applied = True
            return plan
    except _Conflict as conflict:
        return SheetPlan(problems=[conflict.message])
