import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_ok_without_touching_the_database(client: Client) -> None:
    # No db fixture: pytest-django makes any database access in this test an error.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_only_to_safe_methods(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


def test_health_checks_have_no_language_prefix(client: Client) -> None:
    assert client.get("/en/healthz").status_code == 404


@pytest.mark.django_db
def test_readyz_is_ok_when_the_database_answers_and_is_migrated(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}
    assert "no-store" in response["Cache-Control"]


def _newest_migration(app_label: str) -> str:
    leaves = MigrationLoader(connection).graph.leaf_nodes(app_label)
    assert leaves, f"{app_label} has no migrations"
    return leaves[0][1]


@pytest.mark.django_db
def test_readyz_refuses_traffic_while_a_migration_is_unapplied(client: Client) -> None:
    name = _newest_migration("strategy")
    MigrationRecorder(connection).record_unapplied("strategy", name)

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["reason"] == "migrations_pending"
    assert name not in response.content.decode()


@pytest.mark.django_db
def test_readyz_refuses_traffic_when_the_database_is_unreachable(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable() -> None:
        raise OperationalError('connection to server at "10.9.8.7", port 5432 failed: timeout')

    monkeypatch.setattr(connection, "cursor", unreachable)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": "database_unreachable",
        "checks": {"database": "unreachable"},
    }
    assert b"10.9.8.7" not in response.content


def test_production_answers_health_checks_over_plain_http_and_logs_json() -> None:
    # The production profile redirects plain HTTP to HTTPS; a load balancer probing the app
    # server directly must still get its answer. Its log format is JSON unless told otherwise.
    script = (
        "import django; django.setup(); from django.test import Client; c = Client(); "
        "ok = c.get('/healthz', HTTP_HOST='retning.example.no'); "
        "refused = c.post('/healthz', HTTP_HOST='retning.example.no'); "
        "print(ok.status_code, ok.content.decode(), refused.status_code, refused['X-Request-ID'])"
    )
    environment = {key: value for key, value in os.environ.items() if key != "LOG_FORMAT"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **environment,
            "DJANGO_SETTINGS_MODULE": "retning.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "retning.example.no",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    status, body, refused_status, request_id = result.stdout.split()
    assert (status, body, refused_status) == ("200", "ok", "405")
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "retning.request"]
    # Only the refused probe is logged: healthy probes would drown everything else.
    assert [(line["method"], line["status"]) for line in access] == [("POST", 405)]
    assert access[0]["request_id"] == request_id
