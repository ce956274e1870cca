import json
import logging
import string
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from retning.accounts.models import User
from retning.operations.logging import (
    JsonFormatter,
    RequestContext,
    TextFormatter,
    accepted_request_id,
    current_request,
)

Lines = Callable[[], list[dict[str, Any]]]
ALLOWED = set(string.ascii_letters + string.digits + "._-")


def _is_uuid4_hex(value: str) -> bool:
    try:
        parsed = uuid.UUID(hex=value)
    except ValueError:
        return False
    return parsed.version == 4 and parsed.hex == value


@given(
    st.one_of(
        st.none(), st.text(max_size=200), st.from_regex(r"[A-Za-z0-9._-]{1,140}", fullmatch=True)
    )
)
def test_a_request_id_is_kept_only_when_well_formed(header: str | None) -> None:
    result = accepted_request_id(header)

    well_formed = header is not None and 8 <= len(header) <= 128 and set(header) <= ALLOWED
    if well_formed:
        assert result == header
    else:
        assert _is_uuid4_hex(result)


def test_it_hands_the_proxys_request_id_back_in_the_response(client: Client) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "nginx-3f2a9c1b7d"})

    assert response["X-Request-ID"] == "nginx-3f2a9c1b7d"


@pytest.mark.parametrize(
    "header", ["kort", "a" * 129, "abc def ghi", 'x"},{"level":"CRITICAL', "id\nFORFALSKET linje"]
)
def test_it_replaces_a_malformed_request_id(client: Client, header: str) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": header})

    assert _is_uuid4_hex(response["X-Request-ID"])


@pytest.mark.django_db
@pytest.mark.urls("tests.operations.urls")
def test_the_request_id_is_on_the_request_the_response_and_the_log_line(
    client: Client, json_log: Lines
) -> None:
    user = User.objects.create_user(username="kari.nordmann", password="et-langt-passord-1")
    client.force_login(user)

    response = client.get("/test/hvem/")

    request_id = response["X-Request-ID"]
    assert response.content.decode() == f"{request_id} ja"
    [line] = [line for line in json_log() if line["logger"] == "retning.request"]
    assert line["request_id"] == request_id
    assert (line["method"], line["path"], line["status"]) == ("GET", "/test/hvem/", 200)
    assert line["user_id"] == user.pk
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert {"time", "level", "message"} <= line.keys()
    assert "kari.nordmann" not in json.dumps(json_log())


@pytest.mark.django_db
@pytest.mark.urls("tests.operations.urls")
def test_an_anonymous_request_is_logged_without_a_user(client: Client, json_log: Lines) -> None:
    client.get("/test/hvem/")

    [line] = [line for line in json_log() if line["logger"] == "retning.request"]
    assert "user_id" not in line


@pytest.mark.django_db
@pytest.mark.urls("tests.operations.urls")
def test_an_error_shows_no_internals_and_is_logged_with_the_request_id(
    json_log: Lines,
) -> None:
    client = Client(raise_request_exception=False)

    response = client.get("/test/feil/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Noe gikk galt" in page
    assert "hemmelig" not in page and "Traceback" not in page and "RuntimeError" not in page
    request_id = response["X-Request-ID"]
    [error] = [line for line in json_log() if line["level"] == "ERROR"]
    assert error["request_id"] == request_id
    assert error["path"] == "/test/feil/"
    assert error["status"] == 500
    assert "RuntimeError: intern detalj" in error["exception"]
    [access] = [line for line in json_log() if line["logger"] == "retning.request"]
    assert (access["request_id"], access["status"]) == (request_id, 500)


def _record(message: str, **extra: Any) -> logging.LogRecord:
    record = logging.LogRecord("retning.test", logging.WARNING, __file__, 1, message, None, None)
    record.__dict__.update(extra)
    return record


def test_a_log_line_is_a_single_json_object_even_for_multiline_messages() -> None:
    line = JsonFormatter().format(_record("første linje\nandre linje «æøå»"))

    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "første linje\nandre linje «æøå»"
    assert parsed["level"] == "WARNING"
    assert parsed["logger"] == "retning.test"
    assert parsed["time"].endswith("Z")


def test_log_lines_carry_the_current_request_outside_the_middleware_too() -> None:
    token = current_request.set(RequestContext("abcdefgh1234", "POST", "/rediger/mal/1/"))
    try:
        parsed = json.loads(JsonFormatter().format(_record("lagret")))
        text = TextFormatter().format(_record("lagret"))
    finally:
        current_request.reset(token)

    assert (parsed["request_id"], parsed["method"], parsed["path"]) == (
        "abcdefgh1234",
        "POST",
        "/rediger/mal/1/",
    )
    assert "[abcdefgh1234]" in text
    assert "request_id" not in json.loads(JsonFormatter().format(_record("etterpå")))
