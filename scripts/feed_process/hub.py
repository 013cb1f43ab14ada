"""The feed process's core: consumers, the one MarketFeed, the tick store, the session watch.

Everything the loopback server answers comes from here. Lifecycle of the Upstox
connection (docs/LESSONS.md: one feed connection for the whole platform):

- it opens when a consumer subscribes while an Upstox session exists;
- it closes within about a second (``watch_interval_s`` plus one database read) of the
  session ending anywhere (logout, 03:30 expiry, revocation, a refused token), and every
  tick read from then on says ``stale: true``;
- consumers' subscriptions survive that; a new login reopens the connection with them
  (and a login that replaces the token while connected reconnects with the new one).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

from scripts.services.broker import BrokerService
from scripts.services.errors import BrokerLoginRequired, ValidationFailed
from scripts.upstox.feed.consumers import ConsumerBook
from scripts.upstox.feed.events import tick_as_dict
from scripts.upstox.feed.loop_thread import FeedThread
from scripts.upstox.feed.market_stream import MarketFeed
from scripts.upstox.feed.tick_bus import TickBus
from scripts.upstox.feed.tick_store import TickStore
from scripts.upstox_wire.feed_modes import over_limit

log = logging.getLogger(__name__)

WATCH_INTERVAL_S = 0.25
NOT_STARTED = "starts with the first subscription while logged in to Upstox"
SESSION_ENDED = (
    "the Upstox session ended (logged out, expired or revoked); log in again and the "
    "subscriptions resume"
)


class FeedHub:
    def __init__(self, broker: BrokerService, watch_interval_s: float = WATCH_INTERVAL_S) -> None:
        self._broker = broker
        self._watch_interval_s = watch_interval_s
        self._consumers = ConsumerBook()
        self.store = TickStore()
        self._thread = FeedThread("market-feed")
        self._feed: MarketFeed | None = None
        self._session: str | None = None  # the session the running feed was opened with
        self._down_reason = NOT_STARTED
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None
        self.feeds_opened = 0  # MarketFeed objects built: one per login, not per reconnect

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()
        self._watcher = threading.Thread(target=self._watch, name="feed-session-watch")
        self._watcher.daemon = True
        self._watcher.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        with self._lock:
            self._close_feed("the feed process is stopping")
        self._thread.stop()

    # --- consumers -------------------------------------------------------------------------
    def subscribe(self, consumer: str, instrument_keys: list[str], mode: str) -> dict[str, Any]:
        """``consumer`` wants the keys in ``mode``; opens the connection if it is the first."""
        _check_consumer(consumer)
        with self._lock:
            session = self._broker.active_session_id()
            if session is None:
                raise BrokerLoginRequired(
                    "You are not logged in to Upstox, so the market feed cannot start. Log in "
                    "with ./authenticate.sh or the Log in button on the Profile & Connection "
                    "page, then subscribe again."
                )
            proposed = self._consumers.copy()
            proposed.subscribe(consumer, instrument_keys, mode)
            problems = over_limit(dict(Counter(proposed.effective().values())))
            if problems:
                wanted, count, cap = problems[0]
                raise ValidationFailed(
                    f"subscribing would hold {count} keys in mode {wanted!r} on the platform's "
                    f"one Upstox connection; Upstox allows {cap} in this combination of modes. "
                    "Unsubscribe some instruments or use a lighter mode.",
                    "instrument_keys",
                )
            self._consumers = proposed
            if self._feed is None:
                self._open_feed(session)
            else:
                self._sync()
            return self._answer(consumer)

    def unsubscribe(self, consumer: str, instrument_keys: list[str] | None) -> dict[str, Any]:
        """Drop ``consumer``'s keys (all when None); Upstox hears ``unsub`` only for orphans."""
        _check_consumer(consumer)
        with self._lock:
            dropped = self._consumers.unsubscribe(consumer, instrument_keys)
            wanted = self._consumers.effective()
            self.store.forget(key for key in dropped if key not in wanted)
            if self._feed is not None:
                self._sync()
            return self._answer(consumer)

    def _answer(self, consumer: str) -> dict[str, Any]:
        return {
            "consumer": consumer,
            "subscriptions": self._consumers.of(consumer),
            "connection": _by_mode(self._consumers.effective()),
        }

    # --- reads -------------------------------------------------------------------------------
    def latest(self, instrument_keys: Iterable[str]) -> list[dict[str, Any]]:
        """Merged latest ticks with ``age_ms``, ``received_at`` and ``stale``."""
        stale = not self._live()
        now = time.time()
        answers = []
        for tick, received_at in self.store.latest(instrument_keys):
            data = tick_as_dict(tick)
            data["received_at"] = int(received_at * 1000)
            data["age_ms"] = max(0, int((now - received_at) * 1000))
            data["stale"] = stale
            answers.append(data)
        return answers

    def bars(self, instrument_key: str) -> dict[str, Any]:
        return {
            "instrument_key": instrument_key,
            "interval": "1minute",
            "stale": not self._live(),
            "bars": [dataclasses.asdict(bar) for bar in self.store.bars(instrument_key)],
        }

    def health(self) -> dict[str, Any]:
        feed = self._feed
        if feed is None:
            data: dict[str, Any] = {
                "state": "stopped",
                "connected": False,
                "subscriptions": {},
                "detail": self._down_reason,
            }
        else:
            data = dataclasses.asdict(feed.health())
        data["consumers"] = self._consumers.consumer_count()
        data["feeds_opened"] = self.feeds_opened
        return data

    @property
    def tick_bus(self) -> TickBus | None:
        """The running feed's bus of decoded (unmerged) updates, for in-process observers."""
        feed = self._feed
        return None if feed is None else feed.bus

    def _live(self) -> bool:
        feed = self._feed
        return feed is not None and feed.health().connected

    # --- the connection ------------------------------------------------------------------------
    def _open_feed(self, session: str) -> None:
        """Build a MarketFeed holding every consumer's keys; it connects and replays them."""
        feed = self._thread.run(self._build())
        feed.bus.subscribe(self.store.publish)
        self._feed = feed
        self._session = session
        self.feeds_opened += 1
        self._sync()
        log.info("market feed opened for %d consumers", self._consumers.consumer_count())

    async def _build(self) -> MarketFeed:
        feed = MarketFeed(self._authorize, on_token_expired=self._token_rejected)
        feed.start()
        return feed

    async def _authorize(self) -> str:
        return await asyncio.to_thread(self._broker.feed_authorization_url)

    def _token_rejected(self, error: BaseException) -> None:
        # The watcher sees the session gone on its next look and closes the feed.
        self._broker.mark_session_expired(f"the market feed was refused: {error}")

    def _close_feed(self, reason: str) -> None:
        feed, self._feed = self._feed, None
        self._session = None
        self._down_reason = reason
        if feed is not None:
            self._thread.run(feed.stop())
            log.info("market feed closed: %s", reason)

    def _sync(self) -> None:
        """Make the feed's book equal to the consumers' effective book (unsub first)."""
        feed = self._feed
        assert feed is not None
        target = self._consumers.effective()
        current = {key: mode for mode, keys in feed.subscriptions().items() for key in keys}
        orphans = [key for key in current if key not in target]
        if orphans:
            self._thread.run(feed.unsubscribe(orphans))
        moved: dict[str, list[str]] = {}
        for key, mode in target.items():
            if current.get(key) != mode:
                moved.setdefault(mode, []).append(key)
        for mode, keys in moved.items():
            self._thread.run(feed.subscribe(keys, mode))  # type: ignore[arg-type]

    def _watch(self) -> None:
        while not self._stopping.wait(self._watch_interval_s):
            try:
                self.check_session()
            except Exception:  # noqa: BLE001 - the watch must outlive a database hiccup
                log.warning("could not check the Upstox session", exc_info=True)

    def check_session(self) -> None:
        """Close the feed when the session ended; (re)open it when one exists and is wanted."""
        session = self._broker.active_session_id()
        with self._lock:
            if session is None:
                if self._feed is not None:
                    self._close_feed(SESSION_ENDED)
                elif self._consumers:
                    self._down_reason = SESSION_ENDED
                return
            if self._feed is not None and session != self._session:
                self._close_feed("a new Upstox login: reconnecting with the new token")
            if self._feed is None and self._consumers:
                self._open_feed(session)


def _check_consumer(consumer: str) -> None:
    if not consumer or len(consumer) > 128 or not consumer.isprintable():
        raise ValidationFailed(
            "consumer must name who subscribes, e.g. watchlist:3, page:<uuid> or api "
            "(1-128 printable characters)",
            "consumer",
        )


def _by_mode(modes: dict[str, str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, mode in modes.items():
        grouped.setdefault(mode, []).append(key)
    return grouped
