"""The platform's candle intervals and the Upstox rules a backfill must follow (§7.3).

One table says, per interval label, which v3 ``unit/interval`` fetches it, how long a span
one request may cover, and how far back Upstox keeps it; the backfill splits a range into
chunks by it. :func:`check_candle` is the validation every fetched candle passes before it
is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from scripts.clock import IST
from scripts.db.candles import CandleRow
from scripts.upstox.rest.models import Candle

Span = Literal["month", "quarter", "decade", "unlimited"]
IST_OFFSET_S = 19800  # +05:30; India has had no DST since 1945
# docs/UPSTOX_API.md §7.3: minute and hour candles go back to January 2022, days and longer to
# January 2000.
INTRADAY_HISTORY_FROM = date(2022, 1, 1)
DAILY_HISTORY_FROM = date(2000, 1, 1)


@dataclass(frozen=True)
class IntervalRule:
    label: str  # the platform's name, stored in candles_new.interval
    unit: Literal["minutes", "hours", "days", "weeks", "months"]
    count: int
    span: Span  # longest span one request may cover (§7.3); UDAPI1148 beyond it
    seconds: int  # nominal length; weeks and months are calendar periods (see finished())
    # Candle starts are multiples of this after IST midnight: sessions open at :00 or :15
    # (NSE/BSE 09:15, MCX 09:00), so 30-minute and hourly candles start on a quarter hour.
    align_s: int

    @property
    def intraday(self) -> bool:
        return self.unit in ("minutes", "hours")

    @property
    def history_from(self) -> date:
        return INTRADAY_HISTORY_FROM if self.intraday else DAILY_HISTORY_FROM


INTERVALS: dict[str, IntervalRule] = {
    rule.label: rule
    for rule in (
        IntervalRule("1m", "minutes", 1, "month", 60, 60),
        IntervalRule("5m", "minutes", 5, "month", 300, 300),
        IntervalRule("15m", "minutes", 15, "month", 900, 900),
        IntervalRule("30m", "minutes", 30, "quarter", 1800, 900),
        IntervalRule("1h", "hours", 1, "quarter", 3600, 900),
        IntervalRule("1d", "days", 1, "decade", 86400, 86400),
        IntervalRule("1w", "weeks", 1, "unlimited", 7 * 86400, 86400),
        IntervalRule("1M", "months", 1, "unlimited", 31 * 86400, 86400),
    )
}


def chunks(rule: IntervalRule, start: date, end: date) -> list[tuple[date, date]]:
    """``[start, end]`` split into request-sized pieces, oldest first.

    Pieces end on calendar boundaries (month, quarter, decade end), so each stays within
    Upstox's span limit whatever day it starts on.
    """
    pieces: list[tuple[date, date]] = []
    while start <= end:
        piece_end = min(end, _period_end(rule.span, start))
        pieces.append((start, piece_end))
        start = piece_end + timedelta(days=1)
    return pieces


def _period_end(span: Span, day: date) -> date:
    if span == "unlimited":
        return date.max
    if span == "decade":
        return date(day.year + 9, 12, 31) if day.year + 9 <= 9999 else date.max
    months = 1 if span == "month" else 3
    first_month = (day.month - 1) // months * months + 1  # first month of the period
    year, month = divmod(first_month - 1 + months, 12)
    return date(day.year + year, month + 1, 1) - timedelta(days=1)


def candle_row(instrument_key: str, rule: IntervalRule, candle: Candle) -> CandleRow:
    return CandleRow(
        instrument_key,
        rule.label,
        int(candle.timestamp.timestamp()),
        float(candle.open),
        float(candle.high),
        float(candle.low),
        float(candle.close),
        int(candle.volume),
        int(candle.oi),
    )


def check_candle(rule: IntervalRule, row: CandleRow) -> str | None:
    """Why ``row`` must not be stored, or None if it is a sound candle."""
    if min(row.open, row.high, row.low, row.close) <= 0:
        return "a price is zero or negative"
    if not row.low <= min(row.open, row.close):
        return "low is above open or close"
    if not max(row.open, row.close) <= row.high:
        return "high is below open or close"
    if row.volume < 0:
        return "volume is negative"
    if row.oi < 0:
        return "open interest is negative"
    if (row.ts + IST_OFFSET_S) % rule.align_s:
        return f"the start is not on a {rule.label} boundary"
    return None


def describe_reject(row: CandleRow, reason: str) -> str:
    """One line for the task's reject sample and the log."""
    when = datetime.fromtimestamp(row.ts, IST).strftime("%Y-%m-%d %H:%M")
    return (
        f"{when} IST o={row.open} h={row.high} l={row.low} c={row.close} "
        f"v={row.volume} oi={row.oi}: {reason}"
    )


def finished(rule: IntervalRule, ts: int, now: datetime, session_end: datetime | None) -> bool:
    """Whether the candle starting at ``ts`` is complete at ``now``; a forming candle is never
    stored (insert-or-ignore would keep its partial values for good).

    ``session_end`` is when the candle's day stops trading (None if unknown): the last
    hourly candle of a session ends at the close, not an hour after it starts.
    """
    start = datetime.fromtimestamp(ts, IST)
    if rule.unit == "weeks":
        end = datetime.combine(start.date() - timedelta(days=start.weekday()), start.time(), IST)
        end += timedelta(days=7)
    elif rule.unit == "months":
        end = datetime.combine(_period_end("month", start.date()), start.time(), IST)
        end += timedelta(days=1)
    else:
        end = start + timedelta(seconds=rule.seconds)
        if rule.unit == "days":
            end = session_end or end
        elif session_end is not None:
            end = min(end, session_end)
    return end <= now
