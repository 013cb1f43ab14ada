"""The platform's Upstox portfolio stream: order, position, holding and GTT updates.

Same connection behaviour as the market feed (fresh authorize per connect,
backoff with jitter, stop on a dead token) via FeedConnection. There is no
subscription message: which update types arrive is fixed by the authorize call
(``update_types=order,position,holding,gtt_order``) [DOC §9.2], so the injected
``authorize`` decides it. Updates go onto a PortfolioBus.

There is no stall watchdog here: an account with no activity is silent for
hours, so silence proves nothing; dead sockets are caught by WS ping/pong.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable

from scripts.upstox.feed.backoff import Backoff
from scripts.upstox.feed.connection import (
    Authorize,
    FeedConnection,
    TokenExpiredCallback,
    is_token_rejection,
)
from scripts.upstox.feed.events import FeedHealth, PortfolioUpdate
from scripts.upstox.feed.tick_bus import PortfolioBus

logger = logging.getLogger(__name__)


def decode_portfolio_message(message: str | bytes) -> PortfolioUpdate | None:
    """A JSON text frame -> PortfolioUpdate; None for anything without an update_type."""
    data = json.loads(message)
    if not isinstance(data, dict) or "update_type" not in data:
        return None
    return PortfolioUpdate(update_type=str(data["update_type"]), data=data)


class PortfolioStream:
    """Keeps the portfolio stream connected and publishes its updates."""

    def __init__(
        self,
        authorize: Authorize,
        bus: PortfolioBus | None = None,
        *,
        on_token_expired: TokenExpiredCallback | None = None,
        is_token_expired: Callable[[BaseException], bool] = is_token_rejection,
        backoff: Backoff | None = None,
        stable_after_s: float = 30.0,
        ping_interval_s: float = 20.0,
        ping_timeout_s: float = 20.0,
    ) -> None:
        self.bus = bus or PortfolioBus()
        self._last_update_at: float | None = None
        self._connection = FeedConnection(
            "portfolio",
            authorize,
            on_message=self._on_message,
            on_token_expired=on_token_expired,
            is_token_expired=is_token_expired,
            backoff=backoff,
            stable_after_s=stable_after_s,
            ping_interval_s=ping_interval_s,
            ping_timeout_s=ping_timeout_s,
        )

    def start(self) -> None:
        self._connection.start()

    async def stop(self) -> None:
        await self._connection.stop()

    async def recycle(self, reason: str = "requested") -> None:
        """Drop the current socket; the stream re-authorizes and reconnects."""
        await self._connection.recycle(reason)

    async def wait_connected(self, timeout: float) -> None:
        await asyncio.wait_for(self._connection.connected_event.wait(), timeout)

    def health(self) -> FeedHealth:
        now = time.monotonic()
        connection = self._connection
        last = connection.last_message_at
        return FeedHealth(
            state=connection.state,
            connected=connection.connected,
            last_message_age_s=None if last is None else round(now - last, 3),
            last_tick_age_s=(
                None if self._last_update_at is None else round(now - self._last_update_at, 3)
            ),
            reconnect_count=connection.reconnect_count,
            last_error=connection.last_error,
        )

    def _on_message(self, message: str | bytes) -> None:
        update = decode_portfolio_message(message)
        if update is None:
            logger.warning("portfolio stream: message without update_type ignored")
            return
        self._last_update_at = time.monotonic()
        self.bus.publish(update)
