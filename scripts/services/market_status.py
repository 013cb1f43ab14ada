"""Is an exchange open right now? The trading calendar's windows, put in the trader's words.

Statuses: open, pre_open, closing (NSE/BSE's 15:40–16:00 closing-price
session), special_session (Muhurat, MCX's evening on a holiday), closed,
holiday, weekend, and unknown when the calendar's data has run out: never
"open" by default.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from scripts.clock import IST, utc_now
from scripts.services.calendar_data import Window, regular_windows
from scripts.services.trading_calendar import (
    CalendarNotCovered,
    TradingCalendar,
    TradingCalendarService,
    TradingDay,
    hhmm,
)

STATUS_OF_WINDOW = {
    "pre_open": "pre_open",
    "normal": "open",
    "closing": "closing",
    "special": "special_session",
}


def span(window: Window) -> str:
    return f"{hhmm(window.start)}–{hhmm(window.end)} IST"


def market_status(
    calendar: TradingCalendar, now: datetime, exchange: str = "NSE"
) -> dict[str, Any]:
    """Status, the reason in words and the next open (None when the data ends before it)."""
    local = now.astimezone(IST)
    answer: dict[str, Any] = {"exchange": exchange, "now": local.isoformat(), "next_open": None}
    try:
        day = calendar.trading_day(exchange, local.date())
    except CalendarNotCovered as error:
        return answer | {
            "status": "unknown",
            "reason": f"unknown: calendar data ends {error.last_day.isoformat()}. "
            "Update scripts/calendar_data (see its README).",
        }
    window = day.window_at(local)
    status, reason = _words(day, window, exchange)
    try:
        answer["next_open"] = calendar.next_open(exchange, local).isoformat()
    except CalendarNotCovered as error:
        reason += f" Next open unknown: calendar data ends {error.last_day.isoformat()}."
    return answer | {"status": status, "reason": reason}


def _words(day: TradingDay, window: Window | None, exchange: str) -> tuple[str, str]:
    special = day.special
    if window is not None and special is not None:
        if window.kind == "pre_open":
            return "pre_open", f"Pre-open for {special.description} ({span(window)})."
        return "special_session", f"{special.description} ({span(window)})."
    if window is not None:
        status = STATUS_OF_WINDOW[window.kind]
        words = {
            "pre_open": "Pre-open session",
            "open": "Normal market",
            "closing": "Closing session at the closing price",
        }[status]
        return status, f"{words} ({span(window)})."
    later = (
        f" Special session: {special.description} ({span(special.windows()[-1])})."
        if (special)
        else ""
    )
    if day.kind == "weekend":
        return "weekend", "Markets are closed on weekends." + later
    if day.kind == "holiday" and day.holiday is not None:
        return "holiday", f"Trading holiday: {day.holiday.description}." + later
    normal = next((w for w in regular_windows(exchange, day.day) if w.kind == "normal"), None)
    hours = f" ({span(normal)})" if normal and not special else ""
    return "closed", f"Outside market hours{hours}." + later


class MarketStatusService:
    """Market status as of now (clock injectable, so tests pin the instant)."""

    def __init__(
        self, calendar: TradingCalendarService, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._calendar = calendar
        self._clock = clock

    def status(self, exchange: str = "NSE") -> dict[str, Any]:
        return market_status(self._calendar.calendar(), self._clock(), exchange)
