"""When a failed Upstox call may be sent again, and how long to wait first.

Two kinds of call (``CallSafety``):

- ``SAFE``: reads (GETs, the margin calculator POST, instrument downloads). Sending one twice
  changes nothing, so they are retried on 429, 500, 502, 503, 504, connection errors and
  timeouts, with exponential backoff and jitter, bounded in attempts and total time.
- ``WRITE``: order writes (place, modify, cancel, multi, GTT, exit-all, convert) and auth
  writes. Upstox has no idempotency key (§0), so a write that may have reached Upstox is
  never sent again. Only two failures are retried, both meaning "certainly not done":

  * the request never left this process (connect error / connect timeout / pool timeout);
  * HTTP 429 (UDAPI10005). Upstox's rate limiter refuses the request before it is processed,
    so nothing was placed and re-sending after ``Retry-After`` cannot duplicate an order. This
    rests on the documented meaning of 429 (§1.3, §1.5 [DOC]/[2nd-hand]); no Upstox text says
    a 429 can follow a partly processed order.

  Any other failure after sending (timeout, dropped connection, 5xx) is left to the caller:
  placement reconciles by tag (``order_reconcile``); other writes raise ``OrderStateUnknown``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from enum import Enum

import httpx

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})

# httpx errors raised before any byte of the request was written.
NOT_SENT_ERRORS: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


class CallSafety(str, Enum):
    SAFE = "safe"
    WRITE = "write"


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds for retries. Tests inject tiny delays; production uses the defaults.

    ``max_total_s`` caps the whole call (attempts + waits): a trader's screen should not hang
    for a minute because Upstox is down. A ``Retry-After`` longer than the remaining budget
    ends the retries at once rather than waiting past the budget.
    """

    max_attempts: int = 4
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    max_total_s: float = 30.0
    jitter: float = 0.5  # each delay is scaled by a random factor in [1 - jitter, 1]


NO_RETRY = RetryPolicy(max_attempts=1)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date (RFC 9110).

    Upstox documents no rate-limit headers (§1.2 [2nd-hand]); proxies in front of it do send
    this header, and honouring it costs nothing.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def backoff_delay(
    policy: RetryPolicy,
    attempt: int,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Delay before attempt ``attempt + 1``: jittered exponential, never below ``Retry-After``."""
    rng = rng or random.Random()
    expo = min(policy.max_delay_s, policy.base_delay_s * (2.0 ** (attempt - 1)))
    delay = expo * rng.uniform(1.0 - policy.jitter, 1.0)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


def may_retry_status(safety: CallSafety, status: int) -> bool:
    """Whether an HTTP status may be retried for this kind of call (see module docstring)."""
    if safety is CallSafety.SAFE:
        return status in RETRYABLE_STATUSES
    return status == 429


def may_retry_exception(safety: CallSafety, exc: Exception) -> bool:
    """Whether a transport error may be retried for this kind of call."""
    if isinstance(exc, NOT_SENT_ERRORS):
        return True
    return safety is CallSafety.SAFE and isinstance(exc, httpx.TransportError)
