"""Full market quotes: price, day range, change, 5-level depth, volume, OI, circuit limits."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class DepthLevel(BaseModel):
    price: float
    quantity: int
    orders: int


class Depth(BaseModel):
    buy: list[DepthLevel] = Field(description="Best bid first, 5 levels (zero-filled)")
    sell: list[DepthLevel] = Field(description="Best ask first, 5 levels (zero-filled)")


class Quote(BaseModel):
    instrument_key: str
    trading_symbol: str
    ltp: float | None = Field(description="Last traded price")
    open: float | None = None
    high: float | None = None
    low: float | None = None
    close: float | None = Field(default=None, description="The previous session's close")
    change: float | None = Field(default=None, description="ltp - close")
    change_pct: float | None = Field(default=None, description="change / close, in percent")
    volume: int | None = None
    oi: float | None = None
    average_price: float | None = None
    depth: Depth
    total_buy_quantity: int | None = None
    total_sell_quantity: int | None = None
    lower_circuit_limit: float | None = None
    upper_circuit_limit: float | None = None
    last_trade_time: datetime | None = None
    timestamp: datetime | None = Field(default=None, description="When Upstox made the quote")
