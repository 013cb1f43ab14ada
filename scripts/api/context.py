"""How request handlers reach the process's services: ``services()``.

``create_app`` builds the typed ``PlatformServices`` container once and stores
it on the Flask app, so handlers need no module globals and no string lookups.
"""

from __future__ import annotations

from flask import current_app

from scripts.services.container import PlatformServices

EXTENSION_KEY = "upstox_platform"


def services() -> PlatformServices:
    """The services of the app handling the current request."""
    found: PlatformServices = current_app.extensions[EXTENSION_KEY]
    return found
