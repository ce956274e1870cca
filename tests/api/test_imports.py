"""POST /indicators/{code}/imports: the import service behind a token, as multipart or raw body."""

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from retning.accounts.models import User
from retning.actors.models import Organisation
from retning.indicators.models import ImportBatch, Indicator, Observation

from .conftest import API

FIXTURES = Path(__file__).parent.parent / "fixtures" / "indicators"
OSLO_MEN = json.dumps({"filters": {"ContentsCode": "Andel", "Kjonn": "1", "Region": "03"}})


def _url(indicator: Indicator, query: str = "") -> str:
    return f"{API}/indicators/{indicator.code}/imports{query}"


def _multipart(api: Client, indicator: Indicator, headers: dict[str, str], **fields: Any) -> Any:
    fields.setdefault(
        "file", SimpleUploadedFile("ssb.json", (FIXTURES / "ssb_arrays.json").read_bytes())
    )
    return api.post(_url(indicator), fields, **headers)


@pytest.fixture
def steward(
    make_user: Callable[..., User], bearer: Callable[[User], dict[str, str]]
) -> dict[str, str]:
    return bearer(make_user(is_data_steward=True))


def test_without_a_token_the_answer_is_401(api: Client, hdir_indicator: Indicator) -> None:
    response = _multipart(api, hdir_indicator, {}, mapping=OSLO_MEN)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_reporter_for_another_organisation_gets_403_and_nothing_is_written(
    api: Client,
    hdir_indicator: Indicator,
    other_organisation: Organisation,
    make_user: Callable[..., User],
    bearer: Callable[[User], dict[str, str]],
) -> None:
    headers = bearer(make_user(reporter_for=[other_organisation]))
    before = Observation.objects.filter(indicator=hdir_indicator).count()

    response = _multipart(api, hdir_indicator, headers, mapping=OSLO_MEN)

    assert response.status_code == 403
    assert Observation.objects.filter(indicator=hdir_indicator).count() == before


def test_a_multipart_upload_imports_and_answers_201_with_the_report(
    api: Client, hdir_indicator: Indicator, steward: dict[str, str]
) -> None:
    Observation.objects.filter(indicator=hdir_indicator, period__in=["2022", "2023"]).delete()

    response = _multipart(api, hdir_indicator, steward, mapping=OSLO_MEN, source="SSB-test")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["created"], body["changed"], body["unchanged"]) == (2, 0, 0)
    batch = ImportBatch.objects.get(pk=body["batch"])
    assert batch.sha256 == body["sha256"]
    stored = Observation.objects.get(
        indicator=hdir_indicator, period="2023", breakdown_dimension=""
    )
    assert stored.value == Decimal("51.5") and stored.import_batch == batch


def test_the_same_file_again_answers_200_and_changes_nothing(
    api: Client, hdir_indicator: Indicator, steward: dict[str, str]
) -> None:
    Observation.objects.filter(indicator=hdir_indicator, period__in=["2022", "2023"]).delete()
    _multipart(api, hdir_indicator, steward, mapping=OSLO_MEN)
    history = Observation.history.filter(indicator_id=hdir_indicator.pk).count()

    again = _multipart(api, hdir_indicator, steward, mapping=OSLO_MEN)

    assert again.status_code == 200
    assert again.json()["unchanged"] == 2 and again.json()["batch"] is None
    assert Observation.history.filter(indicator_id=hdir_indicator.pk).count() == history


def test_a_dry_run_in_the_query_string_answers_200_and_writes_nothing(
    api: Client, hdir_indicator: Indicator, steward: dict[str, str]
) -> None:
    csv = b"periode;verdi\n2031;12,5\n"
    before = Observation.objects.filter(indicator=hdir_indicator).count()

    response = api.post(
        _url(
            hdir_indicator,
            "?filename=tall.csv&dry_run=true&mapping="
            + json.dumps({"time": "periode", "value": "verdi"}),
        ),
        csv,
        "text/csv",
        **steward,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] is True and body["file_format"] == "csv"
    assert body["new_observations"] == [
        {
            "period": "2031",
            "breakdown_dimension": "",
            "breakdown_value": "",
            "value": 12.5,
            "status": "",
        }
    ]
    assert Observation.objects.filter(indicator=hdir_indicator).count() == before


def test_a_broken_file_answers_422_with_every_row_and_writes_nothing(
    api: Client, hdir_indicator: Indicator, steward: dict[str, str]
) -> None:
    broken = SimpleUploadedFile("feil.csv", b"periode;verdi\n2031;1\n2032;en\n2033;to\n")
    before = Observation.objects.filter(indicator=hdir_indicator).count()

    response = _multipart(
        api,
        hdir_indicator,
        steward,
        file=broken,
        mapping=json.dumps({"time": "periode", "value": "verdi"}),
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    rows = [problem["row"] for problem in response.json()["problems"]]
    assert rows == [3, 4]
    assert Observation.objects.filter(indicator=hdir_indicator).count() == before


def test_an_invalid_mapping_answers_422(
    api: Client, hdir_indicator: Indicator, steward: dict[str, str]
) -> None:
    response = _multipart(api, hdir_indicator, steward, mapping="{ikke json")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "mapping"


def test_an_oversize_file_answers_422(
    api: Client, hdir_indicator: Indicator, steward: dict[str, str], settings: Any
) -> None:
    settings.RETNING_MAX_IMPORT_BYTES = 50

    response = _multipart(api, hdir_indicator, steward, mapping=OSLO_MEN)

    assert response.status_code == 422
    assert "for stor" in response.json()["errors"][0]["detail"]
