"""Log lines with the request they belong to: one JSON object per line, or plain text in development.

Pure: imports nothing from Django, so settings can import it and tests can drive it directly.
"""

import json
import logging
import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# What a proxy may hand us as a request id. Anything else is replaced, so a header can never
# smuggle a line break, a quote or a megabyte of text into the logs.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{8,128}")


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    method: str
    path: str


current_request: ContextVar[RequestContext | None] = ContextVar("current_request", default=None)


def clear_request_context(**_: Any) -> None:
    """Forget the finished request (connected to Django's ``request_finished`` signal).

    Not done by the middleware itself: Django logs 4xx and 5xx responses after the middleware has
    returned, and those lines should still carry the request id.
    """
    current_request.set(None)


def accepted_request_id(header_value: str | None) -> str:
    """The proxy's request id when it is well-formed, else a fresh uuid4 (hex form)."""
    if header_value is not None and REQUEST_ID_PATTERN.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


def _timestamp(created: float) -> str:
    moment = datetime.fromtimestamp(created, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class JsonFormatter(logging.Formatter):
    """One JSON object per line; fields without a value are left out rather than written as null."""

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = {
            "time": _timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = current_request.get()
        if context is not None:
            fields["request_id"] = context.request_id
            fields["method"] = context.method
            fields["path"] = context.path
        # Django's own request logger names it status_code.
        status = getattr(record, "status", None) or getattr(record, "status_code", None)
        if status is not None:
            fields["status"] = status
        for name in ("duration_ms", "user_id"):
            value = getattr(record, name, None)
            if value is not None:
                fields[name] = value
        if record.exc_info:
            fields["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            fields["exception"] = record.exc_text
        if record.stack_info:
            fields["stack"] = self.formatStack(record.stack_info)
        return json.dumps(fields, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Readable lines for a developer's terminal, still tagged with the request id."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        context = current_request.get()
        record.request_id = context.request_id if context is not None else "-"
        return super().format(record)


class GunicornAccessFormatter(logging.Formatter):
    """Gunicorn's access log as JSON, built from gunicorn's atoms rather than a text template."""

    def format(self, record: logging.LogRecord) -> str:
        atoms = record.args if isinstance(record.args, dict) else {}

        def atom(key: str) -> Any:
            value = atoms.get(key)
            if value in ("-", None):
                return None
            # Gunicorn escapes quotes for its text template; JSON escapes them itself.
            return value.replace('\\"', '"') if isinstance(value, str) else value

        status = atom("s")
        fields = {
            "time": _timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": f"{atom('m')} {atom('U')} {status}",
            "request_id": atom("{x-request-id}o"),
            "method": atom("m"),
            "path": atom("U"),
            "status": int(status) if str(status).isdigit() else status,
            "duration_ms": atom("M"),
            "remote_addr": atom("h"),
            "bytes": atom("B"),
        }
        present = {key: value for key, value in fields.items() if value is not None}
        return json.dumps(present, ensure_ascii=False, default=str)


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """The ``LOGGING`` setting: everything to standard error, JSON when ``log_format == "json"``."""
    formatter = "json" if log_format.strip().lower() == "json" else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": JsonFormatter},
            "text": {"()": TextFormatter},
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": formatter}},
        "root": {"handlers": ["console"], "level": level.upper()},
        # Django attaches its own console handler to "django"; without this, every line of it would
        # be written twice while DEBUG is on. Its records still reach the root handler above.
        "loggers": {"django": {"handlers": [], "level": level.upper(), "propagate": True}},
    }
