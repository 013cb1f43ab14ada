"""Order records, their exact status strings, and validation of place/modify requests.

Status strings are Upstox's lowercase-with-spaces values (docs/UPSTOX_API.md §4.1). Each order keeps
its history: a copy of the record at every transition, which GET /v2/order/history returns.
Error codes without a documented specific code use UDAPI100038 "Invalid input" [?].
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scripts.upstox_sandbox.clock import IST
from scripts.upstox_sandbox.upstox_envelope import UpstoxError
from scripts.upstox_sandbox.market.universe import Instrument

PUT_REQ = "put order req received"
VALIDATION_PENDING = "validation pending"
OPEN_PENDING = "open pending"
OPEN = "open"
TRIGGER_PENDING = "trigger pending"
COMPLETE = "complete"
REJECTED = "rejected"
CANCEL_PENDING = "cancel pending"
CANCELLED = "cancelled"
AMO_RECEIVED = "after market order req received"
AMO_CANCELLED = "cancelled after market order"
MODIFY_VALIDATION = "modify validation pending"
MODIFY_PENDING = "modify pending"
MODIFIED = "modified"
AMO_MODIFY = "modify after market order req received"

WORKING = {OPEN, TRIGGER_PENDING, AMO_RECEIVED}
PRODUCTS = ("I", "D", "MTF")
VALIDITIES = ("DAY", "IOC")
ORDER_TYPES = ("MARKET", "LIMIT", "SL", "SL-M")
SIDES = ("BUY", "SELL")
MAX_TAG = 40


def ist_text(ts: float) -> str:
    """Order timestamps: ``YYYY-MM-DD HH:MM:SS`` in IST without a zone."""
    return datetime.fromtimestamp(ts, IST).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Order:
    order_id: str
    user_id: str
    inst: Instrument
    product: str
    validity: str
    order_type: str
    side: str
    quantity: int
    price: float
    trigger_price: float
    disclosed_quantity: int
    is_amo: bool
    tag: str | None
    placed_at: float
    parent_order_id: str | None = None
    market_protection: float | None = None
    status: str = PUT_REQ
    status_message: str | None = None
    status_message_raw: str | None = None
    filled_quantity: int = 0
    average_price: float = 0.0
    exchange_order_id: str = ""
    exchange_ts: float | None = None
    request_count: int = 1
    updated_at: float = 0.0
    checked_until: float = 0.0  # matching has applied market moves up to here
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pending_quantity(self) -> int:
        if self.status in (COMPLETE, REJECTED, CANCELLED, AMO_CANCELLED):
            return 0
        return self.quantity - self.filled_quantity

    def record(self) -> dict[str, Any]:
        """The Order record as order book, details, history and the portfolio stream show it."""
        return {
            "exchange": self.inst.order_exchange,
            "product": self.product,
            "price": self.price,
            "quantity": self.quantity,
            "status": self.status,
            "guid": None,
            "tag": self.tag,
            "instrument_token": self.inst.instrument_key,
            "placed_by": self.user_id,
            "trading_symbol": self.inst.order_symbol,
            "tradingsymbol": self.inst.order_symbol,
            "order_type": self.order_type,
            "validity": self.validity,
            "trigger_price": self.trigger_price,
            "disclosed_quantity": self.disclosed_quantity,
            "transaction_type": self.side,
            "average_price": self.average_price,
            "filled_quantity": self.filled_quantity,
            "pending_quantity": self.pending_quantity,
            "status_message": self.status_message,
            "status_message_raw": self.status_message_raw,
            "exchange_order_id": self.exchange_order_id,
            "parent_order_id": self.parent_order_id,
            "order_id": self.order_id,
            "variety": "SIMPLE",
            "order_timestamp": ist_text(self.updated_at or self.placed_at),
            "exchange_timestamp": ist_text(self.exchange_ts) if self.exchange_ts else None,
            "is_amo": self.is_amo,
            "order_request_id": str(self.request_count),
            "order_ref_id": f"SBX-{self.order_id}",
        }

    def transition(
        self, status: str, ts: float, message: str | None = None, raw: str | None = None
    ) -> dict[str, Any]:
        """Move to ``status``, remember the record in history, and return it."""
        self.status = status
        self.updated_at = ts
        if message is not None:
            self.status_message = message
            self.status_message_raw = raw or message
        rec = self.record()
        self.history.append(copy.deepcopy(rec))
        return rec


@dataclass
class OrderRequest:
    """A validated place request (v2, v3 or one multi-order line)."""

    inst: Instrument
    quantity: int
    product: str
    validity: str
    order_type: str
    side: str
    price: float
    trigger_price: float
    disclosed_quantity: int
    is_amo: bool
    tag: str | None
    slice: bool = False
    market_protection: float | None = None


def _bad(message: str, path: str, value: Any, code: str = "UDAPI100038") -> UpstoxError:
    return UpstoxError(code, message, property_path=path, invalid_value=value)


def _number(body: dict[str, Any], key: str, default: float | None = None) -> float:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad(f"{key} must be a number", key, value)
    return float(value)


def _on_tick(price: float, tick: float) -> bool:
    return abs(round(price / tick) * tick - price) < 1e-6


def parse_place(body: Any, resolve: Any) -> OrderRequest:
    """Validate a place body; ``resolve(key)`` returns an Instrument or None."""
    if not isinstance(body, dict):
        raise _bad("Request body must be a JSON object", "body", None)
    key = body.get("instrument_token")
    if not key:
        raise _bad("instrument_token is required", "instrument_token", key)
    inst = resolve(key)
    if inst is None or inst.is_index:
        raise _bad("Invalid instrument_token", "instrument_token", key)
    qty = body.get("quantity")
    if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
        raise _bad("quantity must be a positive integer", "quantity", qty)
    if qty % inst.lot_size:
        raise _bad(f"quantity must be a multiple of lot size {inst.lot_size}", "quantity", qty)
    for name, allowed in (
        ("product", PRODUCTS),
        ("validity", VALIDITIES),
        ("order_type", ORDER_TYPES),
        ("transaction_type", SIDES),
    ):
        if body.get(name) not in allowed:
            raise _bad(f"{name} must be one of {', '.join(allowed)}", name, body.get(name))
    order_type = body["order_type"]
    price = _number(body, "price", 0.0)
    trigger = _number(body, "trigger_price", 0.0)
    if order_type in ("MARKET", "SL-M") and price != 0:
        raise UpstoxError(
            "UDAPI1040", "Price not required", property_path="price", invalid_value=price
        )
    if order_type in ("LIMIT", "SL") and price <= 0:
        raise _bad("price is required for LIMIT and SL orders", "price", price)
    if order_type in ("SL", "SL-M") and trigger <= 0:
        raise _bad("trigger_price is required for SL and SL-M orders", "trigger_price", trigger)
    for name, value in (("price", price), ("trigger_price", trigger)):
        if value and not _on_tick(value, inst.tick_size):
            raise _bad(f"{name} must be a multiple of tick size {inst.tick_size}", name, value)
    tag = body.get("tag")
    if tag is not None and (not isinstance(tag, str) or len(tag) > MAX_TAG):
        raise _bad(f"tag must be a string of at most {MAX_TAG} characters", "tag", tag)
    mp = body.get("market_protection")
    if mp is not None:
        mp = _number(body, "market_protection")
        if not -1 <= mp <= 25:
            raise _bad("market_protection must be between -1 and 25", "market_protection", mp)
    disclosed = body.get("disclosed_quantity", 0) or 0
    if not isinstance(disclosed, int) or disclosed < 0 or disclosed > qty:
        raise _bad("disclosed_quantity is invalid", "disclosed_quantity", disclosed)
    return OrderRequest(
        inst=inst,
        quantity=qty,
        product=body["product"],
        validity=body["validity"],
        order_type=order_type,
        side=body["transaction_type"],
        price=price,
        trigger_price=trigger,
        disclosed_quantity=disclosed,
        is_amo=bool(body.get("is_amo", False)),
        tag=tag,
        slice=bool(body.get("slice", False)),
        market_protection=mp,
    )


def parse_modify(body: Any, order: Order) -> dict[str, Any]:
    """Validate a modify body against the order; omitted optionals keep the order's values."""
    if not isinstance(body, dict):
        raise _bad("Request body must be a JSON object", "body", None)
    if not body.get("order_type"):
        raise UpstoxError("UDAPI1004", "order_type is required", property_path="order_type")
    if body["order_type"] not in ORDER_TYPES:
        raise UpstoxError(
            "UDAPI1056",
            "Invalid order_type",
            property_path="order_type",
            invalid_value=body["order_type"],
        )
    if not body.get("validity"):
        raise UpstoxError("UDAPI1007", "validity is required", property_path="validity")
    if body["validity"] not in VALIDITIES:
        raise UpstoxError(
            "UDAPI1055",
            "Invalid validity",
            property_path="validity",
            invalid_value=body["validity"],
        )
    merged = {
        "instrument_token": order.inst.instrument_key,
        "quantity": body.get("quantity") or order.quantity,
        "product": order.product,
        "validity": body["validity"],
        "order_type": body["order_type"],
        "transaction_type": order.side,
        "price": body.get("price", order.price),
        "trigger_price": body.get("trigger_price", order.trigger_price),
        "disclosed_quantity": body.get("disclosed_quantity", order.disclosed_quantity),
        "tag": order.tag,
        "market_protection": body.get("market_protection"),
    }
    req = parse_place(merged, lambda _key: order.inst)
    return {
        "quantity": req.quantity,
        "validity": req.validity,
        "order_type": req.order_type,
        "price": req.price,
        "trigger_price": req.trigger_price,
        "disclosed_quantity": req.disclosed_quantity,
    }
