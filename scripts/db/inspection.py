"""What the database holds: revision, tables and row counts, file size. For health pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, func, select
from sqlalchemy.engine import make_url

from scripts.db.schema import metadata


@dataclass(frozen=True)
class TableCount:
    table: str
    rows: int


def table_counts(connection: Connection) -> list[TableCount]:
    """Row count of every table in the central schema (the schema is small; counts are cheap)."""
    return [
        TableCount(
            table.name,
            int(connection.execute(select(func.count()).select_from(table)).scalar_one()),
        )
        for table in metadata.sorted_tables
    ]


def sqlite_file_size(database_url: str) -> int | None:
    """Bytes on disk of an SQLite database including its WAL, or None for other databases."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    main = Path(url.database)
    parts = [main, main.with_name(main.name + "-wal")]
    return sum(p.stat().st_size for p in parts if p.exists())
