"""The live market feed: its health, the subscription book, the latest ticks."""

from __future__ import annotations


from pydantic import BaseModel, Field

from scripts.upstox_wire.feed_modes import FeedMode

# The wire's own list (one home for the feed modes); re-exported for the API's users.
__all__ = ["FeedMode", "FeedHealth", "MinuteBar", "MinuteBars", "Subscriptions", "Tick"]


class FeedHealth(BaseModel):
    """From the feed process. ``state``: stopped, connecting, connected, backoff,
    token_expired; ``unreachable`` when the feed process does not answer."""

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
    consumers: int = Field(default=0, description="consumers holding subscriptions")
    feeds_opened: int = Field(
        default=0, description="Upstox connections opened since start (one per login)"
    )


class Subscriptions(BaseModel):
    consumer: str = Field(description="whose subscriptions these are, e.g. api, watchlist:3")
    subscriptions: dict[str, list[str]] = Field(
        description="this consumer's: mode -> instrument keys"
    )
    connection: dict[str, list[str]] = Field(
        default_factory=dict,
        description="the one Upstox connection's, for every consumer: each key in the "
        "richest mode any consumer wants (full_d30 > full > option_greeks > ltpc)",
    )


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
    """The latest state of one instrument, merged from every feed message since its snapshot;
    optional parts depend on the subscription mode."""

    instrument_key: str
    ltp: float | None = None
    ltt: int | None = Field(default=None, description="exchange last trade time, epoch ms")
    ltq: int | None = None
    cp: float | None = Field(default=None, description="previous close")
    received_at: int = Field(default=0, description="when the feed process received it, epoch ms")
    age_ms: int = Field(default=0, description="milliseconds since it was received")
    stale: bool = Field(
        default=False, description="true while the feed is down or the Upstox session is gone"
    )
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


class MinuteBar(BaseModel):
    ts: int = Field(description="minute start (exchange time of the trades), epoch ms")
    open: float
    high: float
    low: float
    close: float
    volume: int = Field(description="traded volume in the minute, from vtt deltas")


class MinuteBars(BaseModel):
    instrument_key: str
    interval: str = "1minute"
    stale: bool = Field(description="true while the feed is down or the Upstox session is gone")
    bars: list[MinuteBar]
