"""Full market quotes of what a trader names, shared between every page that polls them.

Each symbol goes through the one resolver, then one Upstox full-quote call (v3, §7.1) asks for
all of them. Upstox keys its answer by ``EXCHSEG:TRADING_SYMBOL`` and that form differs between
segments and API versions (§0), so entries are matched back to the instruments only by their
``instrument_token``, never by the map key.

A quote is kept for ``QUOTES_TTL_S`` per set of instruments, single flight: the Watchlist and
Live Quote pages of several tabs polling every second cost one Upstox call per second.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scripts.services.broker import BrokerService
from scripts.services.errors import ServiceError, ValidationFailed
from scripts.services.instruments import InstrumentsService
from scripts.services.read_cache import SingleFlightCache
from scripts.upstox.rest.request_caps import MAX_QUOTE_KEYS

log = logging.getLogger(__name__)
# Shorter than any page's refresh (1 s on Live Quote), long enough that tabs polling together
# share one call.
QUOTES_TTL_S = 1.0
DEPTH_LEVELS = 5  # §7.1: depth is always 5 levels, zero-filled


@dataclass(frozen=True)
class QuotedInstrument:
    """An instrument to quote: its key and the symbol to show beside its price."""

    instrument_key: str
    trading_symbol: str


class QuotesService:
    def __init__(
        self,
        broker: BrokerService,
        instruments: InstrumentsService,
        *,
        ttl_s: float = QUOTES_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._broker = broker
        self._instruments = instruments
        self._cache: SingleFlightCache[dict[str, Any]] = SingleFlightCache(ttl_s, clock=clock)

    def quotes(self, symbols: Sequence[str]) -> list[dict[str, Any]]:
        """Quotes of ``symbols`` (symbols, keys, ISINs, index names), in the order asked,
        each instrument once. An unknown or ambiguous symbol fails the whole call, naming it."""
        texts = [text.strip() for text in symbols if text.strip()]
        if not texts:
            raise ValidationFailed(
                "Give at least one symbol, e.g. ?symbols=RELIANCE,NIFTY 50.", "symbols"
            )
        wanted: dict[str, QuotedInstrument] = {}
        for text in texts:
            try:
                found = self._instruments.resolve(text).instrument
            except ServiceError as error:
                raise type(error)(f"Symbol {text!r}: {error.message}", "symbols") from None
            wanted.setdefault(
                found.instrument_key, QuotedInstrument(found.instrument_key, found.trading_symbol)
            )
        return self.quotes_of(list(wanted.values()))

    def quotes_of(self, instruments: Sequence[QuotedInstrument]) -> list[dict[str, Any]]:
        """Quotes of already-resolved instruments (the watchlists' fallback when no tick)."""
        if len(instruments) > MAX_QUOTE_KEYS:
            raise ValidationFailed(
                f"At most {MAX_QUOTE_KEYS} instruments per request (Upstox's limit); "
                f"{len(instruments)} were asked for. Split the list.",
                "symbols",
            )
        keys = tuple(sorted({item.instrument_key for item in instruments}))
        if not keys:
            return []
        raw = self._cache.get(keys, lambda: self._broker.full_quotes(list(keys)))
        by_token = {
            entry.get("instrument_token"): entry
            for entry in raw.values()
            if isinstance(entry, dict)
        }
        missing = [k for k in keys if k not in by_token]
        if missing:
            log.warning("Upstox sent no quote for %s", ", ".join(missing))
        return [quote_of(item, by_token.get(item.instrument_key)) for item in instruments]


def quote_of(item: QuotedInstrument, entry: dict[str, Any] | None) -> dict[str, Any]:
    """One Upstox full-quote entry (v3, or v2) in the platform's shape; nulls when absent."""
    entry = entry or {}
    ohlc = entry.get("ohlc") or {}
    ltp = _number(entry.get("last_price"))
    close = _previous_close(entry, ltp)
    change = round(ltp - close, 2) if ltp is not None and close is not None else None
    change_pct = round(change / close * 100, 2) if change is not None and close else None
    depth = entry.get("depth") or {}
    return {
        "instrument_key": item.instrument_key,
        "trading_symbol": item.trading_symbol,
        "ltp": ltp,
        "open": _number(ohlc.get("open")),
        "high": _number(ohlc.get("high")),
        "low": _number(ohlc.get("low")),
        "close": close,
        "change": change,
        "change_pct": change_pct,
        "volume": _integer(entry.get("volume")),
        "oi": _number(entry.get("oi")),
        "average_price": _number(entry.get("average_price")),
        "depth": {"buy": _levels(depth.get("buy")), "sell": _levels(depth.get("sell"))},
        "total_buy_quantity": _integer(entry.get("total_buy_quantity")),
        "total_sell_quantity": _integer(entry.get("total_sell_quantity")),
        "lower_circuit_limit": _number(entry.get("lower_circuit_limit")),
        "upper_circuit_limit": _number(entry.get("upper_circuit_limit")),
        "last_trade_time": _epoch_ms(entry.get("last_trade_time")),
        "timestamp": _iso(entry.get("timestamp")),
    }


def _previous_close(entry: dict[str, Any], ltp: float | None) -> float | None:
    """v3 says ``prev_close_price``; v2's ``ohlc.close`` is the session's own, so there the
    previous close is ``last_price - net_change`` (§7.1)."""
    previous = _number(entry.get("prev_close_price"))
    if previous is not None:
        return previous
    net_change = _number(entry.get("net_change"))
    if ltp is not None and net_change is not None:
        return round(ltp - net_change, 2)
    return None


def _levels(rows: Any) -> list[dict[str, Any]]:
    levels = [
        {
            "price": _number(row.get("price")) or 0.0,
            "quantity": _integer(row.get("quantity")) or 0,
            "orders": _integer(row.get("orders")) or 0,
        }
        for row in (rows or [])[:DEPTH_LEVELS]
        if isinstance(row, dict)
    ]
    return levels + [{"price": 0.0, "quantity": 0, "orders": 0}] * (DEPTH_LEVELS - len(levels))


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _integer(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None else None


def _epoch_ms(value: Any) -> datetime | None:
    """``last_trade_time`` is epoch milliseconds sent as a string (§0); 0 means none yet."""
    number = _number(value)
    return datetime.fromtimestamp(number / 1000, UTC) if number else None


def _iso(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
