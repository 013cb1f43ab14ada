"""Page not found: an unknown path answered inside the dashboard's frame, with the way back.

NiceGUI answers an unknown path with a bare sad face; a trader who mistypes
``/fund`` should keep the header (mode, Upstox state, market) and the sidebar,
see which path was wrong and get a link back to the Dashboard (and to the page
they probably meant). The answer is still HTTP 404.

Not a sidebar page (it has no ``PAGE``): :func:`register_not_found_page` makes
it the app's 404 handler. A logged-out visitor never sees it: the login
middleware sends every non-public path to the login page first (and back to the
same path after login), so nobody learns which paths exist without logging in.
The only unknown paths that get past the middleware are under NiceGUI's public
asset prefix; those, and API routes that raise 404, get a plain JSON 404 as
NiceGUI would give them, never the frame (which names the user and lists the
pages).
"""

from __future__ import annotations

import difflib
import logging

from fastapi.exception_handlers import http_exception_handler
from nicegui import Client, app, ui
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from dashboard_ui.login_guard import is_logged_in
from dashboard_ui.page_context import DashboardContext
from dashboard_ui.layout import frame, tab_title
from dashboard_ui.page_registry import PageSpec

log = logging.getLogger(__name__)

NOT_FOUND_TITLE = "Page not found"
HOME_PATH = "/"


def register_not_found_page(ctx: DashboardContext) -> None:
    """Answer every unknown page path with :func:`draw_not_found` inside the frame."""

    async def answer_not_found(request: Request, exception: Exception) -> Response:
        assert isinstance(exception, HTTPException)  # registered for status 404 only
        if not (_no_route_matched(request) and is_logged_in(app.storage.user)):
            return await http_exception_handler(request, exception)
        log.info("page not found: %s", request.url.path)
        with Client(ui.page("", title=tab_title(NOT_FOUND_TITLE)), request=request) as client:
            with frame(ctx, NOT_FOUND_TITLE):
                draw_not_found(request.url.path, ctx.pages)
        return client.build_response(request, 404)

    # Replaces NiceGUI's handler for 404 (one handler per status code in Starlette).
    app.add_exception_handler(404, answer_not_found)


def _no_route_matched(request: Request) -> bool:
    """Starlette records the matched route's endpoint; an unknown path has none."""
    return request.scope.get("endpoint") is None


def draw_not_found(path: str, pages: tuple[PageSpec, ...]) -> None:
    """The message: which path is wrong, the way back, and the likeliest page meant."""
    with ui.card().classes("q-pa-lg gap-3").style("max-width: 640px").mark("not-found"):
        with ui.row().classes("items-center no-wrap gap-3"):
            ui.icon("explore_off", size="lg", color="grey-7")
            ui.label(f"Page not found: {path}").classes("text-h6 break-all").mark("not-found-path")
        ui.label(
            "No dashboard page lives at this address. It may be mistyped, or the page is not "
            "part of this version; the sidebar lists every page there is."
        ).classes("text-grey-8")
        meant = likely_page(path, pages)
        with ui.row().classes("items-center gap-4"):
            ui.link("Back to the Dashboard", HOME_PATH).classes("text-weight-medium").mark(
                "not-found-home"
            )
            if meant is not None and meant.path != HOME_PATH:
                ui.link(f"Did you mean {meant.title}?", meant.path).mark("not-found-suggestion")


def likely_page(path: str, pages: tuple[PageSpec, ...]) -> PageSpec | None:
    """The registered page whose path is closest to a mistyped one (``/fund`` -> Funds)."""
    by_path = {spec.path.lower(): spec for spec in pages}
    close = difflib.get_close_matches(path.rstrip("/").lower(), list(by_path), n=1, cutoff=0.6)
    return by_path[close[0]] if close else None
