"""Named watchlists: their names and counts, and their instruments with live prices."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class WatchlistSummary(BaseModel):
    id: int
    name: str
    items: int = Field(description="How many instruments the list holds")
    created_at: datetime
    updated_at: datetime


class WatchlistItem(BaseModel):
    instrument_key: str
    trading_symbol: str = Field(description="The key itself if the instrument left the list")
    name: str | None = None
    segment: str | None = None
    position: int = Field(description="Order on the page, 0 first")
    added_at: datetime
    ltp: float | None = None
    change: float | None = Field(default=None, description="ltp - previous close")
    change_pct: float | None = None
    volume: int | None = None
    price_source: Literal["feed", "quote"] | None = Field(
        default=None, description="feed: a fresh tick; quote: the 1-s cached full quote"
    )


class Watchlist(WatchlistSummary):
    instruments: list[WatchlistItem]
    prices_unavailable: str | None = Field(
        default=None,
        description="Why some or all prices are null (no Upstox session, Upstox down)",
    )


class WatchlistItemChange(BaseModel):
    watchlist_id: int
    instrument_key: str
    trading_symbol: str
    changed: bool = Field(description="False when the list already was that way (harmless)")
    message: str


class WatchlistDeleted(BaseModel):
    id: int
    name: str
    deleted: bool
