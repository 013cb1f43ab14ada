"""The platform's services for one command-line run, on a database that is set up.

Commands (``python scripts/update_nse_indices.py``, ``python -m scripts.cli.instruments``) all
need the same prelude: the settings, the database, a check that ``./setup.sh`` migrated it (a
command on an empty or old database would fail with a SQL error instead of saying what to do),
the services, and closing all of it on every path.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from scripts.config.settings import settings_for_command
from scripts.db import Database
from scripts.db.migrate import current_revision, head_revision
from scripts.services.container import PlatformServices, build_services


class DatabaseNotSetUp(Exception):
    """The database is missing or behind the newest migration."""


@contextmanager
def command_services() -> Iterator[PlatformServices]:
    """The services built once for this command; raises :class:`DatabaseNotSetUp` first if
    the database is not migrated."""
    settings = settings_for_command()
    database = Database(settings.database_url)
    try:
        if current_revision(database) != head_revision():
            raise DatabaseNotSetUp("The database is not set up yet: run ./setup.sh first.")
        services = build_services(settings, database)
        try:
            yield services
        finally:
            services.close()
    finally:
        database.dispose()
