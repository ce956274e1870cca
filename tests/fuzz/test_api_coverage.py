"""Schemathesis (tests/api/test_schemathesis.py) exercises every operation of the API, not a subset."""

import pytest
from django.test import Client

from tests.api.test_schemathesis import reads, writes

METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}


def _operations_in(schema: object) -> set[tuple[str, str]]:
    found = set()
    for result in schema.get_all_operations():  # type: ignore[attr-defined]
        operation = result.ok()
        found.add((operation.method.upper(), operation.path))
    return found


@pytest.mark.django_db
def test_the_property_tests_cover_every_documented_operation(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    documented = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    }

    covered = _operations_in(reads) | _operations_in(writes)

    assert len(documented) >= 30
    assert documented - covered == set(), "operations schemathesis never calls"
    assert {m for m, _ in documented if m != "GET"}, "the write operations are documented too"


def test_reads_and_writes_split_the_operations_without_overlap() -> None:
    read_ops, write_ops = _operations_in(reads), _operations_in(writes)

    assert read_ops and write_ops and not read_ops & write_ops
    assert {method for method, _ in read_ops} == {"GET"}
    assert ("POST", "/api/v1/indicators/{code}/imports") in write_ops
