"""Serve the REST API with waitress: ``python -m scripts.api``."""

from __future__ import annotations

import logging
import sys

from waitress import serve

from scripts.api.app import create_app
from scripts.config.settings import SettingsError, load_settings
from scripts.logging_setup import configure_logging

log = logging.getLogger(__name__)


def main() -> int:
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    configure_logging(settings, "api")
    app = create_app(settings)
    log.info(
        "API listening on http://%s:%s (mode %s)",
        settings.api_host,
        settings.api_port,
        settings.mode,
    )
    serve(app, host=settings.api_host, port=settings.api_port, threads=8, ident="upstox-platform")
    return 0


if __name__ == "__main__":
    sys.exit(main())
