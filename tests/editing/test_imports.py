"""Importing a file through the editing pages: upload, mapping, preview, confirm."""

import os
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from retning.indicators.models import ImportBatch, ImportMapping, Observation

from .conftest import People, Scene, client_for
from .html_forms import form_data

FIXTURES = Path(__file__).parent.parent / "fixtures" / "indicators"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _staged_files(media: Path) -> list[Path]:
    directory = media / "imports"
    return sorted(directory.iterdir()) if directory.is_dir() else []


def _upload(client: Any, code: str, data: bytes, name: str, source: str = "") -> Any:
    return client.post(
        reverse("editing:import_upload", args=[code]),
        {"file": SimpleUploadedFile(name, data), "source_name": source},
    )


def _headline_csv(scene: Scene) -> tuple[bytes, Observation]:
    """A file that changes one stored headline value and adds a period far in the future."""
    existing = (
        Observation.objects.filter(indicator=scene.indicator, breakdown_dimension="")
        .exclude(value=None)
        .order_by("period_start")
        .first()
    )
    assert existing is not None
    changed = existing.value + Decimal("1.5")
    data = f"periode;verdi;status\n{existing.period};{changed};\n2030;77;p\n".encode()
    return data, existing


def test_a_reporter_uploads_maps_previews_and_imports_a_csv_file(
    scene: Scene, people: People, _media: Path
) -> None:
    client = client_for(people.reporter_own)
    data, existing = _headline_csv(scene)
    old_value = existing.value

    uploaded = _upload(client, scene.indicator.code, data, "tall.csv", source="Testkilde")
    assert uploaded.status_code == 302
    preview_url = uploaded["Location"]
    # Nothing known about the columns yet, so the preview sends the user to the mapping step.
    to_mapping = client.get(preview_url)
    assert to_mapping.status_code == 302 and to_mapping["Location"].endswith("/oppsett/")
    mapping_page = client.get(to_mapping["Location"])
    assert mapping_page.status_code == 200
    fields = form_data(mapping_page.content.decode(), "mapping-form")
    fields.update({"use_0": ["time"], "use_1": ["value"], "use_2": ["status"]})
    assert client.post(to_mapping["Location"], fields)["Location"] == preview_url

    preview = client.get(preview_url)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert Observation.objects.get(pk=existing.pk).value == old_value  # nothing written yet
    assert "Nye målinger</dt><dd>1<" in html
    assert "Endrede målinger</dt><dd>1<" in html
    assert format(old_value.normalize(), "f").replace(".", ",") in html

    confirmed = client.post(preview_url, form_data(html, "edit-form"))

    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("editing:observation_list", args=[scene.indicator.code])
    current = Observation.objects.get(pk=existing.pk)
    assert current.value == old_value + Decimal("1.5")
    new = Observation.objects.get(indicator=scene.indicator, period="2030", breakdown_dimension="")
    assert new.status == "provisional"
    batch = ImportBatch.objects.get(pk=current.import_batch_id)
    assert batch.imported_by == people.reporter_own and batch.filename == "tall.csv"
    assert current.history.latest().history_user == people.reporter_own
    assert ImportMapping.objects.filter(indicator=scene.indicator, source_name="Testkilde").exists()
    assert _staged_files(_media) == []
    assert client.get(preview_url).status_code == 404


def test_a_saved_mapping_skips_the_mapping_step(scene: Scene, people: People) -> None:
    ImportMapping.objects.create(
        indicator=scene.indicator,
        source_name="SSB",
        file_format="jsonstat",
        mapping={"filters": {"ContentsCode": "Andel", "Kjonn": "1", "Region": "03"}},
    )
    client = client_for(people.data_steward)
    data = (FIXTURES / "ssb_arrays.json").read_bytes()

    preview = client.get(_upload(client, scene.indicator.code, data, "ssb.json", "SSB")["Location"])

    assert preview.status_code == 200
    assert 'id="import-counts"' in preview.content.decode()


def test_problems_are_listed_and_the_import_button_is_not_offered(
    scene: Scene, people: People
) -> None:
    ImportMapping.objects.create(
        indicator=scene.indicator,
        source_name="Feil",
        file_format="csv",
        mapping={"time": "periode", "value": "verdi"},
    )
    client = client_for(people.secretariat)
    broken = b"periode;verdi\n2024;12\n2025;tolv\n"
    before = Observation.objects.filter(indicator=scene.indicator).count()

    preview_url = _upload(client, scene.indicator.code, broken, "feil.csv", "Feil")["Location"]
    page = client.get(preview_url)
    confirm = client.post(preview_url)

    html = page.content.decode()
    assert "Rad 3" in html
    assert "Importer</button>" not in html
    assert confirm.status_code == 422
    assert Observation.objects.filter(indicator=scene.indicator).count() == before


def test_a_reporter_for_another_organisation_is_refused(scene: Scene, people: People) -> None:
    client = client_for(people.reporter_other)
    url = reverse("editing:import_upload", args=[scene.indicator.code])

    assert client.get(url).status_code == 403
    refused = _upload(client, scene.indicator.code, b"periode;verdi\n2030;1\n", "x.csv")
    assert refused.status_code == 403


def test_an_upload_belongs_to_the_user_who_made_it(scene: Scene, people: People) -> None:
    owner = client_for(people.reporter_own)
    preview_url = _upload(owner, scene.indicator.code, b"periode;verdi\n2030;1\n", "x.csv")[
        "Location"
    ]

    assert client_for(people.secretariat).get(preview_url).status_code == 404


def test_uploads_older_than_a_day_are_gone(scene: Scene, people: People, _media: Path) -> None:
    client = client_for(people.data_steward)
    preview_url = _upload(client, scene.indicator.code, b"periode;verdi\n2030;1\n", "x.csv")[
        "Location"
    ]
    day_and_a_bit_ago = time.time() - 25 * 60 * 60
    for path in _staged_files(_media):
        os.utime(path, (day_and_a_bit_ago, day_and_a_bit_ago))

    assert client.get(preview_url).status_code == 404
    assert _staged_files(_media) == []


def test_an_oversize_file_is_refused_with_an_error_summary(
    scene: Scene, people: People, settings: Any, _media: Path
) -> None:
    settings.RETNING_MAX_IMPORT_BYTES = 10
    client = client_for(people.data_steward)

    response = _upload(client, scene.indicator.code, b"periode;verdi\n2030;1\n", "x.csv")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="ds-error-summary"' in html and "for stor" in html
    assert _staged_files(_media) == []
