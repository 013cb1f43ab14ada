"""Client-side rate limiting: stay under Upstox's limits instead of collecting 429s.

Upstox suspends users who keep exceeding its limits (§1.5), so every request first takes a
slot in each window of its class. When a window is full the caller *waits* (with the injected
``sleep``) instead of failing, but only up to ``MAX_WAIT_S`` for its class: past that the call
raises ``RateLimited`` with ``retry_after`` at once. An API thread parked for a minute in the
limiter serves nobody, and a pile of them starves the rest of the API (health, orders).

Each class (reads, order writes) has its own buckets and its own lock, so an order never
queues behind the dashboard's reads: it waits for nothing but its own budget.

Each window is a token bucket whose tokens come back exactly ``period`` after they were spent
(a sliding-window log), not a bucket refilled continuously. The continuous kind lets a full
burst plus a period's refill through, up to 2N requests in one period (e.g. 20 orders in a
second against a limit of 10), which Upstox would answer with 429s if its windows are fixed
or sliding (the docs do not say which). Returning each token a full period later guarantees at
most N in *any* period, so it is safe under either kind. Memory: one timestamp per request in
the longest window (2000 floats per class).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Mapping, Sequence

from scripts.upstox.errors import RateLimited


class RateClass(str, Enum):
    """Which Upstox limit a call counts against."""

    STANDARD = "standard"
    ORDERS = "orders"


@dataclass(frozen=True)
class Window:
    """At most ``capacity`` requests per ``period_s`` seconds."""

    capacity: int
    period_s: float


# docs/UPSTOX_API.md §1.5, numbers are [2nd-hand] (the docs "rate-limiting" page via a secondary
# source; Upstox's own skill file calls them approximate). Per user, per API.
# Orders: the "regular" (not SEBI-registered) algo row, the safe default for a retail platform.
# Multi place / multi cancel / exit-all have separate, undisclosed limits; they count as ORDERS.
UPSTOX_LIMITS: Mapping[RateClass, tuple[Window, ...]] = {
    RateClass.STANDARD: (Window(50, 1.0), Window(500, 60.0), Window(2000, 1800.0)),
    RateClass.ORDERS: (Window(10, 1.0), Window(500, 60.0), Window(2000, 1800.0)),
}

# How long one call may wait for its class's budget before it is refused with RateLimited.
# Not an Upstox number: a platform choice. Reads: a dashboard poll that cannot go within 1 s is
# better told "retry in N s" than parked on an API thread. Orders: 2 s rides out the per-second
# window (an 11th order in a second waits ~1 s, the documented 10/s), but not the per-minute or
# per-30-minute one, which would hold the trader's click for up to half an hour.
MAX_WAIT_S: Mapping[RateClass, float] = {RateClass.STANDARD: 1.0, RateClass.ORDERS: 2.0}


class _Bucket:
    """Spent-token timestamps for one window; a token returns ``period_s`` after it was spent."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self.spent: deque[float] = deque()

    def wait_for_one(self, now: float) -> float:
        """Seconds until a token is free (0 if one is free now); drops returned tokens."""
        horizon = now - self.window.period_s
        while self.spent and self.spent[0] <= horizon:
            self.spent.popleft()
        if len(self.spent) < self.window.capacity:
            return 0.0
        return self.spent[0] - horizon


class RateLimiter:
    """Thread-safe token buckets per ``RateClass``; ``acquire`` waits (boundedly) for a token.

    ``max_wait_s`` bounds the wait per class (``None`` for a class, or as the whole mapping,
    means wait as long as it takes, for batch work with no one waiting on it).
    """

    def __init__(
        self,
        limits: Mapping[RateClass, Sequence[Window]] = UPSTOX_LIMITS,
        *,
        max_wait_s: Mapping[RateClass, float] | None = MAX_WAIT_S,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._max_wait = dict(max_wait_s or {})
        # One lock per class: a read storm contending for its lock never delays an order.
        self._locks = {cls: threading.Lock() for cls in limits}
        self._buckets = {cls: [_Bucket(w) for w in windows] for cls, windows in limits.items()}

    def acquire(self, rate_class: RateClass, *, max_wait_s: float | None = None) -> float:
        """Take one token from every window of ``rate_class``; returns seconds spent waiting.

        Tokens are taken from all windows at once, under the class's lock, so two threads can
        never both pass on the last token. The sleep happens outside the lock. If the next
        token is further away than the class's bound (or ``max_wait_s``, e.g. 0 for "only if
        free now"), raises ``RateLimited`` at once, without waiting in vain, with
        ``retry_after`` = seconds until a token is free.
        """
        buckets = self._buckets[rate_class]
        lock = self._locks[rate_class]
        bound = self._max_wait.get(rate_class) if max_wait_s is None else max_wait_s
        waited = 0.0
        while True:
            with lock:
                now = self._clock()
                wait = max(bucket.wait_for_one(now) for bucket in buckets)
                if wait <= 0.0:
                    for bucket in buckets:
                        bucket.spent.append(now)
                    return waited
            if bound is not None and waited + wait > bound:
                raise RateLimited(
                    f"the platform's {rate_class.value} request budget for Upstox "
                    f"({_describe(buckets)}) is used up; try again in {wait:.1f} s",
                    retry_after=wait,
                )
            self._sleep(wait)
            waited += wait


def _describe(buckets: Sequence[_Bucket]) -> str:
    """``10/1s, 500/60s, 2000/1800s``: the windows, for a message that says what was hit."""
    return ", ".join(f"{b.window.capacity}/{b.window.period_s:g}s" for b in buckets)
