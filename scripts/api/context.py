"""What the API's request handlers share: settings, the database, the services.

Built once by ``create_app`` and stored on the Flask app, so handlers reach it
through :func:`platform` instead of module globals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from scripts.config.settings import Settings
from scripts.db import Database

EXTENSION_KEY = "upstox_platform"


@dataclass
class PlatformContext:
    settings: Settings
    database: Database
    services: dict[str, Any] = field(default_factory=dict)


def platform() -> PlatformContext:
    return current_app.extensions[EXTENSION_KEY]
