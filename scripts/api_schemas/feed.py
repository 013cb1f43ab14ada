"""The live market feed: its health, the subscription book, the latest ticks."""

from __future__ import annotations


from pydantic import BaseModel, Field

from scripts.upstox_wire.feed_modes import FeedMode

# The wire's own list (one home for the feed modes); re-exported for the API's users.
__all__ = ["FeedMode", "FeedHealth", "Subscriptions", "Tick"]


class FeedHealth(BaseModel):
    """``state``: stopped, connecting, connected, backoff or token_expired."""

    state: str
    connected: bool
    last_message_age_s: float | None = None
    last_tick_age_s: float | None = None
    reconnect_count: int = 0
    subscriptions: dict[str, int] = Field(
        default_factory=dict, description="mode -> number of instruments"
    )
    market_status: dict[str, str] = Field(
        default_factory=dict, description="segment -> status, e.g. NSE_EQ: NORMAL_OPEN"
    )
    last_error: str | None = None
    detail: str | None = Field(default=None, description="Why the feed is stopped, if it is")


class Subscriptions(BaseModel):
    subscriptions: dict[str, list[str]] = Field(description="mode -> instrument keys")


class DepthQuote(BaseModel):
    bid_price: float
    bid_qty: int
    ask_price: float
    ask_qty: int


class OhlcBar(BaseModel):
    interval: str = Field(description="1d, I1, I30")
    open: float
    high: float
    low: float
    close: float
    volume: int
    ts: int = Field(description="bar start, epoch ms")


class Greeks(BaseModel):
    delta: float
    theta: float
    gamma: float
    vega: float
    rho: float


class Tick(BaseModel):
    """The latest update of one instrument; optional parts depend on the subscription mode."""

    instrument_key: str
    ltp: float
    ltt: int = Field(description="last trade time, epoch ms")
    ltq: int
    cp: float = Field(description="previous close")
    mode: str = "ltpc"
    snapshot: bool = False
    server_ts: int = 0
    is_index: bool = False
    depth: list[DepthQuote] | None = None
    ohlc: list[OhlcBar] | None = None
    greeks: Greeks | None = None
    oi: float | None = None
    iv: float | None = None
    volume: int | None = None
    atp: float | None = None
    total_buy_qty: float | None = None
    total_sell_qty: float | None = None
