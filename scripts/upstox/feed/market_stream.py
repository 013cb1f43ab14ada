"""The platform's one Upstox market data feed (v3, protobuf over WebSocket).

Usage (inside an event loop; from sync code see feed_thread.FeedThread)::

    feed = MarketFeed(authorize=rest_client.authorize_market_feed,
                      on_token_expired=session.mark_token_dead)
    feed.start()
    await feed.subscribe(["NSE_EQ|INE002A01018"], "full")
    feed.bus.subscribe(my_queue)            # or a callback
    feed.health()                           # for the dashboard

One instance serves the whole platform (docs/LESSONS.md): consumers attach to
``feed.bus``, never to Upstox. The subscription book survives reconnects and is
replayed in full on every new connection.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable

from websockets.asyncio.client import ClientConnection

from scripts.upstox.feed.backoff import Backoff
from scripts.upstox.feed.connection import (
    Authorize,
    FeedConnection,
    TokenExpiredCallback,
    is_token_rejection,
)
from scripts.upstox.feed.decode import decode_feed_response
from scripts.upstox.feed.subscriptions import SubscriptionBook, replay_frames, request_frame
from scripts.upstox.feed.events import FeedHealth
from scripts.upstox.feed.watchdog import StallWatchdog, ticks_expected
from scripts.upstox.feed.tick_bus import TickBus
from scripts.upstox_wire.feed_modes import DEFAULT_MODE, FeedMode

logger = logging.getLogger(__name__)


class MarketFeed:
    """Subscriptions, decoding, health and fan-out on top of one FeedConnection.

    ``authorize`` returns a fresh single-use ``wss://…?requestId=…&code=…`` URI
    (in production: the REST client's market-feed authorize call).
    ``is_market_open`` is a calendar fallback for the stall watchdog, used only
    when the server has not sent market_info.
    """

    def __init__(
        self,
        authorize: Authorize,
        bus: TickBus | None = None,
        *,
        on_token_expired: TokenExpiredCallback | None = None,
        is_token_expired: Callable[[BaseException], bool] = is_token_rejection,
        is_market_open: Callable[[], bool] | None = None,
        backoff: Backoff | None = None,
        stall_after_s: float = 60.0,
        watchdog_interval_s: float = 5.0,
        stable_after_s: float = 30.0,
        ping_interval_s: float = 20.0,
        ping_timeout_s: float = 20.0,
    ) -> None:
        self.bus = bus or TickBus()
        self._book = SubscriptionBook()
        self._watchdog = StallWatchdog(stall_after_s)
        self._is_market_open = is_market_open
        self._segment_status: dict[str, str] = {}
        self._last_tick_at: float | None = None
        self._book_changed_at = time.monotonic()
        self._connection = FeedConnection(
            "market",
            authorize,
            on_message=self._on_message,
            on_connected=self._replay,
            on_token_expired=on_token_expired,
            is_token_expired=is_token_expired,
            stalled=self._is_stalled,
            backoff=backoff,
            stable_after_s=stable_after_s,
            watchdog_interval_s=watchdog_interval_s,
            ping_interval_s=ping_interval_s,
            ping_timeout_s=ping_timeout_s,
        )

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> None:
        """Start (or, after a token expiry and re-login, restart) in the running loop."""
        self._connection.start()

    async def stop(self) -> None:
        await self._connection.stop()

    async def wait_connected(self, timeout: float) -> None:
        """Wait until a connection is open (raises TimeoutError)."""
        await asyncio.wait_for(self._connection.connected_event.wait(), timeout)

    async def recycle(self, reason: str = "requested") -> None:
        """Drop the current socket; the feed reconnects and re-subscribes everything."""
        await self._connection.recycle(reason)

    # -- subscriptions -------------------------------------------------------

    async def subscribe(
        self, instrument_keys: Iterable[str], mode: FeedMode = DEFAULT_MODE
    ) -> None:
        """Add keys in ``mode`` (moving keys held in another mode).

        Raises SubscriptionLimitExceeded, recording nothing, when a per-mode cap
        would be broken. While disconnected the change is recorded and sent on
        the next connect.
        """
        changed = self._book.subscribe(instrument_keys, mode)
        if changed:
            self._book_changed_at = time.monotonic()
            await self._connection.send(request_frame("sub", changed, mode))

    async def unsubscribe(self, instrument_keys: Iterable[str]) -> None:
        removed = self._book.unsubscribe(instrument_keys)
        if removed:
            self._book_changed_at = time.monotonic()
            await self._connection.send(request_frame("unsub", removed))

    async def change_mode(self, instrument_keys: Iterable[str], mode: FeedMode) -> None:
        """Move already-subscribed keys to ``mode`` (others are ignored); caps as subscribe."""
        changed = self._book.change_mode(instrument_keys, mode)
        if changed:
            self._book_changed_at = time.monotonic()
            await self._connection.send(request_frame("change_mode", changed, mode))

    def subscriptions(self) -> dict[str, list[str]]:
        """mode -> instrument keys, as the platform has asked for them."""
        return self._book.keys_by_mode()

    # -- health --------------------------------------------------------------

    def health(self) -> FeedHealth:
        now = time.monotonic()
        connection = self._connection
        return FeedHealth(
            state=connection.state,
            connected=connection.connected,
            last_message_age_s=_age(now, connection.last_message_at),
            last_tick_age_s=_age(now, self._last_tick_at),
            reconnect_count=connection.reconnect_count,
            subscriptions=self._book.counts(),
            market_status=dict(self._segment_status),
            last_error=connection.last_error,
        )

    # -- internals -----------------------------------------------------------

    async def _replay(self, ws: ClientConnection) -> None:
        """On every new connection: re-send the whole subscription book."""
        frames = replay_frames(self._book)
        for frame in frames:
            await ws.send(frame)
        if frames:
            logger.info("market feed: re-subscribed %d keys", len(self._book))

    def _on_message(self, message: str | bytes) -> None:
        if isinstance(message, str):
            logger.warning("market feed: unexpected text frame ignored")
            return
        decoded = decode_feed_response(message)
        if decoded.segment_status is not None:
            self._segment_status = decoded.segment_status
            return
        if decoded.ticks:
            self._last_tick_at = time.monotonic()
            self.bus.publish_many(decoded.ticks)

    def _is_stalled(self, now: float) -> bool:
        connection = self._connection
        quiet_since = max(
            connection.last_message_at or 0.0,
            connection.connected_at or 0.0,
            self._book_changed_at,
        )
        expected = ticks_expected(self._segment_status, self._book.keys(), self._is_market_open)
        return self._watchdog.is_stalled(now, quiet_since, expected)


def _age(now: float, then: float | None) -> float | None:
    return None if then is None else round(now - then, 3)
