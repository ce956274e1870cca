import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_with_a_database_cache_migrate_creates_the_table_and_the_cache_works(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "retning.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cache.sqlite3'}",
        "RETNING_VAR_DIR": str(tmp_path),
        "RETNING_CACHE": "database",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    migrate = subprocess.run(
        [sys.executable, "-m", "retning.cli", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    script = (
        "import django; django.setup(); from django.core.cache import cache; "
        "cache.set('k', 41); cache.incr('k'); print(cache.get('k'))"
    )
    shared = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shared.stdout.strip() == "42", shared.stderr
    again = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.core.cache import cache; print(cache.get('k'))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.stdout.strip() == "42"  # another process sees the same cache
