"""GTT (good-till-triggered) orders, v3: rules that fire orders when the simulated price moves.

docs/UPSTOX_API.md §5: ENTRY is mandatory; ≤3 rules, no duplicate strategy; TARGET/STOPLOSS take
the opposite side and are armed only after the entry order completes; one of them firing
cancels the other; a STOPLOSS ``trailing_gap`` follows the best price since arming. Fired
orders are LIMIT orders; ASSUMPTION: their price is the LTP moved by ``market_protection``
percent (default 1%) in the order's favour, so they are marketable like a protected market
order. Rules are checked only while the market is open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Callable

from scripts.upstox_sandbox.clock import IST
from scripts.upstox_sandbox.upstox_envelope import UpstoxError
from scripts.upstox_sandbox.exchange.order_records import COMPLETE, REJECTED, Order, OrderRequest
from scripts.upstox_sandbox.market.price_paths import round_to_tick
from scripts.upstox_sandbox.market.universe import Instrument

STRATEGIES = ("ENTRY", "TARGET", "STOPLOSS")
TRIGGER_TYPES = ("ABOVE", "BELOW", "IMMEDIATE")
DEFAULT_PROTECTION = 1.0


@dataclass
class GttRule:
    strategy: str
    trigger_type: str
    trigger_price: float
    transaction_type: str
    trailing_gap: float | None = None
    market_protection: float | None = None
    status: str = "PENDING"
    message: str | None = None
    order_id: str | None = None
    best_price: float | None = None

    def record(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy,
            "status": self.status,
            "message": self.message,
            "trigger_type": self.trigger_type,
            "trigger_price": self.trigger_price,
            "transaction_type": self.transaction_type,
            "order_id": self.order_id,
            "trailing_gap": self.trailing_gap,
        }


@dataclass
class Gtt:
    gtt_order_id: str
    type: str
    inst: Instrument
    product: str
    quantity: int
    rules: list[GttRule] = field(default_factory=list)
    created_at: float = 0.0
    expires_at: float = 0.0

    def record(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "exchange": self.inst.segment,
            "quantity": self.quantity,
            "product": self.product,
            "rules": [r.record() for r in self.rules],
            "trading_symbol": self.inst.order_symbol,
            "instrument_token": self.inst.instrument_key,
            "gtt_order_id": self.gtt_order_id,
            "expires_at": int(self.expires_at * 1_000_000),
            "created_at": int(self.created_at * 1_000_000),
        }

    @property
    def finished(self) -> bool:
        return all(r.status in ("COMPLETED", "CANCELLED", "FAILED", "EXPIRED") for r in self.rules)


def _bad(msg: str, path: str, value: Any = None) -> UpstoxError:
    return UpstoxError("UDAPI100038", msg, property_path=path, invalid_value=value)


def parse_rules(raw: Any, gtt_type: str, side: str) -> list[GttRule]:
    """Validate a rules array and orient TARGET/STOPLOSS to the opposite side."""
    if not isinstance(raw, list) or not raw or len(raw) > 3:
        raise _bad("rules must hold 1 to 3 rules", "rules", raw)
    seen: set[str] = set()
    rules = []
    opposite = "SELL" if side == "BUY" else "BUY"
    for i, r in enumerate(raw):
        if not isinstance(r, dict) or r.get("strategy") not in STRATEGIES:
            raise _bad("strategy must be ENTRY, TARGET or STOPLOSS", f"rules[{i}].strategy")
        if r["strategy"] in seen:
            raise _bad("duplicate strategy", f"rules[{i}].strategy", r["strategy"])
        seen.add(r["strategy"])
        if r.get("trigger_type") not in TRIGGER_TYPES:
            raise _bad("trigger_type must be ABOVE, BELOW or IMMEDIATE", f"rules[{i}].trigger_type")
        price = r.get("trigger_price")
        if isinstance(price, bool) or not isinstance(price, (int, float)) or price <= 0:
            raise _bad("trigger_price must be positive", f"rules[{i}].trigger_price", price)
        gap = r.get("trailing_gap")
        if gap is not None and r["strategy"] != "STOPLOSS":
            raise _bad(
                "trailing_gap is allowed on the STOPLOSS rule only", f"rules[{i}].trailing_gap", gap
            )
        is_entry = r["strategy"] == "ENTRY"
        rules.append(
            GttRule(
                strategy=r["strategy"],
                trigger_type=r["trigger_type"],
                trigger_price=float(price),
                transaction_type=side if is_entry else opposite,
                trailing_gap=float(gap) if gap is not None else None,
                market_protection=r.get("market_protection"),
                status="SCHEDULED" if is_entry else "PENDING",
            )
        )
    if "ENTRY" not in seen:
        raise _bad("an ENTRY rule is required", "rules")
    if gtt_type == "SINGLE" and len(rules) != 1:
        raise _bad("a SINGLE GTT takes exactly one rule", "rules")
    if gtt_type == "MULTIPLE" and len(rules) < 2:
        raise _bad("a MULTIPLE GTT takes an ENTRY and at least one exit rule", "rules")
    return rules


class GttBook:
    """Live GTTs and their trigger logic; fires orders through a ``place`` callback."""

    def __init__(
        self,
        place: Callable[[OrderRequest, float], Order],
        publish: Callable[[dict[str, Any]], None],
    ) -> None:
        self.place = place
        self.publish = publish
        self.gtts: dict[str, Gtt] = {}
        self._seq = 0

    def create(
        self,
        inst: Instrument,
        gtt_type: str,
        product: str,
        qty: int,
        rules: list[GttRule],
        ts: float,
    ) -> Gtt:
        self._seq += 1
        now = datetime.fromtimestamp(ts, IST)
        gid = f"GTT-C{now.strftime('%y%m%d')}{self._seq:08d}"
        if product == "I":
            expires = datetime.combine(now.date(), time(15, 30), IST)
        else:
            expires = now + timedelta(days=365)
        gtt = Gtt(gid, gtt_type, inst, product, qty, rules, ts, expires.timestamp())
        self.gtts[gid] = gtt
        self._publish(gtt)
        return gtt

    def get(self, gid: str) -> Gtt:
        gtt = self.gtts.get(gid)
        if gtt is None:
            raise UpstoxError(
                "UDAPI100038",
                "Invalid gtt_order_id",
                property_path="gtt_order_id",
                invalid_value=gid,
            )
        return gtt

    def modify(self, gtt: Gtt, gtt_type: str, qty: int, rules: list[GttRule]) -> None:
        started = any(r.status in ("TRIGGERED", "OPEN", "COMPLETED") for r in gtt.rules)
        if started and qty != gtt.quantity:
            raise _bad("quantity cannot be modified once a leg is open", "quantity", qty)
        if gtt.finished:
            raise _bad("GTT order is no longer active", "gtt_order_id", gtt.gtt_order_id)
        gtt.type, gtt.quantity, gtt.rules = gtt_type, qty, rules
        self._publish(gtt)

    def cancel(self, gtt: Gtt) -> None:
        if gtt.finished:
            raise _bad("GTT order is no longer active", "gtt_order_id", gtt.gtt_order_id)
        for rule in gtt.rules:
            if rule.status in ("PENDING", "SCHEDULED"):
                rule.status = "CANCELLED"
        self._publish(gtt)

    def _publish(self, gtt: Gtt) -> None:
        rec = gtt.record()
        self.publish({"update_type": "gtt_order", **rec})

    def step(
        self,
        t0: float,
        t1: float,
        market_open: bool,
        extremes: Callable[..., Any],
        ltp: Callable[..., Any],
        orders: dict[str, Any],
    ) -> None:
        """Follow fired orders, then fire rules whose trigger the path touched in [t0, t1]."""
        for gtt in list(self.gtts.values()):
            changed = self._follow_orders(gtt, orders)
            if t1 >= gtt.expires_at:
                for rule in gtt.rules:
                    if rule.status in ("PENDING", "SCHEDULED"):
                        rule.status, changed = "EXPIRED", True
            elif market_open:
                lo, hi = extremes(gtt.inst, max(t0, gtt.created_at), t1)
                for rule in gtt.rules:
                    if rule.status == "SCHEDULED" and self._hit(rule, lo, hi):
                        self._fire(gtt, rule, t1, ltp(gtt.inst, t1))
                        changed = True
                        break
            if changed:
                self._publish(gtt)

    def _hit(self, rule: GttRule, lo: float, hi: float) -> bool:
        if rule.trailing_gap:
            best = hi if rule.transaction_type == "SELL" else lo
            if rule.best_price is None:
                rule.best_price = best
            if rule.transaction_type == "SELL":
                rule.best_price = max(rule.best_price, hi)
                rule.trigger_price = max(rule.trigger_price, rule.best_price - rule.trailing_gap)
            else:
                rule.best_price = min(rule.best_price, lo)
                rule.trigger_price = min(rule.trigger_price, rule.best_price + rule.trailing_gap)
        if rule.trigger_type == "IMMEDIATE" and rule.strategy == "ENTRY":
            return True
        if rule.strategy == "TARGET":
            return (
                hi >= rule.trigger_price
                if rule.transaction_type == "SELL"
                else lo <= rule.trigger_price
            )
        if rule.strategy == "STOPLOSS":
            return (
                lo <= rule.trigger_price
                if rule.transaction_type == "SELL"
                else hi >= rule.trigger_price
            )
        return (
            hi >= rule.trigger_price if rule.trigger_type == "ABOVE" else lo <= rule.trigger_price
        )

    def _fire(self, gtt: Gtt, rule: GttRule, ts: float, ltp: float) -> None:
        pct = (
            rule.market_protection
            if rule.market_protection not in (None, -1)
            else DEFAULT_PROTECTION
        ) / 100
        raw = ltp * (1 + pct) if rule.transaction_type == "BUY" else ltp * (1 - pct)
        price = round_to_tick(raw, gtt.inst.tick_size)
        req = OrderRequest(
            inst=gtt.inst,
            quantity=gtt.quantity,
            product=gtt.product,
            validity="DAY",
            order_type="LIMIT",
            side=rule.transaction_type,
            price=price,
            trigger_price=0.0,
            disclosed_quantity=0,
            is_amo=False,
            tag=gtt.gtt_order_id,
        )
        order = self.place(req, ts)
        rule.order_id = order.order_id
        rule.status = "TRIGGERED"
        self._follow_orders(gtt, {order.order_id: order})

    def _follow_orders(self, gtt: Gtt, orders: dict[str, Any]) -> bool:
        changed = False
        for rule in gtt.rules:
            if rule.status != "TRIGGERED" or rule.order_id not in orders:
                continue
            order: Order = orders[rule.order_id]
            if order.status == COMPLETE:
                rule.status, changed = "COMPLETED", True
                if rule.strategy == "ENTRY":
                    for other in gtt.rules:
                        if other.status == "PENDING":
                            other.status = "SCHEDULED"
                else:
                    for other in gtt.rules:
                        if other is not rule and other.status in ("PENDING", "SCHEDULED"):
                            other.status = "CANCELLED"
            elif order.status == REJECTED:
                rule.status, rule.message, changed = "FAILED", order.status_message, True
        return changed
