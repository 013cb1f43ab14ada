"""The header's widgets: mode badge, Upstox connection and token, market status, bell, user.

Each widget is a small class with an ``update`` method fed by the chrome's
status poll (``layout.py``), so the header reads the API once per poll for
all of them.
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from dashboard_ui.formatting import ist_time, market_words
from scripts.api_schemas.health import BrokerHealth
from scripts.api_schemas.market import MarketStatus

MODE_COLOURS = {"LIVE": "negative", "SANDBOX": "teal"}


class ModeBadge:
    """SANDBOX or LIVE; LIVE is red and says "real money" so nobody mistakes it."""

    def __init__(self, mode_label: str) -> None:
        self.badge = ui.badge().classes("text-sm text-weight-bold q-px-sm q-py-xs")
        self.badge.mark("mode-badge")
        with self.badge:
            self.tooltip = ui.tooltip()
        self.update(mode_label)

    def update(self, mode_label: str) -> None:
        live = mode_label == "LIVE"
        self.badge.set_text("LIVE · real money" if live else mode_label)
        self.badge.props(f"color={MODE_COLOURS.get(mode_label, 'grey')}")
        self.tooltip.set_text(
            "Orders go to Upstox with real money."
            if live
            else "Orders go to a sandbox; no real money is used."
        )


class StatusChip:
    """A small coloured chip with an icon and words, e.g. ``NSE: Closed``."""

    def __init__(self, icon: str, text: str, marker: str) -> None:
        self.chip = ui.chip(text, icon=icon).props("dense square color=grey-7 text-color=white")
        self.chip.mark(marker)
        with self.chip:
            self.tooltip = ui.tooltip("")

    def update(self, text: str, colour: str, hint: str = "") -> None:
        self.chip.set_text(text)
        self.chip.props(f"color={colour}")
        self.tooltip.set_text(hint)


def market_chip_text(market: MarketStatus | None) -> tuple[str, str, str]:
    """(text, colour, tooltip) for ``GET /api/market/status`` data."""
    if market is None:
        return "NSE: unknown", "grey-7", "Market status is not known yet."
    words, colour = market_words(market.status)
    hint = f"{market.reason} Next open: {ist_time(market.next_open)}"
    return f"{market.exchange}: {words}", colour, hint.strip()


# Token states reported by the Upstox layer (broker.token.state) -> (words, colour).
TOKEN_STATES: dict[str, tuple[str, str]] = {
    "none": ("not logged in", "orange-8"),
    "active": ("logged in", "positive"),
    "expired": ("token expired: log in again", "negative"),
    "revoked": ("token revoked: log in again", "negative"),
}


def token_state(broker: BrokerHealth) -> tuple[str, str]:
    """(words, colour) for the Upstox login; "not logged in" when the API does not report it."""
    token = broker.token
    if token is None:
        return TOKEN_STATES["none"]
    words, colour = TOKEN_STATES.get(token.state, (f"token {token.state}", "orange-8"))
    if token.state == "active" and token.expires_at:
        words += f" until {ist_time(token.expires_at)}"
    return words, colour


def token_words(broker: BrokerHealth) -> str:
    return token_state(broker)[0]


def broker_chip_text(broker: BrokerHealth | None) -> tuple[str, str, str]:
    """(text, colour, tooltip) for the ``broker`` part of ``/api/health``."""
    if broker is None:
        return "Upstox: unknown", "grey-7", "The broker state is not known yet."
    words, colour = token_state(broker)
    if not broker.reachable:
        detail = broker.detail or f"Cannot reach {broker.host or 'the broker'}."
        return f"Upstox: unreachable · {words}", "negative", detail
    latency = broker.latency_ms
    hint = f"{broker.host or ''} answered" + (f" in {latency} ms" if latency else "")
    return f"Upstox: connected · {words}", colour, hint


def notifications_bell() -> None:
    """The bell. No notifications service exists yet, so it says so instead of a fake count."""
    bell = ui.button(icon="notifications").props(
        'flat round color=white aria-label="Notifications"'
    )
    with bell.mark("bell"):
        with ui.menu().classes("q-pa-md"):
            ui.label("No notifications yet.").classes("text-weight-medium")
            ui.label(
                "The notifications service is not part of this version; "
                "alerts and order updates will appear here when it is."
            ).classes("text-caption text-grey-7").style("max-width: 260px")


def user_menu(username: str, on_logout: Callable[[], None]) -> None:
    with ui.row().classes("items-center gap-1 no-wrap"):
        ui.icon("account_circle", size="sm")
        ui.label(username).classes("text-sm").mark("current-user")
        ui.button("Log out", icon="logout", on_click=on_logout).props(
            "flat dense no-caps color=white"
        ).classes("whitespace-nowrap").mark("logout")
