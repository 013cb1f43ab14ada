"""Housekeeping statements for the database itself (planner statistics, WAL, old rows)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, text

from scripts.db.engine import Database
from scripts.db.schema import metadata, sync_history


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


def vacuum_and_check(database: Database) -> str:
    """Weekly: check the database's integrity, reclaim space and refresh statistics.

    SQLite: ``PRAGMA integrity_check`` (the first problems it lists are returned
    when it is not ``ok``), ``VACUUM`` and ``ANALYZE``. PostgreSQL has no
    integrity_check; ``VACUUM (ANALYZE)`` of the platform's tables reads every
    page, so a damaged page fails the run, which is the check there.
    """
    with database.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        if database.dialect == "sqlite":
            problems = [row[0] for row in connection.execute(text("PRAGMA integrity_check"))]
            if problems != ["ok"]:
                raise RuntimeError("integrity_check: " + "; ".join(problems[:5]))
            connection.execute(text("VACUUM"))
            connection.execute(text("ANALYZE"))
            return "integrity_check ok; VACUUM and ANALYZE done"
        names = [table.name for table in metadata.sorted_tables]
        for name in names:
            connection.execute(text(f'VACUUM (ANALYZE) "{name}"'))
        return f"VACUUM (ANALYZE) of {len(names)} tables done (PostgreSQL: no integrity_check)"
