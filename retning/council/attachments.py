"""Case attachments: which files are accepted, and how they are stored and named.

A file is accepted by what it contains, never by its name: a PDF starts with ``%PDF-``; DOCX and
XLSX are ZIP packages with the parts Word and Excel need. Files are stored under MEDIA_ROOT with a
generated name, written to a temporary file first and renamed into place, so a full disk never
leaves half a file behind.
"""

import errno
import hashlib
import io
import re
import unicodedata
import uuid
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from retning.lib.files import write_atomically

from .models import Case, CaseAttachment

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
SUBDIR = Path("council") / "attachments"
CONTENT_TYPES = {
    CaseAttachment.Kind.PDF: "application/pdf",
    CaseAttachment.Kind.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    CaseAttachment.Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_OOXML_PARTS = {
    CaseAttachment.Kind.DOCX: "word/document.xml",
    CaseAttachment.Kind.XLSX: "xl/workbook.xml",
}


def max_bytes() -> int:
    return int(getattr(settings, "RETNING_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_BYTES))


def sniff_kind(data: bytes) -> str | None:
    """The kind of document ``data`` is, judged by its content; None if it is none we accept."""
    if data.startswith(b"%PDF-"):
        return CaseAttachment.Kind.PDF
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for kind, part in _OOXML_PARTS.items():
        if part in names:
            return kind
    return None


def display_name(client_name: str, kind: str) -> str:
    """The client's file name without any folders or odd characters, ending in the right suffix."""
    name = re.split(r"[\\/]", client_name or "")[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in {"C", "Z"} or ch == " ")
    name = re.sub(r"[^\w .,()\-]", "_", name).strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem[:150] or "vedlegg"
    return f"{stem}.{kind}"


def media_path(stored_name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / SUBDIR / stored_name


def attachment_add(
    *, case: Case, data: bytes, client_name: str, user: Any = None
) -> CaseAttachment:
    """Check, store and record one attachment; on any problem nothing is kept."""
    limit = max_bytes()
    if len(data) > limit:
        raise ValidationError(
            f"Filen er for stor ({len(data):,} byte). Største tillatte størrelse er "
            f"{limit:,} byte.".replace(",", " "),
            code="too_large",
        )
    if not data:
        raise ValidationError("Filen er tom.", code="empty")
    kind = sniff_kind(data)
    if kind is None:
        raise ValidationError(
            "Bare PDF-, Word- (DOCX) og Excel-filer (XLSX) kan legges ved. Innholdet i filen "
            "passer ikke med noen av dem.",
            code="bad_type",
        )
    stored_name = f"{uuid.uuid4().hex}.{kind}"
    path = media_path(stored_name)
    try:
        write_atomically(path, data)
    except OSError as error:
        reason = (
            "Det er ikke plass til filen på serveren."
            if error.errno == errno.ENOSPC
            else "Filen kunne ikke lagres på serveren."
        )
        raise ValidationError(
            f"{reason} Ingenting ble lagret; prøv igjen senere eller kontakt sekretariatet.",
            code="storage",
        ) from error
    try:
        with transaction.atomic():
            return CaseAttachment.objects.create(
                case=case,
                display_name=display_name(client_name, kind),
                stored_name=stored_name,
                kind=kind,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                uploaded_by=user if getattr(user, "is_authenticated", False) else None,
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
