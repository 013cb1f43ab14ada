"""Insert-or-update that works the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def upsert_rows(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    update_existing: bool = True,
) -> int:
    """Insert ``rows``; where a row with the same ``keys`` exists, update its other columns
    (or, with ``update_existing=False``, leave the existing row as it is)."""
    if not rows:
        return 0
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(list(rows))
    updates = {c: statement.excluded[c] for c in rows[0] if c not in keys}
    if updates and update_existing:
        statement = statement.on_conflict_do_update(index_elements=list(keys), set_=updates)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    connection.execute(statement)
    return len(rows)
