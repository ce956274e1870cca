"""HTTP behaviour shared by every operation: ETags, caching, problem details, the docs."""

import re
from typing import Any

import pytest
from django.test import Client

from retning.api import read
from retning.api.v1 import api as ninja_api
from retning.strategy.models import Goal

from .conftest import API

PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance"}


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert PROBLEM_FIELDS <= body.keys()
    assert body["status"] == status
    assert "Traceback" not in response.content.decode()
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/goals",
        "/goals/3",
        "/subgoals/1A",
        "/indicators",
        "/initiatives?mal=1",
        "/openapi.json",
    ],
)
def test_every_read_has_an_etag_and_a_repeat_with_it_gives_304(
    seeded: None, api: Client, path: str
) -> None:
    first = api.get(API + path)
    assert first.status_code == 200
    etag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert first["Cache-Control"] == "public, max-age=60"
    again = api.get(API + path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    weak = api.get(API + path, HTTP_IF_NONE_MATCH=f"W/{etag}")
    assert weak.status_code == 304


def test_the_etag_changes_when_the_data_does(seeded: None, api: Client) -> None:
    before = api.get(f"{API}/goals/2")["ETag"]
    Goal.objects.filter(number=2).update(description="Ny beskrivelse")
    after = api.get(f"{API}/goals/2", HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200
    assert after["ETag"] != before


@pytest.mark.parametrize(
    ("path", "words_nb", "words_en"),
    [
        ("/goals/9", "Målet 9 finnes ikke", "Goal 9 does not exist"),
        ("/subgoals/9Z", "Delmålet 9Z finnes ikke", "Sub-goal 9Z does not exist"),
        ("/indicators/FINNES-IKKE", "Indikatoren FINNES-IKKE", "Indicator FINNES-IKKE"),
        ("/initiatives/123", "Leveranse-ID 123 finnes ikke", "Leveranse-ID 123 does not exist"),
        ("/organisations/ukjent", "Aktøren ukjent", "Organisation ukjent"),
        ("/themes/ukjent", "forutsetningen ukjent", "Theme ukjent"),
        ("/finnes/ikke", "Det finnes ingenting på adressen", "There is nothing at"),
    ],
)
def test_unknown_resources_give_a_404_problem_in_norwegian_or_english(
    seeded: None, api: Client, path: str, words_nb: str, words_en: str
) -> None:
    norwegian = assert_problem(api.get(API + path), 404)
    assert words_nb in norwegian["detail"]
    assert norwegian["title"] == "Finnes ikke"
    assert norwegian["instance"] == API + path
    assert norwegian["type"].endswith("/api/v1/problems/not-found")
    english = assert_problem(api.get(API + path, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"), 404)
    assert words_en in english["detail"]
    assert english["title"] == "Not found"


def test_a_problem_type_uri_explains_itself(seeded: None, api: Client) -> None:
    problem = assert_problem(api.get(f"{API}/goals/9"), 404)
    explained = api.get(problem["type"]).json()
    assert explained["status"] == 404 and explained["title"] == problem["title"]


def test_invalid_query_values_give_a_422_problem_per_field(seeded: None, api: Client) -> None:
    body = assert_problem(api.get(f"{API}/initiatives?limit=0&fase=9&eier=ingen-slik"), 422)
    fields = {error["field"]: error["detail"] for error in body["errors"]}
    assert fields["limit"] == "Verdien må være 1 eller større."
    assert fields["fase"] == "Verdien må være 5 eller mindre."
    english = assert_problem(
        api.get(f"{API}/initiatives?eier=ingen-slik", HTTP_ACCEPT_LANGUAGE="en"), 422
    )
    [error] = english["errors"]
    assert error["location"] == "query" and error["field"] == "eier"
    assert "Select a valid choice" in error["detail"]


def test_a_filter_value_that_is_not_in_the_data_is_explained_in_norwegian(
    seeded: None, api: Client
) -> None:
    body = assert_problem(api.get(f"{API}/initiatives?mal=42"), 422)
    [error] = body["errors"]
    assert error["field"] == "mal"
    assert "42 er ikke et av de tilgjengelige valgene" in error["detail"]


def test_an_unsupported_method_gives_a_405_problem_with_allow(seeded: None, api: Client) -> None:
    body = assert_problem(api.delete(f"{API}/goals"), 405)
    assert "DELETE" in body["detail"]
    assert api.delete(f"{API}/goals")["Allow"] == "GET"


def test_an_unexpected_error_gives_a_500_problem_without_a_stack_trace(
    seeded: None, api: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(read, "_strategy", broken)
    response = api.get(f"{API}/goals")
    body = assert_problem(response, 500)
    assert "secret internals" not in response.content.decode()
    assert body["detail"].startswith("Noe gikk galt hos oss")


def test_errors_are_never_cached(seeded: None, api: Client) -> None:
    assert api.get(f"{API}/goals/9")["Cache-Control"] == "no-store"


def test_the_docs_page_loads_swagger_from_our_own_static_files(seeded: None, api: Client) -> None:
    response = api.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/") for s in sources)
    for source in sources:
        assert api.get(source).status_code == 200, source
    assert "/api/v1/openapi.json" in html


def openapi() -> dict[str, Any]:
    return ninja_api.get_openapi_schema(path_prefix="/api/v1/")


def test_every_operation_has_an_id_a_summary_tags_and_documented_errors() -> None:
    for path, operations in openapi()["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("operationId"), where
            assert operation.get("summary") and operation["summary"][0].isupper(), where
            assert operation.get("tags"), where
            responses = operation["responses"]
            errors = [int(code) for code in responses if int(code) >= 400]
            assert 500 in errors, where
            if method == "get":
                assert "304" in responses or 304 in responses, where
            else:
                assert {401, 403, 404, 409, 422, 429} <= set(errors), where
                assert operation.get("security"), where
            for code in errors:
                content = responses[code if code in responses else str(code)]["content"]
                assert list(content) == ["application/problem+json"], where
