"""Candle backfill: a trader asks for a range, the scheduler's worker fetches it in chunks.

The API only queues a task (:meth:`CandleBackfillService.request`); the scheduler's worker
claims it and runs it (:meth:`run_task`) through ``UpstoxClient.historical_candles``, whose
rate limiter paces the requests. Each chunk's candles and the task's checkpoint are written
in one transaction, so a worker killed at any instant resumes from the last committed chunk,
and candles are insert-or-ignore, so nothing is ever stored twice. Chunks in which the
trading calendar has no session (a weekend, a holiday) are not requested at all.

:meth:`request_for_chart` is the Charts page's one-click backfill (which stored series a chart
interval is drawn from, over a sensible range) and :meth:`fill_gaps` queues exactly what the
coverage report says is missing from a series, so neither rule lives in a page.

The incremental sync that keeps backfilled series current lives in ``candle_sync.py``; what
of the fetched candles is stored (sound, finished) in ``candle_intake.py``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from scripts.clock import IST, utc_now
from scripts.db import Database
from scripts.db.candle_backfill import (
    DONE,
    FAILED,
    QUEUED,
    BackfillTask,
    claim_next_task,
    create_task,
    finish_task,
    mark_backfilled,
    note_series_candles,
    recent_tasks,
    record_chunk,
    requeue_running_tasks,
    requeue_task,
    task_by_id,
)
from scripts.db.candles import insert_candles
from scripts.services.broker import BrokerService
from scripts.services.candle_coverage import CandleCoverageService, SeriesCoverage
from scripts.services.candle_intake import checked_candles, has_session
from scripts.services.candle_intervals import INTERVALS, IntervalRule, chunks
from scripts.services.errors import NotFound, ServiceError, ValidationFailed
from scripts.services.instruments import InstrumentsService
from scripts.services.trading_calendar import TradingCalendar, TradingCalendarService
from scripts.services.upstox_errors import call_upstox
from scripts.upstox.rest.models import Candle

log = logging.getLogger(__name__)

CALENDAR_EXCHANGES = ("NSE", "BSE", "MCX")
MAX_RECENT = 200
# A chart at an intraday interval is drawn from stored 1-minute candles (resampled), a daily
# or coarser one from stored daily candles; without a chosen range the chart's backfill takes
# a month of minutes (Upstox keeps them from January 2022, §7.3) or a year of days.
CHART_BASE: Final = {"intraday": "1m", "daily": "1d"}
CHART_SPAN_DAYS: Final = {"1m": (30, "one month"), "1d": (365, "one year")}
# More separate gaps than this are filled by one task over them all (inserts ignore what is
# already stored, so the overlap costs requests, not duplicates).
MAX_GAP_TASKS: Final = 10


@dataclass(frozen=True)
class ChartPlan:
    """What a chart's backfill fetches: the stored interval the chart is drawn from, the
    range, and the range in words for the button ("one year")."""

    interval: str
    start: date
    end: date
    words: str


def calendar_exchange(segment: str) -> str:
    """Whose trading calendar an instrument follows: NSE_EQ, NSE_FO, NSE_INDEX -> NSE, ..."""
    prefix = segment.split("_", 1)[0]
    return prefix if prefix in CALENDAR_EXCHANGES else "NSE"


def task_view(task: BackfillTask) -> dict[str, Any]:
    """The API's shape of a task (scripts/api_schemas/candle_backfill.py)."""
    progress = 1.0 if task.state == DONE else task.chunks_done / max(task.chunks_total, 1)
    return {
        "task_id": task.id,
        "instrument_key": task.instrument_key,
        "trading_symbol": task.trading_symbol,
        "interval": task.interval,
        "from": task.from_date,
        "to": task.to_date,
        "state": task.state,
        "progress": round(min(progress, 1.0), 4),
        "rows_written": task.rows_written,
        "rows_rejected": task.rows_rejected,
        "reject_sample": task.reject_sample,
        "chunks_done": task.chunks_done,
        "chunks_total": task.chunks_total,
        "note": task.note,
        "error": task.error,
        "created_at": task.created_at,
        "started_at": task.started_at,
        "finished_at": task.finished_at,
    }


class CandleBackfillService:
    def __init__(
        self,
        database: Database,
        broker: BrokerService,
        calendar: TradingCalendarService,
        instruments: InstrumentsService,
        clock: Callable[[], datetime] = utc_now,
        coverage: CandleCoverageService | None = None,
    ) -> None:
        self._coverage = coverage
        self._database = database
        self._broker = broker
        self._calendar = calendar
        self._instruments = instruments
        self._clock = clock

    # --- what the API does: queue and report --------------------------------------------
    def request(
        self, instrument: str, interval: str, from_text: str, to_text: str
    ) -> dict[str, Any]:
        """Validate a backfill request and queue it; the scheduler's worker does the work."""
        rule = INTERVALS.get(interval)
        if rule is None:
            raise ValidationFailed(
                f"Unknown interval {interval!r}; use one of {', '.join(INTERVALS)}.", "interval"
            )
        start = _parse_day(from_text, "from")
        end = _parse_day(to_text, "to")
        today = self._clock().astimezone(IST).date()
        if start > end:
            raise ValidationFailed(
                f"'from' ({start}) is after 'to' ({end}); swap them or pick a later 'to'.", "from"
            )
        if end > today:
            raise ValidationFailed(
                f"'to' ({end}) is in the future; the latest day with candles is today ({today}).",
                "to",
            )
        if end < rule.history_from:
            raise ValidationFailed(
                f"Upstox keeps {interval} candles from {rule.history_from} (§7.3); "
                f"choose a 'to' on or after {rule.history_from}.",
                "to",
            )
        note = None
        if start < rule.history_from:
            note = (
                f"'from' moved from {start} to {rule.history_from}: Upstox keeps {interval} "
                f"candles only from {rule.history_from}."
            )
            start = rule.history_from
        found = self._instruments.resolve(instrument).instrument
        with self._database.transaction() as connection:
            task_id = create_task(
                connection,
                instrument_key=found.instrument_key,
                trading_symbol=found.trading_symbol,
                exchange=calendar_exchange(found.segment),
                interval=interval,
                from_date=start,
                to_date=end,
                chunks_total=len(chunks(rule, start, end)),
                note=note,
            )
            task = task_by_id(connection, task_id)
        assert task is not None
        log.info(
            "queued candle backfill %d: %s %s %s..%s",
            task.id,
            task.instrument_key,
            interval,
            start,
            end,
        )
        return task_view(task)

    def chart_plan(
        self, chart_interval: str, from_text: str | None = None, to_text: str | None = None
    ) -> ChartPlan:
        """The backfill behind a chart: its base series over the chosen range, or over a
        month (intraday) or a year (daily and coarser) up to today."""
        rule = INTERVALS.get(chart_interval)
        if rule is None:
            raise ValidationFailed(
                f"Unknown interval {chart_interval!r}; use one of {', '.join(INTERVALS)}.",
                "interval",
            )
        base = CHART_BASE["intraday" if rule.intraday else "daily"]
        today = self._clock().astimezone(IST).date()
        end = _parse_day(to_text, "to") if to_text else today
        end = min(end, today)
        days, words = CHART_SPAN_DAYS[base]
        if from_text:
            start = _parse_day(from_text, "from")
            words = f"{start:%d %b %Y} to {end:%d %b %Y}"
        else:
            start = end - timedelta(days=days)
        return ChartPlan(base, max(start, INTERVALS[base].history_from), end, words)

    def request_for_chart(
        self,
        instrument: str,
        chart_interval: str,
        from_text: str | None = None,
        to_text: str | None = None,
    ) -> dict[str, Any]:
        """Queue the backfill a chart needs (see :meth:`chart_plan`)."""
        plan = self.chart_plan(chart_interval, from_text, to_text)
        return self.request(instrument, plan.interval, plan.start.isoformat(), plan.end.isoformat())

    def fill_gaps(self, instrument: str, interval: str) -> list[dict[str, Any]]:
        """Queue exactly what the coverage report says a stored series lacks: one task per
        gap (missing or partial sessions) and one from its last candle's day to today when
        sessions have begun since; an empty list when nothing is missing."""
        if self._coverage is None:
            raise ServiceError("Gap filling needs the coverage service; the platform wires it.")
        if interval not in INTERVALS:
            raise ValidationFailed(
                f"Unknown interval {interval!r}; use one of {', '.join(INTERVALS)}.", "interval"
            )
        found = self._coverage.coverage(instrument, interval)
        if not found:
            raise NotFound(
                f"No {interval} candles stored for {instrument!r}, so no gaps to fill; start a "
                "backfill with POST /api/candles/backfill.",
                "symbol",
            )
        ranges = missing_ranges(found[0], self._clock().astimezone(IST).date())
        return [
            self.request(found[0].instrument_key, interval, start.isoformat(), end.isoformat())
            for start, end in ranges
        ]

    def task(self, task_id: int) -> dict[str, Any]:
        with self._database.read() as connection:
            task = task_by_id(connection, task_id)
        if task is None:
            raise NotFound(
                f"No backfill task {task_id}; GET /api/candles/backfill lists the recent ones.",
                "task_id",
            )
        return task_view(task)

    def recent(self, limit: int = 50) -> list[dict[str, Any]]:
        with self._database.read() as connection:
            return [task_view(task) for task in recent_tasks(connection, min(limit, MAX_RECENT))]

    # --- what the scheduler's worker does ------------------------------------------------
    def requeue_interrupted(self) -> int:
        """Put tasks a dead scheduler left ``running`` back in the queue (checkpoint kept)."""
        with self._database.transaction() as connection:
            count = requeue_running_tasks(connection)
        if count:
            log.info("%d interrupted candle backfill(s) will resume from their checkpoint", count)
        return count

    def claim_next(self, worker: str) -> BackfillTask | None:
        with self._database.transaction() as connection:
            return claim_next_task(connection, worker)

    def run_task(self, task: BackfillTask, stop: threading.Event | None = None) -> str:
        """Fetch the task's remaining chunks; returns its final state (``queued`` if stopped)."""
        rule = INTERVALS[task.interval]
        remaining = chunks(rule, task.next_from, task.to_date) if task.next_from else []
        log.info(
            "candle backfill %d: %s %s, %d chunk(s) left of %d",
            task.id,
            task.instrument_key,
            task.interval,
            len(remaining),
            task.chunks_total,
        )
        try:
            calendar = self._calendar.calendar()
            for index, (start, end) in enumerate(remaining):
                if stop is not None and stop.is_set():
                    with self._database.transaction() as connection:
                        requeue_task(connection, task.id)
                    return QUEUED
                last = index == len(remaining) - 1
                self._run_chunk(task, rule, calendar, start, end, None if last else end)
        except ServiceError as error:
            return self._fail(task, error.message)
        except Exception as error:  # noqa: BLE001 - a task fails with its reason, never the worker
            log.exception("candle backfill %d failed", task.id)
            return self._fail(task, f"{type(error).__name__}: {error}")
        with self._database.transaction() as connection:
            finish_task(connection, task.id, DONE, None)
            mark_backfilled(connection, task.instrument_key, task.interval, task)
            done = task_by_id(connection, task.id)
        log.info(
            "candle backfill %d done: %d written, %d rejected",
            task.id,
            done.rows_written if done else 0,
            done.rows_rejected if done else 0,
        )
        return DONE

    def _run_chunk(
        self,
        task: BackfillTask,
        rule: IntervalRule,
        calendar: TradingCalendar,
        start: date,
        end: date,
        chunk_end: date | None,
    ) -> None:
        key = task.instrument_key
        candles: list[Candle] = []
        if has_session(calendar, task.exchange, start, end):
            candles = call_upstox(
                lambda: self._broker.client.historical_candles(
                    key, rule.unit, rule.count, end, start
                )
            )
        rows, rejects = checked_candles(task.exchange, rule, key, candles, calendar, self._clock())
        if rejects:
            log.warning(
                "candle backfill %d: %d candle(s) of %s %s rejected, e.g. %s",
                task.id,
                len(rejects),
                key,
                rule.label,
                rejects[0],
            )
        next_from = chunk_end + timedelta(days=1) if chunk_end else None
        with self._database.transaction() as connection:
            written = insert_candles(connection, rows)
            note_series_candles(
                connection, key, rule.label, task.exchange, max((r.ts for r in rows), default=None)
            )
            record_chunk(
                connection, task.id, next_from=next_from, written=written, rejected=rejects
            )

    def _fail(self, task: BackfillTask, message: str) -> str:
        log.warning("candle backfill %d failed: %s", task.id, message)
        with self._database.transaction() as connection:
            finish_task(connection, task.id, FAILED, message)
        return FAILED


def missing_ranges(series: SeriesCoverage, today: date) -> list[tuple[date, date]]:
    """The day ranges to fetch so ``series`` has no gap and reaches today: its gaps, and
    its last candle's day to today when it is behind (that day again: it may be partial)."""
    ranges = [(gap.first_day, gap.last_day) for gap in series.gaps]
    if len(ranges) > MAX_GAP_TASKS:
        ranges = [(ranges[0][0], ranges[-1][1])]
    if series.sessions_behind is None or series.sessions_behind > 0:
        last_day = series.last.astimezone(IST).date()
        if last_day < today:
            ranges.append((last_day, today))
    return ranges


def _parse_day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            f"'{field}' must be a date as YYYY-MM-DD (IST), got {text!r}.", field
        ) from None
