"""The seam between the sandbox's simulated market and its WebSocket feed servers.

The market simulation (prices, orders, tokens) and the feed servers (protobuf
market feed, JSON portfolio stream) are built separately; they meet only here.
The simulation implements ``FeedSource``; the feed servers read from it and
never reach into the simulation's internals.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class DepthLevel:
    """One price level of the order book, as the feed's ``Quote`` message carries it."""

    price: float
    quantity: int
    orders: int = 1


@dataclass(frozen=True)
class Greeks:
    delta: float
    theta: float
    gamma: float
    vega: float
    rho: float


@dataclass(frozen=True)
class OhlcBar:
    """One OHLC bar; ``interval`` uses the feed's names: ``1d``, ``I1``, ``I30``."""

    interval: str
    open: float
    high: float
    low: float
    close: float
    volume: int
    ts_ms: int  # bar start, epoch milliseconds


@dataclass(frozen=True)
class MarketSnapshot:
    """Everything the feed can say about one instrument at one instant.

    ``close_price`` is the previous session's close (the feed's ``cp``).
    ``bids``/``asks`` hold five levels for ``full`` mode (thirty for
    ``full_d30``); ``greeks`` and ``iv`` are set for options only.
    """

    instrument_key: str
    is_index: bool
    ltp: float
    ltt_ms: int
    ltq: int
    close_price: float
    volume_today: int = 0
    average_price: float = 0.0
    open_interest: float = 0.0
    iv: float = 0.0
    total_buy_quantity: float = 0.0
    total_sell_quantity: float = 0.0
    bids: tuple[DepthLevel, ...] = ()
    asks: tuple[DepthLevel, ...] = ()
    greeks: Greeks | None = None
    bars: tuple[OhlcBar, ...] = field(default_factory=tuple)


class FeedSource(Protocol):
    """What the feed servers need from the simulated market."""

    def user_for_token(self, access_token: str) -> str | None:
        """The user id an access token belongs to, or None if unknown or expired."""

    def instrument_exists(self, instrument_key: str) -> bool:
        """True if the key names an instrument of the sandbox universe."""

    def market_snapshot(self, instrument_key: str) -> MarketSnapshot:
        """Current state of one instrument (advances the simulation lazily)."""

    def segment_status(self) -> dict[str, str]:
        """Segment -> MarketStatus name, e.g. ``{"NSE_EQ": "NORMAL_OPEN"}``."""

    def now_ms(self) -> int:
        """The sandbox clock, epoch milliseconds."""

    def tick_interval_seconds(self) -> float:
        """How often live ticks should be pushed (already scaled for an accelerated clock)."""

    def subscribe_portfolio(self, user_id: str) -> asyncio.Queue[dict[str, Any]]:
        """A queue receiving this user's portfolio updates (dicts with ``update_type``)."""

    def unsubscribe_portfolio(self, user_id: str, queue: asyncio.Queue[dict[str, Any]]) -> None:
        """Stop delivering to a queue returned by ``subscribe_portfolio``."""
