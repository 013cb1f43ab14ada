"""Stored candles: a page of one series (with indicator lines) and the coverage of each series."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

# [ts (ISO-8601 with +05:30, the candle's start), open, high, low, close, volume, oi]:
# the array layout Upstox's candle endpoints use (docs/UPSTOX_API.md §7.3).
CandleRow = tuple[str, float, float, float, float, int, int]


class IndicatorSeries(BaseModel):
    name: str = Field(description="As asked, with defaults filled in, e.g. macd:12:26:9")
    kind: str = Field(description="sma, ema, rsi, macd or bb")
    lines: dict[str, list[float | None]] = Field(
        description="One value per candle (null until defined): value; or macd, signal, "
        "histogram; or middle, upper, lower"
    )


class CandleSeries(BaseModel):
    instrument_key: str
    trading_symbol: str
    interval: str = Field(description="1m, 5m, 15m, 30m, 1h, 1d, 1w or 1M")
    source_interval: str | None = Field(
        description="The stored interval the candles were read (and resampled) from; null "
        "when nothing usable is stored"
    )
    range_from: datetime = Field(description="The range read, IST")
    range_to: datetime
    candles: list[CandleRow] = Field(
        description="[ts, open, high, low, close, volume, oi], oldest first"
    )
    next_cursor: str | None = Field(
        description="Pass as cursor (same symbol, interval, from, to) for the next page; null "
        "on the last page"
    )
    hint: str | None = Field(default=None, description="Why there are no candles, what to do")
    indicators: list[IndicatorSeries] = Field(default_factory=list)


class CoverageGap(BaseModel):
    kind: str = Field(description="missing (no candle) or partial (intraday, too few candles)")
    first_day: date
    last_day: date
    sessions: int = Field(description="Trading sessions in the range (weekends, holidays not)")


class SeriesCoverage(BaseModel):
    instrument_key: str
    trading_symbol: str | None = Field(description="null when the key is not in the list")
    interval: str
    first: datetime = Field(description="Start of the first candle, IST")
    last: datetime = Field(description="Start of the last candle, IST")
    count: int
    exchange: str = Field(description="The trading calendar the gaps are judged by")
    last_session: date | None = Field(description="The last session that has begun")
    sessions_behind: int | None = Field(
        description="Sessions begun since the last candle's day (week, month); 0 = fresh; "
        "null past the calendar's data"
    )
    missing_sessions: int
    partial_sessions: int
    sessions_not_judged: int = Field(description="Days outside the trading calendar's data")
    gaps: list[CoverageGap]
