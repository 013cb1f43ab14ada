"""Real instrument files for tests and benches: BOD-shaped records, gzipped like Upstox."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from scripts.clock import IST


def equity(symbol: str, isin: str, segment: str = "NSE_EQ", token: str = "1") -> dict[str, Any]:
    return {
        "segment": segment,
        "name": f"{symbol.title()} Ltd",
        "exchange": segment.split("_")[0],
        "isin": isin,
        "instrument_type": "EQ",
        "instrument_key": f"{segment}|{isin}",
        "exchange_token": token,
        "trading_symbol": symbol,
        "short_name": symbol.title(),
        "tick_size": 5.0,
        "lot_size": 1,
        "freeze_quantity": 100000.0,
    }


def option(
    underlying: str, strike: int, kind: str, expiry: datetime, token: str, weekly: bool = True
) -> dict[str, Any]:
    months = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
    tail = f"{expiry.day:02d} {months[expiry.month - 1]} {expiry.year % 100:02d}"
    symbol = f"{underlying} {strike} {kind} {tail}"
    return {
        "segment": "NSE_FO",
        "name": underlying,
        "exchange": "NSE",
        "instrument_type": kind,
        "instrument_key": f"NSE_FO|{token}",
        "exchange_token": token,
        "trading_symbol": symbol,
        "tick_size": 5.0,
        "lot_size": 75,
        "freeze_quantity": 1800.0,
        "expiry": int(expiry.astimezone(IST).timestamp() * 1000),
        "strike_price": float(strike),
        "weekly": weekly,
        "underlying_key": "NSE_INDEX|Nifty 50",
        "underlying_symbol": underlying,
    }


def index(key: str, symbol: str) -> dict[str, Any]:
    return {
        "segment": "NSE_INDEX",
        "name": key.split("|", 1)[1],
        "exchange": "NSE",
        "instrument_type": "INDEX",
        "instrument_key": key,
        "exchange_token": symbol,
        "trading_symbol": symbol,
    }


def synthetic_records(count: int) -> list[dict[str, Any]]:
    """``count`` distinct records, mostly option contracts as in the real NSE file."""
    records = []
    for n in range(count):
        if n % 10 == 0:
            records.append(equity(f"STOCK{n:06d}", f"INE{n:07d}01", token=str(n)))
        else:
            expiry = datetime(2026, 1 + n % 12, 1 + n % 28, 15, 30, tzinfo=IST)
            kind = "CE" if n % 2 else "PE"
            records.append(option(f"UND{n % 200:03d}", 1000 + n, kind, expiry, str(n)))
    return records


def write_gzip_json(path: Path, payload: Any) -> Path:
    path.write_bytes(gzip.compress(json.dumps(payload).encode()))
    return path
