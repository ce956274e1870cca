import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connections, router, transaction

from retning.accounts.models import User
from retning.operations.db_router import REPLICA_ALIAS
from retning.operations.logging import RequestContext, current_request
from retning.strategy.models import Goal

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def with_replica(monkeypatch: pytest.MonkeyPatch) -> None:
    # Only the router's decision is under test; nothing connects to this alias.
    monkeypatch.setitem(settings.DATABASES, REPLICA_ALIAS, {"ENGINE": "django.db.backends.dummy"})


def test_without_a_replica_everything_uses_the_default_database() -> None:
    assert Goal.objects.all().db == "default"
    assert router.db_for_write(Goal) == "default"


def test_reads_outside_a_transaction_go_to_the_replica(with_replica: None) -> None:
    assert not connections["default"].in_atomic_block
    assert Goal.objects.all().db == REPLICA_ALIAS


def test_writes_always_go_to_the_primary_even_for_objects_read_from_the_replica(
    with_replica: None,
) -> None:
    goal = Goal(number=9)
    goal._state.db = REPLICA_ALIAS

    assert router.db_for_write(Goal) == "default"
    assert router.db_for_write(Goal, instance=goal) == "default"


@pytest.mark.django_db
def test_reads_inside_a_transaction_go_to_the_primary(with_replica: None) -> None:
    with transaction.atomic():
        assert Goal.objects.all().db == "default"


def test_reads_while_handling_a_post_go_to_the_primary(with_replica: None) -> None:
    token = current_request.set(RequestContext("abcdefgh1234", "POST", "/rediger/"))
    try:
        assert Goal.objects.all().db == "default"
    finally:
        current_request.reset(token)
    token = current_request.set(RequestContext("abcdefgh1234", "GET", "/mal/1/"))
    try:
        assert Goal.objects.all().db == REPLICA_ALIAS
    finally:
        current_request.reset(token)


def test_sign_in_state_is_always_read_from_the_primary(with_replica: None) -> None:
    assert Session.objects.all().db == "default"
    assert User.objects.all().db == "default"


def test_the_replica_is_never_migrated(with_replica: None) -> None:
    assert not router.allow_migrate(REPLICA_ALIAS, "strategy", model_name="goal")
    assert router.allow_migrate("default", "strategy", model_name="goal")


def test_database_replica_url_adds_a_replica_that_mirrors_the_primary_in_tests() -> None:
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "r = settings.DATABASES['replica']; "
        "print(r['HOST'], r['NAME'], r['TEST']['MIRROR'], settings.DATABASE_ROUTERS[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "retning.settings",
            "DATABASE_REPLICA_URL": "postgres://lesetilgang@standby.example:5432/retning",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "standby.example",
        "retning",
        "default",
        "retning.operations.db_router.ReplicaRouter",
    ]
