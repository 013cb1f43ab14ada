"""What candles are stored: per series its first and last candle, count, freshness and gaps.

Gaps are judged against the one trading calendar (``scripts/services/trading_calendar.py``),
never against weekdays: a session day inside ``[first, last]`` of a series with no candle is
missing; a weekend or a holiday never is. For 1w and 1M series a week (month) that had
sessions but has no candle is missing, reported as its session days. For intraday series a
session with fewer than ``PARTIAL_SHARE`` of the candles its minutes allow (e.g. under 300 of
375 one-minute candles) is a *partial* gap; today's session is not judged while it may still
be running. Days the calendar does not cover (before or after its data) are not judged; the
answer says how many were skipped. Gaps are reported as ranges of consecutive missing
sessions, so a fortnight missing is one line, not ten.

Freshness: how many sessions have ended since the series' last candle (0 = up to date).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Final, Literal

from scripts.clock import IST, utc_now
from scripts.db import Database
from scripts.db.candle_reads import SeriesSummary, candles_per_day, series_summaries
from scripts.db.instruments import instrument_by_key
from scripts.services.candle_reads import CandleReadsService, check_interval
from scripts.services.candle_resample import INTRADAY_SECONDS, ist_midnight
from scripts.services.trading_calendar import (
    CalendarNotCovered,
    TradingCalendar,
    TradingCalendarService,
    TradingDay,
)

# A session with fewer than this share of its possible intraday candles counts as a gap.
PARTIAL_SHARE: Final = 0.8
# Coverage of more series than this in one answer would be a report, not a page.
MAX_SERIES: Final = 500
# How far back freshness looks for the last session: more than any exchange closure.
FRESHNESS_LOOKBACK_DAYS: Final = 4000
GapKind = Literal["missing", "partial"]
SEGMENT_EXCHANGE: Final = {"NSE": "NSE", "NCD": "NSE", "BSE": "BSE", "BCD": "BSE", "MCX": "MCX"}


@dataclass(frozen=True)
class Gap:
    kind: GapKind
    first_day: date
    last_day: date
    sessions: int


@dataclass(frozen=True)
class SeriesCoverage:
    instrument_key: str
    trading_symbol: str | None
    interval: str
    first: datetime
    last: datetime
    count: int
    exchange: str
    last_session: date | None
    sessions_behind: int | None
    missing_sessions: int
    partial_sessions: int
    sessions_not_judged: int
    gaps: list[Gap] = field(default_factory=list)


def exchange_of(instrument_key: str) -> str:
    """The calendar an instrument trades on: NSE_EQ, NSE_FO, NSE_INDEX -> NSE; MCX_FO -> MCX."""
    return SEGMENT_EXCHANGE.get(instrument_key[:3], "NSE")


def period_of(day: date, interval: str) -> tuple[int, ...]:
    """The candle a day belongs to: the day itself, its ISO week, or its month."""
    if interval == "1w":
        year, week, _ = day.isocalendar()
        return (year, week)
    if interval == "1M":
        return (day.year, day.month)
    return (day.toordinal(),)


def expected_candles(session: TradingDay, interval: str) -> int:
    """Candles an intraday series can have on a session: its trading minutes / the interval."""
    seconds = sum(
        (datetime.combine(session.day, w.end) - datetime.combine(session.day, w.start)).seconds
        for w in session.windows
        if w.kind in ("normal", "special")
    )
    return math.ceil(seconds / INTRADAY_SECONDS[interval])


class CandleCoverageService:
    def __init__(
        self, database: Database, calendar: TradingCalendarService, reads: CandleReadsService
    ) -> None:
        self._database = database
        self._calendar = calendar
        self._reads = reads

    def coverage(
        self, symbol: str | None = None, interval: str | None = None
    ) -> list[SeriesCoverage]:
        """Coverage of every stored series, or of one instrument's (any text the resolver
        takes), or of one interval's."""
        if interval is not None:
            check_interval(interval)
        instrument_key = self._reads.resolve(symbol).instrument_key if symbol else None
        calendar = self._calendar.calendar()
        out: list[SeriesCoverage] = []
        with self._database.read() as connection:
            summaries = series_summaries(connection, instrument_key, interval)[:MAX_SERIES]
            symbols: dict[str, str | None] = {}
            for summary in summaries:
                if summary.instrument_key not in symbols:
                    record = instrument_by_key(connection, summary.instrument_key)
                    symbols[summary.instrument_key] = record.trading_symbol if record else None
                per_day = candles_per_day(
                    connection,
                    summary.instrument_key,
                    summary.interval,
                    summary.first_ts,
                    summary.last_ts,
                )
                out.append(
                    judge(summary, symbols[summary.instrument_key], per_day, calendar, utc_now())
                )
        return out


def judge(
    summary: SeriesSummary,
    trading_symbol: str | None,
    per_day: dict[int, int],
    calendar: TradingCalendar,
    now: datetime,
) -> SeriesCoverage:
    """Gaps and freshness of one series from its candles per IST day (pure but for the
    calendar's data)."""
    exchange = exchange_of(summary.instrument_key)
    interval = summary.interval
    first_day = _day(summary.first_ts)
    last_day = _day(summary.last_ts)
    today = now.astimezone(IST).date()
    present = {period_of(_day(ist_midnight(number)), interval) for number in per_day}
    if interval in ("1w", "1M"):  # the period's first candle may start before first_ts's day
        first_day = _period_start(first_day, interval)
        last_day = _period_end(last_day, interval)
    judged_days: list[tuple[date, GapKind | None]] = []
    not_judged = 0
    day = first_day
    while day <= last_day:
        try:
            session = calendar.trading_day(exchange, day)
        except CalendarNotCovered:
            not_judged += 1
            day += timedelta(days=1)
            continue
        if session.opens():
            judged_days.append((day, _verdict(session, interval, per_day, present, today)))
        day += timedelta(days=1)
    gaps = _ranges(judged_days)
    last_session, behind = _freshness(calendar, exchange, interval, last_day, now)
    return SeriesCoverage(
        instrument_key=summary.instrument_key,
        trading_symbol=trading_symbol,
        interval=interval,
        first=datetime.fromtimestamp(summary.first_ts, IST),
        last=datetime.fromtimestamp(summary.last_ts, IST),
        count=summary.count,
        exchange=exchange,
        last_session=last_session,
        sessions_behind=behind,
        missing_sessions=sum(g.sessions for g in gaps if g.kind == "missing"),
        partial_sessions=sum(g.sessions for g in gaps if g.kind == "partial"),
        sessions_not_judged=not_judged,
        gaps=gaps,
    )


def _verdict(
    session: TradingDay,
    interval: str,
    per_day: dict[int, int],
    present: set[tuple[int, ...]],
    today: date,
) -> GapKind | None:
    if period_of(session.day, interval) not in present:
        return "missing"
    if interval in INTRADAY_SECONDS and session.day != today:
        have = per_day.get(session.day.toordinal() - _EPOCH_ORDINAL, 0)
        if have == 0:
            return "missing"
        if have < PARTIAL_SHARE * expected_candles(session, interval):
            return "partial"
    return None


def _ranges(days: list[tuple[date, GapKind | None]]) -> list[Gap]:
    """Runs of consecutive judged sessions with the same verdict, as gap ranges."""
    gaps: list[Gap] = []
    run: list[date] = []
    kind: GapKind | None = None
    for day, verdict in [*days, (date.max, None)]:
        if verdict != kind and run and kind is not None:
            gaps.append(Gap(kind, run[0], run[-1], len(run)))
            run = []
        if verdict is not None:
            if verdict != kind:
                run = []
            run.append(day)
        kind = verdict
    return gaps


def _freshness(
    calendar: TradingCalendar, exchange: str, interval: str, last_day: date, now: datetime
) -> tuple[date | None, int | None]:
    """The last session that has started by ``now``, and how many sessions after the series'
    last candle (in a later day, week or month than it) have started since."""
    local = now.astimezone(IST)
    day = local.date()
    last_session: date | None = None
    behind = 0
    try:
        for _ in range(FRESHNESS_LOOKBACK_DAYS):
            session = calendar.trading_day(exchange, day)
            if any(start <= local for start in session.opens()):
                last_session = last_session or day
                if day > last_day and period_of(day, interval) != period_of(last_day, interval):
                    behind += 1
            if day <= last_day and last_session is not None:
                break
            day -= timedelta(days=1)
    except CalendarNotCovered:
        return last_session, None
    return last_session, behind


def _day(ts: int) -> date:
    return datetime.fromtimestamp(ts, IST).date()


def _period_start(day: date, interval: str) -> date:
    return day - timedelta(days=day.weekday()) if interval == "1w" else day.replace(day=1)


def _period_end(day: date, interval: str) -> date:
    if interval == "1w":
        return day + timedelta(days=6 - day.weekday())
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
