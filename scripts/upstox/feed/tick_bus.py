"""In-process fan-out of feed data: one upstream connection, many consumers.

Every part of the platform that wants ticks subscribes here instead of opening
its own Upstox socket (docs/LESSONS.md: connection limits are hit when every page
opens its own feed). A consumer is a callback, an ``asyncio.Queue`` or a
thread-safe ``queue.Queue``, optionally filtered to some keys.

Publishing never blocks the feed: a full queue drops its oldest item (counted
in ``Subscription.dropped``), and a failing callback is logged and skipped.
"""

from __future__ import annotations

import asyncio
import logging
import operator
import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar, Union

from scripts.upstox.feed.events import PortfolioUpdate, Tick

logger = logging.getLogger(__name__)

T = TypeVar("T")
Consumer = Union[Callable[[T], object], "asyncio.Queue[T]", "queue.Queue[T]"]


@dataclass(eq=False)
class Subscription(Generic[T]):
    """A consumer's place on the bus; pass it to ``unsubscribe``."""

    consumer: Consumer[T]
    keys: frozenset[str] | None
    loop: asyncio.AbstractEventLoop | None  # the loop an asyncio.Queue belongs to
    dropped: int = field(default=0)
    # The consumer as a plain callback (None for a queue), decided once at subscribe so
    # the per-tick path makes no isinstance checks.
    callback: Callable[[T], object] | None = field(default=None, repr=False)


class FanOut(Generic[T]):
    """Delivers each published item to every matching subscription. Thread-safe.

    The subscription list is copy-on-write (a tuple replaced under the lock), so
    publishing, the feed's per-tick path, reads it without taking a lock.
    """

    def __init__(self, key_of: Callable[[T], str]) -> None:
        self._key_of = key_of
        self._lock = threading.Lock()
        self._subscriptions: tuple[Subscription[T], ...] = ()

    def subscribe(
        self, consumer: Consumer[T], keys: Iterable[str] | None = None
    ) -> Subscription[T]:
        """Start delivering to ``consumer`` (only items whose key is in ``keys``, if given).

        An asyncio.Queue is fed on the event loop running here when subscribing
        (if any), so a consumer on another loop or thread is fed thread-safely.
        Callbacks run on the publisher's thread (the feed thread): keep them quick.
        """
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        subscription: Subscription[T] = Subscription(
            consumer, frozenset(keys) if keys is not None else None, loop
        )
        if not isinstance(consumer, (asyncio.Queue, queue.Queue)):
            subscription.callback = consumer
        with self._lock:
            self._subscriptions = (*self._subscriptions, subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription[T]) -> None:
        with self._lock:
            self._subscriptions = tuple(s for s in self._subscriptions if s is not subscription)

    def consumer_count(self) -> int:
        with self._lock:
            return len(self._subscriptions)

    def publish(self, item: T) -> None:
        self.publish_many((item,))

    def publish_many(self, items: Iterable[T]) -> None:
        """Publish items in order (a decoded frame's ticks): one read of the subscriptions."""
        subscriptions = self._subscriptions
        key_of = self._key_of
        for item in items:
            key = key_of(item)
            for subscription in subscriptions:
                keys = subscription.keys
                if keys is not None and key not in keys:
                    continue
                callback = subscription.callback
                if callback is None:
                    self._deliver(subscription, item)
                    continue
                try:
                    callback(item)
                except Exception:
                    logger.exception("a feed consumer callback failed; it stays subscribed")

    def _deliver(self, subscription: Subscription[T], item: T) -> None:
        """Put ``item`` on a queue consumer without ever blocking the publisher."""
        consumer = subscription.consumer
        if isinstance(consumer, asyncio.Queue):
            target_loop = subscription.loop
            if target_loop is not None and not _is_current_loop(target_loop):
                if not target_loop.is_closed():
                    target_loop.call_soon_threadsafe(_put_dropping_oldest, subscription, item)
                return
            _put_dropping_oldest(subscription, item)
        elif isinstance(consumer, queue.Queue):
            _put_dropping_oldest(subscription, item)


def _is_current_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def _put_dropping_oldest(subscription: Subscription[T], item: T) -> None:
    target = subscription.consumer
    assert isinstance(target, (asyncio.Queue, queue.Queue))
    while True:
        try:
            target.put_nowait(item)
            return
        except (asyncio.QueueFull, queue.Full):
            try:
                target.get_nowait()
                subscription.dropped += 1
            except (asyncio.QueueEmpty, queue.Empty):
                pass


class TickBus(FanOut[Tick]):
    """Market ticks, filterable by instrument_key."""

    def __init__(self) -> None:
        super().__init__(_instrument_key)


_instrument_key: Callable[[Tick], str] = operator.attrgetter("instrument_key")


class PortfolioBus(FanOut[PortfolioUpdate]):
    """Portfolio-stream updates, filterable by update_type (order, position, ...)."""

    def __init__(self) -> None:
        super().__init__(lambda update: update.update_type)
