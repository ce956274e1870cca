"""Property-based checks of the API against its own OpenAPI document (Schemathesis).

GET operations get generated valid and invalid input and must never answer 5xx, and every
documented answer must match its schema and media type. Write operations are called with a
secretariat token, so they get past authentication and exercise validation and saving, and must
never answer 5xx. Examples are few and deterministic so the module stays well under a minute.
"""

from collections.abc import Callable, Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from retning.accounts.models import User

from .conftest import API


def _config(max_examples: int) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "generation": {
                "mode": "all",
                "max-examples": max_examples,
                "deterministic": True,
                "database": "none",
            },
            "phases": {"stateful": {"enabled": False}},
        }
    )


schema = schemathesis.openapi.from_wsgi(
    f"{API}/openapi.json", get_wsgi_application(), config=_config(max_examples=8)
)
reads = schema.include(method="GET")
writes = schemathesis.openapi.from_wsgi(
    f"{API}/openapi.json", get_wsgi_application(), config=_config(max_examples=5)
).exclude(method="GET")


# The seeded database and the token are meant to be shared by all examples of an operation.
SHARED_FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open() -> Iterator[None]:
    """Called as a WSGI app, Django closes the database connection after each request, which
    would end the test's transaction; Django's own test client switches that off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(seeded: None, make_user: Callable[..., User], bearer: Callable[[User], dict]) -> str:
    return bearer(make_user(is_secretariat=True))["HTTP_AUTHORIZATION"]


@reads.parametrize()
@SHARED_FIXTURES
def test_reads_never_fail_and_match_their_documented_schemas(
    case: schemathesis.Case, seeded: None
) -> None:
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )


@writes.parametrize()
@SHARED_FIXTURES
def test_writes_with_a_valid_token_never_give_a_server_error(
    case: schemathesis.Case, token: str
) -> None:
    case.call_and_validate(
        headers={"Authorization": token},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance],
    )
