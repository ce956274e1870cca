"""retning.lib.files.write_atomically: a file is written whole or not at all."""

import errno
import os
from pathlib import Path

import pytest

from retning.lib import files


def test_the_file_appears_whole_with_the_asked_permissions(tmp_path: Path) -> None:
    target = tmp_path / "undermappe" / "arkiv.zip"
    files.write_atomically(target, b"innhold", mode=0o644)
    assert target.read_bytes() == b"innhold"
    assert target.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in target.parent.iterdir()) == ["arkiv.zip"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "rapport.pdf"
    target.write_bytes(b"gammel")

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full_disk)
    with pytest.raises(OSError):
        files.write_atomically(target, b"ny")
    assert target.read_bytes() == b"gammel"
    assert os.listdir(tmp_path) == ["rapport.pdf"]
