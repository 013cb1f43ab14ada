"""The only place that opens database connections.

SQLite (the embedded default) gets WAL, foreign keys and a busy timeout on
every connection, because the dashboard's polling and the scheduler's writes
otherwise collide as "database is locked". PostgreSQL gets pre-ping so a
restarted server does not hand out dead pooled connections.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from contextlib import contextmanager

from sqlalchemy import Connection, CursorResult, Engine, create_engine, event

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000


def create_db_engine(database_url: str) -> Engine:
    """An engine for ``database_url`` with the per-dialect settings described above."""
    if database_url.startswith("sqlite"):
        engine = create_engine(
            database_url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        event.listen(engine, "connect", _configure_sqlite_connection)
        return engine
    return create_engine(database_url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _configure_sqlite_connection(dbapi_connection: Any, _record: object) -> None:
    """Per-connection SQLite settings (the DBAPI connection is sqlite3's, untyped here)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Database:
    """Owns one engine; hands out short transactions so SQLite locks stay brief."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.engine = create_db_engine(database_url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection inside one transaction: committed on success, rolled back on error."""
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reads; nothing it does is committed."""
        with self.engine.connect() as connection:
            yield connection

    def ping(self) -> bool:
        """True if the database answers a trivial query."""
        from sqlalchemy import text

        try:
            with self.read() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - health reporting must never raise
            log.warning("database ping failed", exc_info=True)
            return False

    def dispose(self) -> None:
        self.engine.dispose()


def inserted_id(result: CursorResult[Any]) -> int:
    """The primary key of the one row an INSERT wrote (both dialects report it)."""
    key = result.inserted_primary_key
    if key is None or key[0] is None:
        raise RuntimeError("the INSERT reported no primary key")
    return int(key[0])
