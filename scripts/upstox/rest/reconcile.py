"""Finding out whether an order placement whose answer was lost actually happened.

Upstox has no idempotency key (§0), so re-sending a placement after a timeout could buy twice.
Instead every placement carries a ``tag`` (the trader's, or a unique generated one), and when
the answer is lost after the request was sent (timeout, dropped connection, 5xx) we look the
tag up in ``GET /v2/order/history?tag=`` a few times over a short, bounded wait:

- found: return the existing order id(s) (several for a sliced v3 order);
- not found, or the lookup itself fails: raise ``OrderStateUnknown`` carrying the tag. "Not
  found" is not proof of absence: the order may still be on its way through Upstox's pipeline,
  so the trader (or a later sync) must check again before placing anything.

The placement itself is never sent a second time.

A caller-supplied tag may be reused (e.g. a strategy name), so a match must also have the same
instrument and side and an ``order_timestamp`` no earlier than the send time minus a clock-skew
allowance. Order history is day-only (§4.4), so older days never match.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from scripts.upstox.errors import NotAvailableInMode, OrderStateUnknown, TokenExpired, UpstoxError
from scripts.upstox.rest.models import OrderRecord, OrderRequest, PlacedOrder

TAG_PREFIX = "tp-"


@dataclass(frozen=True)
class ReconcilePolicy:
    """Waits before each history lookup; their sum bounds how long a trader waits (~3.5 s).

    ``clock_skew_s`` allows for our clock running ahead of Upstox's order timestamps.
    """

    waits_s: tuple[float, ...] = (0.5, 1.0, 2.0)
    clock_skew_s: float = 5.0


def new_order_tag() -> str:
    """A unique tag (27 chars, under Upstox's 40) for placements the caller did not tag."""
    return TAG_PREFIX + uuid.uuid4().hex[:24]


def matching_order_ids(
    history: list[OrderRecord], order: OrderRequest, tag: str, sent_at: datetime, skew_s: float
) -> list[str]:
    """Order ids in ``history`` that are this placement; first-seen order, no duplicates.

    History rows are status transitions, so one order appears several times.
    """
    earliest = sent_at - timedelta(seconds=skew_s)
    found: list[str] = []
    for record in history:
        if record.tag != tag:
            continue
        if record.instrument_token and record.instrument_token != order.instrument_token:
            continue
        if record.transaction_type and record.transaction_type != order.transaction_type:
            continue
        if record.order_timestamp is not None and record.order_timestamp < earliest:
            continue
        if record.order_id not in found:
            found.append(record.order_id)
    return found


def reconcile_placement(
    *,
    lookup: Callable[[str], list[OrderRecord]],
    order: OrderRequest,
    tag: str,
    sent_at: datetime,
    cause: UpstoxError,
    policy: ReconcilePolicy,
    sleep: Callable[[float], None],
) -> PlacedOrder:
    """Return the placement's ids from order history, or raise ``OrderStateUnknown``."""
    note = "order history was not checked"
    for wait in policy.waits_s:
        sleep(wait)
        try:
            history = lookup(tag)
        except (NotAvailableInMode, TokenExpired) as exc:
            note = f"order history cannot be read: {exc.message}"
            break  # no point waiting: the lookup cannot succeed in this state
        except UpstoxError as exc:
            note = f"order history lookup failed: {exc.message}"
            continue
        ids = matching_order_ids(history, order, tag, sent_at, policy.clock_skew_s)
        if ids:
            return PlacedOrder(order_ids=ids, tag=tag, reconciled=True)
        note = "no order with this tag in order history yet"
    raise OrderStateUnknown(
        f"order placement with tag {tag!r} may or may not have reached Upstox "
        f"({cause.message}); {note}. Check the order book for this tag before placing again.",
        operation="place_order",
        tag=tag,
        status=cause.status,
        code=cause.code,
    ) from cause
