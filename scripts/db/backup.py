"""Daily database backups into ``BACKUP_DIR``, keeping the newest few.

SQLite: SQLite's online backup API (a consistent copy while the platform
writes), then ``PRAGMA integrity_check`` on the copy, so a backup that would
not restore is reported at once. PostgreSQL: ``pg_dump --format=custom`` of the
platform's schema when ``pg_dump`` is installed; without it the run is
reported as skipped ("use pg_dump"), never as a silent success.

The files are ``<name>-backup-<UTC stamp>.<db|dump>``; the pre-migration copies
of :mod:`scripts.db.migrate` (``-rev<N>``) are never pruned here.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from scripts.db.engine import Database

log = logging.getLogger(__name__)
# A week of dailies: enough to step back past a bad day noticed late, small on disk.
BACKUP_KEEP = 7
PG_DUMP_TIMEOUT_SECONDS = 3600


class BackupUnavailable(Exception):
    """This database cannot be backed up here (the message says what to use instead)."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    removed: list[Path]
    check: str  # what verified the copy

    def message(self) -> str:
        return (
            f"backup {self.path.name} ({self.size_bytes / 1_048_576:.1f} MB, {self.check}); "
            f"kept newest {BACKUP_KEEP}, removed {len(self.removed)}"
        )


def backup_database(database: Database, backup_dir: Path, keep: int = BACKUP_KEEP) -> BackupResult:
    """Back up ``database`` into ``backup_dir`` and prune older backups beyond ``keep``."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    if database.dialect == "sqlite":
        path, check, pattern = _sqlite_backup(database, backup_dir, stamp)
    else:
        path, check, pattern = _pg_dump(database, backup_dir, stamp)
    removed = _prune(backup_dir, pattern, keep)
    log.info("backed up the database to %s", path)
    return BackupResult(path, path.stat().st_size, removed, check)


def _sqlite_backup(database: Database, backup_dir: Path, stamp: str) -> tuple[Path, str, str]:
    source_path = make_url(database.url).database
    if not source_path or source_path == ":memory:":
        raise BackupUnavailable("an in-memory SQLite database has no file to back up")
    stem = Path(source_path).stem
    target = backup_dir / f"{stem}-backup-{stamp}.db"
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
    if verdict != "ok":
        raise RuntimeError(f"the backup copy {target} fails integrity_check: {verdict}")
    return target, "integrity_check ok", f"{stem}-backup-*.db"


def _pg_dump(database: Database, backup_dir: Path, stamp: str) -> tuple[Path, str, str]:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupUnavailable(
            "skipped: pg_dump is not installed; back up PostgreSQL with pg_dump "
            "(apt-get install postgresql-client) or your provider's snapshots"
        )
    with database.read() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    url = make_url(database.url).set(drivername="postgresql")
    name = url.database or "postgres"
    target = backup_dir / f"{name}-backup-{stamp}.dump"
    environment = {**os.environ}
    if url.password:
        environment["PGPASSWORD"] = str(url.password)  # not on the command line (ps shows it)
    command = [
        pg_dump,
        "--format=custom",
        f"--schema={schema}",
        f"--file={target}",
        url.set(password=None).render_as_string(hide_password=False),
    ]
    result = subprocess.run(
        command,
        env=environment,
        capture_output=True,
        text=True,
        timeout=PG_DUMP_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise RuntimeError(f"pg_dump failed ({result.returncode}): {result.stderr.strip()[:500]}")
    return target, f"pg_dump of schema {schema}", f"{name}-backup-*.dump"


def _prune(backup_dir: Path, pattern: str, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` files matching ``pattern`` (names sort by time)."""
    backups = sorted(backup_dir.glob(pattern))
    old = backups[: max(len(backups) - keep, 0)]
    for path in old:
        path.unlink()
    return old
