"""The sandbox exchange: order lifecycle, RMS checks and fills against the simulated market.

Fill rules (why: docs/LESSONS.md "paper fills that could never happen"): a MARKET order takes the
simulated best ask/bid (LTP one tick away); a LIMIT order fills on arrival only if that quote
is at or better than its price, otherwise it rests and fills at its own price only when the
simulated path later trades through it. SL/SL-M wait in ``trigger pending`` until the path
touches the trigger. DAY orders still working at the close are cancelled; AMO orders wait in
``after market order req received`` until the next session opens.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable

from scripts.upstox_sandbox.exchange import order_records as st
from scripts.upstox_sandbox.market.nse_calendar import TradingCalendar
from scripts.upstox_sandbox.exchange.charges import order_charges
from scripts.upstox_sandbox.clock import IST
from scripts.upstox_sandbox.upstox_envelope import UpstoxError
from scripts.upstox_sandbox.market.pricing import Market
from scripts.upstox_sandbox.exchange.order_records import Order, OrderRequest
from scripts.upstox_sandbox.exchange.ledger import Portfolio
from scripts.upstox_sandbox.market.price_paths import round_to_tick

log = logging.getLogger(__name__)
Publish = Callable[[dict[str, Any]], None]


class Exchange:
    """Orders of the demo user and the rules that move them."""

    def __init__(
        self,
        market: Market,
        calendar: TradingCalendar,
        portfolio: Portfolio,
        user_id: str,
        publish: Publish,
        funds_available: Callable[[float], Decimal],
    ) -> None:
        self.market = market
        self.calendar = calendar
        self.portfolio = portfolio
        self.user_id = user_id
        self.publish = publish
        self.funds_available = funds_available
        self.orders: dict[str, Order] = {}
        self._seq = 0

    # ---- ids and publishing ----------------------------------------------------------------
    def _next_id(self, ts: float) -> str:
        self._seq += 1
        return datetime.fromtimestamp(ts, IST).strftime("%y%m%d") + f"{self._seq:09d}"

    def _emit(
        self, order: Order, status: str, ts: float, msg: str | None = None, raw: str | None = None
    ) -> None:
        rec = order.transition(status, ts, msg, raw)
        rec.update(
            {
                "update_type": "order",
                "user_id": self.user_id,
                "userId": self.user_id,
                "instrument_key": order.inst.instrument_key,
            }
        )
        self.publish(rec)

    def get(self, order_id: str) -> Order:
        if not order_id:
            raise UpstoxError("UDAPI1023", "order_id is required", property_path="order_id")
        if not all(c.isalnum() or c == "-" for c in order_id):
            raise UpstoxError(
                "UDAPI1010",
                "order_id accepts only alphanumeric characters and '-'",
                property_path="order_id",
                invalid_value=order_id,
            )
        order = self.orders.get(order_id)
        if order is None:
            raise UpstoxError(
                "UDAPI100010", "Unknown order id", property_path="order_id", invalid_value=order_id
            )
        return order

    # ---- placing -----------------------------------------------------------------------------
    def ensure_can_place(self, req: OrderRequest, ts: float) -> None:
        """UDAPI100057 when the market is closed and the order is not an AMO."""
        if not req.is_amo and not self.calendar.is_open(datetime.fromtimestamp(ts, IST)):
            raise UpstoxError("UDAPI100057", "Market is closed")

    def slices(self, req: OrderRequest) -> list[int]:
        """Child quantities for a sliced v3 order (≤ freeze quantity each, ≤ 25 children)."""
        freeze = req.inst.freeze_quantity
        if not req.slice or req.quantity <= freeze:
            return [req.quantity]
        step = freeze - freeze % req.inst.lot_size
        parts = [step] * (req.quantity // step)
        if req.quantity % step:
            parts.append(req.quantity % step)
        if len(parts) > 25:
            raise UpstoxError(
                "UDAPI100038",
                "Order would be sliced into more than 25 orders",
                property_path="quantity",
                invalid_value=req.quantity,
            )
        return parts

    def place(self, req: OrderRequest, ts: float, quantity: int | None = None) -> Order:
        """Accept an order (it gets an id even if RMS rejects it a moment later)."""
        order = Order(
            order_id=self._next_id(ts),
            user_id=self.user_id,
            inst=req.inst,
            product=req.product,
            validity=req.validity,
            order_type=req.order_type,
            side=req.side,
            quantity=quantity or req.quantity,
            price=req.price,
            trigger_price=req.trigger_price,
            disclosed_quantity=min(req.disclosed_quantity, quantity or req.quantity),
            is_amo=req.is_amo,
            tag=req.tag,
            placed_at=ts,
            market_protection=req.market_protection,
        )
        order.checked_until = ts
        self.orders[order.order_id] = order
        self._emit(order, st.PUT_REQ, ts)
        self._emit(order, st.VALIDATION_PENDING, ts)
        if self.calendar.is_open(datetime.fromtimestamp(ts, IST)):
            self._release(order, ts)
        else:
            self._emit(order, st.AMO_RECEIVED, ts)
        return order

    def _reference_price(self, order: Order, ts: float) -> float:
        if order.order_type in ("LIMIT", "SL"):
            return order.price
        if order.order_type == "SL-M":
            return order.trigger_price
        return self.market.ltp(order.inst, ts)

    def order_margin(self, order: Order, ts: float) -> Decimal:
        qty = order.quantity - order.filled_quantity
        return self.portfolio.incremental_margin(
            order.inst, order.product, order.side, qty, self._reference_price(order, ts)
        )

    def _release(self, order: Order, ts: float) -> None:
        """Exchange-side acceptance: RMS, then open (or trigger pending), then try to fill."""
        self._emit(order, st.OPEN_PENDING, ts)
        inst = order.inst
        if order.quantity > inst.freeze_quantity:
            self._emit(
                order,
                st.REJECTED,
                ts,
                "Quantity exceeds freeze limit; use slice=true",
                "RMS:Freeze quantity exceeded",
            )
            return
        if order.product == "D" and order.side == "SELL" and not inst.is_derivative:
            pos = self.portfolio.positions.get((inst.instrument_key, "D"))
            long_today = max(pos.net + pos.covered_sell_qty, 0) if pos else 0
            if order.quantity > long_today + self.portfolio.sellable_holding(inst):
                self._emit(
                    order,
                    st.REJECTED,
                    ts,
                    "Short selling is not allowed for delivery orders",
                    "RMS:Short sell not allowed in CNC",
                )
                return
        price = self._reference_price(order, ts)
        needed = (
            self.order_margin(order, ts)
            + order_charges(inst, order.product, order.side, order.quantity, price).total
        )
        available = self.funds_available(ts)  # this order is not yet working, so not counted
        if needed > available:
            short = needed - available
            self._emit(
                order,
                st.REJECTED,
                ts,
                f"You need to add Rs. {short:.2f} in your account to place this trade.",
                f"RMS:Margin Exceeds,Required:{needed:.2f}, Available:{available:.2f}"
                f" for entity account-{self.user_id}",
            )
            return
        order.exchange_order_id = f"13000000{self._seq:08d}"
        order.exchange_ts = ts
        if order.order_type in ("SL", "SL-M"):
            self._emit(order, st.TRIGGER_PENDING, ts)
            return
        self._emit(order, st.OPEN, ts)
        self._try_fill_on_arrival(order, ts)

    def _quote(self, order: Order, ts: float) -> tuple[float, float]:
        ltp = self.market.ltp(order.inst, ts)
        tick = order.inst.tick_size
        return round_to_tick(max(ltp - tick, 0.05), tick), round_to_tick(ltp + tick, tick)

    def _try_fill_on_arrival(self, order: Order, ts: float) -> None:
        bid, ask = self._quote(order, ts)
        if order.order_type in ("MARKET", "SL-M"):
            self._fill(order, ask if order.side == "BUY" else bid, ts)
        elif order.side == "BUY" and ask <= order.price:
            self._fill(order, ask, ts)
        elif order.side == "SELL" and bid >= order.price:
            self._fill(order, bid, ts)
        elif order.validity == "IOC":
            self._emit(order, st.CANCELLED, ts, "IOC order cancelled: no match at the limit price")

    def _fill(self, order: Order, price: float, ts: float) -> None:
        qty = order.quantity - order.filled_quantity
        charges = order_charges(order.inst, order.product, order.side, qty, price)
        self.portfolio.apply_fill(
            order.inst,
            order.product,
            order.side,
            qty,
            price,
            order.order_id,
            order.exchange_order_id,
            order.order_type,
            ts,
            charges,
        )
        order.filled_quantity += qty
        order.average_price = price
        order.exchange_ts = ts
        self._emit(order, st.COMPLETE, ts)
        self.publish({"update_type": "position", **self.position_record(order)})

    def position_record(self, order: Order) -> dict[str, Any]:
        pos = self.portfolio.position(order.inst, order.product)
        ts = order.updated_at
        return pos.record(
            self.market.ltp(order.inst, ts), self.market.previous_close(order.inst, ts)
        )

    # ---- modify / cancel -------------------------------------------------------------------
    def modify(self, order: Order, changes: dict[str, Any], ts: float) -> None:
        if order.status not in st.WORKING:
            raise UpstoxError(
                "UDAPI100010",
                f"Order cannot be modified in status '{order.status}'",
                property_path="order_id",
                invalid_value=order.order_id,
            )
        for name, value in changes.items():
            setattr(order, name, value)
        order.request_count += 1
        if order.status == st.AMO_RECEIVED:
            self._emit(order, st.AMO_MODIFY, ts)
            self._emit(order, st.AMO_RECEIVED, ts)
            return
        self._emit(order, st.MODIFY_VALIDATION, ts)
        self._emit(order, st.MODIFY_PENDING, ts)
        self._emit(order, st.MODIFIED, ts)
        if order.order_type in ("SL", "SL-M"):
            self._emit(order, st.TRIGGER_PENDING, ts)
        else:
            self._emit(order, st.OPEN, ts)
            self._try_fill_on_arrival(order, ts)

    def cancel(self, order: Order, ts: float) -> None:
        if order.status not in st.WORKING:
            raise UpstoxError(
                "UDAPI100010",
                f"Order cannot be cancelled in status '{order.status}'",
                property_path="order_id",
                invalid_value=order.order_id,
            )
        if order.status == st.AMO_RECEIVED:
            self._emit(order, st.AMO_CANCELLED, ts)
            return
        self._emit(order, st.CANCEL_PENDING, ts)
        self._emit(order, st.CANCELLED, ts)

    def working(self) -> list[Order]:
        return [o for o in self.orders.values() if o.status in st.WORKING]

    # ---- time passing ----------------------------------------------------------------------
    def step(self, t0: float, t1: float) -> None:
        """Apply what the market did between t0 and t1 to every working order."""
        for order in self.working():
            start = max(t0, order.checked_until)
            order.checked_until = t1
            if order.status == st.AMO_RECEIVED:
                if self.calendar.is_open(datetime.fromtimestamp(t1, IST)):
                    self._release(order, t1)
                continue
            day = self.calendar.last_session_day(datetime.fromtimestamp(order.updated_at, IST))
            bounds = self.calendar.session_bounds(day)
            close_ts = bounds[1].timestamp() if bounds else t1
            end = min(t1, close_ts)
            if end > start:
                self._match_resting(order, start, end)
            if (
                order.status in (st.OPEN, st.TRIGGER_PENDING)
                and t1 >= close_ts
                and order.validity == "DAY"
            ):
                self._emit(
                    order, st.CANCELLED, close_ts, "Order cancelled by the exchange at end of day"
                )

    def _match_resting(self, order: Order, start: float, end: float) -> None:
        lo, hi = self.market.extremes_between(order.inst, start, end)
        if order.status == st.TRIGGER_PENDING:
            hit = hi >= order.trigger_price if order.side == "BUY" else lo <= order.trigger_price
            if not hit:
                return
            self._emit(order, st.OPEN, end)
            if order.order_type == "SL-M":
                self._fill(order, order.trigger_price, end)
                return
        if order.order_type in ("LIMIT", "SL") and order.status == st.OPEN:
            crossed = lo < order.price if order.side == "BUY" else hi > order.price
            if crossed:
                self._fill(order, order.price, end)
