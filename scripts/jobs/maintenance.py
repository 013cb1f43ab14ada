"""Housekeeping jobs for the database itself."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, text

from scripts.clock import utc_now
from scripts.db import Database
from scripts.db.schema import sync_history


def optimize_database(database: Database) -> str:
    """Keep SQLite's WAL from growing without bound; refresh planner statistics."""
    with database.transaction() as connection:
        if database.dialect == "sqlite":
            connection.execute(text("PRAGMA optimize"))
        else:
            connection.execute(text("ANALYZE"))
    if database.dialect == "sqlite":
        with database.engine.connect() as connection:
            busy, log_frames, checkpointed = connection.execute(
                text("PRAGMA wal_checkpoint(TRUNCATE)")
            ).one()
        return f"WAL checkpoint: {checkpointed}/{log_frames} frames (busy={busy})"
    return "ANALYZE done"


def delete_old_history(database: Database, days: int) -> int:
    cutoff = utc_now() - timedelta(days=days)
    with database.transaction() as connection:
        result = connection.execute(delete(sync_history).where(sync_history.c.started_at < cutoff))
    return int(result.rowcount or 0)
