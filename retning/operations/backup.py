"""Backup and restore: one tar.gz with a consistent database dump, the uploaded files and a manifest.

Imports nothing from Django, so the commands stay thin and the tests can point these functions at
any database: PostgreSQL through its own tools (``pg_dump`` / ``pg_restore``), SQLite through the
``sqlite3`` module's online backup API. Messages are for the operator and in Norwegian.
"""

import gzip
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import psycopg
from psycopg.conninfo import make_conninfo

ARCHIVE_FORMAT = 1
MANIFEST_NAME = "manifest.json"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA_DIR = "media"
CHUNK_SIZE = 1024 * 1024
# Connection options that libpq understands; Django's OPTIONS may hold others (pool, ...).
LIBPQ_OPTIONS = frozenset(
    {
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "connect_timeout",
        "application_name",
        "options",
        "target_session_attrs",
        "service",
        "passfile",
    }
)
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """Something the operator must fix; the message says what, in Norwegian."""


class Cursor(Protocol):
    def execute(self, query: Any, params: Any = ..., /) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchone(self) -> Any: ...


@dataclass(frozen=True)
class DatabaseTarget:
    """Where a database lives. For SQLite, ``name`` is the file path."""

    vendor: str
    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    options: Mapping[str, str] = field(default_factory=dict)

    def conninfo(self) -> str:
        """A libpq connection string without the password (that goes in PGPASSWORD)."""
        parts = {"dbname": self.name, "host": self.host, "port": self.port, "user": self.user}
        parts.update({key: value for key, value in self.options.items() if key in LIBPQ_OPTIONS})
        return make_conninfo("", **{key: value for key, value in parts.items() if value})

    def tool_environment(self) -> dict[str, str]:
        return {"PGPASSWORD": self.password} if self.password else {}


def target_from_settings(settings_dict: Mapping[str, Any], vendor: str) -> DatabaseTarget:
    """A target from a Django ``DATABASES`` entry (passed in, so this module needs no Django)."""
    if vendor not in DUMP_NAMES:
        raise BackupError(
            f"Sikkerhetskopi støttes for PostgreSQL og SQLite, ikke for databasetypen «{vendor}»."
        )
    options = settings_dict.get("OPTIONS") or {}
    return DatabaseTarget(
        vendor=vendor,
        name=str(settings_dict.get("NAME") or ""),
        host=str(settings_dict.get("HOST") or ""),
        port=str(settings_dict.get("PORT") or ""),
        user=str(settings_dict.get("USER") or ""),
        password=str(settings_dict.get("PASSWORD") or ""),
        options={str(key): str(value) for key, value in options.items()},
    )


@dataclass(frozen=True)
class DatabaseState:
    """What the manifest records about a database at the moment of the dump."""

    row_counts: dict[str, int]
    migrations: dict[str, list[str]]
    server_version: str
    tool: str


@dataclass(frozen=True)
class BackupResult:
    archive: Path
    tables: int
    rows: int
    media_files: int


@dataclass(frozen=True)
class RestoreResult:
    tables: int
    rows: int
    media_files: int
    retning_version: str
    created_at: str
    # (table, rows in the manifest, rows after restoring); empty when everything matched.
    row_count_mismatches: list[tuple[str, int, int]]


# --- reading a database through DB-API ---------------------------------------------------------


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _table_names(cursor: Cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    else:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
    return [row[0] for row in cursor.fetchall()]


def _row_counts(cursor: Cursor, vendor: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in _table_names(cursor, vendor):
        # The name comes from the database's own catalogue and is quoted as an identifier.
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _migrations(cursor: Cursor, tables: Mapping[str, int]) -> dict[str, list[str]]:
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _state(cursor: Cursor, vendor: str, server_version: str, tool: str) -> DatabaseState:
    counts = _row_counts(cursor, vendor)
    return DatabaseState(counts, _migrations(cursor, counts), server_version, tool)


# --- PostgreSQL ---------------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"Fant ikke {name}. Installer PostgreSQL-klientverktøyene i samme hovedversjon som "
            "databasetjeneren (Debian: apt-get install postgresql-client) og prøv igjen."
        )
    return path


def tool_major_version(version_output: str) -> int:
    """The major version in ``pg_dump --version`` output, e.g. 15 in "pg_dump (PostgreSQL) 15.20"."""
    match = re.search(r"\)\s*(\d+)", version_output) or re.search(r"(\d+)\.\d+", version_output)
    if match is None:
        raise BackupError(f"Forstod ikke versjonen til PostgreSQL-verktøyet: «{version_output}».")
    return int(match.group(1))


def _tool_version(path: str) -> str:
    return subprocess.run(  # noqa: S603 - a fixed argument list, no shell
        [path, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def _connect(target: DatabaseTarget) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(target.conninfo(), password=target.password or None)
    except psycopg.OperationalError as error:
        raise BackupError(
            f"Fikk ikke kontakt med PostgreSQL-databasen «{target.name}» på "
            f"{target.host or 'lokal socket'}. Sjekk DATABASE_URL og at tjeneren kjører."
        ) from error


def _run_tool(arguments: list[str], target: DatabaseTarget, what: str) -> None:
    result = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
        arguments,
        capture_output=True,
        text=True,
        env={**os.environ, **target.tool_environment()},
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{what} feilet: {result.stderr.strip() or result.stdout.strip()}")


def _dump_postgresql(target: DatabaseTarget, destination: Path) -> DatabaseState:
    pg_dump = _tool("pg_dump")
    tool_version = _tool_version(pg_dump)
    with closing(_connect(target)) as connection:
        server_major = connection.info.server_version // 10000
        if tool_major_version(tool_version) < server_major:
            raise BackupError(
                f"{tool_version} er eldre enn PostgreSQL-tjeneren (versjon {server_major}) og kan "
                f"ikke ta kopi av den. Installer postgresql-client-{server_major} og prøv igjen."
            )
        # One snapshot for the counts and the dump: the manifest describes exactly what was dumped,
        # even while the site keeps writing.
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]  # type: ignore[index]
            state = _state(
                cursor,
                "postgresql",
                connection.info.parameter_status("server_version") or "",
                tool_version,
            )
            _run_tool(
                [
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={destination}",
                    f"--dbname={target.conninfo()}",
                ],
                target,
                "pg_dump",
            )
        connection.rollback()
    return state


def _postgresql_table_count(target: DatabaseTarget) -> int:
    with closing(_connect(target)) as connection, connection.cursor() as cursor:
        return len(_table_names(cursor, "postgresql"))


def _restore_postgresql(
    target: DatabaseTarget, dump: Path, dumped_with: str, replace: bool
) -> dict[str, int]:
    pg_restore = _tool("pg_restore")
    tool_version = _tool_version(pg_restore)
    if dumped_with and tool_major_version(tool_version) < tool_major_version(dumped_with):
        raise BackupError(
            f"Arkivet er laget med {dumped_with}, som {tool_version} ikke kan lese. Installer "
            "klientverktøyene i minst samme versjon og prøv igjen."
        )
    arguments = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error"]
    arguments += ["--single-transaction", f"--dbname={target.conninfo()}"]
    if replace:
        arguments += ["--clean", "--if-exists"]
    _run_tool([*arguments, str(dump)], target, "pg_restore")
    with closing(_connect(target)) as connection, connection.cursor() as cursor:
        return _row_counts(cursor, "postgresql")


# --- SQLite -------------------------------------------------------------------------------------


def _open_sqlite(name: str) -> sqlite3.Connection:
    # A "file:" URI also reaches a shared in-memory database (the test suite's).
    return sqlite3.connect(name, uri=name.startswith("file:"))


def _dump_sqlite(name: str, destination: Path) -> DatabaseState:
    # The backup API copies a consistent snapshot while other connections keep reading and writing.
    # It gets a connection of its own: one inside a write transaction cannot be copied from.
    with closing(_open_sqlite(name)) as source, closing(sqlite3.connect(destination)) as copy:
        source.backup(copy)
        with closing(copy.cursor()) as cursor:
            tool = f"sqlite3 {sqlite3.sqlite_version} (backup API)"
            return _state(cursor, "sqlite", sqlite3.sqlite_version, tool)


def _sqlite_path(name: str) -> Path:
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError(
            "Databasen finnes bare i minnet, så det er ingen fil å gjenopprette til. Pek "
            "DATABASE_URL på en databasefil. Ingenting er gjenopprettet."
        )
    return Path(name)


def _sqlite_table_count(path: Path) -> int:
    if not path.exists():
        return 0
    with closing(sqlite3.connect(path)) as connection, closing(connection.cursor()) as cursor:
        return len(_table_names(cursor, "sqlite"))


def _restore_sqlite(target: Path, dump: Path) -> dict[str, int]:
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(dump)) as source, closing(sqlite3.connect(target)) as restored:
        source.backup(restored)
        with closing(restored.cursor()) as cursor:
            return _row_counts(cursor, "sqlite")


# --- the archive --------------------------------------------------------------------------------


class _HashingReader:
    """Hands a file to tarfile and hashes exactly the bytes that went into the archive."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


def _media_files(media_root: Path) -> Iterator[tuple[Path, str]]:
    if not media_root.is_dir():
        return
    for path in sorted(media_root.rglob("*")):
        if path.is_file():
            yield path, f"{MEDIA_DIR}/{path.relative_to(media_root).as_posix()}"


def _add_file(archive: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    info = archive.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as stream:
        reader = _HashingReader(stream)
        archive.addfile(info, reader)  # type: ignore[arg-type]
    return {"path": name, "size": reader.size, "sha256": reader.digest.hexdigest()}


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o644
    archive.addfile(info, _BytesReader(content))  # type: ignore[arg-type]


class _BytesReader:
    def __init__(self, content: bytes) -> None:
        self.content = content
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.content) if size < 0 else self.position + size
        chunk = self.content[self.position : end]
        self.position += len(chunk)
        return chunk


def create_backup(
    *,
    database: DatabaseTarget,
    media_root: Path,
    output_dir: Path,
    retning_version: str,
) -> BackupResult:
    """Write ``retning-backup-<time>.tar.gz`` to ``output_dir`` and return where it is."""
    created_at = datetime.now(UTC)
    output_dir.mkdir(parents=True, exist_ok=True)
    archive_path = output_dir / f"retning-backup-{created_at:%Y%m%d-%H%M%S-%f}.tar.gz"
    partial = archive_path.with_name(archive_path.name + ".partial")
    dump_name = DUMP_NAMES[database.vendor]
    with tempfile.TemporaryDirectory(prefix="retning-backup-") as staging:
        dump = Path(staging) / dump_name
        if database.vendor == "postgresql":
            state = _dump_postgresql(database, dump)
        else:
            state = _dump_sqlite(database.name, dump)
        try:
            # The archive holds password hashes and sessions: readable by its owner only.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with (
                os.fdopen(descriptor, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w:gz") as archive,
            ):
                files = [_add_file(archive, dump, dump_name)]
                files += [_add_file(archive, path, name) for path, name in _media_files(media_root)]
                manifest = {
                    "format": ARCHIVE_FORMAT,
                    "created_at": created_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
                    "retning_version": retning_version,
                    "database": {
                        "vendor": database.vendor,
                        "dump": dump_name,
                        "server_version": state.server_version,
                        "tool": state.tool,
                    },
                    "migrations": state.migrations,
                    "row_counts": state.row_counts,
                    "files": files,
                }
                content = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                _add_bytes(archive, MANIFEST_NAME, content)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.rename(archive_path)
    return BackupResult(
        archive=archive_path,
        tables=len(state.row_counts),
        rows=sum(state.row_counts.values()),
        media_files=len(files) - 1,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def _unreadable(archive: Path) -> BackupError:
    return BackupError(
        f"Arkivet «{archive.name}» er skadet eller ikke en sikkerhetskopi fra Retning, og kan ikke "
        "leses. Ingenting er gjenopprettet."
    )


def extract_verified(archive: Path, workdir: Path) -> dict[str, Any]:
    """Unpack ``archive`` into ``workdir`` and check every file against the manifest.

    Returns the manifest. Raises ``BackupError`` at the first problem; nothing outside ``workdir``
    has been touched by then.
    """
    if not archive.is_file():
        raise BackupError(f"Fant ikke arkivet «{archive}».")
    try:
        # Read the whole gzip stream first: only its end holds the CRC that reveals a changed byte.
        with gzip.open(archive) as stream:
            while stream.read(CHUNK_SIZE):
                pass
        with tarfile.open(archive, "r:gz") as opened:
            # The "data" filter refuses absolute paths, "..", links out of workdir and device files.
            opened.extractall(workdir, filter="data")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise _unreadable(archive) from error
    try:
        manifest = json.loads((workdir / MANIFEST_NAME).read_text(encoding="utf-8"))
        listed = {entry["path"]: entry for entry in manifest["files"]}
        vendor = manifest["database"]["vendor"]
        dump_name = manifest["database"]["dump"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise _unreadable(archive) from error
    if manifest.get("format") != ARCHIVE_FORMAT or DUMP_NAMES.get(vendor) != dump_name:
        raise BackupError(
            f"Arkivet «{archive.name}» har et format denne versjonen av Retning ikke kjenner "
            f"(format {manifest.get('format')!r}). Ingenting er gjenopprettet."
        )
    present = {
        path.relative_to(workdir).as_posix()
        for path in workdir.rglob("*")
        if path.is_file() and path.name != MANIFEST_NAME
    }
    unlisted = sorted(present - listed.keys())
    if unlisted:
        raise BackupError(
            f"Arkivet inneholder filen «{unlisted[0]}», som ikke står i manifestet. Arkivet er "
            "endret etter at det ble laget; ingenting er gjenopprettet."
        )
    for name, entry in sorted(listed.items()):
        path = workdir / name
        if name not in present:
            raise BackupError(
                f"Filen «{name}» står i manifestet, men mangler i arkivet. Ingenting er gjenopprettet."
            )
        if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            raise BackupError(
                f"Sjekksummen for «{name}» stemmer ikke med manifestet. Arkivet er endret eller "
                "skadet etter at det ble laget; ingenting er gjenopprettet."
            )
    return manifest


def restore_backup(
    *, archive: Path, database: DatabaseTarget, media_root: Path, force: bool = False
) -> RestoreResult:
    """Restore ``archive`` into ``database`` and ``media_root``, then compare the row counts.

    Checks, in this order, before anything is written: the archive is intact and every checksum
    matches, it was taken from the same kind of database, and the target is empty (unless
    ``force``).
    """
    with tempfile.TemporaryDirectory(prefix="retning-restore-") as work:
        workdir = Path(work)
        manifest = extract_verified(archive, workdir)
        vendor = manifest["database"]["vendor"]
        if vendor != database.vendor:
            raise BackupError(
                f"Arkivet er tatt fra {VENDOR_NAMES.get(vendor, vendor)}, men databasen det skal "
                f"gjenopprettes til er {VENDOR_NAMES.get(database.vendor, database.vendor)}. "
                "Ingenting er gjenopprettet."
            )
        if database.vendor == "postgresql":
            existing_tables = _postgresql_table_count(database)
        else:
            existing_tables = _sqlite_table_count(_sqlite_path(database.name))
        if existing_tables and not force:
            raise BackupError(
                f"Databasen «{database.name}» er ikke tom (den har {existing_tables} tabeller). "
                "Gjenoppretting ville overskrive dataene der. Bruk en tom database, eller "
                "--force hvis du vil erstatte innholdet. Ingenting er gjenopprettet."
            )
        dump = workdir / manifest["database"]["dump"]
        if database.vendor == "postgresql":
            counts = _restore_postgresql(
                database, dump, manifest["database"].get("tool", ""), replace=bool(existing_tables)
            )
        else:
            counts = _restore_sqlite(_sqlite_path(database.name), dump)
        media_files = 0
        for entry in manifest["files"]:
            name = entry["path"]
            if not name.startswith(f"{MEDIA_DIR}/"):
                continue
            destination = media_root / name.removeprefix(f"{MEDIA_DIR}/")
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(workdir / name, destination)
            media_files += 1
    expected: dict[str, int] = manifest["row_counts"]
    mismatches = [
        (table, rows, counts.get(table, 0))
        for table, rows in sorted(expected.items())
        if counts.get(table, 0) != rows
    ]
    return RestoreResult(
        tables=len(expected),
        rows=sum(expected.values()),
        media_files=media_files,
        retning_version=str(manifest.get("retning_version", "")),
        created_at=str(manifest.get("created_at", "")),
        row_count_mismatches=mismatches,
    )
