"""Read stored candles: a page of one series at any interval, with indicators; and coverage.

A read resolves the symbol through the one resolver, picks the stored series to read
(``candle_resample.source_for``: the exact interval, else 1d for days/weeks/months, else the
finest stored interval that divides it), reads one primary-key range and resamples.

Paging: a page holds at most ``limit`` candles; ``next_cursor`` is the start (epoch seconds)
of the first candle *not* on the page. The next page reads from exactly there, and because
every bucket starts at or before its first stored candle, no candle is shown twice or
skipped. No stored data is not an error: the answer is 200 with no candles and a ``hint``
saying what to do (start a backfill), since "nothing yet" is the normal state of a new
platform. Coverage rules are in :mod:`scripts.services.candle_coverage`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Final

from scripts.clock import IST, utc_now
from scripts.db import Connection, Database
from scripts.db.candle_reads import CandleRow, candles_before, candles_between, stored_intervals
from scripts.db.instruments import InstrumentRecord
from scripts.services.candle_resample import (
    INTERVALS,
    INTRADAY_SECONDS,
    Candle,
    resample,
    session_start_seconds,
    source_for,
)
from scripts.services.errors import ServiceError, ValidationFailed
from scripts.services.indicators import IndicatorSpec, IndicatorSpecInvalid, compute
from scripts.services.instruments import InstrumentsService

log = logging.getLogger(__name__)

DEFAULT_LIMIT: Final = 1000
MAX_LIMIT: Final = 5000
# When no ``from`` is given: about a screen of candles before ``to``.
DEFAULT_SPAN: Final = {
    "1m": timedelta(days=3),
    "5m": timedelta(days=10),
    "15m": timedelta(days=30),
    "30m": timedelta(days=60),
    "1h": timedelta(days=120),
    "1d": timedelta(days=366),
    "1w": timedelta(days=5 * 366),
    "1M": timedelta(days=20 * 366),
}
# Source candles per target candle at most, to size a read: 1m -> 1d is one session of minutes
# (MCX trades 09:00-23:55, 895 minutes, the longest day); a month has at most 23 sessions.
SESSION_MINUTES_MAX: Final = 900
DAYS_PER_TARGET: Final = {"1d": 1, "1w": 7, "1M": 23}
MAX_WARMUP: Final = 1500


@dataclass(frozen=True)
class IndicatorLines:
    name: str
    kind: str
    lines: dict[str, list[float | None]]


@dataclass(frozen=True)
class CandlePage:
    instrument_key: str
    trading_symbol: str
    interval: str
    source_interval: str | None
    start: datetime
    end: datetime
    candles: list[Candle]
    next_cursor: str | None
    hint: str | None = None
    indicators: list[IndicatorLines] = field(default_factory=list)


def parse_moment(text: str, name: str, end_of_day: bool) -> datetime:
    """``2025-01-03`` (the IST day: its start, or its end for ``to``) or an ISO date-time
    (IST unless it names a zone)."""
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = time(23, 59, 59) if end_of_day else time(0, 0)
            return datetime.combine(day, moment, IST)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            f"{name}={text!r} is not a date; use YYYY-MM-DD (an IST day) or an ISO date-time "
            "such as 2025-01-03T09:15:00+05:30",
            name,
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=IST)


def check_interval(interval: str) -> None:
    if interval not in INTERVALS:
        raise ValidationFailed(
            f"interval={interval!r} is not one of {', '.join(INTERVALS)} (1M is a month, "
            "1m a minute)",
            "interval",
        )


def source_rows_per_candle(source: str, target: str) -> int:
    """At most how many ``source`` candles make one ``target`` candle (sizes a read)."""
    if source == target:
        return 1
    if target in INTRADAY_SECONDS:
        return INTRADAY_SECONDS[target] // INTRADAY_SECONDS[source]
    days = DAYS_PER_TARGET[target]
    if source == "1d":
        return days
    return days * SESSION_MINUTES_MAX * 60 // INTRADAY_SECONDS[source]


class CandleReadsService:
    def __init__(self, database: Database, instruments: InstrumentsService) -> None:
        self._database = database
        self._instruments = instruments

    def read(
        self,
        symbol: str,
        interval: str,
        start_text: str | None = None,
        end_text: str | None = None,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
        indicators: list[IndicatorSpec] | None = None,
    ) -> CandlePage:
        """One page of ``symbol``'s ``interval`` candles in the range, oldest first."""
        check_interval(interval)
        if not 1 <= limit <= MAX_LIMIT:
            raise ValidationFailed(f"limit is a whole number from 1 to {MAX_LIMIT}", "limit")
        end = parse_moment(end_text, "to", True) if end_text else _end_of_today()
        start = (
            parse_moment(start_text, "from", False) if start_text else end - DEFAULT_SPAN[interval]
        )
        if start > end:
            raise ValidationFailed(
                f"from ({start.isoformat()}) is after to ({end.isoformat()}); swap them", "from"
            )
        start_ts, end_ts = int(start.timestamp()), int(end.timestamp())
        if cursor is not None:
            start_ts = _cursor_ts(cursor, start_ts, end_ts)
        instrument = self.resolve(symbol)
        key = instrument.instrument_key
        with self._database.read() as connection:
            stored = stored_intervals(connection, key, list(INTERVALS))
            source = source_for(interval, stored)
            if source is None:
                return CandlePage(
                    key, instrument.trading_symbol, interval, None, start, end, [], None,
                    _hint(instrument.trading_symbol, interval, start, end, stored),
                )  # fmt: skip
            candles, next_ts = self._page(
                connection, key, source, interval, start_ts, end_ts, limit
            )
            lines: list[IndicatorLines] = []
            if indicators and candles:
                warmup = self._warmup(connection, key, source, interval, candles[0][0], indicators)
                lines = _indicator_lines(indicators, warmup, candles)
        hint = None
        if not candles and cursor is None:
            hint = _hint(instrument.trading_symbol, interval, start, end, stored)
        return CandlePage(
            key,
            instrument.trading_symbol,
            interval,
            source,
            start,
            end,
            candles,
            str(next_ts) if next_ts is not None else None,
            hint,
            lines,
        )

    def resolve(self, symbol: str) -> InstrumentRecord:
        """The instrument ``symbol`` names (the one resolver), its errors naming ``symbol``."""
        try:
            return self._instruments.resolve(symbol).instrument
        except ServiceError as error:
            if error.field == "q":
                error.field = "symbol"
            raise

    def _page(
        self,
        connection: Connection,
        key: str,
        source: str,
        target: str,
        start_ts: int,
        end_ts: int,
        limit: int,
    ) -> tuple[list[Candle], int | None]:
        """``limit`` target candles from ``start_ts`` and the start of the next one (or None)."""
        if source == target:
            page = candles_between(connection, key, source, start_ts, end_ts, limit + 1)
            if len(page) > limit:
                return page[:limit], page[limit][0]
            return page, None
        chunk = (limit + 1) * source_rows_per_candle(source, target)
        rows: list[CandleRow] = []
        read_from = start_ts
        while True:
            more = candles_between(connection, key, source, read_from, end_ts, chunk)
            rows.extend(more)
            buckets = resample(rows, source, target, session_start_seconds(key))
            if len(more) < chunk:  # the whole range is read: every bucket is complete
                if len(buckets) > limit:
                    return buckets[:limit], buckets[limit][0]
                return buckets, None
            # The last bucket may continue past the chunk; the ones before it are complete.
            if len(buckets) > limit:
                return buckets[:limit], buckets[limit][0]
            read_from = rows[-1][0] + 1

    def _warmup(
        self,
        connection: Connection,
        key: str,
        source: str,
        target: str,
        first_ts: int,
        indicators: list[IndicatorSpec],
    ) -> list[Candle]:
        """Candles just before the page, so its first indicator values are settled."""
        needed = min(MAX_WARMUP, max(spec.warmup for spec in indicators))
        per = source_rows_per_candle(source, target)
        rows = candles_before(connection, key, source, first_ts, (needed + 1) * per)
        buckets = resample(rows, source, target, session_start_seconds(key))
        if source != target and len(rows) == (needed + 1) * per and buckets:
            buckets = buckets[1:]  # the oldest bucket may be cut short by the read's limit
        return buckets[-needed:] if needed else []


def _indicator_lines(
    specs: list[IndicatorSpec], warmup: list[Candle], candles: list[Candle]
) -> list[IndicatorLines]:
    closes = [row[4] for row in warmup] + [row[4] for row in candles]
    skip = len(warmup)
    out: list[IndicatorLines] = []
    for spec in specs:
        lines = {name: values[skip:] for name, values in compute(spec, closes).items()}
        out.append(IndicatorLines(spec.name, spec.kind, lines))
    return out


def _cursor_ts(cursor: str, start_ts: int, end_ts: int) -> int:
    if not cursor.isdigit() or not start_ts <= int(cursor) <= end_ts:
        raise ValidationFailed(
            "cursor is not one this range gave out; pass the next_cursor of the previous page "
            "with the same symbol, interval, from and to (or drop cursor to start over)",
            "cursor",
        )
    return int(cursor)


def _end_of_today() -> datetime:
    return datetime.combine(utc_now().astimezone(IST).date(), time(23, 59, 59), IST)


def _hint(symbol: str, interval: str, start: datetime, end: datetime, stored: list[str]) -> str:
    span = f"between {start.date().isoformat()} and {end.date().isoformat()}"
    if not stored:
        return (
            f"No candles stored for {symbol} at any interval. Start a backfill on the Data & "
            "Exports page (/data) or with POST /api/candles/backfill."
        )
    return (
        f"No {interval} candles stored for {symbol} {span} (stored intervals: "
        f"{', '.join(stored)}). Pick another range or interval, or start a backfill on the "
        "Data & Exports page (/data)."
    )


__all__ = ["CandlePage", "CandleReadsService", "IndicatorSpecInvalid", "parse_moment"]
