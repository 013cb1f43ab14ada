"""Exactly one scheduler: a lock held for the process's life that dies with the process.

PostgreSQL: a session advisory lock on a dedicated connection. The server
drops it when the connection ends, so ``kill -9`` (or a lost network) frees it.
The holder names itself in ``application_name``, which a second start reads
from ``pg_stat_activity`` to say who holds it. The key includes the schema, so
two platforms (or two test schemas) in one database do not block each other.

SQLite: an exclusive ``flock`` on ``<database file>.scheduler.lock``. The
kernel releases it when the process dies, however it dies; the file keeps the
holder's pid and start time for the message. (A lease row with a heartbeat
would also survive ``kill -9``, but only after the lease times out.)
"""

from __future__ import annotations

import fcntl
import os
import zlib
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from scripts.clock import IST, utc_now
from scripts.db.engine import Database

# The advisory lock's first key: "this platform's scheduler" (any fixed int4 would do).
LOCK_CLASS = 17_0006


class AlreadyRunning(Exception):
    """Another scheduler holds the lock; the message says which process and since when."""


class SchedulerLock:
    """``acquire()`` once at start (raises AlreadyRunning), ``release()`` at a clean stop."""

    def __init__(self, database: Database, name: str = "scheduler") -> None:
        self._database = database
        self._name = name
        self._connection: Connection | None = None
        self._file: IO[str] | None = None

    def _holder_label(self) -> str:
        since = utc_now().astimezone(IST).strftime("%Y-%m-%d %H:%M:%S IST")
        return f"pid {os.getpid()} since {since}"

    def acquire(self) -> None:
        if self._database.dialect == "postgresql":
            self._acquire_postgresql()
        else:
            self._acquire_file()

    def release(self) -> None:
        if self._connection is not None:
            # Invalidate, not close: a closed connection goes back to the pool with its session
            # (and lock) alive; invalidating ends the session, and the lock goes with it.
            self._connection.invalidate()
            self._connection.close()
            self._connection = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    # --- PostgreSQL ------------------------------------------------------------------
    def _acquire_postgresql(self) -> None:
        connection = self._database.engine.connect()
        try:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            schema = connection.execute(text("SELECT current_schema()")).scalar_one()
            key = _int4(f"{self._name}:{schema}")
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:cls, :key)"), {"cls": LOCK_CLASS, "key": key}
            ).scalar_one()
            if not got:
                holder = connection.execute(
                    text(
                        "SELECT a.application_name FROM pg_locks l "
                        "JOIN pg_stat_activity a ON a.pid = l.pid "
                        "WHERE l.locktype = 'advisory' AND l.granted "
                        "AND l.classid::bigint = :cls AND l.objid::bigint = :key"
                    ),
                    {"cls": LOCK_CLASS, "key": key & 0xFFFFFFFF},
                ).scalar()
                raise AlreadyRunning(f"{self._name} already running ({holder or 'holder unknown'})")
            label = self._holder_label()[:60]  # application_name holds 63 bytes
            connection.execute(
                text("SELECT set_config('application_name', :v, false)"), {"v": label}
            )
        except BaseException:
            connection.invalidate()
            connection.close()
            raise
        self._connection = connection

    # --- SQLite ------------------------------------------------------------------------
    def lock_path(self) -> Path:
        database = make_url(self._database.url).database
        if not database or database == ":memory:":
            raise RuntimeError("the scheduler needs a database file (SQLite :memory: is private)")
        return Path(f"{database}.{self._name}.lock")

    def _acquire_file(self) -> None:
        path = self.lock_path()
        handle: Any = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for life
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            raise AlreadyRunning(f"{self._name} already running ({holder or 'holder unknown'})")
        handle.seek(0)
        handle.truncate()
        handle.write(self._holder_label())
        handle.flush()
        self._file = handle


def _int4(value: str) -> int:
    """A stable signed 32-bit key for ``value`` (PostgreSQL's two-key advisory lock form)."""
    unsigned = zlib.crc32(value.encode("utf-8"))
    return unsigned - (1 << 32) if unsigned >= 1 << 31 else unsigned
