"""Housekeeping statements for the database itself (planner statistics, WAL, old rows)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, text

from scripts.db.engine import Database
from scripts.db.schema import sync_history


def optimize(database: Database) -> str:
    """Refresh planner statistics; on SQLite also truncate the WAL so it cannot grow unbounded."""
    with database.transaction() as connection:
        connection.execute(text("PRAGMA optimize" if database.dialect == "sqlite" else "ANALYZE"))
    if database.dialect != "sqlite":
        return "ANALYZE done"
    with database.engine.connect() as connection:
        busy, log_frames, checkpointed = connection.execute(
            text("PRAGMA wal_checkpoint(TRUNCATE)")
        ).one()
    return f"WAL checkpoint: {checkpointed}/{log_frames} frames (busy={busy})"


def delete_history_before(database: Database, cutoff: datetime) -> int:
    """Delete job runs that started before ``cutoff``; returns how many went."""
    with database.transaction() as connection:
        result = connection.execute(delete(sync_history).where(sync_history.c.started_at < cutoff))
    return int(result.rowcount or 0)
