"""The candle write path and the backfill task queue on real SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from scripts.db import Database
from scripts.db.candle_backfill import (
    claim_next_task,
    create_task,
    finish_task,
    record_chunk,
    requeue_running_tasks,
    task_by_id,
)
from scripts.db.candles import (
    CandleRow,
    count_candles,
    insert_candles,
    last_candle_ts,
    series_candles,
)

KEY = "NSE_EQ|INE002A01018"


def candles(count: int, start: int = 0, interval: str = "1m") -> list[CandleRow]:
    return [
        CandleRow(KEY, interval, (start + n) * 60, 100.0 + n, 101.0 + n, 99.0 + n, 100.5 + n, n, 0)
        for n in range(count)
    ]


def test_insert_counts_only_new_rows_and_never_changes_stored_ones(database: Database) -> None:
    with database.transaction() as connection:
        assert insert_candles(connection, candles(10_001)) == 10_001
    changed = [row._replace(close=1.0) for row in candles(5, start=10_000)]
    with database.transaction() as connection:
        assert insert_candles(connection, changed) == 4  # one overlaps, four are new

    with database.read() as connection:
        stored = series_candles(connection, KEY, "1m")
        assert count_candles(connection, KEY, "1m") == 10_005
        assert count_candles(connection, KEY, "1m", from_ts=60, to_ts=180) == 2
        assert last_candle_ts(connection, KEY, "1m") == 10_004 * 60
        assert last_candle_ts(connection, KEY, "1d") is None
    assert stored[10_000].close == 100.5 + 10_000  # the stored candle kept its values
    assert stored[10_001].close == 1.0


def test_insert_is_part_of_the_callers_transaction(database: Database) -> None:
    with pytest.raises(RuntimeError):
        with database.transaction() as connection:
            insert_candles(connection, candles(3))
            raise RuntimeError("the checkpoint write failed")
    with database.read() as connection:
        assert count_candles(connection, KEY, "1m") == 0


def test_the_same_times_at_another_interval_are_another_series(database: Database) -> None:
    with database.transaction() as connection:
        insert_candles(connection, candles(3))
        assert insert_candles(connection, candles(3, interval="5m")) == 3
        assert insert_candles(connection, []) == 0


def queue(database: Database) -> int:
    with database.transaction() as connection:
        return create_task(
            connection,
            instrument_key=KEY,
            trading_symbol="RELIANCE",
            exchange="NSE",
            interval="1d",
            from_date=date(2025, 1, 1),
            to_date=date(2025, 3, 31),
            chunks_total=1,
            note=None,
        )


def test_a_task_is_claimed_once_and_requeued_when_its_worker_died(database: Database) -> None:
    first, second = queue(database), queue(database)
    with database.transaction() as connection:
        claimed = claim_next_task(connection, "host:1")
        other = claim_next_task(connection, "host:2")
        nothing = claim_next_task(connection, "host:3")
    assert claimed is not None and claimed.id == first and claimed.state == "running"
    assert other is not None and other.id == second
    assert nothing is None
    with database.transaction() as connection:
        finish_task(connection, second, "done", None)
        assert requeue_running_tasks(connection) == 1
        again = claim_next_task(connection, "host:4")
    assert again is not None and again.id == first and again.worker == "host:4"


def test_a_checkpoint_adds_counts_and_keeps_a_short_reject_sample(database: Database) -> None:
    task_id = queue(database)
    with database.transaction() as connection:
        record_chunk(
            connection, task_id, next_from=date(2025, 2, 1), written=10, rejected=["a", "b"]
        )
        record_chunk(connection, task_id, next_from=None, written=5, rejected=list("cdefg"))
        task = task_by_id(connection, task_id)
    assert task is not None
    assert (task.chunks_done, task.rows_written, task.rows_rejected) == (2, 15, 7)
    assert task.reject_sample == ["a", "b", "c", "d", "e"] and task.next_from is None
