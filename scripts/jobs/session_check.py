"""Is the stored Upstox token still accepted? (docs/LESSONS.md: the token must not die silently.)

A token can die before its 03:30 IST expiry: Upstox invalidates it when a new one is made
elsewhere, and the built-in sandbox forgets its tokens when it restarts. This job asks for
the profile (the cheapest authenticated call); a 401 marks the session expired in the
database, so the header of every page says so within minutes.
"""

from __future__ import annotations

from scripts.services.broker import BrokerService
from scripts.upstox.errors import TokenExpired


def check_upstox_session(settings, database) -> str:  # type: ignore[no-untyped-def]
    broker = BrokerService(settings, database)
    try:
        if broker.vault.access_token() is None:
            return f"no active session ({broker.vault.state().state})"
        try:
            broker.client.profile()
        except TokenExpired:
            return "the token was refused by Upstox: session marked expired"
        return "session valid"
    finally:
        broker.client.close()
