"""The chrome every page shares: header, API-down banner and sidebar, in one ``frame``.

``frame(ctx, title, active_path)`` draws the header (mode, Upstox state, market
status, bell, user), the banner that appears when the API stops answering, the
sidebar with the open page highlighted, and the page heading, then yields a
:class:`Chrome` for the page body. Sidebar pages never call it themselves: the
application wraps every page's ``build`` in it from the page's ``PageSpec``
(``application.py``), and the 404 page uses it too. The chrome polls
``/api/health`` and ``/api/market/status`` while the page is open; pages that
want those figures subscribe with :meth:`Chrome.on_status` instead of asking
the API again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from nicegui import app, ui

from dashboard_ui import refresh
from dashboard_ui.api_client import ApiProblem, ApiUnavailable
from dashboard_ui.login_guard import LOGIN_PATH, current_user, log_out
from dashboard_ui.page_context import DashboardContext
from dashboard_ui.header import (
    ModeBadge,
    StatusChip,
    broker_chip_text,
    market_chip_text,
    notifications_bell,
    user_menu,
)
from dashboard_ui.sidebar import draw_sidebar
from scripts.api_schemas.health import PlatformHealth
from scripts.api_schemas.market import MarketStatus

log = logging.getLogger(__name__)

APP_TITLE = "Upstox Trading Platform"


def tab_title(page_title: str) -> str:
    """The browser tab's title: the page first, so a row of tabs stays readable."""
    return f"{page_title} · {APP_TITLE}"


@dataclass(frozen=True)
class PlatformStatus:
    """One poll's result: health and market data, or the problem that stopped the poll."""

    health: PlatformHealth | None = None
    market: MarketStatus | None = None
    problem: ApiProblem | None = None


StatusListener = Callable[[PlatformStatus], None]


class ApiBanner:
    """A red strip across the top while the API fails; it hides itself once the API answers."""

    def __init__(self) -> None:
        self.row = ui.row().classes(
            "w-full items-center no-wrap gap-2 bg-red-8 text-white q-px-md q-py-sm"
        )
        self.row.mark("api-banner")
        with self.row:
            ui.icon("cloud_off", size="sm")
            self.label = ui.label("").classes("text-weight-medium")
        self.row.set_visibility(False)

    def show(self, problem: ApiProblem, retry_seconds: float) -> None:
        advice = (
            " Start it with ./start_nicegui.sh (or check API_URL in .env)."
            if isinstance(problem, ApiUnavailable)
            else ""
        )
        self.label.set_text(
            f"{problem.message}{advice} Figures below may be out of date; "
            f"retrying every {retry_seconds:.0f} s and this page recovers by itself."
        )
        self.row.set_visibility(True)

    def hide(self) -> None:
        self.row.set_visibility(False)


class Chrome:
    """The header and banner of one open page, and the status poll that feeds them."""

    def __init__(self, ctx: DashboardContext) -> None:
        self.ctx = ctx
        self.status = PlatformStatus()
        self._listeners: list[StatusListener] = []
        self.poller: refresh.Poller | None = None
        self.drawer: ui.left_drawer | None = None
        self._draw_header()

    def _draw_header(self) -> None:
        header = ui.header(elevated=True).classes("q-pa-none bg-blue-grey-10")
        # One full-width column inside the header: the bar on top, the API banner under it.
        with header, ui.column().classes("w-full gap-0"):
            with ui.row().classes("w-full items-center no-wrap gap-3 q-px-md q-py-sm"):
                ui.button(icon="menu", on_click=self._toggle_sidebar).props(
                    'flat round dense color=white aria-label="Show or hide the page list"'
                )
                ui.label(APP_TITLE).classes("text-lg text-weight-medium whitespace-nowrap")
                self.mode = ModeBadge(self.ctx.settings.mode_label)
                self.broker = StatusChip("link", "Upstox: checking…", "broker-status")
                self.market = StatusChip("schedule", "NSE: checking…", "market-status")
                ui.space()
                notifications_bell()
                user_menu(current_user(app.storage.user), self._log_out)
            self.banner = ApiBanner()

    def on_status(self, listener: StatusListener) -> None:
        """Call ``listener`` with every poll's result (and now, if a result is already in)."""
        self._listeners.append(listener)
        if self.status.health is not None or self.status.problem is not None:
            listener(self.status)

    def start(self) -> None:
        self.poller = refresh.Poller(
            "header status",
            self._poll,
            self._show_problem,
            refresh.STATUS_POLL_SECONDS,
        )

    async def _poll(self) -> None:
        health = await self.ctx.api.health()
        market = await self.ctx.api.market_status()
        self._publish(PlatformStatus(health=health, market=market))

    def _publish(self, status: PlatformStatus) -> None:
        self.status = status
        if status.problem is None:
            self.banner.hide()
            health = status.health
            self.mode.update(health.mode_label if health else self.ctx.settings.mode_label)
            self.broker.update(*broker_chip_text(health.broker if health else None))
            self.market.update(*market_chip_text(status.market))
        for listener in self._listeners:
            listener(status)

    def _show_problem(self, problem: ApiProblem) -> None:
        retry = self.poller.interval if self.poller else refresh.STATUS_POLL_SECONDS
        next_retry = refresh.next_interval(
            retry, refresh.STATUS_POLL_SECONDS, True, refresh.MAX_BACKOFF_SECONDS
        )
        self.banner.show(problem, next_retry)
        # Keep the last known figures on screen, flagged by the banner.
        self._publish(
            PlatformStatus(health=self.status.health, market=self.status.market, problem=problem)
        )

    def _toggle_sidebar(self) -> None:
        if self.drawer is not None:
            self.drawer.toggle()

    def _log_out(self) -> None:
        log.info("dashboard logout by %s", current_user(app.storage.user))
        log_out(app.storage.user)
        ui.navigate.to(LOGIN_PATH)


@contextmanager
def frame(ctx: DashboardContext, title: str, active_path: str | None = None) -> Iterator[Chrome]:
    """Draw the shared chrome and yield it; the page body goes inside the ``with`` block."""
    chrome = Chrome(ctx)
    chrome.drawer = draw_sidebar(ctx.pages, active_path)
    with ui.column().classes("w-full q-pa-md gap-4"):
        ui.label(title).classes("text-h5 text-weight-medium").mark("page-title")
        yield chrome
    chrome.start()
