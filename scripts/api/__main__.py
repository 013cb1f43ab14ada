"""Serve the REST API with waitress: ``python -m scripts.api``."""

from __future__ import annotations

import logging
import sys

from waitress import serve

from scripts.api.app import create_app
from scripts.api.request_limits import SERVER_LIMITS
from scripts.config.settings import settings_for_command
from scripts.logging_setup import configure_logging

log = logging.getLogger(__name__)


def main() -> int:
    settings = settings_for_command()
    configure_logging(settings, "api")
    app = create_app(settings)
    log.info(
        "API listening on http://%s:%s (mode %s)",
        settings.api_host,
        settings.api_port,
        settings.mode,
    )
    serve(
        app,
        host=settings.api_host,
        port=settings.api_port,
        threads=8,
        ident="upstox-platform",
        **SERVER_LIMITS,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
