"""The market-feed process: ``python -m scripts.feed_process`` (the launcher starts it)."""

from __future__ import annotations

import logging
import signal
import sys
import threading

from scripts.config.settings import settings_for_command
from scripts.db import Database
from scripts.db.migrate import current_revision, head_revision
from scripts.feed_process.hub import FeedHub
from scripts.feed_process.server import FeedServer
from scripts.logging_setup import configure_logging
from scripts.services.container import build_services

log = logging.getLogger(__name__)


def main() -> int:
    settings = settings_for_command()
    configure_logging(settings, "feed")
    database = Database(settings.database_url)
    if current_revision(database) != head_revision():
        log.error("the database schema is not up to date; run ./setup.sh first")
        return 2
    services = build_services(settings, database)  # once: the token vault and session
    server = FeedServer(FeedHub(services.broker), settings.feed_host, settings.feed_port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server.start()
    log.info("market-feed process on %s:%d", settings.feed_host, settings.feed_port)
    stop.wait()
    server.stop()
    services.close()
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
