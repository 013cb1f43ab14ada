"""The platform's one market-feed connection, for the API process.

LESSONS.md: one feed connection for the whole platform, fanned out inside it.
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
from typing import Any

from scripts.services.broker import BrokerService
from scripts.services.errors import ValidationFailed
from scripts.upstox.feed.market_stream import MarketFeed
from scripts.upstox.feed.loop_thread import FeedThread
from scripts.upstox.feed.events import SubscriptionLimitExceeded, Tick
from scripts.upstox_wire.feed_modes import FeedMode

log = logging.getLogger(__name__)


class MarketFeedService:
    def __init__(self, broker: BrokerService) -> None:
        self._broker = broker
        self._thread: FeedThread | None = None
        self._feed: MarketFeed | None = None
        self._latest: dict[str, Tick] = {}
        self._lock = threading.Lock()

    # --- lifecycle ---------------------------------------------------------------------
    def ensure_started(self) -> MarketFeed:
        """Start the feed (or restart it after a re-login); needs a logged-in session."""
        self._broker.require_session()
        with self._lock:
            if self._feed is None:
                self._thread = FeedThread()
                self._thread.start()
                self._feed = self._thread.run(self._build())
                self._feed.bus.subscribe(self._remember)
            elif self._feed.health().state in ("token_expired", "stopped"):
                self._thread.run(self._restart())  # type: ignore[union-attr]
            return self._feed

    async def _build(self) -> MarketFeed:
        feed = MarketFeed(self._authorize, on_token_expired=self._token_rejected)
        feed.start()
        return feed

    async def _restart(self) -> None:
        self._feed.start()  # type: ignore[union-attr]

    async def _authorize(self) -> str:
        return await asyncio.to_thread(self._broker.client.market_data_feed_url)

    def _token_rejected(self, error: BaseException) -> None:
        self._broker.vault.mark_expired(f"the market feed was refused: {error}")

    def _remember(self, tick: Tick) -> None:
        self._latest[tick.instrument_key] = tick

    def stop(self) -> None:
        with self._lock:
            if self._feed is not None and self._thread is not None:
                self._thread.run(self._feed.stop())
                self._thread.stop()
            self._feed, self._thread = None, None

    # --- subscriptions -----------------------------------------------------------------
    def subscribe(self, instrument_keys: list[str], mode: FeedMode) -> dict[str, Any]:
        feed = self.ensure_started()
        try:
            self._thread.run(feed.subscribe(instrument_keys, mode))  # type: ignore[union-attr]
        except SubscriptionLimitExceeded as error:
            raise ValidationFailed(str(error), "instrument_keys") from None
        return {"subscriptions": feed.subscriptions()}

    def unsubscribe(self, instrument_keys: list[str]) -> dict[str, Any]:
        if self._feed is None:
            return {"subscriptions": {}}
        self._thread.run(self._feed.unsubscribe(instrument_keys))  # type: ignore[union-attr]
        for key in instrument_keys:
            self._latest.pop(key, None)
        return {"subscriptions": self._feed.subscriptions()}

    # --- reads ---------------------------------------------------------------------------
    def latest(self, instrument_keys: Iterable[str]) -> list[dict[str, Any]]:
        return [dataclasses.asdict(self._latest[k]) for k in instrument_keys if k in self._latest]

    def health(self) -> dict[str, Any]:
        if self._feed is None:
            return {
                "state": "stopped",
                "connected": False,
                "subscriptions": {},
                "detail": "starts with the first subscription",
            }
        return dataclasses.asdict(self._feed.health())
