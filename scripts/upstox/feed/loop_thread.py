"""Runs the async feed clients for sync code (Flask views, APScheduler jobs).

A FeedThread owns one event loop in one daemon thread; the feeds live on that
loop, and sync callers hand it coroutines::

    feeds = FeedThread()
    feeds.start()
    market = feeds.run(build_market_feed())      # build inside the loop
    feeds.run(market.subscribe(keys, "full"))    # blocks until recorded/sent
    market.bus.subscribe(on_tick)                # callbacks run on the feed thread
    market.health()                              # plain attribute reads: safe
    feeds.stop()

where ``build_market_feed`` is an ``async def`` that creates the MarketFeed and
calls ``start()`` on it, so every asyncio object is born on the feed loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


class FeedThread:
    """A background thread owning an asyncio event loop."""

    def __init__(self, name: str = "upstox-feed") -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("FeedThread is not started")
        return self._loop

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._ready.clear()
        self._thread = threading.Thread(target=self._main, name=self._name, daemon=True)
        self._thread.start()
        self._ready.wait()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule a coroutine on the feed loop; returns a thread-safe future."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = 30.0) -> T:
        """Run a coroutine on the feed loop and wait for its result."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("FeedThread.run() called from the feed thread would deadlock")
        return self.submit(coro).result(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Cancel what still runs on the loop, then end the thread."""
        if self._loop is None or self._thread is None:
            return
        try:
            self.run(_cancel_others(), timeout)
        except Exception:
            logger.exception("feed thread: cancelling tasks failed")
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        self._thread = None

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            self._loop = None


async def _cancel_others() -> None:
    current = asyncio.current_task()
    tasks = [t for t in asyncio.all_tasks() if t is not current]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
