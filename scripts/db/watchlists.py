"""Named watchlists and their instruments, in the order the trader added them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from typing import Any

from sqlalchemy import Connection, Select, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from scripts.clock import utc_now
from scripts.db.engine import inserted_id
from scripts.db.schema import instruments, watchlist_items, watchlists


class DuplicateWatchlistName(Exception):
    """Another watchlist already has this name (names are unique)."""


class DuplicateWatchlistItem(Exception):
    """A concurrent request added the same instrument first (the row is there: harmless)."""


@dataclass(frozen=True)
class WatchlistRecord:
    id: int
    name: str
    created_at: datetime
    updated_at: datetime
    items: int


@dataclass(frozen=True)
class WatchlistItemRecord:
    instrument_key: str
    position: int
    added_at: datetime
    trading_symbol: str | None  # None when the instrument left the instrument list
    name: str | None
    segment: str | None


def _summaries() -> Select[Any]:
    count = (
        select(func.count())
        .where(watchlist_items.c.watchlist_id == watchlists.c.id)
        .scalar_subquery()
    )
    return select(
        watchlists.c.id,
        watchlists.c.name,
        watchlists.c.created_at,
        watchlists.c.updated_at,
        count.label("items"),
    )


def list_watchlists(connection: Connection) -> list[WatchlistRecord]:
    rows = connection.execute(_summaries().order_by(watchlists.c.name, watchlists.c.id))
    return [WatchlistRecord(*row) for row in rows]


def watchlist_by_id(connection: Connection, watchlist_id: int) -> WatchlistRecord | None:
    row = connection.execute(_summaries().where(watchlists.c.id == watchlist_id)).first()
    return WatchlistRecord(*row) if row else None


def create_watchlist(connection: Connection, name: str) -> int:
    """The new list's id; ``DuplicateWatchlistName`` when the name is taken."""
    now = utc_now()
    if _name_taken(connection, name):
        raise DuplicateWatchlistName(name)
    try:
        result = connection.execute(
            insert(watchlists).values(name=name, created_at=now, updated_at=now)
        )
    except IntegrityError:  # a concurrent create won the race; the transaction rolls back
        raise DuplicateWatchlistName(name) from None
    return inserted_id(result)


def rename_watchlist(connection: Connection, watchlist_id: int, name: str) -> bool:
    """False when there is no such list; ``DuplicateWatchlistName`` when the name is taken."""
    if _name_taken(connection, name, other_than=watchlist_id):
        raise DuplicateWatchlistName(name)
    try:
        result = connection.execute(
            update(watchlists)
            .where(watchlists.c.id == watchlist_id)
            .values(name=name, updated_at=utc_now())
        )
    except IntegrityError:
        raise DuplicateWatchlistName(name) from None
    return result.rowcount > 0


def delete_watchlist(connection: Connection, watchlist_id: int) -> bool:
    """Removes the list and its items (explicitly, not relying on the FK cascade alone)."""
    connection.execute(
        delete(watchlist_items).where(watchlist_items.c.watchlist_id == watchlist_id)
    )
    result = connection.execute(delete(watchlists).where(watchlists.c.id == watchlist_id))
    return result.rowcount > 0


def watchlist_items_of(connection: Connection, watchlist_id: int) -> list[WatchlistItemRecord]:
    """The items in page order, with the symbol and name from the instrument list."""
    rows = connection.execute(
        select(
            watchlist_items.c.instrument_key,
            watchlist_items.c.position,
            watchlist_items.c.added_at,
            instruments.c.trading_symbol,
            instruments.c.name,
            instruments.c.segment,
        )
        .select_from(
            watchlist_items.outerjoin(
                instruments, instruments.c.instrument_key == watchlist_items.c.instrument_key
            )
        )
        .where(watchlist_items.c.watchlist_id == watchlist_id)
        .order_by(watchlist_items.c.position, watchlist_items.c.added_at)
    )
    return [WatchlistItemRecord(*row) for row in rows]


def all_watchlist_keys(connection: Connection) -> dict[int, list[str]]:
    """Every list's instrument keys, for subscribing them all again after a restart."""
    keys: dict[int, list[str]] = {row.id: [] for row in connection.execute(select(watchlists.c.id))}
    rows = connection.execute(
        select(watchlist_items.c.watchlist_id, watchlist_items.c.instrument_key).order_by(
            watchlist_items.c.watchlist_id, watchlist_items.c.position
        )
    )
    for watchlist_id, key in rows:
        keys.setdefault(watchlist_id, []).append(key)
    return keys


def add_watchlist_item(connection: Connection, watchlist_id: int, instrument_key: str) -> bool:
    """Appends the instrument at the end; False (nothing changed) if it is already there."""
    present = connection.execute(
        select(watchlist_items.c.position).where(
            watchlist_items.c.watchlist_id == watchlist_id,
            watchlist_items.c.instrument_key == instrument_key,
        )
    ).first()
    if present is not None:
        return False
    last = connection.execute(
        select(func.max(watchlist_items.c.position)).where(
            watchlist_items.c.watchlist_id == watchlist_id
        )
    ).scalar_one()
    try:
        connection.execute(
            insert(watchlist_items).values(
                watchlist_id=watchlist_id,
                instrument_key=instrument_key,
                position=0 if last is None else int(last) + 1,
                added_at=utc_now(),
            )
        )
    except IntegrityError:  # added by a concurrent request; the caller's transaction rolls back
        raise DuplicateWatchlistItem(instrument_key) from None
    _touch(connection, watchlist_id)
    return True


def remove_watchlist_item(connection: Connection, watchlist_id: int, instrument_key: str) -> bool:
    result = connection.execute(
        delete(watchlist_items).where(
            watchlist_items.c.watchlist_id == watchlist_id,
            watchlist_items.c.instrument_key == instrument_key,
        )
    )
    if result.rowcount:
        _touch(connection, watchlist_id)
    return result.rowcount > 0


def _touch(connection: Connection, watchlist_id: int) -> None:
    connection.execute(
        update(watchlists).where(watchlists.c.id == watchlist_id).values(updated_at=utc_now())
    )


def _name_taken(connection: Connection, name: str, other_than: int | None = None) -> bool:
    """Names are unique regardless of case: "Banks" and "banks" would confuse a picker."""
    condition = func.lower(watchlists.c.name) == name.lower()
    if other_than is not None:
        condition = condition & (watchlists.c.id != other_than)
    return connection.execute(select(watchlists.c.id).where(condition)).first() is not None
