"""Attachments: accepted by content, limited in size, stored under a generated name, written
atomically, and served only to those who may read the case."""

import datetime
import errno
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from retning.council import attachments, services
from retning.council.attachments import attachment_add, display_name, sniff_kind
from retning.council.models import Body, Case, CaseAttachment
from retning.lib import files

from .conftest import meeting_on, propose

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored_files(media: Path) -> list[Path]:
    folder = media / attachments.SUBDIR
    return sorted(folder.iterdir()) if folder.exists() else []


def test_kinds_are_recognised_by_content_not_by_name() -> None:
    assert sniff_kind(PDF) == "pdf"
    assert sniff_kind(_ooxml("word/document.xml")) == "docx"
    assert sniff_kind(_ooxml("xl/workbook.xml")) == "xlsx"
    assert sniff_kind(_ooxml("ppt/presentation.xml")) is None
    assert sniff_kind(b"PK\x03\x04 not really a zip") is None
    assert sniff_kind(b"<html><script>alert(1)</script>") is None
    assert sniff_kind(b"MZ\x90\x00") is None


def test_the_client_name_is_only_a_cleaned_display_name() -> None:
    assert display_name("C:\\Users\\kari\\Budsjett 2026.pdf", "pdf") == "Budsjett 2026.pdf"
    assert display_name("../../etc/passwd", "docx") == "passwd.docx"
    assert display_name("rapport.exe", "pdf") == "rapport.pdf"
    assert display_name("", "xlsx") == "vedlegg.xlsx"
    assert "\n" not in display_name("a\nb.pdf", "pdf")


def test_an_accepted_file_gets_a_generated_name(nuit: Body, media: Path) -> None:
    case = propose(nuit)
    attachment = attachment_add(case=case, data=PDF, client_name="../hemmelig/notat.pdf")
    [stored] = _stored_files(media)
    assert stored.name == attachment.stored_name and "notat" not in stored.name
    assert stored.read_bytes() == PDF
    assert attachment.display_name == "notat.pdf" and attachment.kind == "pdf"


def test_a_file_of_another_kind_is_refused_whatever_its_name(nuit: Body, media: Path) -> None:
    case = propose(nuit)
    with pytest.raises(ValidationError) as error:
        attachment_add(case=case, data=b"#!/bin/sh\nrm -rf /\n", client_name="innkalling.pdf")
    assert "Bare PDF" in error.value.messages[0]
    assert not CaseAttachment.objects.exists() and _stored_files(media) == []


def test_the_size_limit_comes_from_settings(nuit: Body, media: Path, settings: Any) -> None:
    case = propose(nuit)
    settings.RETNING_MAX_ATTACHMENT_BYTES = len(PDF) - 1
    with pytest.raises(ValidationError) as error:
        attachment_add(case=case, data=PDF, client_name="a.pdf")
    assert "for stor" in error.value.messages[0]
    del settings.RETNING_MAX_ATTACHMENT_BYTES
    assert attachments.max_bytes() == 10 * 1024 * 1024
    attachment_add(case=case, data=PDF, client_name="a.pdf")


def test_a_full_disk_leaves_nothing_behind(
    nuit: Body, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = propose(nuit)
    real_fdopen = files.os.fdopen

    class FullDisk(io.RawIOBase):
        def __init__(self, handle: int) -> None:
            self.inner = real_fdopen(handle, "wb")

        def write(self, data: Any) -> int:
            self.inner.write(bytes(data)[:5])  # a little gets written before the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self) -> None:
            self.inner.close()

    monkeypatch.setattr(files.os, "fdopen", lambda handle, mode: FullDisk(handle))
    with pytest.raises(ValidationError) as error:
        attachment_add(case=case, data=PDF, client_name="a.pdf")
    assert (
        "ikke plass" in error.value.messages[0]
        and "Ingenting ble lagret" in error.value.messages[0]
    )
    assert not CaseAttachment.objects.exists()
    assert _stored_files(media) == []  # neither the file nor its temporary copy


def test_a_full_disk_during_the_upload_page_shows_a_norwegian_message(
    nuit: Body, media: Path, monkeypatch: pytest.MonkeyPatch, secretary: Any
) -> None:
    case = propose(nuit)

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(attachments, "write_atomically", full)
    client = Client()
    client.force_login(secretary)
    response = client.post(
        reverse("council:attachment_upload", args=[case.pk]),
        {"attachment": SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 200
    assert "Det er ikke plass til filen på serveren" in response.content.decode()
    assert not CaseAttachment.objects.exists()


def test_downloads_have_the_right_headers(nuit: Body, media: Path) -> None:
    case = propose(nuit)
    services.case_schedule(case=case, meeting=meeting_on(nuit, datetime.date(2026, 6, 1)))
    docx = attachment_add(case=case, data=_ooxml("word/document.xml"), client_name="Notat.docx")
    response = Client().get(reverse("council:attachment_download", args=[case.pk, docx.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == attachments.CONTENT_TYPES["docx"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Notat.docx" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    other = propose(nuit, "Annen sak")
    wrong = reverse("council:attachment_download", args=[other.pk, docx.pk])
    assert Client().get(wrong).status_code == 404


def test_a_reporter_attaches_to_their_own_proposal_only(
    nuit: Body, media: Path, django_user_model: Any, seeded: None
) -> None:
    from retning.actors.models import Organisation

    reporter = django_user_model.objects.create_user(username="r", password="x" * 16)
    reporter.reporter_for.add(Organisation.objects.first())
    own = propose(nuit, "Egen", proposed_by=reporter)
    other = propose(nuit, "Annen")
    client = Client()
    client.force_login(reporter)
    upload = SimpleUploadedFile("a.pdf", PDF)
    url = reverse("council:attachment_upload", args=[own.pk])
    assert client.post(url, {"attachment": upload}).status_code == 302
    assert client.get(reverse("council:attachment_upload", args=[other.pk])).status_code == 403
    assert Case.objects.get(pk=own.pk).attachments.count() == 1
