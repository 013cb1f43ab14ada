"""Is instrument search fast enough for type-ahead? p50/p95 over a full-size instrument list.

Run: .venv/bin/python bench/instrument_search.py [--rows 100000] [--samples 300]

Builds a throwaway platform (temp project, SQLite database migrated to head), writes a gzip
JSON instrument file of ``--rows`` synthetic records shaped like Upstox's NSE file (about
one in twenty a cash row, the rest futures and option contracts on a few hundred
underlyings, as in the real file), loads it through the real loader (and prints how long the
load took), then prints p50/p95/max in milliseconds of:
  - baseline: a bare primary-key lookup of one instrument (``instrument_by_key``), same
    database, same run;
  - search: ``InstrumentsService.search`` over a mix of type-ahead texts (one letter, a few
    letters, a full symbol, an ISIN, an exchange token, a name prefix, a spaced option
    prefix), limit 20;
  - resolve: ``InstrumentsService.resolve`` over symbols, keys, ISINs and compact options;
  - API search: GET /api/instruments/search through the real app (API key, validation,
    envelope), in-process test client.
The target (issue 16) is a search p95 under 20 ms. Figures are wall-clock on this machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from bench_support import p50_p95_max, throwaway_platform

from scripts.api.app import create_app
from scripts.clock import IST
from scripts.db.instruments import instrument_by_key
from scripts.services.container import build_services

MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
EQUITY_EVERY = 20
UNDERLYINGS = 300


def synthetic_file(path: Path, rows: int) -> None:
    """``rows`` BOD-shaped records: equities, then options and futures on their underlyings."""
    records: list[dict[str, Any]] = []
    for n in range(rows):
        if n % EQUITY_EVERY == 0:
            symbol = f"STK{n // EQUITY_EVERY:05d}"
            isin = f"INE{n // EQUITY_EVERY:07d}01"
            records.append(
                {
                    "segment": "NSE_EQ" if n % 40 else "BSE_EQ",
                    "name": f"Company {n // EQUITY_EVERY:05d} Limited",
                    "exchange": "NSE" if n % 40 else "BSE",
                    "isin": isin,
                    "instrument_type": "EQ",
                    "instrument_key": f"{'NSE_EQ' if n % 40 else 'BSE_EQ'}|{isin}",
                    "exchange_token": str(n),
                    "trading_symbol": symbol,
                    "tick_size": 5.0,
                    "lot_size": 1,
                }
            )
            continue
        underlying = f"STK{(n % UNDERLYINGS):05d}"
        expiry = datetime(2026, 1 + n % 12, 1 + n % 28, 15, 30, tzinfo=IST)
        tail = f"{expiry.day:02d} {MONTHS[expiry.month - 1]} {expiry.year % 100:02d}"
        kind = ("CE", "PE", "FUT")[n % 3]
        strike = 100 + 10 * (n % 997)
        symbol = (
            f"{underlying} FUT {tail}" if kind == "FUT" else f"{underlying} {strike} {kind} {tail}"
        )
        records.append(
            {
                "segment": "NSE_FO",
                "name": underlying,
                "exchange": "NSE",
                "instrument_type": kind,
                "instrument_key": f"NSE_FO|{n}",
                "exchange_token": str(n),
                "trading_symbol": symbol,
                "tick_size": 5.0,
                "lot_size": 50,
                "expiry": int(expiry.timestamp() * 1000),
                "strike_price": float(strike if kind != "FUT" else 0),
                "weekly": False,
                "underlying_key": f"NSE_EQ|INE{n % UNDERLYINGS:07d}01",
                "underlying_symbol": underlying,
            }
        )
    path.write_bytes(gzip.compress(json.dumps(records).encode()))


def timings(action: Callable[[str], object], texts: list[str], samples: int) -> list[float]:
    out = []
    for i in range(samples):
        text = texts[i % len(texts)]
        started = time.perf_counter()
        action(text)
        out.append((time.perf_counter() - started) * 1000)
    return out


def report(label: str, samples: list[float]) -> None:
    p50, p95, most = p50_p95_max(samples)
    print(
        f"{label:<12} p50 {p50:7.3f} ms   p95 {p95:7.3f} ms   "
        f"max {most:7.3f} ms   ({len(samples)} calls)"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()

    with throwaway_platform("instrument-search-") as platform:
        root, settings, database = platform.root, platform.settings, platform.database
        services = build_services(settings, database)
        file = root / "complete.json.gz"
        synthetic_file(file, args.rows)

        started = time.perf_counter()
        outcome = services.instruments.sync(file)
        print(f"load         {outcome.rows} rows in {time.perf_counter() - started:.2f} s")

        last = args.rows - 1 - (args.rows - 1) % EQUITY_EVERY
        keys = [f"NSE_FO|{n}" for n in range(1, args.rows, max(1, args.rows // 50))]
        search_texts = [
            "S",
            "ST",
            "STK0",
            "STK00042",
            f"STK{last // EQUITY_EVERY:05d}",
            "INE000004201",
            str(args.rows // 2),
            "Company 0001",
            "STK00007 4",
            "stk00123 fut",
            "ZZZ",
        ]
        resolve_texts = ["STK00042", "NSE:STK00043", "INE000004301", "NSE_FO|21", "STK00044"]

        def lookup(key: str) -> object:
            with database.read() as connection:
                return instrument_by_key(connection, key)

        app = create_app(settings, database)
        client = app.test_client()
        client.environ_base["HTTP_X_API_KEY"] = settings.api_key

        def api_search(text: str) -> object:
            response = client.get("/api/instruments/search", query_string={"q": text})
            assert response.status_code == 200, response.get_json()
            return response

        for text in search_texts:  # warm the page cache and the plans
            services.instruments.search(text)
        report("baseline", timings(lookup, keys, args.samples))
        report("search", timings(services.instruments.search, search_texts, args.samples))
        report("resolve", timings(services.instruments.resolve, resolve_texts, args.samples))
        report("API search", timings(api_search, search_texts, args.samples))
        app.extensions["upstox_platform"].close()
        services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
