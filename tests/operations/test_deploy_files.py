"""The deployment files agree with the code: every setting is documented, gunicorn's config loads."""

import json
import logging
import os
import re
import runpy
from pathlib import Path
from typing import Any

import pytest
from gunicorn.glogging import SafeAtoms

from retning.operations.logging import GunicornAccessFormatter

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENV_READ = re.compile(r"env_(?:str|bool|list)\(\s*\"([A-Z0-9_]+)\"")
ENVIRON_READ = re.compile(r"os\.environ\.get\(\s*\"([A-Z0-9_]+)\"|_env_int\(\s*\"([A-Z0-9_]+)\"")


def _variables_read_by_settings() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "retning" / "settings").glob("*.py"):
        if path.name == "test.py":  # the test suite's own switches are not deployment settings
            continue
        found |= set(ENV_READ.findall(path.read_text(encoding="utf-8")))
    return found


def _variables_read_by_gunicorn_config() -> set[str]:
    text = (DEPLOY / "gunicorn.conf.py").read_text(encoding="utf-8")
    return {name for pair in ENVIRON_READ.findall(text) for name in pair if name}


def test_every_variable_is_in_the_env_example_and_the_guide() -> None:
    variables = _variables_read_by_settings() | _variables_read_by_gunicorn_config()
    assert {"SECRET_KEY", "DATABASE_URL", "WEB_CONCURRENCY"} <= variables
    example = (DEPLOY / "retning.env.example").read_text(encoding="utf-8")
    in_example = set(re.findall(r"^([A-Z0-9_]+)=", example, flags=re.MULTILINE))
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    in_table = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", guide, flags=re.MULTILINE))

    assert variables - in_example == set(), "add these to deploy/retning.env.example"
    assert variables - in_table == set(), "add these to the table in docs/deployment.md"


def _gunicorn_config(monkeypatch: pytest.MonkeyPatch, **environment: str) -> dict[str, Any]:
    for name in ("WEB_CONCURRENCY", "GUNICORN_BIND", "LOG_FORMAT", "GUNICORN_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_gunicorn_takes_its_workers_from_the_environment_or_the_cpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _gunicorn_config(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3
    assert _gunicorn_config(monkeypatch)["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    # An empty line in an env file means "use the default", not a crash.
    assert _gunicorn_config(monkeypatch, WEB_CONCURRENCY="")["workers"] >= 3


def test_gunicorn_listens_on_loopback_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _gunicorn_config(monkeypatch)["bind"] == "127.0.0.1:8000"
    assert _gunicorn_config(monkeypatch, GUNICORN_BIND="0.0.0.0:8000")["bind"] == "0.0.0.0:8000"


def test_gunicorn_logs_json_with_an_access_log_only_on_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    quiet = _gunicorn_config(monkeypatch)["logconfig_dict"]
    loud = _gunicorn_config(monkeypatch, GUNICORN_ACCESS_LOG="1")["logconfig_dict"]
    text = _gunicorn_config(monkeypatch, LOG_FORMAT="text")

    assert quiet["loggers"]["gunicorn.access"]["handlers"] == []
    assert loud["loggers"]["gunicorn.access"]["handlers"] == ["access"]
    # The formatters are named by dotted path; they must exist.
    for formatter in quiet["formatters"].values():
        module, _, name = formatter["()"].rpartition(".")
        assert hasattr(__import__(module, fromlist=[name]), name)
    assert "logconfig_dict" not in text
    assert text["errorlog"] == "-"


def test_gunicorns_access_line_is_json_with_the_request_id() -> None:
    atoms = SafeAtoms(
        {
            "m": "GET",
            "U": '/sok/"x"',
            "s": "200",
            "M": 12,
            "h": "10.0.0.9",
            "B": 5120,
            "{x-request-id}o": "3f2a9c1b7d4e4f00a1b2c3d4e5f60718",
        }
    )
    record = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, "%(m)s", (atoms,), None)

    line = json.loads(GunicornAccessFormatter().format(record))

    assert line["request_id"] == "3f2a9c1b7d4e4f00a1b2c3d4e5f60718"
    assert (line["method"], line["path"], line["status"]) == ("GET", '/sok/"x"', 200)
    assert (line["duration_ms"], line["remote_addr"], line["bytes"]) == (12, "10.0.0.9", 5120)


def test_the_procfile_releases_with_migrate_and_serves_with_the_gunicorn_config() -> None:
    processes = dict(
        line.split(":", 1)
        for line in (DEPLOY / "Procfile").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )

    assert set(processes) == {"release", "web", "worker"}
    assert processes["release"].split() == ["retning", "migrate", "--noinput"]
    web = processes["web"].split()
    assert web[0] == "gunicorn"
    assert (ROOT / web[web.index("--config") + 1]).is_file()


def test_the_container_runs_unprivileged_from_locked_dependencies() -> None:
    lines = [
        line.strip()
        for line in (DEPLOY / "Containerfile").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    text = "\n".join(lines)

    assert lines[0] == "FROM python:3.12-slim"
    assert "--require-hashes --requirement requirements/base.lock" in text
    assert "pip install --no-deps ." in text
    assert "collectstatic --noinput" in text
    assert re.search(r"^USER (?!root)\w+", text, flags=re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*/healthz", text, flags=re.MULTILINE | re.DOTALL)
    assert lines[-1] == 'CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py"]'
