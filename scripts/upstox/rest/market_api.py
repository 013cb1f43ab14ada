"""Market quotes, option contracts/chain/greeks and candles (docs/UPSTOX_API.md §7.1-§7.3).

Quote responses are keyed by ``EXCHSEG:TRADING_SYMBOL`` (e.g. ``NSE_EQ:NHPC``), not by the
instrument key you asked for; each value carries ``instrument_token``. They are returned as
dicts keyed the way Upstox keys them; ``by_instrument_key`` re-keys one by ``instrument_token``,
the only safe way to find the entry for a key you asked for: the symbol part has forms of its
own (F&O ``NSE_FO:NIFTY2543021600PE`` against the spaced BOD symbol, indices ``NSE_INDEX:Nifty
50``), so never derive or parse it.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Sequence

from scripts.upstox.rest.client_base import ClientBase
from scripts.upstox.errors import InvalidRequest
from scripts.upstox.rest.models import Candle
from scripts.upstox.rest.request_caps import MAX_GREEK_KEYS, MAX_QUOTE_KEYS, check_count
from scripts.upstox.rest.urls import RawQueryValue, build_query, encode_key, encode_keys

ApiVersion = Literal[2, 3]
CandleUnit = Literal["minutes", "hours", "days", "weeks", "months"]

# §7.3 [DOC]: allowed interval per unit. Span limits per request (UDAPI1148) are left to Upstox:
# "1 month"/"1 quarter" boundaries are not precise enough in the docs to enforce locally.
CANDLE_INTERVALS: dict[str, range] = {
    "minutes": range(1, 301),
    "hours": range(1, 6),
    "days": range(1, 2),
    "weeks": range(1, 2),
    "months": range(1, 2),
}
INTRADAY_UNITS = ("minutes", "hours", "days")


def _check_candle_unit(unit: str, interval: int, allowed_units: Sequence[str]) -> None:
    if unit not in allowed_units:
        raise InvalidRequest(f"unit must be one of {', '.join(allowed_units)}, got {unit!r}")
    if interval not in CANDLE_INTERVALS[unit]:
        allowed = CANDLE_INTERVALS[unit]
        raise InvalidRequest(
            f"interval for {unit} must be {allowed.start}-{allowed.stop - 1}, got {interval}"
        )


def candles_oldest_first(data: Any) -> list[Candle]:
    """Typed candles sorted oldest first.

    Upstox returns candles *newest first* (§7.3 doc examples); the platform wants time order,
    so rows are sorted by timestamp rather than merely reversed (robust if the order changes).
    """
    rows = (data or {}).get("candles") or []
    return sorted((Candle.from_row(row) for row in rows), key=lambda c: c.timestamp)


def by_instrument_key(quotes: dict[str, Any]) -> dict[str, Any]:
    """A quote map (§7.1) re-keyed by each entry's ``instrument_token``.

    Entries without an ``instrument_token`` are dropped rather than guessed from the map key.
    """
    out: dict[str, Any] = {}
    for entry in quotes.values():
        key = entry.get("instrument_token") if isinstance(entry, dict) else None
        if isinstance(key, str) and key:
            out[key] = entry
    return out


class MarketMixin(ClientBase):
    """Quotes, options and candles."""

    def _quote_call(self, path: str, keys: Sequence[str], cap: int, **extra: Any) -> dict[str, Any]:
        check_count(keys, cap, "instrument keys")
        query = build_query({"instrument_key": RawQueryValue(encode_keys(keys)), **extra})
        return self._data_object(self._transport.call("GET", path, query=query))

    def full_quotes(self, keys: Sequence[str], *, version: ApiVersion = 2) -> dict[str, Any]:
        """Full market quote (depth, OHLC, OI ...) for up to 500 keys."""
        return self._quote_call(f"/v{version}/market-quote/quotes", keys, MAX_QUOTE_KEYS)

    def ltp_quotes(self, keys: Sequence[str], *, version: ApiVersion = 2) -> dict[str, Any]:
        """Last traded price for up to 500 keys (v3 adds ltq, volume, cp)."""
        return self._quote_call(f"/v{version}/market-quote/ltp", keys, MAX_QUOTE_KEYS)

    def ohlc_quotes(
        self,
        keys: Sequence[str],
        *,
        interval: Literal["1d", "I1", "I30"] = "1d",
        version: ApiVersion = 2,
    ) -> dict[str, Any]:
        """OHLC for up to 500 keys; v3 gives ``prev_ohlc``/``live_ohlc`` with epoch-ms ``ts``."""
        path = f"/v{version}/market-quote/ohlc"
        return self._quote_call(path, keys, MAX_QUOTE_KEYS, interval=interval)

    def option_greeks(self, keys: Sequence[str]) -> dict[str, Any]:
        """Greeks, IV and OI for up to 50 option keys (v3 only)."""
        return self._quote_call("/v3/market-quote/option-greek", keys, MAX_GREEK_KEYS)

    def option_contracts(
        self, underlying_key: str, expiry_date: date | str | None = None
    ) -> list[dict[str, Any]]:
        """Option contracts of an underlying (``expiry`` here is ``YYYY-MM-DD``, §0)."""
        expiry = self._iso_date(expiry_date, "expiry_date") if expiry_date else None
        query = build_query(
            {
                "instrument_key": self._require(underlying_key, "instrument_key"),
                "expiry_date": expiry,
            }
        )
        return self._data(self._transport.call("GET", "/v2/option/contract", query=query)) or []

    def option_chain(self, underlying_key: str, expiry_date: date | str) -> list[dict[str, Any]]:
        """Per-strike call/put market data and greeks (not for MCX)."""
        query = build_query(
            {
                "instrument_key": self._require(underlying_key, "instrument_key"),
                "expiry_date": self._iso_date(expiry_date, "expiry_date"),
            }
        )
        return self._data(self._transport.call("GET", "/v2/option/chain", query=query)) or []

    def historical_candles(
        self,
        instrument_key: str,
        unit: CandleUnit,
        interval: int,
        to_date: date | str,
        from_date: date | str | None = None,
    ) -> list[Candle]:
        """v3 historical candles, **oldest first** (Upstox sends newest first).

        Span per request is limited by unit (§7.3); Upstox answers UDAPI1148 beyond it.
        """
        _check_candle_unit(unit, interval, tuple(CANDLE_INTERVALS))
        to_iso = self._iso_date(to_date, "to_date")
        segments = [encode_key(self._require(instrument_key, "instrument_key")), unit]
        segments += [str(interval), to_iso]
        if from_date is not None:
            from_iso = self._iso_date(from_date, "from_date")
            if from_iso > to_iso:
                raise InvalidRequest("from_date must not be after to_date")
            segments.append(from_iso)
        path = "/v3/historical-candle/" + "/".join(segments)
        return candles_oldest_first(self._data(self._transport.call("GET", path)))

    def intraday_candles(
        self, instrument_key: str, unit: Literal["minutes", "hours", "days"], interval: int
    ) -> list[Candle]:
        """Today's v3 candles, **oldest first** (Upstox sends newest first)."""
        _check_candle_unit(unit, interval, INTRADAY_UNITS)
        key = encode_key(self._require(instrument_key, "instrument_key"))
        path = f"/v3/historical-candle/intraday/{key}/{unit}/{interval}"
        return candles_oldest_first(self._data(self._transport.call("GET", path)))
