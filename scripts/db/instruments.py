"""The instrument master: replace it as a whole, look instruments up, search by prefix.

Every search here is an index range (``search_symbol >= 'REL' AND < 'REL\\uffff'``) or an
equality, never ``LIKE '%x%'`` over the table, so a type-ahead stays in single-digit
milliseconds over the ~100 k rows of a full BOD file on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, ColumnElement, and_, delete, func, select

from scripts.db.schema import instrument_loads, instruments

# Above every character a symbol or a name can hold, so ``prefix + PREFIX_END`` bounds a range.
PREFIX_END = "\uffff"
INSERT_BATCH = 5000
# search_group values: cash and indices first, then futures, then options.
GROUP_CASH, GROUP_FUTURES, GROUP_OPTIONS = 0, 1, 2
SEARCH_GROUPS = (GROUP_CASH, GROUP_FUTURES, GROUP_OPTIONS)


@dataclass(frozen=True)
class InstrumentRecord:
    instrument_key: str
    segment: str
    exchange: str
    instrument_type: str
    trading_symbol: str
    name: str
    short_name: str | None
    isin: str | None
    exchange_token: str | None
    lot_size: int | None
    tick_size: float | None
    freeze_quantity: float | None
    expiry: date | None
    strike_price: float | None
    weekly: bool | None
    underlying_key: str | None
    underlying_symbol: str | None


@dataclass(frozen=True)
class InstrumentLoad:
    id: int
    started_at: datetime
    finished_at: datetime
    status: str
    source: str
    file_date: date | None
    rows: int
    segment_counts: dict[str, int]
    message: str


RECORD_COLUMNS = [instruments.c[name] for name in InstrumentRecord.__dataclass_fields__]


def search_group(instrument_type: str) -> int:
    """Where a type ranks in a prefix search: cash and indices, futures, then options."""
    if instrument_type in ("CE", "PE"):
        return GROUP_OPTIONS
    if instrument_type.startswith("FUT"):
        return GROUP_FUTURES
    return GROUP_CASH


def replace_instruments(connection: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Delete every stored instrument and insert ``rows`` (the caller's one transaction)."""
    connection.execute(delete(instruments))
    for start in range(0, len(rows), INSERT_BATCH):
        batch = [_with_search_columns(row) for row in rows[start : start + INSERT_BATCH]]
        connection.execute(instruments.insert(), batch)
    return len(rows)


def _with_search_columns(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "search_group": search_group(row["instrument_type"]),
        "search_symbol": row["trading_symbol"].upper(),
        "search_name": row["name"].upper(),
    }


def count_instruments(connection: Connection) -> int:
    return int(connection.execute(select(func.count()).select_from(instruments)).scalar_one())


def instrument_by_key(connection: Connection, instrument_key: str) -> InstrumentRecord | None:
    row = connection.execute(
        select(*RECORD_COLUMNS).where(instruments.c.instrument_key == instrument_key)
    ).first()
    return InstrumentRecord(*row) if row else None


KEYS_PER_QUERY = 500  # well under SQLite's bound-parameter limit


def instruments_by_keys(
    connection: Connection, instrument_keys: Iterable[str]
) -> dict[str, InstrumentRecord]:
    """instrument_key -> record for those of ``instrument_keys`` that exist (exact match).

    One query per 500 keys instead of one per key: a watchlist polling 500 instruments
    resolves them in a single round trip (bench/feed_ticks_poll.py).
    """
    wanted = list(dict.fromkeys(instrument_keys))
    found: dict[str, InstrumentRecord] = {}
    for start in range(0, len(wanted), KEYS_PER_QUERY):
        chunk = wanted[start : start + KEYS_PER_QUERY]
        rows = connection.execute(
            select(*RECORD_COLUMNS).where(instruments.c.instrument_key.in_(chunk))
        ).all()
        for row in rows:
            record = InstrumentRecord(*row)
            found[record.instrument_key] = record
    return found


def instruments_by_symbol(
    connection: Connection, symbol: str, segments: Iterable[str] | None = None
) -> list[InstrumentRecord]:
    """Exact (case-insensitive) trading-symbol matches, optionally within some segments."""
    condition = instruments.c.search_symbol == symbol.upper()
    if segments is not None:
        condition = and_(condition, instruments.c.segment.in_(list(segments)))
    return _records(connection, condition, limit=50)


def instruments_by_name(
    connection: Connection, name: str, segments: Iterable[str]
) -> list[InstrumentRecord]:
    """Exact (case-insensitive) name matches within some segments, e.g. index names."""
    condition = and_(
        instruments.c.search_name == name.upper(), instruments.c.segment.in_(list(segments))
    )
    return _records(connection, condition, limit=50)


def instruments_by_isin(connection: Connection, isin: str) -> list[InstrumentRecord]:
    return _records(connection, instruments.c.isin == isin.upper(), limit=50)


def instruments_by_exchange_token(connection: Connection, token: str) -> list[InstrumentRecord]:
    return _records(connection, instruments.c.exchange_token == token, limit=50)


def contracts(
    connection: Connection,
    underlying_symbol: str,
    instrument_type: str,
    expiry_from: date,
    expiry_to: date,
    strike_price: float | None,
) -> list[InstrumentRecord]:
    """F&O contracts of one underlying and type expiring in ``[expiry_from, expiry_to]``."""
    condition = and_(
        instruments.c.underlying_symbol == underlying_symbol.upper(),
        instruments.c.expiry >= expiry_from,
        instruments.c.expiry <= expiry_to,
        instruments.c.instrument_type == instrument_type,
    )
    if strike_price is not None:
        condition = and_(condition, instruments.c.strike_price == strike_price)
    rows = connection.execute(
        select(*RECORD_COLUMNS).where(condition).order_by(instruments.c.expiry).limit(50)
    ).all()
    return [InstrumentRecord(*row) for row in rows]


def symbols_starting(
    connection: Connection,
    prefix: str,
    group: int,
    limit: int,
    segment: str | None = None,
    instrument_type: str | None = None,
) -> list[InstrumentRecord]:
    """Up to ``limit`` instruments of one search group whose symbol starts with ``prefix``,
    in symbol order (an index range on ``(search_group, search_symbol)``)."""
    upper = prefix.upper()
    condition = and_(
        instruments.c.search_group == group,
        instruments.c.search_symbol >= upper,
        instruments.c.search_symbol < upper + PREFIX_END,
        *_filters(segment, instrument_type),
    )
    return _records(connection, condition, limit, order=instruments.c.search_symbol)


def names_starting(
    connection: Connection,
    prefix: str,
    limit: int,
    segment: str | None = None,
    instrument_type: str | None = None,
) -> list[InstrumentRecord]:
    """Up to ``limit`` instruments whose name starts with ``prefix`` (an index range)."""
    upper = prefix.upper()
    condition = and_(
        instruments.c.search_name >= upper,
        instruments.c.search_name < upper + PREFIX_END,
        *_filters(segment, instrument_type),
    )
    return _records(connection, condition, limit, order=instruments.c.search_name)


def exact_matches(
    connection: Connection,
    text: str,
    segment: str | None = None,
    instrument_type: str | None = None,
) -> list[InstrumentRecord]:
    """Rows whose symbol, key, ISIN or exchange token is exactly ``text``."""
    upper = text.upper()
    out: list[InstrumentRecord] = []
    for condition in (
        instruments.c.search_symbol == upper,
        instruments.c.instrument_key == text,
        instruments.c.isin == upper,
        instruments.c.exchange_token == text,
    ):
        out.extend(_records(connection, and_(condition, *_filters(segment, instrument_type)), 50))
    return out


def _filters(segment: str | None, instrument_type: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if segment:
        conditions.append(instruments.c.segment == segment)
    if instrument_type:
        conditions.append(instruments.c.instrument_type == instrument_type)
    return conditions


def _records(
    connection: Connection,
    condition: ColumnElement[bool],
    limit: int,
    order: Any = None,
) -> list[InstrumentRecord]:
    statement = select(*RECORD_COLUMNS).where(condition)
    if order is not None:
        statement = statement.order_by(order)
    rows = connection.execute(statement.limit(limit)).all()
    return [InstrumentRecord(*row) for row in rows]


# --- loads --------------------------------------------------------------------
def record_load(
    connection: Connection,
    *,
    started_at: datetime,
    finished_at: datetime,
    status: str,
    source: str,
    file_date: date | None,
    rows: int,
    segment_counts: dict[str, int],
    message: str,
) -> None:
    connection.execute(
        instrument_loads.insert().values(
            started_at=started_at,
            finished_at=finished_at,
            status=status,
            source=source[:255],
            file_date=file_date,
            rows=rows,
            segment_counts=json.dumps(segment_counts, sort_keys=True),
            message=message,
        )
    )


def latest_load(connection: Connection, status: str | None = None) -> InstrumentLoad | None:
    """The newest load attempt, or the newest with ``status`` (e.g. ``loaded``)."""
    statement = select(instrument_loads)
    if status is not None:
        statement = statement.where(instrument_loads.c.status == status)
    row = connection.execute(
        statement.order_by(
            instrument_loads.c.started_at.desc(), instrument_loads.c.id.desc()
        ).limit(1)
    ).first()
    if row is None:
        return None
    return InstrumentLoad(
        id=row.id,
        started_at=row.started_at,
        finished_at=row.finished_at,
        status=row.status,
        source=row.source,
        file_date=row.file_date,
        rows=row.rows,
        segment_counts={k: int(v) for k, v in json.loads(row.segment_counts or "{}").items()},
        message=row.message,
    )
