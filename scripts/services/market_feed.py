"""The platform's one market-feed connection, for the API process.

docs/LESSONS.md: one feed connection for the whole platform, fanned out inside it.
The feed starts on the first subscription (it needs a logged-in session), runs
on its own event-loop thread, and keeps the latest tick per instrument so
pages can poll ``/api/feed/ticks`` cheaply. A token rejected by the feed
marks the session expired everywhere, exactly like a 401 on REST.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scripts.services.broker import BrokerService
from scripts.services.errors import ValidationFailed
from scripts.upstox.feed.market_stream import MarketFeed
from scripts.upstox.feed.loop_thread import FeedThread
from scripts.upstox.feed.events import SubscriptionLimitExceeded, Tick
from scripts.upstox_wire.feed_modes import FeedMode

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _RunningFeed:
    """The feed and the event-loop thread it runs on: they start and stop together."""

    thread: FeedThread
    feed: MarketFeed


class MarketFeedService:
    def __init__(self, broker: BrokerService) -> None:
        self._broker = broker
        self._running: _RunningFeed | None = None
        self._latest: dict[str, Tick] = {}
        self._lock = threading.Lock()

    # --- lifecycle ---------------------------------------------------------------------
    def ensure_started(self) -> _RunningFeed:
        """Start the feed (or restart it after a re-login); needs a logged-in session."""
        self._broker.require_session()
        with self._lock:
            if self._running is None:
                thread = FeedThread()
                thread.start()
                feed = thread.run(self._build())
                feed.bus.subscribe(self._remember)
                self._running = _RunningFeed(thread, feed)
            elif self._running.feed.health().state in ("token_expired", "stopped"):
                self._running.thread.run(self._restart(self._running.feed))
            return self._running

    async def _build(self) -> MarketFeed:
        feed = MarketFeed(self._authorize, on_token_expired=self._token_rejected)
        feed.start()
        return feed

    @staticmethod
    async def _restart(feed: MarketFeed) -> None:
        feed.start()

    async def _authorize(self) -> str:
        return await asyncio.to_thread(self._broker.feed_authorization_url)

    def _token_rejected(self, error: BaseException) -> None:
        self._broker.mark_session_expired(f"the market feed was refused: {error}")

    def _remember(self, tick: Tick) -> None:
        self._latest[tick.instrument_key] = tick

    def stop(self) -> None:
        with self._lock:
            running, self._running = self._running, None
        if running is not None:
            running.thread.run(running.feed.stop())
            running.thread.stop()

    # --- subscriptions -----------------------------------------------------------------
    def subscribe(
        self, consumer: str, instrument_keys: list[str], mode: FeedMode
    ) -> dict[str, Any]:
        """Subscribe ``instrument_keys`` for ``consumer`` (e.g. "watchlist:3").

        ``consumer`` is accepted and not yet used: the feed process keeps one book per
        consumer; this in-process feed keeps one shared book.
        """
        del consumer
        running = self.ensure_started()
        try:
            running.thread.run(running.feed.subscribe(instrument_keys, mode))
        except SubscriptionLimitExceeded as error:
            raise ValidationFailed(str(error), "instrument_keys") from None
        return {"subscriptions": running.feed.subscriptions()}

    def unsubscribe(
        self, consumer: str, instrument_keys: list[str] | None = None
    ) -> dict[str, Any]:
        """Stop ``instrument_keys`` for ``consumer``; ``None`` (all of its keys) does nothing
        here, as this in-process feed keeps no book per consumer."""
        del consumer
        running = self._running
        if running is None or instrument_keys is None:
            return {"subscriptions": {}}
        running.thread.run(running.feed.unsubscribe(instrument_keys))
        for key in instrument_keys:
            self._latest.pop(key, None)
        return {"subscriptions": running.feed.subscriptions()}

    # --- reads ---------------------------------------------------------------------------
    def latest(self, instrument_keys: Iterable[str]) -> list[dict[str, Any]]:
        return [dataclasses.asdict(self._latest[k]) for k in instrument_keys if k in self._latest]

    def health(self) -> dict[str, Any]:
        if self._running is None:
            return {
                "state": "stopped",
                "connected": False,
                "subscriptions": {},
                "detail": "starts with the first subscription",
            }
        return dataclasses.asdict(self._running.feed.health())
