"""Stored candles: ``GET /api/candles/coverage`` and ``GET /api/candles/<symbol>``.

``/coverage`` is a fixed path, which werkzeug always tries before the ``<symbol>`` rule, so it
is never taken for a symbol; the names of the sibling endpoints (``backfill``, owned by
``candle_backfill.py``) are refused as symbols with a pointer to the right endpoint, so a GET
on them can never answer "no instrument backfill".
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from scripts.api.context import services
from scripts.api.contract import Answer, KEY_ERRORS, answer, documented
from scripts.api_schemas.candles import CandleSeries, SeriesCoverage
from scripts.clock import IST
from scripts.services.candle_reads import DEFAULT_LIMIT, MAX_LIMIT, CandlePage
from scripts.services.errors import NotFound, ValidationFailed
from scripts.services.indicators import IndicatorSpecInvalid, parse_indicators

blueprint = APIBlueprint(
    "candles",
    __name__,
    url_prefix="/api/candles",
    abp_tags=[Tag(name="Candles")],
    abp_security=[{"ApiKey": []}],
)

TEXT = r"^[^\x00-\x1f\x7f]+$"
# Path words of /api/candles/* endpoints: never symbols.
RESERVED = {"backfill": "POST /api/candles/backfill", "coverage": "GET /api/candles/coverage"}


class SymbolPath(BaseModel):
    symbol: str = Field(
        min_length=1,
        max_length=64,
        pattern=TEXT,
        description="RELIANCE, NSE:RELIANCE, NSE_EQ|INE002A01018 (URL-encoded |), an ISIN",
    )


class CandlesQuery(BaseModel):
    interval: str = Field(default="1d", max_length=4, description="1m 5m 15m 30m 1h 1d 1w 1M")
    from_: str | None = Field(
        default=None,
        alias="from",
        max_length=40,
        description="YYYY-MM-DD (IST day) or ISO date-time; default: a screen of candles",
    )
    to: str | None = Field(default=None, max_length=40, description="Default: end of today IST")
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(default=None, max_length=20, description="next_cursor of a page")
    indicators: str | None = Field(
        default=None,
        max_length=200,
        description="e.g. sma:20,ema:50,rsi:14,macd:12:26:9,bb:20:2",
    )


class CoverageQuery(BaseModel):
    symbol: str | None = Field(default=None, min_length=1, max_length=64, pattern=TEXT)
    interval: str | None = Field(default=None, max_length=4)


@blueprint.get("/coverage", responses=documented(list[SeriesCoverage], *KEY_ERRORS, 404, 409, 422))
def coverage(query: CoverageQuery) -> Answer:
    """Each stored series: first, last, count, freshness, and the gaps against the trading
    calendar (missing sessions; intraday sessions with too few candles)."""
    rows = services().candle_coverage.coverage(query.symbol, query.interval)
    return answer(list[SeriesCoverage], [dataclasses.asdict(row) for row in rows])


@blueprint.get("/<symbol>", responses=documented(CandleSeries, *KEY_ERRORS, 404, 409, 422))
def candles(path: SymbolPath, query: CandlesQuery) -> Answer:
    """Candles of one instrument, oldest first, read from storage (resampled from a finer
    stored interval when needed), a page at a time; optional indicator lines."""
    if path.symbol.lower() in RESERVED:
        raise NotFound(
            f"{path.symbol!r} is not a symbol here; use {RESERVED[path.symbol.lower()]}", "symbol"
        )
    try:
        specs = parse_indicators(query.indicators) if query.indicators else []
    except IndicatorSpecInvalid as invalid:
        raise ValidationFailed(str(invalid), "indicators") from None
    page = services().candle_reads.read(
        path.symbol, query.interval, query.from_, query.to, query.limit, query.cursor, specs
    )
    return answer(CandleSeries, page_body(page))


def page_body(page: CandlePage) -> dict[str, Any]:
    return {
        "instrument_key": page.instrument_key,
        "trading_symbol": page.trading_symbol,
        "interval": page.interval,
        "source_interval": page.source_interval,
        "range_from": page.start,
        "range_to": page.end,
        "candles": [[_iso(row[0]), *row[1:]] for row in page.candles],
        "next_cursor": page.next_cursor,
        "hint": page.hint,
        "indicators": [dataclasses.asdict(lines) for lines in page.indicators],
    }


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, IST).isoformat()
