"""Positions, holdings, trades and funds of the demo user, kept consistent by construction.

Funds are derived, never stored: available = opening balance + realised P&L + proceeds of
holdings sold - charges - margin used (positions + working orders). So an order, a fill and a
charge can never leave the numbers out of step. Unrealised losses do not reduce available
margin in the sandbox (real RMS does; noted in SANDBOX.md).
"""

from __future__ import annotations

from typing import Any
from dataclasses import dataclass
from decimal import Decimal

from scripts.upstox_sandbox.exchange.charges import Charges, margin_for, money
from scripts.upstox_sandbox.exchange.order_records import ist_text
from scripts.upstox_sandbox.market.universe import Instrument


@dataclass
class Position:
    inst: Instrument
    product: str
    buy_qty: int = 0
    buy_value: Decimal = Decimal("0")
    sell_qty: int = 0
    sell_value: Decimal = Decimal("0")
    covered_sell_qty: int = 0  # delivery sells of existing holdings

    @property
    def net(self) -> int:
        return self.buy_qty - self.sell_qty

    @property
    def buy_avg(self) -> Decimal:
        return self.buy_value / self.buy_qty if self.buy_qty else Decimal("0")

    @property
    def sell_avg(self) -> Decimal:
        return self.sell_value / self.sell_qty if self.sell_qty else Decimal("0")

    @property
    def realised(self) -> Decimal:
        closed = min(self.buy_qty, self.sell_qty - self.covered_sell_qty)
        return money(closed * (self.sell_avg - self.buy_avg)) if closed > 0 else Decimal("0.00")

    def unrealised(self, ltp: float) -> Decimal:
        last = Decimal(str(ltp))
        open_qty = self.net + self.covered_sell_qty
        if open_qty > 0:
            return money(open_qty * (last - self.buy_avg))
        if open_qty < 0:
            return money(-open_qty * (self.sell_avg - last))
        return Decimal("0.00")

    def margin(self) -> Decimal:
        open_qty = self.net + self.covered_sell_qty
        if open_qty > 0:
            return margin_for(self.inst, self.product, "BUY", open_qty, float(self.buy_avg))
        if open_qty < 0:
            return margin_for(self.inst, self.product, "SELL", -open_qty, float(self.sell_avg))
        return Decimal("0.00")

    def record(self, ltp: float, close_price: float) -> dict[str, Any]:
        unreal = self.unrealised(ltp)
        net = self.net
        avg = self.buy_avg if net > 0 else self.sell_avg if net < 0 else Decimal("0")
        return {
            "exchange": self.inst.order_exchange,
            "multiplier": 1.0,
            "value": float(money(self.sell_value - self.buy_value)),
            "pnl": float(self.realised + unreal),
            "product": self.product,
            "instrument_token": self.inst.instrument_key,
            "average_price": float(money(avg)) if net else None,
            "buy_value": float(money(self.buy_value)),
            "overnight_quantity": 0,
            "day_buy_value": float(money(self.buy_value)),
            "day_buy_price": float(money(self.buy_avg)),
            "overnight_buy_amount": 0.0,
            "overnight_buy_quantity": 0,
            "day_buy_quantity": self.buy_qty,
            "day_sell_value": float(money(self.sell_value)),
            "day_sell_price": float(money(self.sell_avg)),
            "overnight_sell_amount": 0.0,
            "overnight_sell_quantity": 0,
            "day_sell_quantity": self.sell_qty,
            "quantity": net,
            "last_price": ltp,
            "unrealised": float(unreal),
            "realised": float(self.realised),
            "sell_value": float(money(self.sell_value)),
            "trading_symbol": self.inst.order_symbol,
            "tradingsymbol": self.inst.order_symbol,
            "close_price": close_price,
            "buy_price": float(money(self.buy_avg)),
            "sell_price": float(money(self.sell_avg)),
        }


@dataclass
class Holding:
    inst: Instrument
    quantity: int
    average_price: Decimal
    used_quantity: int = 0

    def record(self, ltp: float, close_price: float) -> dict[str, Any]:
        qty = self.quantity
        last = Decimal(str(ltp))
        change = money(qty * (last - Decimal(str(close_price))))
        return {
            "isin": self.inst.isin,
            "cnc_used_quantity": self.used_quantity,
            "collateral_type": "WC",
            "company_name": self.inst.name,
            "haircut": 0.2,
            "product": "D",
            "quantity": qty,
            "trading_symbol": self.inst.order_symbol,
            "tradingsymbol": self.inst.order_symbol,
            "last_price": ltp,
            "close_price": close_price,
            "pnl": float(money(qty * (last - self.average_price))),
            "day_change": float(change),
            "day_change_percentage": (
                round((ltp - close_price) / close_price * 100, 2) if close_price else 0.0
            ),
            "instrument_token": self.inst.instrument_key,
            "average_price": float(money(self.average_price)),
            "collateral_quantity": 0,
            "collateral_update_quantity": 0,
            "t1_quantity": 0,
            "exchange": "NSE",
        }


class Portfolio:
    """The demo user's book: positions by (key, product), holdings by key, trades, charges."""

    def __init__(self, opening_balance: float) -> None:
        self.opening_balance = money(opening_balance)
        self.positions: dict[tuple[str, str], Position] = {}
        self.holdings: dict[str, Holding] = {}
        self.trades: list[dict[str, Any]] = []
        self.charges_total = Decimal("0.00")
        self.stock_sale_proceeds = Decimal("0.00")
        self._trade_seq = 0

    def position(self, inst: Instrument, product: str) -> Position:
        key = (inst.instrument_key, product)
        if key not in self.positions:
            self.positions[key] = Position(inst, product)
        return self.positions[key]

    def sellable_holding(self, inst: Instrument) -> int:
        holding = self.holdings.get(inst.instrument_key)
        return holding.quantity - holding.used_quantity if holding else 0

    def incremental_margin(
        self, inst: Instrument, product: str, side: str, qty: int, price: float
    ) -> Decimal:
        """Margin a new order needs: zero for the part that reduces an existing position."""
        pos = self.positions.get((inst.instrument_key, product))
        net = pos.net + pos.covered_sell_qty if pos else 0
        reducing = min(qty, max(-net, 0)) if side == "BUY" else min(qty, max(net, 0))
        opening = qty - reducing
        if side == "SELL" and product == "D" and not inst.is_derivative:
            opening = max(0, opening - self.sellable_holding(inst))
        return margin_for(inst, product, side, opening, price) if opening else Decimal("0.00")

    def apply_fill(
        self,
        inst: Instrument,
        product: str,
        side: str,
        qty: int,
        price: float,
        order_id: str,
        exchange_order_id: str,
        order_type: str,
        ts: float,
        charges: Charges,
    ) -> dict[str, Any]:
        """Book one execution: position, holdings usage, charges, and the trade record."""
        pos = self.position(inst, product)
        value = Decimal(str(price)) * qty
        if side == "BUY":
            pos.buy_qty += qty
            pos.buy_value += value
        else:
            covered = 0
            if product == "D" and not inst.is_derivative:
                long_open = max(pos.net + pos.covered_sell_qty, 0)
                covered = min(max(qty - long_open, 0), self.sellable_holding(inst))
            if covered:
                self.holdings[inst.instrument_key].used_quantity += covered
                pos.covered_sell_qty += covered
                self.stock_sale_proceeds += money(Decimal(str(price)) * covered)
            pos.sell_qty += qty
            pos.sell_value += value
        self.charges_total += charges.total
        self._trade_seq += 1
        trade = {
            "exchange": inst.order_exchange,
            "product": product,
            "trading_symbol": inst.order_symbol,
            "tradingsymbol": inst.order_symbol,
            "instrument_token": inst.instrument_key,
            "order_type": order_type,
            "transaction_type": side,
            "quantity": qty,
            "exchange_order_id": exchange_order_id,
            "order_id": order_id,
            "exchange_timestamp": ist_text(ts),
            "average_price": price,
            "trade_id": f"{50000000 + self._trade_seq}",
            "order_ref_id": f"SBX-{order_id}",
            "order_timestamp": ist_text(ts),
        }
        self.trades.append(trade)
        return trade

    def convert(self, inst: Instrument, old: str, new: str, side: str, qty: int) -> None:
        """Move ``qty`` of today's ``side`` quantity from one product to another at cost."""
        src = self.positions.get((inst.instrument_key, old))
        have = (src.buy_qty if side == "BUY" else src.sell_qty) if src else 0
        if src is None or qty <= 0 or qty > have:
            raise ValueError("quantity exceeds the convertible position")
        dst = self.position(inst, new)
        if side == "BUY":
            moved = src.buy_avg * qty
            src.buy_qty -= qty
            src.buy_value -= moved
            dst.buy_qty += qty
            dst.buy_value += moved
        else:
            moved = src.sell_avg * qty
            src.sell_qty -= qty
            src.sell_value -= moved
            dst.sell_qty += qty
            dst.sell_value += moved

    def realised_total(self) -> Decimal:
        return sum((p.realised for p in self.positions.values()), Decimal("0.00"))

    def positions_margin(self) -> Decimal:
        return sum((p.margin() for p in self.positions.values()), Decimal("0.00"))
