"""Per-user, per-class request limits (docs/UPSTOX_API.md §1.5, second-hand and approximate).

Windows use real (monotonic) time even when the sandbox clock is accelerated: rate limits
protect a server, which lives in real time.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left
from collections import deque

# (window seconds, max requests) per class; numbers from docs/UPSTOX_API.md §1.5.
LIMITS: dict[str, tuple[tuple[float, int], ...]] = {
    "standard": ((1.0, 50), (60.0, 500), (1800.0, 2000)),
    "order": ((1.0, 10), (60.0, 500), (1800.0, 2000)),
}
ORDER_PATH_PARTS: tuple[str, ...] = (
    "/order/place",
    "/order/modify",
    "/order/cancel",
    "/order/multi",
    "/order/gtt/",
    "/order/positions/exit",
)


def rate_class(path: str, method: str) -> str:
    """Order writes (place/modify/cancel/multi/GTT writes/exit) share the stricter class."""
    if method != "GET" and any(part in path for part in ORDER_PATH_PARTS):
        return "order"
    return "standard"


class RateLimiter:
    """Sliding-window counters keyed by (user, class)."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, user: str, cls: str) -> bool:
        """Record a request and say whether it is within every window."""
        if not self.enabled:
            return True
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault((user, cls), deque())
            longest = max(w for w, _ in LIMITS[cls])
            while hits and hits[0] <= now - longest:
                hits.popleft()
            ordered = list(hits)
            for window, limit in LIMITS[cls]:
                if len(ordered) - bisect_left(ordered, now - window) >= limit:
                    return False
            hits.append(now)
            return True

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
