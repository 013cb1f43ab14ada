"""Read one BOD instrument file (gzip JSON array, docs/UPSTOX_API.md §8) into rows to store.

A file that is not gzip, is cut short, is not a JSON array, or holds no usable record is
refused with :class:`InstrumentFileRejected` saying which; the loader then keeps the
instruments it has. Records without a key, segment, symbol or type are skipped and counted.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from scripts.clock import IST

REQUIRED_FIELDS = ("instrument_key", "segment", "trading_symbol", "instrument_type")


class InstrumentFileRejected(Exception):
    """The file cannot be loaded; ``reason`` says why in words a trader can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class InstrumentFile:
    rows: list[dict[str, Any]]
    segment_counts: dict[str, int]
    skipped: int


def read_instrument_file(path: Path) -> InstrumentFile:
    """Parse and check the whole file before anything is stored."""
    try:
        with gzip.open(path, "rb") as stream:
            records = json.load(stream)
    except (gzip.BadGzipFile, OSError, zlib.error) as error:
        raise InstrumentFileRejected(f"the file is not a complete gzip file ({error})") from None
    except EOFError:
        raise InstrumentFileRejected("the file is cut short (a partial download)") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InstrumentFileRejected(f"the file is not valid JSON ({error})") from None
    if not isinstance(records, list):
        raise InstrumentFileRejected("the file is not a JSON array of instrument records")
    rows: dict[str, dict[str, Any]] = {}
    skipped = 0
    for record in records:
        row = _row(record)
        if row is None:
            skipped += 1
        else:
            rows[row["instrument_key"]] = row  # a repeated key: the later record wins
    if not rows:
        raise InstrumentFileRejected(
            f"the file holds no usable instrument record ({len(records)} records read)"
        )
    counts = Counter(row["segment"] for row in rows.values())
    return InstrumentFile(list(rows.values()), dict(sorted(counts.items())), skipped)


def _row(record: Any) -> dict[str, Any] | None:
    if not isinstance(record, dict):
        return None
    if not all(isinstance(record.get(f), str) and record[f].strip() for f in REQUIRED_FIELDS):
        return None
    key = record["instrument_key"].strip()
    segment = record["segment"].strip().upper()
    symbol = record["trading_symbol"].strip()
    if len(key) > 64 or len(segment) > 16 or len(symbol) > 64:
        return None
    exchange = _text(record.get("exchange"), 8) or segment.split("_", 1)[0]
    return {
        "instrument_key": key,
        "segment": segment,
        "exchange": exchange.upper(),
        "instrument_type": record["instrument_type"].strip().upper()[:16],
        "trading_symbol": symbol,
        "name": _text(record.get("name"), 255) or symbol,
        "short_name": _text(record.get("short_name"), 255),
        "isin": (_text(record.get("isin"), 12) or "").upper() or None,
        "exchange_token": _text(record.get("exchange_token"), 32),
        "lot_size": _int(record.get("lot_size")),
        "tick_size": _float(record.get("tick_size")),
        "freeze_quantity": _float(record.get("freeze_quantity")),
        "expiry": _ist_date(record.get("expiry")),
        "strike_price": _float(record.get("strike_price")),
        "weekly": record["weekly"] if isinstance(record.get("weekly"), bool) else None,
        "underlying_key": _text(record.get("underlying_key"), 64),
        "underlying_symbol": (_text(record.get("underlying_symbol"), 64) or "").upper() or None,
    }


def _text(value: Any, limit: int) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:limit]


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _int(value: Any) -> int | None:
    number = _float(value)
    return int(number) if number is not None else None


def _ist_date(epoch_ms: Any) -> date | None:
    """Upstox gives expiries as epoch milliseconds; the contract's day is the IST date."""
    millis = _float(epoch_ms)
    if millis is None or millis <= 0:
        return None
    try:
        return datetime.fromtimestamp(millis / 1000, tz=timezone.utc).astimezone(IST).date()
    except (OverflowError, OSError, ValueError):
        return None
