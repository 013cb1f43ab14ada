"""Process-wide logging: configured once at start-up, with the request trace id on every line.

Every log line carries ``trace=<id>`` (the API's X-Trace-ID for the request
being served, ``-`` otherwise) so one request can be followed from the API log
to the Upstox client's lines. A redaction filter masks bearer tokens and
``access_token`` values wherever they might slip into a message.
"""

from __future__ import annotations

import contextvars
import logging
import re
import sys
from logging.handlers import RotatingFileHandler
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scripts.config.dashboard_settings import DashboardSettings
    from scripts.config.settings import Settings

trace_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("trace_id", default="-")

_SECRET_PATTERNS = (
    re.compile(r"(Bearer\s+)[A-Za-z0-9\-._~+/]+=*", re.IGNORECASE),
    re.compile(r"((?:access|extended)_token['\"]?\s*[:=]\s*['\"]?)[^'\"\s,&}]+", re.IGNORECASE),
)
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s trace=%(trace_id)s %(message)s"


class TraceAndRedactFilter(logging.Filter):
    """Adds ``trace_id`` to each record and masks token-looking values."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.trace_id = trace_id_var.get()
        message = record.getMessage()
        redacted = redact_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def redact_secrets(text: str) -> str:
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1***", text)
    return text


def is_platform_handler(handler: logging.Handler) -> bool:
    """True for the handlers ``configure_logging`` installed (they carry our filter)."""
    return any(isinstance(f, TraceAndRedactFilter) for f in handler.filters)


def configure_logging(
    settings: "Settings | DashboardSettings", service: str, to_file: bool = True
) -> None:
    """Send logs to stderr and (for long-running services) to ``logs/<service>.log``."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if is_platform_handler(handler):
            root.removeHandler(handler)
            handler.close()
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if to_file:
        settings.log_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(
            RotatingFileHandler(
                settings.log_dir / f"{service}.log", maxBytes=5_000_000, backupCount=5
            )
        )
    for handler in handlers:
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handler.addFilter(TraceAndRedactFilter())
        root.addHandler(handler)
    root.setLevel(settings.log_level)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
