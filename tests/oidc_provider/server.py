"""Start the test provider in a subprocess on loopback, wait until it answers, and stop it again."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 60.0
# The provider is on loopback: never send these requests through a proxy from the environment.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    discovery: dict[str, Any]
    sub: str
    log: Path

    def jwks(self) -> dict[str, Any]:
        with _opener.open(self.discovery["jwks_uri"], timeout=10) as response:
            return json.load(response)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _discovery(issuer: str) -> dict[str, Any] | None:
    try:
        with _opener.open(f"{issuer}/.well-known/openid-configuration", timeout=2) as response:
            return json.load(response)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def running_provider(data_dir: Path, redirect_uri: str) -> Iterator[RunningProvider]:
    """The provider, ready to serve, for the duration of the ``with`` block (stopped on errors too)."""
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    log = data_dir / "provider.log"
    env = {
        **_inherited_environment(),
        "OIDC_PROVIDER_DATA_DIR": str(data_dir),
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "tests.oidc_provider",
                "--port",
                str(port),
                "--redirect-uri",
                redirect_uri,
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        discovery = _wait_until_ready(process, issuer, log)
        sub = json.loads((data_dir / "provider.json").read_text())["sub"]
        yield RunningProvider(issuer=issuer, discovery=discovery, sub=sub, log=log)
    finally:
        _stop(process)


def _wait_until_ready(process: subprocess.Popen[bytes], issuer: str, log: Path) -> dict[str, Any]:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"The test OIDC provider exited with {process.returncode}:\n{log.read_text()}"
            )
        discovery = _discovery(issuer)
        if discovery is not None:
            return discovery
        time.sleep(0.2)
    raise RuntimeError(
        f"The test OIDC provider did not answer within {START_TIMEOUT_SECONDS:.0f} s:\n"
        f"{log.read_text()}"
    )


def _inherited_environment() -> dict[str, str]:
    # Retning's own settings must not leak into the provider's process.
    return {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
