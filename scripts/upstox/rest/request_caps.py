"""Per-request caps Upstox enforces, checked locally so the trader gets a clear message first.

Numbers from docs/UPSTOX_API.md §1.5 and §4.2 [DOC]. Exceeding them server-side gives terse codes
(UDAPI100043, UDAPI1109 ...); here they become ``InvalidRequest`` before anything is sent.
"""

from __future__ import annotations

from typing import Sequence

from scripts.upstox.errors import InvalidRequest

MAX_QUOTE_KEYS = 500  # full quote / OHLC / LTP
MAX_GREEK_KEYS = 50  # option greeks v3
MAX_MARGIN_INSTRUMENTS = 20  # POST /v2/charges/margin
MAX_MULTI_PLACE_LINES = 25  # POST /v2/order/multi/place
# Multi cancel / exit-all act on however many open orders/positions match on Upstox's side, so
# this cap cannot be checked before sending; an over-cap answer (UDAPI1109) is reworded instead.
MAX_MULTI_CANCEL_ORDERS = 200  # older doc text: 50
CODE_BATCH_OVER_LIMIT = "UDAPI1109"
MAX_TAG_CHARS = 40  # order tag
MAX_CORRELATION_ID_CHARS = 20  # multi place line id


def check_count(items: Sequence[object], cap: int, what: str) -> None:
    """Refuse an empty list or one longer than Upstox accepts in one request."""
    if not items:
        raise InvalidRequest(f"{what}: at least one is required")
    if len(items) > cap:
        raise InvalidRequest(
            f"{what}: {len(items)} given, Upstox accepts at most {cap} per request"
        )


def check_tag(tag: str | None) -> None:
    if tag is not None and not 1 <= len(tag) <= MAX_TAG_CHARS:
        raise InvalidRequest(f"tag must be 1-{MAX_TAG_CHARS} characters, got {len(tag)}")
