"""Market calendar and status, charges and margin, instrument files (docs/UPSTOX_API.md §7.4-§8)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from scripts.upstox.rest.client_base import ClientBase
from scripts.upstox.rest.request_caps import MAX_MARGIN_INSTRUMENTS, check_count
from scripts.upstox.rest.urls import build_query, encode_key

InstrumentFile = Literal["complete", "NSE", "BSE", "MCX"]
INSTRUMENT_FILE_PATH = "/market-quote/instruments/exchange/{name}.json.gz"


class ReferenceMixin(ClientBase):
    """Holidays, timings, market status, brokerage, margin and the BOD instrument files."""

    def market_holidays(self, day: date | str | None = None) -> list[dict[str, Any]]:
        """This year's holidays, or the entry for one date; times are epoch ms."""
        path = "/v2/market/holidays"
        if day is not None:
            path += "/" + self._iso_date(day, "day")
        return self._data_list(self._transport.call("GET", path))

    def market_timings(self, day: date | str) -> list[dict[str, Any]]:
        """Per-exchange ``start_time``/``end_time`` (epoch ms) for a date."""
        path = "/v2/market/timings/" + self._iso_date(day, "day")
        return self._data_list(self._transport.call("GET", path))

    def market_status(self, exchange: str) -> dict[str, Any]:
        """``{exchange, status, last_updated}``; status like ``NORMAL_OPEN``."""
        path = "/v2/market/status/" + encode_key(self._require(exchange, "exchange"))
        return self._data_object(self._transport.call("GET", path))

    def brokerage(
        self,
        *,
        instrument_token: str,
        quantity: int,
        product: str,
        transaction_type: Literal["BUY", "SELL"],
        price: float,
    ) -> dict[str, Any]:
        """Brokerage and taxes for one hypothetical trade (``data.charges``)."""
        query = build_query(
            {
                "instrument_token": self._require(instrument_token, "instrument_token"),
                "quantity": quantity,
                "product": product,
                "transaction_type": transaction_type,
                "price": price,
            }
        )
        return self._data_object(self._transport.call("GET", "/v2/charges/brokerage", query=query))

    def margin(self, instruments: list[dict[str, Any]]) -> dict[str, Any]:
        """Required margin for up to 20 legs (``instrument_key, quantity, product,
        transaction_type, price?``). A POST, but a pure calculation: safe to retry."""
        check_count(instruments, MAX_MARGIN_INSTRUMENTS, "margin instruments")
        body = {"instruments": instruments}
        return self._data_object(self._transport.call("POST", "/v2/charges/margin", json_body=body))

    def download_instruments(
        self, name: InstrumentFile = "complete", dest_dir: Path | None = None
    ) -> Path:
        """Download a BOD instrument file (gzip JSON array) to a new temp file; return its path.

        The caller validates and swaps it in, then deletes the file; a failed download leaves
        no file behind and the old instruments untouched.
        """
        path = INSTRUMENT_FILE_PATH.format(name=name)
        return self._transport.download(self._transport.hosts.assets_url(path), path, dest_dir)
