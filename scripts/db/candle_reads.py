"""Candle reads: a range of one series, a series' first/last/count, and its days with candles.

Every read here is one range over the primary key ``(instrument_key, interval, ts)`` of
``candles_new`` (on SQLite the table *is* that b-tree, WITHOUT ROWID), and rows come back
as plain tuples (SQLAlchemy Core, no ORM objects), so a year of daily candles or a day of
minute candles reads in about a millisecond (bench/candle_reads.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, and_, exists, func, select

from scripts.db.schema import candles_new

# (ts, open, high, low, close, volume, oi)
CandleRow = tuple[int, float, float, float, float, int, int]
IST_OFFSET_SECONDS = 19800  # +05:30: a day number in SQL is (ts + offset) / 86400
DAY_SECONDS = 86400

_c = candles_new.c
_COLUMNS = (_c.ts, _c.open, _c.high, _c.low, _c.close, _c.volume, _c.oi)


@dataclass(frozen=True)
class SeriesSummary:
    instrument_key: str
    interval: str
    first_ts: int
    last_ts: int
    count: int


def _series(instrument_key: str, interval: str) -> list[ColumnElement[bool]]:
    return [_c.instrument_key == instrument_key, _c.interval == interval]


def candles_between(
    connection: Connection,
    instrument_key: str,
    interval: str,
    start_ts: int,
    end_ts: int,
    limit: int,
) -> list[CandleRow]:
    """Up to ``limit`` candles with ``start_ts <= ts <= end_ts``, oldest first."""
    statement = (
        select(*_COLUMNS)
        .where(
            and_(
                _c.instrument_key == instrument_key,
                _c.interval == interval,
                _c.ts >= start_ts,
                _c.ts <= end_ts,
            )
        )
        .order_by(_c.ts)
        .limit(limit)
    )
    return [tuple(row) for row in connection.execute(statement)]


def candles_before(
    connection: Connection, instrument_key: str, interval: str, before_ts: int, limit: int
) -> list[CandleRow]:
    """The ``limit`` candles just before ``before_ts``, oldest first (an indicator's warm-up)."""
    statement = (
        select(*_COLUMNS)
        .where(
            and_(
                _c.instrument_key == instrument_key,
                _c.interval == interval,
                _c.ts < before_ts,
            )
        )
        .order_by(_c.ts.desc())
        .limit(limit)
    )
    rows = [tuple(row) for row in connection.execute(statement)]
    rows.reverse()
    return rows


def stored_intervals(
    connection: Connection, instrument_key: str, intervals: list[str]
) -> list[str]:
    """Which of ``intervals`` have at least one candle of ``instrument_key``: one statement of
    EXISTS probes (one index seek each, one round trip on PostgreSQL)."""
    probes = [
        exists().where(and_(*_series(instrument_key, interval))).label(f"i{n}")
        for n, interval in enumerate(intervals)
    ]
    found = connection.execute(select(*probes)).one()
    return [interval for interval, present in zip(intervals, found) if present]


def series_summaries(
    connection: Connection, instrument_key: str | None = None, interval: str | None = None
) -> list[SeriesSummary]:
    """First and last candle start and the count of every stored series (optionally filtered)."""
    conditions = []
    if instrument_key is not None:
        conditions.append(_c.instrument_key == instrument_key)
    if interval is not None:
        conditions.append(_c.interval == interval)
    statement = (
        select(_c.instrument_key, _c.interval, func.min(_c.ts), func.max(_c.ts), func.count())
        .where(and_(True, *conditions))
        .group_by(_c.instrument_key, _c.interval)
        .order_by(_c.instrument_key, _c.interval)
    )
    return [
        SeriesSummary(key, label, int(first), int(last), int(count))
        for key, label, first, last, count in connection.execute(statement)
    ]


def candles_per_day(
    connection: Connection, instrument_key: str, interval: str, start_ts: int, end_ts: int
) -> dict[int, int]:
    """Candles per IST day number (days since 1970-01-01 in IST) in ``[start_ts, end_ts]``."""
    day = ((_c.ts + IST_OFFSET_SECONDS) // DAY_SECONDS).label("day")
    statement = (
        select(day, func.count())
        .where(and_(*_series(instrument_key, interval), _c.ts >= start_ts, _c.ts <= end_ts))
        .group_by(day)
    )
    return {int(number): int(count) for number, count in connection.execute(statement)}
