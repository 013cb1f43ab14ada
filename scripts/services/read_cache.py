"""A short-lived, single-flight cache for broker reads.

The dashboard polls funds and profile every few seconds, from every open tab. Without a
cache each poll is one Upstox call: eight tabs are eight calls per poll, which spends the
rate limit and parks API threads in the limiter until health checks and orders queue
behind them. With it, concurrent identical reads share one Upstox call ("single flight")
and repeats within ``ttl_s`` are answered from memory.

Errors are never cached: every caller waiting on a failed call gets the error, and the next
call asks Upstox again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")

# Funds and profile change only when the trader trades or moves money; 2 s is shorter than any
# dashboard poll interval, so a page never shows a figure older than its own refresh.
ACCOUNT_READS_TTL_S = 2.0


@dataclass
class _Flight(Generic[T]):
    """One call in progress; followers wait on ``done`` for its value or error."""

    done: threading.Event = field(default_factory=threading.Event)
    result: tuple[T] | None = None  # a 1-tuple, so a loaded None is told from no value
    error: BaseException | None = None


class SingleFlightCache(Generic[T]):
    """``get(key, load)``: a fresh cached value, or the result of one shared ``load()``.

    Thread-safe. ``clock`` is injectable so expiry is tested without waiting.
    """

    def __init__(self, ttl_s: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._values: dict[Hashable, tuple[float, T]] = {}
        self._flights: dict[Hashable, _Flight[T]] = {}

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The value for ``key``: cached if younger than ``ttl_s``, else loaded once for all."""
        with self._lock:
            cached = self._values.get(key)
            if cached is not None and self._clock() < cached[0]:
                return cached[1]
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight[T]()
        if not leader:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            if flight.result is None:
                raise RuntimeError("the shared read finished without a value or an error")
            return flight.result[0]
        try:
            value = load()
        except BaseException as error:
            flight.error = error
            with self._lock:
                del self._flights[key]
            flight.done.set()
            raise
        with self._lock:
            # The value's age counts from when it arrived, not from when it was asked for.
            self._values[key] = (self._clock() + self._ttl_s, value)
            del self._flights[key]
        flight.result = (value,)
        flight.done.set()
        return value

    def forget(self, key: Hashable | None = None) -> None:
        """Drop one cached value (or all): the next ``get`` asks again."""
        with self._lock:
            if key is None:
                self._values.clear()
            else:
                self._values.pop(key, None)
