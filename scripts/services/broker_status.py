"""Is the broker reachable? A cached probe of the host the current mode talks to.

The health endpoint is polled every few seconds by the dashboard; probing
Upstox (or the built-in sandbox) on every poll would waste the rate limit, so
the answer is cached for ``cache_seconds``. Login/token state is reported by
the Upstox layer on top of this.

The probe itself is ``UpstoxClient.reachability`` (only ``scripts/upstox`` sends
HTTP to Upstox): it uses the mode's hosts and the client's rate limiter, and
never waits for a token, so a health check stays fast while reads are busy.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from scripts.config.settings import Settings
from scripts.upstox.errors import RateLimited, UpstoxError
from scripts.upstox.hosts import hosts_for_mode
from scripts.upstox.rest.client import UpstoxClient

log = logging.getLogger(__name__)


class BrokerProbe:
    """Cached reachability of the mode's Upstox host.

    Pass the process's ``UpstoxClient`` to share its rate limiter; without one the probe
    builds its own token-less client for the mode (a probe costs one request per
    ``cache_seconds``).
    """

    def __init__(
        self,
        settings: Settings,
        client: UpstoxClient | None = None,
        cache_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._client = client or UpstoxClient(
            hosts_for_mode(settings.mode, settings.sandbox_url),
            token_provider=lambda: None,
            on_token_expired=lambda error: None,
        )
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: tuple[float, dict[str, Any]] | None = None

    def status(self) -> dict[str, Any]:
        with self._lock:
            now = self._clock()
            if self._cached and now - self._cached[0] < self._cache_seconds:
                return self._cached[1]
            try:
                result = self._probe()
            except RateLimited:
                # Reads hold the budget right now; the last answer is still the best one, and
                # the next poll probes again (the cache time is not renewed).
                if self._cached:
                    return self._cached[1]
                return self._state(
                    ok=False,
                    reachable=False,
                    detail="not probed yet: the Upstox request budget is in use, "
                    "it is probed again on the next health check",
                )
            self._cached = (now, result)
            return result

    def _probe(self) -> dict[str, Any]:
        try:
            found = self._client.reachability()
        except RateLimited:
            raise
        except UpstoxError as error:  # e.g. a mode whose host is not configured
            return self._state(ok=False, reachable=False, detail=error.message)
        if not found.reachable:
            return self._state(host=found.host, ok=False, reachable=False, detail=found.detail)
        return self._state(
            host=found.host,
            ok=(found.http_status or 0) < 500,
            reachable=True,
            http_status=found.http_status,
            latency_ms=found.latency_ms,
        )

    def _state(self, **fields: Any) -> dict[str, Any]:
        state: dict[str, Any] = {"mode": self._settings.mode, "host": self._client.hosts.api}
        state.update(fields)
        return state
