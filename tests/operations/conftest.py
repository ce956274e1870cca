import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from retning.operations.logging import JsonFormatter


@pytest.fixture
def json_log() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """Log lines as the production handler writes them, parsed back from JSON."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def lines() -> list[dict[str, Any]]:
        raw = stream.getvalue().splitlines()
        return [json.loads(line) for line in raw]

    yield lines
    root.removeHandler(handler)
    root.setLevel(previous_level)
