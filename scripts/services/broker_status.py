"""Is the broker reachable? A cached probe of the host the current mode talks to.

The health endpoint is polled every few seconds by the dashboard; probing
Upstox (or the built-in sandbox) on every poll would waste the rate limit, so
the answer is cached for ``cache_seconds``. Login/token state is reported by
the Upstox layer on top of this.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

import httpx

from scripts.config.modes import TradingMode
from scripts.config.settings import Settings

LIVE_PROBE_URL = "https://api.upstox.com/v2/market/status/NSE"


class BrokerProbe:
    def __init__(
        self,
        settings: Settings,
        cache_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: tuple[float, dict[str, Any]] | None = None

    def probe_url(self) -> str:
        if self._settings.mode is TradingMode.SANDBOX:
            return f"{self._settings.sandbox_url}/sandbox/health"
        return LIVE_PROBE_URL

    def status(self) -> dict[str, Any]:
        with self._lock:
            now = self._clock()
            if self._cached and now - self._cached[0] < self._cache_seconds:
                return self._cached[1]
            result = self._probe()
            self._cached = (now, result)
            return result

    def _probe(self) -> dict[str, Any]:
        url = self.probe_url()
        host = url.split("/", 3)[:3]
        state: dict[str, Any] = {"mode": self._settings.mode, "host": "/".join(host)}
        started = time.perf_counter()
        try:
            # Any HTTP answer (even 401 without a token) proves the host is reachable.
            response = httpx.get(url, timeout=2.0)
        except httpx.HTTPError as error:
            state.update(
                ok=False,
                reachable=False,
                detail=f"cannot reach {state['host']}: " f"{type(error).__name__}",
            )
            return state
        state.update(
            ok=response.status_code < 500,
            reachable=True,
            http_status=response.status_code,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return state
