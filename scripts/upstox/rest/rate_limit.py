"""Client-side rate limiting: stay under Upstox's limits instead of collecting 429s.

Upstox suspends users who keep exceeding its limits (§1.5), so every request first takes a
slot in each window of its class. When a window is full the caller *waits* (with the injected
``sleep``) instead of failing: a slower order is better than a refused one.

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
    """Thread-safe token buckets per ``RateClass``; ``acquire`` blocks until a request may go."""

    def __init__(
        self,
        limits: Mapping[RateClass, Sequence[Window]] = UPSTOX_LIMITS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._buckets = {cls: [_Bucket(w) for w in windows] for cls, windows in limits.items()}

    def acquire(self, rate_class: RateClass) -> float:
        """Take one token from every window of ``rate_class``; returns seconds spent waiting.

        Tokens are taken from all windows at once, under the lock, so two threads can never
        both pass on the last token. The sleep happens outside the lock.
        """
        buckets = self._buckets[rate_class]
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                wait = max(bucket.wait_for_one(now) for bucket in buckets)
                if wait <= 0.0:
                    for bucket in buckets:
                        bucket.spent.append(now)
                    return waited
            self._sleep(wait)
            waited += wait
