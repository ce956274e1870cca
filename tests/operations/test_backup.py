"""Backup → a fresh, empty database → restore, on whichever database the suite runs on.

The default dataset is loaded by the session fixture in tests/conftest.py. On PostgreSQL the
fresh database is created on the same server by the test and dropped afterwards.
"""

import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.backends.base.creation import TEST_DATABASE_PREFIX
from pytest_django.fixtures import Settings

from retning.dataset.services import dataset_seed
from retning.operations.backup import (
    BackupError,
    DatabaseTarget,
    restore_backup,
    target_from_settings,
    tool_major_version,
)
from retning.strategy.models import Goal, Strategy, SubGoal

MEDIA_FILE = "opplastinger/2026/veikart-eksport.csv"
MEDIA_BYTES = b"Leveranse-ID;Navn\r\nL-1;Pasientens legemiddelliste\r\n\x00\xff\xfe"

Fingerprints = dict[str, tuple[int, str]]


# --- reading every table, independently of the code under test -------------------------------


def _sqlite_fingerprints(raw: Any) -> Fingerprints:
    cursor = raw.cursor()
    tables = [
        row[0]
        for row in cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    ]
    result: Fingerprints = {}
    for table in tables:
        info = cursor.execute(f'PRAGMA table_info("{table}")').fetchall()
        columns = [row[1] for row in info]
        key = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]] or columns
        # quote() renders every value as an SQL literal: exact, and untouched by type converters.
        select = ", ".join(f'quote("{column}")' for column in columns)
        order = ", ".join(f'"{column}"' for column in key)
        rows = cursor.execute(f'SELECT {select} FROM "{table}" ORDER BY {order}').fetchall()
        result[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return result


def _postgresql_fingerprints(cursor: Any) -> Fingerprints:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    tables = [row[0] for row in cursor.fetchall()]
    result: Fingerprints = {}
    for table in tables:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
            [table],
        )
        columns = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary",
            [f'"{table}"'],
        )
        key = [row[0] for row in cursor.fetchall()] or columns
        select = ", ".join(f'"{column}"::text' for column in columns)
        order = ", ".join(f'"{column}"' for column in key)
        cursor.execute(f'SELECT {select} FROM "{table}" ORDER BY {order}')
        rows = [tuple(row) for row in cursor.fetchall()]
        result[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return result


def _fingerprints_of_current_database() -> Fingerprints:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return _sqlite_fingerprints(connection.connection)
    with connection.cursor() as cursor:
        return _postgresql_fingerprints(cursor)


def _fingerprints_of(target: DatabaseTarget) -> Fingerprints:
    if target.vendor == "sqlite":
        with closing(sqlite3.connect(target.name)) as raw:
            return _sqlite_fingerprints(raw)
    with (
        closing(psycopg.connect(target.conninfo(), password=target.password or None)) as server,
        server.cursor() as cursor,
    ):
        return _postgresql_fingerprints(cursor)


# --- fixtures ----------------------------------------------------------------------------------


def _session_sets_up_the_test_database(items: list[pytest.Item]) -> bool:
    # pytest-django creates the test database only if some selected test asks for it this way.
    database_fixtures = {"db", "transactional_db", "live_server"}
    return any(
        item.get_closest_marker("django_db") or database_fixtures & set(item.fixturenames)  # type: ignore[attr-defined]
        for item in items
    )


@pytest.fixture
def unwrapped_db(request: pytest.FixtureRequest, django_db_blocker: Any) -> Iterator[None]:
    """The test database, but outside the usual per-test transaction.

    SQLite cannot copy a shared in-memory database while a connection holds a write transaction on
    it, and the test transaction is one. The tests using this only read the test database;
    everything they restore goes to a database and a folder of their own.
    """
    if not _session_sets_up_the_test_database(request.session.items):
        # Without a test database, the settings still point at the real one: stop before
        # anything (tests/conftest.py's seeding included) touches it.
        pytest.fail("No selected test sets up the test database; run the whole module.")
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        name = str(connection.settings_dict["NAME"])
        # Django's test databases: SQLite in memory, PostgreSQL with the "test_" prefix.
        on_test_database = (
            "mode=memory" in name
            if connection.vendor == "sqlite"
            else name.startswith(TEST_DATABASE_PREFIX)
        )
        assert on_test_database, f"not a test database: {name}"
        # pytest-django runs these (to it, tests without a database) after the transactional
        # tests, whose teardown empties the tables; bring the default dataset back if so.
        if not Strategy.objects.exists():
            dataset_seed()
        yield


@pytest.fixture
def media_root(tmp_path: Path, settings: Settings) -> Path:
    root = tmp_path / "media"
    (root / MEDIA_FILE).parent.mkdir(parents=True)
    (root / MEDIA_FILE).write_bytes(MEDIA_BYTES)
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def empty_database(unwrapped_db: None, tmp_path: Path) -> Iterator[DatabaseTarget]:
    """A fresh database with nothing in it, of the same kind as the one the suite runs on."""
    current = target_from_settings(connection.settings_dict, connection.vendor)
    if current.vendor == "sqlite":
        yield DatabaseTarget(vendor="sqlite", name=str(tmp_path / "gjenopprettet.sqlite3"))
        return
    name = f"retning_restore_{secrets.token_hex(6)}"
    admin = psycopg.connect(current.conninfo(), password=current.password or None, autocommit=True)
    with closing(admin):
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        try:
            yield DatabaseTarget(
                vendor="postgresql",
                name=name,
                host=current.host,
                port=current.port,
                user=current.user,
                password=current.password,
            )
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def archive(unwrapped_db: None, media_root: Path, tmp_path: Path) -> Path:
    call_command("backup", output=tmp_path / "kopier", stdout=io.StringIO())
    [made] = (tmp_path / "kopier").glob("retning-backup-*.tar.gz")
    return made


def _manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive, "r:gz") as opened:
        member = opened.extractfile("manifest.json")
        assert member is not None
        return json.loads(member.read())


def _rewrite_with_changed_byte(archive: Path, member_name: str, destination: Path) -> None:
    """Copy the archive, flipping one byte of one member and keeping the original manifest."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(destination, "w:gz") as target:
        for member in source.getmembers():
            extracted = source.extractfile(member)
            content = extracted.read() if extracted is not None else b""
            if member.name == member_name:
                content = bytes([content[0] ^ 0x01]) + content[1:]
            target.addfile(member, io.BytesIO(content))


def _table_count(target: DatabaseTarget) -> int:
    if target.vendor == "sqlite" and not Path(target.name).exists():
        return 0
    return len(_fingerprints_of(target))


# --- tests -------------------------------------------------------------------------------------


def test_the_manifest_describes_the_database_and_every_file(archive: Path) -> None:
    manifest = _manifest(archive)

    assert manifest["format"] == 1
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["created_at"].endswith("Z")
    assert manifest["retning_version"]
    assert manifest["row_counts"]["strategy_goal"] == Goal.objects.count() > 0
    assert manifest["row_counts"]["strategy_subgoal"] == SubGoal.objects.count() > 0
    assert "0001_initial" in manifest["migrations"]["strategy"]
    files = {entry["path"]: entry for entry in manifest["files"]}
    assert files[f"media/{MEDIA_FILE}"] == {
        "path": f"media/{MEDIA_FILE}",
        "size": len(MEDIA_BYTES),
        "sha256": hashlib.sha256(MEDIA_BYTES).hexdigest(),
    }
    with tarfile.open(archive, "r:gz") as opened:
        names = set(opened.getnames())
    assert names == set(files) | {"manifest.json"}
    # It holds password hashes and sessions.
    assert archive.stat().st_mode & 0o777 == 0o600


def test_a_restored_backup_has_every_row_and_file_of_the_original(
    archive: Path, empty_database: DatabaseTarget, tmp_path: Path
) -> None:
    original = _fingerprints_of_current_database()
    restored_media = tmp_path / "gjenopprettet-media"

    result = restore_backup(archive=archive, database=empty_database, media_root=restored_media)

    assert result.row_count_mismatches == []
    assert _fingerprints_of(empty_database) == original
    assert (restored_media / MEDIA_FILE).read_bytes() == MEDIA_BYTES
    assert result.media_files == 1


def test_it_refuses_to_overwrite_a_database_that_is_not_empty_unless_forced(
    archive: Path, empty_database: DatabaseTarget, tmp_path: Path
) -> None:
    restore_backup(archive=archive, database=empty_database, media_root=tmp_path / "m1")

    with pytest.raises(BackupError, match=r"er ikke tom .*--force"):
        restore_backup(archive=archive, database=empty_database, media_root=tmp_path / "m2")
    assert not (tmp_path / "m2").exists()

    forced = restore_backup(
        archive=archive, database=empty_database, media_root=tmp_path / "m2", force=True
    )
    assert forced.row_count_mismatches == []
    assert _fingerprints_of(empty_database) == _fingerprints_of_current_database()


def test_a_tampered_file_in_the_archive_is_refused_and_nothing_is_restored(
    archive: Path, empty_database: DatabaseTarget, tmp_path: Path
) -> None:
    tampered = tmp_path / "endret.tar.gz"
    _rewrite_with_changed_byte(archive, f"media/{MEDIA_FILE}", tampered)
    restored_media = tmp_path / "gjenopprettet-media"

    with pytest.raises(BackupError) as refused:
        restore_backup(archive=tampered, database=empty_database, media_root=restored_media)

    message = str(refused.value)
    assert f"Sjekksummen for «media/{MEDIA_FILE}» stemmer ikke med manifestet" in message
    assert "ingenting er gjenopprettet" in message
    assert _table_count(empty_database) == 0
    assert not restored_media.exists()


def test_a_tampered_database_dump_is_refused_before_anything_is_touched(
    archive: Path, empty_database: DatabaseTarget, tmp_path: Path
) -> None:
    dump = _manifest(archive)["database"]["dump"]
    tampered = tmp_path / "endret.tar.gz"
    _rewrite_with_changed_byte(archive, dump, tampered)

    with pytest.raises(BackupError, match=f"Sjekksummen for «{dump}» stemmer ikke"):
        restore_backup(archive=tampered, database=empty_database, media_root=tmp_path / "m")

    assert _table_count(empty_database) == 0


def test_the_restore_command_refuses_a_damaged_archive_with_a_clear_message(
    archive: Path, tmp_path: Path
) -> None:
    before = _fingerprints_of_current_database()
    damaged = tmp_path / "skadet.tar.gz"
    content = bytearray(archive.read_bytes())
    content[len(content) // 2] ^= 0xFF
    damaged.write_bytes(bytes(content))

    with pytest.raises(CommandError, match="er skadet .* Ingenting er gjenopprettet"):
        call_command("restore", str(damaged), force=True)

    assert _fingerprints_of_current_database() == before


@pytest.mark.django_db
def test_the_restore_command_checks_the_archive_before_the_database(tmp_path: Path) -> None:
    # The test database is not empty, yet the answer is about the archive: it is checked first.
    # (This test also makes sure the test database is set up when the module runs on its own.)
    packed = io.BytesIO()
    with tarfile.open(fileobj=packed, mode="w:gz") as archive:
        archive.addfile(tarfile.TarInfo("manifest.json"), io.BytesIO(b""))
    damaged = tmp_path / "kopi.tar.gz"
    damaged.write_bytes(packed.getvalue()[:-9])

    with pytest.raises(CommandError, match="«kopi.tar.gz» er skadet"):
        call_command("restore", str(damaged))


def test_the_restore_command_refuses_an_archive_that_is_not_there(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Fant ikke arkivet"):
        call_command("restore", str(tmp_path / "finnes-ikke.tar.gz"))


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)", 15),
        ("pg_restore (PostgreSQL) 17.2", 17),
        ("pg_dump (PostgreSQL) 9.6.24", 9),
    ],
)
def test_it_reads_the_major_version_of_the_postgresql_tools(output: str, major: int) -> None:
    assert tool_major_version(output) == major


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the client/server check needs PostgreSQL",
)
def test_the_installed_pg_dump_can_dump_this_server(unwrapped_db: None) -> None:
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, "pg_dump is needed for backups on PostgreSQL"
    version = subprocess.run([pg_dump, "--version"], capture_output=True, text=True).stdout
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        server_major = int(cursor.fetchone()[0]) // 10000
    assert tool_major_version(version) >= server_major
