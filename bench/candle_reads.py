"""Are candle reads fast enough for charts? p50/p95 over 10 million stored candles.

Run: .venv/bin/python bench/candle_reads.py [--rows 10000000] [--samples 200]

Builds a throwaway SQLite database migrated to head and fills ``candles_new`` with ``--rows``
synthetic candles with bare ``sqlite3.executemany``: instruments of 20,000 rows each, every
one a daily series (2,500 weekdays, about ten years) plus a one-minute series (the rest,
about 47 sessions of 375 minutes), the mix a platform that keeps minute history holds.
Then prints p50/p95/max in milliseconds, over random instruments and dates, of:

  (a) a one-year daily read (about 250 candles), and
  (b) a one-day 1-minute read resampled to 5m (375 rows in, 75 candles out),

each through ``CandleReadsService.read`` (resolve the symbol, probe the stored intervals,
one primary-key range, resample: what GET /api/candles/<symbol> does under the HTTP layer)
and through the bare repository function ``candles_between`` (the baseline), beside:

  - DuckDB (pinned in requirements-dev.txt) running the same range query, and the 5m
    resampling as one GROUP BY, on its own table loaded from the same rows (a CSV written
    alongside; DuckDB's SQLite scanner is an extension it downloads, which this machine
    cannot);
  - PostgreSQL at $BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test):
    its own schema migrated to head, the same rows COPY'd in, the same service and
    repository calls; skipped with the reason printed when it does not answer.

The target (issue 16) is p95 < 20 ms for (a) and (b) through the service. Wall clock, this
machine. ``--rows 40000 --samples 10`` is the smoke run tests/test_bench_smoke.py uses.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_support import p50_p95_max

from scripts.clock import IST
from scripts.db import Database
from scripts.db.candle_reads import candles_between
from scripts.db.instruments import replace_instruments
from scripts.db.migrate import upgrade_database
from scripts.services.candle_reads import CandleReadsService
from scripts.services.instruments import InstrumentsService

ROWS_PER_INSTRUMENT = 20_000
DAILY_PER_INSTRUMENT = 2_500
SESSION_MINUTES = 375
LAST_DAY = date(2025, 12, 31)
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
Row = tuple[str, str, int, float, float, float, float, int, int]


def weekdays_back(last: date, count: int) -> list[date]:
    days: list[date] = []
    day = last
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


def ist_ts(day: date, minutes_after_0915: int = -555) -> int:
    """Epoch seconds of 09:15 IST + minutes; the default -555 minutes is 00:00 IST."""
    start = datetime(day.year, day.month, day.day, 9, 15, tzinfo=IST)
    return int(start.timestamp()) + 60 * minutes_after_0915


def instrument_rows(n: int, per_instrument: int) -> Iterator[Row]:
    """One instrument's candles in primary-key order: its 1d series, then its 1m series."""
    key = f"NSE_EQ|BENCH{n:07d}"
    daily = min(DAILY_PER_INSTRUMENT, per_instrument // 8)
    price = 100.0 + n % 900
    for i, day in enumerate(weekdays_back(LAST_DAY, daily)):
        close = price * (1 + 0.01 * ((i * 7919 + n) % 21 - 10) / 10)
        yield (key, "1d", ist_ts(day), price, max(price, close) + 1, min(price, close) - 1,
               round(close, 2), 100_000 + i, 0)  # fmt: skip
        price = round(close, 2)
    minutes = per_instrument - daily
    sessions = weekdays_back(LAST_DAY, -(-minutes // SESSION_MINUTES))
    written = 0
    for day in sessions:
        for m in range(SESSION_MINUTES):
            if written == minutes:
                return
            close = round(price + ((m * 31 + n) % 11 - 5) * 0.05, 2)
            yield (key, "1m", ist_ts(day, m), price, max(price, close) + 0.1,
                   min(price, close) - 0.1, close, 1_000 + m, 0)  # fmt: skip
            price = close
            written += 1


def fill(sqlite_path: Path, csv_path: Path, instruments: int, per_instrument: int) -> float:
    """Write every row with bare sqlite3 and into the CSV the other engines load."""
    started = time.perf_counter()
    connection = sqlite3.connect(sqlite_path)
    connection.execute("PRAGMA synchronous=OFF")
    with csv_path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        for n in range(instruments):
            rows = list(instrument_rows(n, per_instrument))
            connection.executemany("INSERT INTO candles_new VALUES (?,?,?,?,?,?,?,?,?)", rows)
            writer.writerows(rows)
            if n % 50 == 49:
                connection.commit()
    connection.commit()
    connection.close()
    return time.perf_counter() - started


def instrument_records(instruments: int) -> list[dict[str, Any]]:
    return [
        {
            "instrument_key": f"NSE_EQ|BENCH{n:07d}",
            "segment": "NSE_EQ",
            "exchange": "NSE",
            "instrument_type": "EQ",
            "trading_symbol": f"BENCH{n:07d}",
            "name": f"BENCH {n}",
            **dict.fromkeys(
                ["short_name", "isin", "exchange_token", "lot_size", "tick_size",
                 "freeze_quantity", "expiry", "strike_price", "weekly", "underlying_key",
                 "underlying_symbol"]
            ),  # fmt: skip
        }
        for n in range(instruments)
    ]


def percentiles(label: str, timings: list[float]) -> str:
    median, p95, most = p50_p95_max([t * 1000 for t in timings])
    return f"{label:<34} p50 {median:7.2f} ms   p95 {p95:7.2f} ms   max {most:7.2f} ms"


def timed(calls: list[Callable[[], Any]]) -> list[float]:
    out = []
    for call in calls:
        started = time.perf_counter()
        call()
        out.append(time.perf_counter() - started)
    return out


def workload(instruments: int, per_instrument: int, samples: int) -> list[tuple[str, date]]:
    """(symbol, day) pairs: a random instrument and one of its minute sessions."""
    daily = min(DAILY_PER_INSTRUMENT, per_instrument // 8)
    sessions = weekdays_back(LAST_DAY, -(-(per_instrument - daily) // SESSION_MINUTES))
    chooser = random.Random(16)
    return [
        (f"BENCH{chooser.randrange(instruments):07d}", chooser.choice(sessions[:-1] or sessions))
        for _ in range(samples)
    ]


def measure_platform(label: str, database: Database, picks: list[tuple[str, date]]) -> None:
    # Reads resolve symbols but never download the instrument file: no broker needed.
    instruments = InstrumentsService(database, broker=None)  # type: ignore[arg-type]
    reads = CandleReadsService(database, instruments)
    year_from, year_to = (LAST_DAY - timedelta(days=364)).isoformat(), LAST_DAY.isoformat()

    def year(symbol: str) -> Callable[[], Any]:
        return lambda: reads.read(symbol, "1d", year_from, year_to)

    def five(symbol: str, day: date) -> Callable[[], Any]:
        return lambda: reads.read(symbol, "5m", day.isoformat(), day.isoformat())

    def bare(symbol: str, interval: str, start: int, end: int) -> Callable[[], Any]:
        def call() -> Any:
            with database.read() as connection:
                return candles_between(connection, f"NSE_EQ|{symbol}", interval, start, end, 5000)

        return call

    check = reads.read(picks[0][0], "5m", picks[0][1].isoformat(), picks[0][1].isoformat())
    assert check.source_interval == "1m" and len(check.candles) == SESSION_MINUTES // 5, check
    y0, y1 = ist_ts(LAST_DAY - timedelta(days=364)), ist_ts(LAST_DAY)
    print(
        percentiles(
            f"baseline {label} 1d year (db)", timed([bare(s, "1d", y0, y1) for s, _ in picks])
        )
    )
    print(percentiles(f"service {label} 1d year", timed([year(s) for s, _ in picks])))
    day_calls = [bare(s, "1m", ist_ts(d, 0), ist_ts(d, 374)) for s, d in picks]
    print(percentiles(f"baseline {label} 1m day (db)", timed(day_calls)))
    print(percentiles(f"service {label} 1m day -> 5m", timed([five(s, d) for s, d in picks])))


def measure_duckdb(csv_path: Path, picks: list[tuple[str, date]]) -> None:
    try:
        import duckdb
    except ImportError:
        print("duckdb: skipped (not installed; pip install -r requirements-dev.txt)")
        return
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE candles (instrument_key VARCHAR, interval VARCHAR, ts BIGINT, open DOUBLE,"
        " high DOUBLE, low DOUBLE, close DOUBLE, volume BIGINT, oi BIGINT,"
        " PRIMARY KEY (instrument_key, interval, ts))"
    )
    con.execute(f"INSERT INTO candles SELECT * FROM read_csv('{csv_path}', header=false)")
    print(f"duckdb load                       {time.perf_counter() - started:7.1f} s")
    rng = "SELECT ts, open, high, low, close, volume, oi FROM candles WHERE instrument_key = ? AND interval = ? AND ts BETWEEN ? AND ? ORDER BY ts"  # noqa: E501
    five = (
        "SELECT b, arg_min(open, ts), max(high), min(low), arg_max(close, ts), sum(volume),"
        " arg_max(oi, ts) FROM (SELECT *, ? + ((ts - ?) // 300) * 300 AS b FROM candles"
        " WHERE instrument_key = ? AND interval = '1m' AND ts BETWEEN ? AND ?)"
        " GROUP BY b ORDER BY b"
    )
    y0, y1 = ist_ts(LAST_DAY - timedelta(days=364)), ist_ts(LAST_DAY)

    def year(symbol: str) -> Callable[[], Any]:
        return lambda: con.execute(rng, [f"NSE_EQ|{symbol}", "1d", y0, y1]).fetchall()

    def day(symbol: str, d: date) -> Callable[[], Any]:
        o = ist_ts(d, 0)
        return lambda: con.execute(five, [o, o, f"NSE_EQ|{symbol}", o, ist_ts(d, 374)]).fetchall()

    assert len(day(*picks[0])()) == SESSION_MINUTES // 5
    print(percentiles("duckdb 1d year", timed([year(s) for s, _ in picks])))
    print(percentiles("duckdb 1m day -> 5m (GROUP BY)", timed([day(s, d) for s, d in picks])))
    con.close()


def measure_postgres(csv_path: Path, instruments: int, picks: list[tuple[str, date]]) -> None:
    try:
        import psycopg

        admin = psycopg.connect(POSTGRES_URL, connect_timeout=3, autocommit=True)
    except Exception as error:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        print(f"postgresql: skipped ({POSTGRES_URL} did not answer: {type(error).__name__})")
        return
    schema = f"bench_candles_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE SCHEMA "{schema}"')
    url = POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    database = Database(url)
    try:
        started = time.perf_counter()
        upgrade_database(database, Path(tempfile.mkdtemp()))
        with database.transaction() as connection:
            replace_instruments(connection, instrument_records(instruments))
        with psycopg.connect(POSTGRES_URL, options=f"-csearch_path={schema}") as loader:
            with loader.cursor() as cursor, csv_path.open("rb") as handle:
                with cursor.copy("COPY candles_new FROM STDIN WITH (FORMAT csv)") as copy:
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
            loader.execute("ANALYZE candles_new")
        print(f"postgresql load (COPY)            {time.perf_counter() - started:7.1f} s")
        measure_platform("postgresql", database, picks)
    finally:
        database.dispose()
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    per_instrument = min(ROWS_PER_INSTRUMENT, args.rows)
    instruments = max(1, args.rows // per_instrument)
    with tempfile.TemporaryDirectory(prefix="bench-candles-") as folder:
        root = Path(folder)
        database = Database(f"sqlite:///{root / 'market_data.db'}")
        upgrade_database(database, root / "backups")
        with database.transaction() as connection:
            replace_instruments(connection, instrument_records(instruments))
        database.dispose()
        seconds = fill(root / "market_data.db", root / "candles.csv", instruments, per_instrument)
        total = instruments * per_instrument
        print(f"load {total:>12} rows ({instruments} instruments) sqlite {seconds:7.1f} s")
        picks = workload(instruments, per_instrument, args.samples)
        measure_platform("sqlite", database, picks)
        database.dispose()
        measure_duckdb(root / "candles.csv", picks)
        measure_postgres(root / "candles.csv", instruments, picks)


if __name__ == "__main__":
    main()
