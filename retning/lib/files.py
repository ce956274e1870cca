"""Writing files so that a reader, a crash or a full disk never leaves half of one behind."""

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it into place.

    On any error (``OSError`` such as a full disk included) the temporary file is removed and the
    error propagates; ``path`` is then either untouched or, had it existed, still the old file.
    ``mode`` sets the permission bits (``mkstemp`` creates files readable by the owner only).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.ufullstendig-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
