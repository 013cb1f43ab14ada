"""The REST API's application factory.

``create_app(settings)`` builds a fresh app with its own database handle and
services; nothing is created at import time, so tests build as many apps as
they like, each on its own temporary database.
"""

from __future__ import annotations

import importlib
import pkgutil

from flask import redirect
from flask_openapi3 import APIBlueprint, Info, OpenAPI

from scripts import __version__, blueprints
from scripts.api.context import EXTENSION_KEY
from scripts.api.contract import ContractOpenAPI
from scripts.api.error_handlers import register_error_handlers, validation_error_response
from scripts.api_schemas.envelope import ErrorEnvelope
from scripts.api.request_limits import install_request_limits
from scripts.api.security import API_KEY_HEADER, install_request_guards
from scripts.config.settings import Settings
from scripts.db import Database
from scripts.services.container import build_services
from scripts.upstox.rest.client import UpstoxClient

API_DESCRIPTION = (
    "REST API of the self-hosted Upstox trading platform. Every route except "
    "/api/health and these docs needs the X-API-Key header (API_KEY in .env). "
    "Responses use the envelope {status, data} or {status, error, trace_id}."
)


def create_app(
    settings: Settings,
    database: Database | None = None,
    *,
    upstox_client: UpstoxClient | None = None,
) -> OpenAPI:
    """A new app with its own services; ``upstox_client`` lets tests choose the client's limits."""
    app = ContractOpenAPI(
        __name__,
        info=Info(
            title="Upstox Trading Platform API", version=__version__, description=API_DESCRIPTION
        ),
        security_schemes={"ApiKey": {"type": "apiKey", "in": "header", "name": API_KEY_HEADER}},
        doc_prefix="/api",
        doc_url="/openapi.json",
        validation_error_status=422,
        validation_error_model=ErrorEnvelope,
        validation_error_callback=validation_error_response,
    )
    # /api/docs/ and /api/health/ are the same endpoints as without the slash, not a 404
    # (or a 401: security.py compares paths without it too). Set before any rule is added.
    app.url_map.strict_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    app.extensions[EXTENSION_KEY] = build_services(settings, database, upstox_client=upstox_client)
    install_request_guards(app, settings.api_key)
    install_request_limits(app)
    register_error_handlers(app)
    for blueprint in discover_blueprints():
        app.register_api(blueprint)
    app.add_url_rule("/api/docs", "api_docs", lambda: redirect("/api/swagger"))
    return app


def discover_blueprints() -> list[APIBlueprint]:
    """Every module in ``scripts/blueprints`` that defines ``blueprint`` is registered.

    A new area of the API is one new module there; nothing else changes.
    """
    found = []
    for module_info in sorted(pkgutil.iter_modules(blueprints.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{blueprints.__name__}.{module_info.name}")
        blueprint = getattr(module, "blueprint", None)
        if isinstance(blueprint, APIBlueprint):
            found.append(blueprint)
    return found
