"""Bring a database to the newest schema: back up, migrate, seed reference data.

``python -m scripts.db.migrate`` is what setup.sh runs; it is safe to run any
number of times. Before any migration of an existing SQLite file the file is
copied (with SQLite's online backup API, so a running process cannot tear
the copy) to ``BACKUP_DIR``; a failed upgrade can then be undone by copying
the backup back.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from scripts.db.engine import Database
from scripts.db.seed import seed_reference_data

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class MigrationResult:
    from_revision: str | None
    to_revision: str
    backup_path: Path | None
    seeded_rows: int


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@functools.cache
def head_revision() -> str:
    """The newest migration; read once per process (the health check asks every few seconds
    and migration files do not change while the platform runs)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations folder has no revisions"
    return head


def current_revision(database: Database) -> str | None:
    with database.read() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_database(
    database: Database, backup_dir: Path, target: str = "head", seed: bool = True
) -> MigrationResult:
    """Migrate to ``target`` (backing up SQLite first when there is anything to migrate)."""
    before = current_revision(database)
    wanted = head_revision() if target == "head" else target
    backup = None
    if before != wanted and before is not None and database.dialect == "sqlite":
        backup = backup_sqlite_file(database.url, backup_dir, before)
    if before != wanted:
        log.info("migrating database from %s to %s", before or "empty", wanted)
        with database.transaction() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, target)
    seeded = 0  # reference rows belong to the newest schema only
    if seed and wanted == head_revision():
        with database.transaction() as connection:
            seeded = seed_reference_data(connection)
    return MigrationResult(before, wanted, backup, seeded)


def backup_sqlite_file(database_url: str, backup_dir: Path, revision: str) -> Path | None:
    """Copy the SQLite file to ``backup_dir``; returns the copy's path (None for :memory:)."""
    source_path = make_url(database_url).database
    if not source_path or source_path == ":memory:" or not Path(source_path).exists():
        return None
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = backup_dir / f"{Path(source_path).stem}-{stamp}-rev{revision}.db"
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    log.info("backed up %s to %s before migrating", source_path, target)
    return target


def main() -> int:
    from scripts.config.settings import settings_for_command
    from scripts.logging_setup import configure_logging

    settings = settings_for_command()
    configure_logging(settings, "migrate", to_file=False)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # our own lines say what happened
    database = Database(settings.database_url)
    try:
        result = upgrade_database(database, settings.backup_dir)
    finally:
        database.dispose()
    if result.from_revision == result.to_revision:
        print(f"Database is up to date (revision {result.to_revision}).")
    else:
        print(f"Database migrated from {result.from_revision or 'empty'} to {result.to_revision}.")
    if result.backup_path:
        print(f"Backup of the previous database: {result.backup_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
