"""Candle backfill tasks (the queue the scheduler's worker claims) and per-series sync state.

A task row is both the work item and its record: the API inserts it ``queued``; the worker
claims it atomically (``UPDATE ... WHERE id = ? AND state = 'queued'``), writes a checkpoint
with every chunk (:func:`record_chunk`, in the chunk's own transaction), and finishes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select, update

from scripts.clock import utc_now
from scripts.db.engine import inserted_id
from scripts.db.schema import candle_backfill_tasks as tasks
from scripts.db.schema import candle_sync_state as sync_state

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
REJECT_SAMPLE_SIZE = 5


@dataclass(frozen=True)
class BackfillTask:
    id: int
    instrument_key: str
    trading_symbol: str
    exchange: str
    interval: str
    from_date: date
    to_date: date
    state: str
    next_from: date | None
    chunks_total: int
    chunks_done: int
    rows_written: int
    rows_rejected: int
    reject_sample: list[str]
    note: str | None
    error: str | None
    worker: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@dataclass(frozen=True)
class SeriesState:
    instrument_key: str
    interval: str
    exchange: str
    last_ts: int | None
    backfilled_from: date | None
    backfilled_to: date | None
    synced_at: datetime | None
    sync_message: str | None


TASK_COLUMNS = [tasks.c[name] for name in BackfillTask.__dataclass_fields__]
STATE_COLUMNS = [sync_state.c[name] for name in SeriesState.__dataclass_fields__]


# --- tasks ----------------------------------------------------------------------------------
def create_task(
    connection: Connection,
    *,
    instrument_key: str,
    trading_symbol: str,
    exchange: str,
    interval: str,
    from_date: date,
    to_date: date,
    chunks_total: int,
    note: str | None,
) -> int:
    """Queue a backfill; returns its id."""
    result = connection.execute(
        tasks.insert().values(
            instrument_key=instrument_key,
            trading_symbol=trading_symbol,
            exchange=exchange,
            interval=interval,
            from_date=from_date,
            to_date=to_date,
            state=QUEUED,
            next_from=from_date,
            chunks_total=chunks_total,
            chunks_done=0,
            rows_written=0,
            rows_rejected=0,
            reject_sample="[]",
            note=note,
            created_at=utc_now(),
        )
    )
    return inserted_id(result)


def task_by_id(connection: Connection, task_id: int) -> BackfillTask | None:
    row = connection.execute(select(*TASK_COLUMNS).where(tasks.c.id == task_id)).first()
    return _task(row) if row else None


def recent_tasks(connection: Connection, limit: int) -> list[BackfillTask]:
    """Newest first."""
    query = select(*TASK_COLUMNS).order_by(tasks.c.id.desc()).limit(limit)
    return [_task(row) for row in connection.execute(query)]


def claim_next_task(connection: Connection, worker: str) -> BackfillTask | None:
    """Mark the oldest queued task running for ``worker`` and return it; None if none is queued.

    The ``state = 'queued'`` condition in the UPDATE makes the claim atomic: of two workers
    that pick the same id, only one changes the row (SQLite serializes writers; PostgreSQL
    re-checks the condition after the row lock), and the other sees rowcount 0.
    """
    candidate = connection.execute(
        select(tasks.c.id).where(tasks.c.state == QUEUED).order_by(tasks.c.id).limit(1)
    ).scalar_one_or_none()
    if candidate is None:
        return None
    claimed = connection.execute(
        update(tasks)
        .where(tasks.c.id == candidate, tasks.c.state == QUEUED)
        .values(state=RUNNING, worker=worker, started_at=utc_now(), error=None)
    )
    return task_by_id(connection, candidate) if claimed.rowcount == 1 else None


def requeue_running_tasks(connection: Connection) -> int:
    """Tasks left ``running`` by a worker that died go back to the queue (their checkpoint
    stays); called when the one scheduler starts, before its worker claims anything."""
    result = connection.execute(update(tasks).where(tasks.c.state == RUNNING).values(state=QUEUED))
    return int(result.rowcount)


def requeue_task(connection: Connection, task_id: int) -> None:
    """A worker stopping (scheduler shutdown) hands its task back to the queue, checkpoint kept."""
    connection.execute(update(tasks).where(tasks.c.id == task_id).values(state=QUEUED))


def record_chunk(
    connection: Connection,
    task_id: int,
    *,
    next_from: date | None,
    written: int,
    rejected: list[str],
) -> None:
    """The checkpoint after one chunk (or one skipped chunk): call it in the transaction that
    inserted the chunk's candles, so the two are committed together or not at all."""
    values: dict[str, Any] = {
        "next_from": next_from,
        "chunks_done": tasks.c.chunks_done + 1,
        "rows_written": tasks.c.rows_written + written,
    }
    if rejected:
        sample = connection.execute(
            select(tasks.c.reject_sample).where(tasks.c.id == task_id)
        ).scalar_one()
        kept = (json.loads(sample or "[]") + rejected)[:REJECT_SAMPLE_SIZE]
        values["rows_rejected"] = tasks.c.rows_rejected + len(rejected)
        values["reject_sample"] = json.dumps(kept)
    connection.execute(update(tasks).where(tasks.c.id == task_id).values(**values))


def finish_task(connection: Connection, task_id: int, state: str, error: str | None) -> None:
    connection.execute(
        update(tasks)
        .where(tasks.c.id == task_id)
        .values(state=state, error=error, finished_at=utc_now())
    )


def _task(row: Any) -> BackfillTask:
    data = dict(row._mapping)
    data["reject_sample"] = json.loads(data["reject_sample"] or "[]")
    return BackfillTask(**data)


# --- series sync state ------------------------------------------------------------------------
def note_series_candles(
    connection: Connection, instrument_key: str, interval: str, exchange: str, last_ts: int | None
) -> None:
    """Create the series' state row if needed and move ``last_ts`` forward (never back)."""
    now = utc_now()
    current = series_state(connection, instrument_key, interval)
    if current is None:
        connection.execute(
            sync_state.insert().values(
                instrument_key=instrument_key,
                interval=interval,
                exchange=exchange,
                last_ts=last_ts,
                updated_at=now,
            )
        )
        return
    if last_ts is not None and (current.last_ts is None or last_ts > current.last_ts):
        connection.execute(
            update(sync_state)
            .where(_series(instrument_key, interval))
            .values(last_ts=last_ts, updated_at=now)
        )


def mark_backfilled(
    connection: Connection, instrument_key: str, interval: str, task: BackfillTask
) -> None:
    """Widen the series' backfilled range by a finished task's range."""
    current = series_state(connection, instrument_key, interval)
    if current is None:
        return
    start = min(d for d in (current.backfilled_from, task.from_date) if d is not None)
    end = max(d for d in (current.backfilled_to, task.to_date) if d is not None)
    connection.execute(
        update(sync_state)
        .where(_series(instrument_key, interval))
        .values(
            backfilled_from=start, backfilled_to=end, last_task_id=task.id, updated_at=utc_now()
        )
    )


def record_series_sync(
    connection: Connection, instrument_key: str, interval: str, message: str
) -> None:
    now = utc_now()
    connection.execute(
        update(sync_state)
        .where(_series(instrument_key, interval))
        .values(synced_at=now, sync_message=message, updated_at=now)
    )


def series_state(connection: Connection, instrument_key: str, interval: str) -> SeriesState | None:
    row = connection.execute(
        select(*STATE_COLUMNS).where(_series(instrument_key, interval))
    ).first()
    return SeriesState(*row) if row else None


def backfilled_series(connection: Connection) -> list[SeriesState]:
    """Series with at least one finished backfill: what the incremental sync keeps current."""
    query = (
        select(*STATE_COLUMNS)
        .where(sync_state.c.backfilled_to.is_not(None))
        .order_by(sync_state.c.instrument_key, sync_state.c.interval)
    )
    return [SeriesState(*row) for row in connection.execute(query)]


def _series(instrument_key: str, interval: str) -> Any:
    return (sync_state.c.instrument_key == instrument_key) & (sync_state.c.interval == interval)
