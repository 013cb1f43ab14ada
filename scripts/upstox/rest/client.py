"""``UpstoxClient``: the only object in the platform that calls Upstox over HTTP.

It composes one mixin per endpoint family (each in its own ``client_*.py``) over a shared
``Transport`` (headers, rate limits, retries, typed errors, logging). Create one per process
with ``hosts_for_mode(...)``; it is thread-safe (httpx.Client and the rate limiter are).
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timezone
from typing import Callable

import httpx

from scripts.upstox.rest.account_api import AccountMixin
from scripts.upstox.rest.gtt_api import GttMixin
from scripts.upstox.rest.market_api import MarketMixin
from scripts.upstox.rest.orders_api import OrdersMixin
from scripts.upstox.rest.portfolio_api import PortfolioMixin
from scripts.upstox.rest.reference_api import ReferenceMixin
from scripts.upstox.errors import UpstoxError
from scripts.upstox.hosts import UpstoxHosts
from scripts.upstox.rest.audit_hook import OrderAuditSink
from scripts.upstox.rest.reconcile import ReconcilePolicy
from scripts.upstox.rest.rate_limit import RateLimiter
from scripts.upstox.rest.retry import RetryPolicy
from scripts.upstox.rest.transport import (
    DEFAULT_TIMEOUT,
    PROBE_TIMEOUT_S,
    Reachability,
    Transport,
)


class UpstoxClient(
    AccountMixin, OrdersMixin, GttMixin, PortfolioMixin, MarketMixin, ReferenceMixin
):
    """Upstox REST API v2/v3 for one trader's session.

    ``token_provider`` is asked for the current access token on every request (so a re-login
    takes effect at once and the token is never stored here). ``on_token_expired`` is called
    with the error on any 401 / UDAPI100050 so the platform can mark the token dead everywhere.
    ``clock``/``sleep``/``now``/``rng`` are injectable so tests run without real waiting.
    """

    def __init__(
        self,
        hosts: UpstoxHosts,
        token_provider: Callable[[], str | None],
        on_token_expired: Callable[[UpstoxError], None],
        *,
        algo_name: str | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry_policy: RetryPolicy = RetryPolicy(),
        reconcile_policy: ReconcilePolicy = ReconcilePolicy(),
        rate_limiter: RateLimiter | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        rng: random.Random | None = None,
        audit: OrderAuditSink | None = None,
    ) -> None:
        self._transport = Transport(
            hosts,
            token_provider,
            on_token_expired,
            algo_name=algo_name,
            timeout=timeout,
            retry_policy=retry_policy,
            rate_limiter=rate_limiter,
            clock=clock,
            sleep=sleep,
            now=now,
            rng=rng,
            audit=audit,
        )
        self._reconcile_policy = reconcile_policy

    @property
    def hosts(self) -> UpstoxHosts:
        return self._transport.hosts

    def __repr__(self) -> str:
        return f"UpstoxClient(mode={self.hosts.mode!r})"

    def reachability(self, timeout_s: float = PROBE_TIMEOUT_S) -> Reachability:
        """Probe the mode's API host (see ``Transport.reachability``); raises ``RateLimited``
        instead of waiting when the standard budget is in use."""
        return self._transport.reachability(timeout_s)

    def close(self) -> None:
        """Close pooled connections."""
        self._transport.close()

    def __enter__(self) -> "UpstoxClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
