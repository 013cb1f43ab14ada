"""How fast does the one candle write path store candles? Rows/s beside bare sqlite3.

Run: .venv/bin/python bench/candle_ingest.py [--rows 600000] [--batch 10000] [--repeat 3]

Builds a throwaway SQLite database migrated to head and ``--rows`` synthetic one-minute
candles over a few instruments (sorted by the primary key, as a backfill writes them), then
prints, best of ``--repeat`` runs into emptied tables:
  - baseline: a bare ``sqlite3`` ``executemany`` of the same rows (plain INSERT) into an
    identical WITHOUT ROWID table, on its own connection with the platform's pragmas,
    one transaction per ``--batch`` rows;
  - insert_candles: ``scripts.db.candles.insert_candles`` through ``Database.transaction()``,
    one transaction per batch, as the backfill commits a chunk with its checkpoint;
  - re-insert: the same rows again through insert_candles (all already stored: 0 inserted).
The target (issue 16) is at least 300,000 candles/s, and at least half the baseline.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.db import Database  # noqa: E402
from scripts.db.candles import CandleRow, insert_candles  # noqa: E402
from scripts.db.engine import SQLITE_BUSY_TIMEOUT_MS  # noqa: E402
from scripts.db.migrate import upgrade_database  # noqa: E402

INSTRUMENTS = 5
START_TS = 1_700_000_000 // 60 * 60


def synthetic_rows(count: int) -> list[CandleRow]:
    per = -(-count // INSTRUMENTS)
    rows: list[CandleRow] = []
    for i in range(INSTRUMENTS):
        key = f"NSE_EQ|INE{i:07d}01"
        for n in range(min(per, count - len(rows))):
            price = 100.0 + (n % 97) * 0.05
            rows.append(
                CandleRow(key, "1m", START_TS + 60 * n, price, price + 1, price - 1, price, n, 0)
            )
    return rows


def batches(rows: list[CandleRow], size: int) -> list[list[CandleRow]]:
    return [rows[start : start + size] for start in range(0, len(rows), size)]


def best_rate(
    rows: int, repeat: int, prepare: Callable[[], None], run: Callable[[], int]
) -> tuple[float, int]:
    best, inserted = float("inf"), 0
    for _ in range(repeat):
        prepare()
        started = time.perf_counter()
        inserted = run()
        best = min(best, time.perf_counter() - started)
    return rows / best, inserted


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=600_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="candle-bench-"))
    path = folder / "bench.db"
    database = Database(f"sqlite:///{path}")
    upgrade_database(database, folder / "backups")
    rows = synthetic_rows(args.rows)
    chunks = batches(rows, args.batch)

    bare = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL"):
        bare.execute(f"PRAGMA {pragma}")
    ddl = bare.execute("SELECT sql FROM sqlite_master WHERE name = 'candles_new'").fetchone()[0]
    bare.execute(ddl.replace("candles_new", "candles_bare", 1))
    bare.commit()

    def empty(table: str) -> Callable[[], None]:
        def run() -> None:
            bare.execute(f"DELETE FROM {table}")
            bare.commit()

        return run

    def baseline() -> int:
        for chunk in chunks:
            with bare:
                bare.executemany(
                    "INSERT INTO candles_bare VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", chunk
                )
        return len(rows)

    def platform() -> int:
        inserted = 0
        for chunk in chunks:
            with database.transaction() as connection:
                inserted += insert_candles(connection, chunk)
        return inserted

    base_rate, _ = best_rate(len(rows), args.repeat, empty("candles_bare"), baseline)
    rate, inserted = best_rate(len(rows), args.repeat, empty("candles_new"), platform)
    again_rate, again = best_rate(len(rows), 1, lambda: None, platform)
    assert inserted == len(rows) and again == 0, (inserted, again)

    print(
        f"rows {len(rows)} in batches of {args.batch}, best of {args.repeat}, "
        f"SQLite {sqlite3.sqlite_version}"
    )
    print(f"baseline (bare sqlite3 executemany)  {base_rate:>12,.0f} candles/s")
    share = f"({rate / base_rate:.0%} of baseline)"
    print(f"insert_candles                       {rate:>12,.0f} candles/s  {share}")
    print(f"re-insert (all stored, 0 inserted)   {again_rate:>12,.0f} candles/s")
    bare.close()
    database.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
