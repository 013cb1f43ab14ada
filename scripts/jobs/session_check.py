"""Is the stored Upstox token still accepted? (docs/LESSONS.md: the token must not die silently.)

A token can die before its 03:30 IST expiry: Upstox invalidates it when a new one is made
elsewhere, and the built-in sandbox forgets its tokens when it restarts. This job asks for
the profile (the cheapest authenticated call); a 401 marks the session expired in the
database, so the header of every page says so within minutes.
"""

from __future__ import annotations

from scripts.config.settings import Settings
from scripts.db import Database
from scripts.services.container import build_services


def check_upstox_session(settings: Settings, database: Database) -> str:
    services = build_services(settings, database)
    try:
        return services.broker.check_session()
    finally:
        services.close()
