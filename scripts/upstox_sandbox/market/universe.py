"""The instruments the sandbox trades: NIFTY 50 stocks, two indices, and their F&O contracts.

Equity rows come from the bundled ``data/nifty50.csv`` (docs/NSE_DATA.md §1.5, as of 2026-09-18);
reference price levels from ``data/reference_prices.csv`` are illustrative, not quotes.
Derivative contracts are generated per sandbox day by ``derivatives.py``; once generated a
contract stays resolvable by key so positions in it never dangle.
"""

from __future__ import annotations

from typing import Any
import csv
import threading
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources

from scripts.upstox_sandbox.market.nse_calendar import SESSION_CLOSE, TradingCalendar
from scripts.upstox_sandbox.clock import IST

NIFTY_INDEX_KEY = "NSE_INDEX|Nifty 50"
BANK_INDEX_KEY = "NSE_INDEX|Nifty Bank"
EQUITY_TICK = 0.05
# Equities have no exchange freeze limit that matters here; BOD files carry a large number.
EQUITY_FREEZE_QTY = 100000


@dataclass(frozen=True)
class Instrument:
    """One tradable or quotable instrument, in the fields Upstox's BOD records use."""

    instrument_key: str
    segment: str  # NSE_EQ | NSE_INDEX | NSE_FO
    trading_symbol: str
    name: str
    instrument_type: str  # EQ | INDEX | FUT | CE | PE
    exchange_token: str
    reference_price: float
    isin: str | None = None
    industry: str | None = None
    lot_size: int = 1
    tick_size: float = EQUITY_TICK
    freeze_quantity: int = EQUITY_FREEZE_QTY
    expiry: date | None = None
    strike: float | None = None
    underlying_key: str | None = None
    underlying_symbol: str | None = None
    weekly: bool = False
    # F&O only: the exchange's compact symbol (derivatives.exchange_symbol); "" for the rest.
    exchange_symbol: str = ""

    @property
    def is_index(self) -> bool:
        return self.segment == "NSE_INDEX"

    @property
    def is_option(self) -> bool:
        return self.instrument_type in ("CE", "PE")

    @property
    def is_derivative(self) -> bool:
        return self.segment == "NSE_FO"

    @property
    def order_exchange(self) -> str:
        """Exchange name used in order/trade/position records (NSE, NFO)."""
        return "NFO" if self.is_derivative else "NSE"

    @property
    def order_symbol(self) -> str:
        """``trading_symbol`` of order, trade, position, holding and GTT records.

        The compact exchange form for F&O (``NIFTY2543021600PE``), the record's symbol otherwise;
        which form goes where and why: the comment above ``derivatives.exchange_symbol``.
        """
        return self.exchange_symbol or self.trading_symbol

    @property
    def quote_key(self) -> str:
        """Key of market-quote maps: ``EXCHSEG:TRADING_SYMBOL`` (docs/UPSTOX_API.md §0, §7.1).

        F&O use the compact symbol (``NSE_FO:NIFTY2543021600PE``, Upstox's option-greek example);
        indices their name as in the instrument key (``NSE_INDEX:Nifty 50``, Upstox's LTP
        answer as recorded in tests/upstox/recorded/ltp_v3.json), not the upper-case symbol.
        """
        if self.is_index:
            return f"{self.segment}:{self.instrument_key.split('|', 1)[1]}"
        return f"{self.segment}:{self.order_symbol}"

    @property
    def price_driver(self) -> str:
        """The key whose simulated path drives this instrument's price."""
        return (
            self.underlying_key
            if self.is_derivative and self.underlying_key
            else self.instrument_key
        )


def _read_csv(name: str) -> list[dict[str, str]]:
    text = (
        resources.files("scripts.upstox_sandbox").joinpath("data", name).read_text(encoding="utf-8")
    )
    return list(csv.DictReader(text.splitlines()))


def load_base_instruments() -> list[Instrument]:
    """NIFTY 50 equities and the two indices, from the bundled data files."""
    prices = {
        row["Symbol"]: float(row["Reference Price"]) for row in _read_csv("reference_prices.csv")
    }
    rows = sorted(_read_csv("nifty50.csv"), key=lambda r: r["Symbol"])
    out: list[Instrument] = []
    for idx, row in enumerate(rows):
        # Real NSE tokens are not in our sources; these are stable sandbox-only numbers.
        out.append(
            Instrument(
                instrument_key=f"NSE_EQ|{row['ISIN Code']}",
                segment="NSE_EQ",
                trading_symbol=row["Symbol"],
                name=row["Company Name"],
                instrument_type="EQ",
                exchange_token=str(10001 + idx),
                reference_price=prices[row["Symbol"]],
                isin=row["ISIN Code"],
                industry=row["Industry"],
            )
        )
    for key, symbol, token in (
        (NIFTY_INDEX_KEY, "NIFTY", "26000"),
        (BANK_INDEX_KEY, "BANKNIFTY", "26009"),
    ):
        name = key.split("|", 1)[1]
        out.append(
            Instrument(
                instrument_key=key,
                segment="NSE_INDEX",
                trading_symbol=name.upper(),
                name=name,
                instrument_type="INDEX",
                exchange_token=token,
                reference_price=prices[name],
                tick_size=0.01,
                freeze_quantity=0,
                underlying_symbol=symbol,
            )
        )
    return out


class Universe:
    """Lookup of every instrument by key or by quote/trading symbol, plus today's F&O list."""

    def __init__(self, calendar: TradingCalendar) -> None:
        from scripts.upstox_sandbox.market.derivatives import (
            contracts_for_day,
        )  # local: derivatives imports Instrument

        self._contracts_for_day = contracts_for_day
        self._calendar = calendar
        self._lock = threading.Lock()
        self._base = load_base_instruments()
        self._by_key: dict[str, Instrument] = {i.instrument_key: i for i in self._base}
        self._by_symbol: dict[str, Instrument] = {i.trading_symbol: i for i in self._base}
        self._live: dict[date, list[Instrument]] = {}

    @property
    def base_instruments(self) -> list[Instrument]:
        return list(self._base)

    def derivatives_on(self, day: date) -> list[Instrument]:
        """F&O contracts listed on ``day`` (generated once, then remembered)."""
        with self._lock:
            if day not in self._live:
                by_key = {i.instrument_key: i for i in self._base}
                contracts = self._contracts_for_day(day, self._calendar, by_key)
                self._live[day] = contracts
                for inst in contracts:
                    self._by_key.setdefault(inst.instrument_key, inst)
                    self._by_symbol.setdefault(inst.trading_symbol, inst)
                    if inst.exchange_symbol:
                        self._by_symbol.setdefault(inst.exchange_symbol, inst)
            return list(self._live[day])

    def listed_on(self, day: date) -> list[Instrument]:
        return self._base + self.derivatives_on(day)

    def get(self, instrument_key: str, day: date | None = None) -> Instrument | None:
        if day is not None:
            self.derivatives_on(day)
        return self._by_key.get(instrument_key)

    def by_symbol(self, trading_symbol: str) -> Instrument | None:
        """By the record's (spaced) trading symbol or, for F&O, the compact exchange symbol."""
        return self._by_symbol.get(trading_symbol)

    def bod_record(self, inst: Instrument) -> dict[str, Any]:
        """The instrument as a BOD-file JSON record (docs/UPSTOX_API.md §8).

        [?] tick_size unit: the option-contract API shows NIFTY tick_size 5 (paise) while the
        CSV shows 0.05 rupees; the sandbox's JSON sources use paise, the unit uncertain there.
        """
        rec: dict[str, Any] = {
            "segment": inst.segment,
            "name": inst.name,
            "exchange": "NSE",
            "instrument_type": inst.instrument_type,
            "instrument_key": inst.instrument_key,
            "exchange_token": inst.exchange_token,
            "trading_symbol": inst.trading_symbol,
            "short_name": inst.name,
            "tick_size": round(inst.tick_size * 100, 2),
            "lot_size": inst.lot_size,
            "freeze_quantity": float(inst.freeze_quantity),
            "qty_multiplier": 1.0,
            "minimum_lot": inst.lot_size,
            "security_type": "NORMAL",
        }
        if inst.isin:
            rec["isin"] = inst.isin
            rec["mtf_enabled"] = False
        if inst.is_derivative and inst.expiry is not None:
            expiry_dt = datetime.combine(inst.expiry, SESSION_CLOSE, IST)
            rec.update(
                {
                    "expiry": int(expiry_dt.timestamp() * 1000),
                    "last_trading_date": int(expiry_dt.timestamp() * 1000),
                    "weekly": inst.weekly,
                    "underlying_key": inst.underlying_key,
                    "underlying_type": "INDEX",
                    "underlying_symbol": inst.underlying_symbol,
                    "asset_symbol": inst.underlying_symbol,
                    "asset_key": inst.underlying_key,
                    "asset_type": "INDEX",
                    "strike_price": float(inst.strike or 0.0),
                }
            )
        return rec
