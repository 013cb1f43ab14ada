"""Housekeeping jobs for the database itself."""

from __future__ import annotations

from datetime import timedelta

from scripts.clock import utc_now
from scripts.db import Database
from scripts.db.maintenance import delete_history_before, optimize


def optimize_database(database: Database) -> str:
    """Keep SQLite's WAL from growing without bound; refresh planner statistics."""
    return optimize(database)


def delete_old_history(database: Database, days: int) -> int:
    """Job runs older than ``days`` days are deleted, so the history table stays small."""
    return delete_history_before(database, utc_now() - timedelta(days=days))
