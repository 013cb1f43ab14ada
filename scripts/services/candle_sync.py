"""Incremental candle sync: keeps every backfilled series current (the scheduled jobs
``candle_sync_intraday`` and ``candle_sync_eod``), fetching only what is missing since its
newest stored candle. Series come from ``candle_sync_state``, which finished backfills fill.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from scripts.clock import IST, utc_now
from scripts.db import Database
from scripts.db.candle_backfill import (
    SeriesState,
    backfilled_series,
    note_series_candles,
    record_series_sync,
)
from scripts.db.candles import insert_candles
from scripts.services.broker import BrokerService
from scripts.services.candle_intake import checked_candles, has_session, trading_now
from scripts.services.candle_intervals import INTERVALS, IntervalRule, chunks
from scripts.services.errors import ServiceError
from scripts.services.trading_calendar import TradingCalendar, TradingCalendarService
from scripts.services.upstox_errors import call_upstox
from scripts.upstox.rest.models import Candle

log = logging.getLogger(__name__)


class CandleSyncService:
    def __init__(
        self,
        database: Database,
        broker: BrokerService,
        calendar: TradingCalendarService,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._database = database
        self._broker = broker
        self._calendar = calendar
        self._clock = clock

    def sync_intraday(self) -> tuple[int, str]:
        """Today's finished intraday candles of every backfilled minute/hour series whose
        exchange is trading now; (rows written, what happened)."""
        if self._broker.vault.access_token() is None:
            return 0, "skipped: not logged in to Upstox"
        now = self._clock()
        calendar = self._calendar.calendar()
        series = [s for s in self._series() if INTERVALS[s.interval].intraday]
        if not series:
            return 0, "no backfilled minute or hour series to keep current"
        open_series = [s for s in series if trading_now(calendar, s.exchange, now)]
        if not open_series:
            return 0, "skipped: the market is closed now; the end-of-day sync fills the rest"
        written = 0
        for state in open_series:
            rule = INTERVALS[state.interval]
            candles = call_upstox(
                lambda: self._broker.client.intraday_candles(
                    state.instrument_key, rule.unit, rule.count  # type: ignore[arg-type]
                )
            )
            written += self._store_sync(state, rule, candles, calendar)
        return written, f"{written} candle(s) for {len(open_series)} series"

    def sync_end_of_day(self) -> tuple[int, str]:
        """Everything missing since each backfilled series' newest candle, up to today."""
        if self._broker.vault.access_token() is None:
            return 0, "skipped: not logged in to Upstox"
        today = self._clock().astimezone(IST).date()
        calendar = self._calendar.calendar()
        written, failed = 0, []
        series = self._series()
        for state in series:
            rule = INTERVALS[state.interval]
            since = (
                datetime.fromtimestamp(state.last_ts, IST).date()
                if state.last_ts is not None
                else state.backfilled_to or today
            )
            try:
                for start, end in chunks(rule, max(since, rule.history_from), today):
                    if not has_session(calendar, state.exchange, start, end):
                        continue
                    candles = call_upstox(
                        lambda: self._broker.client.historical_candles(
                            state.instrument_key, rule.unit, rule.count, end, start
                        )
                    )
                    written += self._store_sync(state, rule, candles, calendar)
            except ServiceError as error:
                failed.append(f"{state.instrument_key} {state.interval}: {error.message}")
        message = f"{written} candle(s) for {len(series)} series"
        if failed:
            raise ServiceError(message + "; failed: " + "; ".join(failed))
        return written, message

    def _series(self) -> list[SeriesState]:
        with self._database.read() as connection:
            return backfilled_series(connection)

    def _store_sync(
        self,
        state: SeriesState,
        rule: IntervalRule,
        candles: list[Candle],
        calendar: TradingCalendar,
    ) -> int:
        rows, rejects = checked_candles(
            state.exchange, rule, state.instrument_key, candles, calendar, self._clock()
        )
        if rejects:
            log.warning(
                "candle sync: %d candle(s) of %s %s rejected, e.g. %s",
                len(rejects),
                state.instrument_key,
                rule.label,
                rejects[0],
            )
        with self._database.transaction() as connection:
            written = insert_candles(connection, rows)
            note_series_candles(
                connection,
                state.instrument_key,
                rule.label,
                state.exchange,
                max((r.ts for r in rows), default=None),
            )
            record_series_sync(
                connection,
                state.instrument_key,
                rule.label,
                f"{written} new candle(s), {len(rejects)} rejected",
            )
        return written
