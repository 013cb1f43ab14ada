"""Builds the dashboard: login guard, ``/healthz``, the login page, every registered page, 404.

Called by the entry point after settings are loaded. Nothing here runs at
import time, so the user-simulation tests can build a fresh dashboard for
every test.
"""

from __future__ import annotations

import logging

from nicegui import app, ui

from dashboard_ui.api_client import ApiClient
from dashboard_ui.login_guard import HEALTH_PATH, LoginRequiredMiddleware
from dashboard_ui.page_context import DashboardContext
from dashboard_ui.layout import frame, tab_title
from dashboard_ui.pages.login import register_login_page
from dashboard_ui.pages.not_found import register_not_found_page
from dashboard_ui.page_registry import PageSpec, discover_pages
from scripts import __version__
from scripts.config.dashboard_settings import DashboardSettings

log = logging.getLogger(__name__)


def build_dashboard(settings: DashboardSettings) -> DashboardContext:
    pages = tuple(discover_pages())
    ctx = DashboardContext(settings, ApiClient(settings.api_url, settings.api_key), pages)
    app.add_middleware(LoginRequiredMiddleware)
    app.add_api_route(HEALTH_PATH, _healthz, methods=["GET"], include_in_schema=False)
    app.on_shutdown(ctx.api.aclose)
    register_login_page(ctx)
    for page in pages:
        register_page(page, ctx)
    register_not_found_page(ctx)
    log.info(
        "dashboard: %d page(s), API at %s, mode %s", len(pages), settings.api_url, settings.mode
    )
    return ctx


def register_page(page: PageSpec, ctx: DashboardContext) -> None:
    """Route ``page.path`` to the page's ``build``, inside the frame drawn from its spec."""

    @ui.page(page.path, title=tab_title(page.title))
    async def show_page() -> None:
        with frame(ctx, page.title, page.path) as chrome:
            await page.build(ctx, chrome)


async def _healthz() -> dict[str, str]:
    """What the launcher polls: the dashboard process is up (says nothing about the API)."""
    return {"status": "ok", "service": "dashboard", "version": __version__}
