"""Serve the REST API with waitress: ``python -m scripts.api``."""

from __future__ import annotations

import logging
import sys
from typing import Any

from waitress import create_server

from scripts.api.app import create_app
from scripts.api.request_limits import SERVER_LIMITS
from scripts.config.settings import settings_for_command
from scripts.logging_setup import configure_logging

log = logging.getLogger(__name__)

# Worker threads of the API server; a request beyond them waits in waitress's queue, health
# checks and orders included. A thread is never held long: Upstox account reads are cached and
# single-flight (scripts/services/read_cache.py), and a read waits at most
# MAX_WAIT_S[STANDARD] = 1 s for the rate limiter before it is answered 429 with Retry-After
# (scripts/upstox/rest/rate_limit.py). So the threads only have to cover the requests that are
# genuinely in flight at once: a dashboard tab polls about six endpoints together, two or three
# tabs make ~16, and the rest is headroom so /api/health and an order always find a free
# thread. More would not serve faster (2 cores, one GIL); they would only let more requests
# wait on Upstox at the same time. tests/services/test_read_starvation.py serves the app with
# these same options.
API_THREADS = 16


def server_options() -> dict[str, Any]:
    """The waitress options of the production server, shared with the tests that measure it."""
    return {"threads": API_THREADS, "ident": "upstox-platform", **SERVER_LIMITS}


def build_server(app: Any, host: str, port: int) -> Any:
    """A waitress server for ``app`` (not yet running: call ``.run()``; ``.close()`` stops)."""
    return create_server(app, host=host, port=port, **server_options())


def main() -> int:
    settings = settings_for_command()
    configure_logging(settings, "api")
    app = create_app(settings)
    server = build_server(app, settings.api_host, settings.api_port)
    log.info(
        "API listening on http://%s:%s (mode %s, %d threads)",
        settings.api_host,
        settings.api_port,
        settings.mode,
        API_THREADS,
    )
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
