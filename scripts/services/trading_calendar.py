"""One trading calendar for NSE, BSE and MCX: which windows a day has, and nothing past its data.

Built from the bundled files in ``scripts/calendar_data``, the holidays the
``market_holidays`` table holds, and the repo's override file (which wins). A
day outside the data raises :class:`CalendarNotCovered`: a calendar library
that runs out of holidays silently makes every weekday a session, and a
platform that then says "open" on Diwali is worse than one that says "unknown".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

from scripts.clock import IST
from scripts.db import Database
from scripts.db.holidays import holidays_of
from scripts.services.calendar_data import (
    CALENDAR_DIR,
    OVERRIDES_FILE,
    CalendarData,
    Coverage,
    Holiday,
    Override,
    SpecialSession,
    Window,
    load_bundled,
    load_overrides,
    regular_hours,
    regular_windows,
)
from scripts.services.errors import ServiceError

logger = logging.getLogger(__name__)

DayKind = Literal["trading", "weekend", "holiday"]
# How far next_open looks ahead; no exchange has closed this long since the calendars began.
NEXT_OPEN_HORIZON_DAYS = 30


def hhmm(moment: time) -> str:
    """``09:15``: how a session time is shown and sent."""
    return moment.strftime("%H:%M")


class CalendarNotCovered(ServiceError):
    """The calendar's data ends before (or starts after) the day asked about."""

    http_status = 404
    code = "calendar_not_covered"

    def __init__(self, exchange: str, day: date, first_day: date, last_day: date) -> None:
        super().__init__(
            f"The {exchange} trading calendar covers {first_day.isoformat()} to "
            f"{last_day.isoformat()}; {day.isoformat()} is outside it. Update the calendar data "
            "(scripts/calendar_data, see its README) or add the day to overrides.csv.",
            field="year",
        )
        self.exchange = exchange
        self.day = day
        self.last_day = last_day


@dataclass(frozen=True)
class TradingDay:
    """One exchange's day: what kind of day it is and the windows it trades in."""

    exchange: str
    day: date
    kind: DayKind
    windows: list[Window]
    holiday: Holiday | None = None
    special: SpecialSession | None = None

    def window_at(self, moment: datetime) -> Window | None:
        local = moment.astimezone(IST).time()
        return next((window for window in self.windows if window.holds(local)), None)

    def opens(self) -> list[datetime]:
        """When trading (not pre-open) begins on this day, in IST."""
        return [
            datetime.combine(self.day, window.start, tzinfo=IST)
            for window in self.windows
            if window.kind in ("normal", "special")
        ]


class TradingCalendar:
    """The calendar over one snapshot of the data (cheap to build; rebuilt when data changes)."""

    def __init__(self, data: CalendarData) -> None:
        self._data = data

    def covered_until(self, exchange: str) -> date:
        return self._coverage(exchange).last_day

    def trading_day(self, exchange: str, day: date) -> TradingDay:
        """The day's kind and windows; raises CalendarNotCovered outside the data."""
        self._check(exchange, day)
        holiday = self._data.holidays.get(exchange, {}).get(day)
        special = self._data.special_sessions.get(exchange, {}).get(day)
        kind: DayKind = "weekend" if day.weekday() >= 5 else "holiday" if holiday else "trading"
        if special:
            windows = special.windows()
        elif kind == "trading":
            windows = regular_windows(exchange, day)
        else:
            windows = []
        return TradingDay(exchange, day, kind, windows, holiday, special)

    def next_open(self, exchange: str, after: datetime) -> datetime:
        """The first start of trading strictly after ``after``; CalendarNotCovered past the data."""
        local = after.astimezone(IST)
        for offset in range(NEXT_OPEN_HORIZON_DAYS + 1):
            day = self.trading_day(exchange, local.date() + timedelta(days=offset))
            ahead = [start for start in day.opens() if start > local]
            if ahead:
                return ahead[0]
        raise RuntimeError(
            f"no {exchange} session within {NEXT_OPEN_HORIZON_DAYS} days of {local.date()}: "
            "the calendar data looks wrong"
        )

    def year(self, exchange: str, year: int) -> dict[str, Any]:
        """Holidays, special sessions and regular hours of one covered year (the API's shape)."""
        coverage = self._coverage(exchange)
        for day in (date(year, 1, 1), date(year, 12, 31)):
            self._check(exchange, day)
        holidays = sorted(
            (h for h in self._data.holidays.get(exchange, {}).values() if h.day.year == year),
            key=lambda h: h.day,
        )
        sessions = sorted(
            (
                s
                for s in self._data.special_sessions.get(exchange, {}).values()
                if s.day.year == year
            ),
            key=lambda s: s.day,
        )
        return {
            "exchange": exchange,
            "year": year,
            "covered_from": coverage.first_day,
            "covered_until": coverage.last_day,
            "regular_sessions": [
                {"kind": h.kind, "start": hhmm(h.start), "end": hhmm(h.end), "note": h.note}
                for h in regular_hours(exchange)
            ],
            "holidays": [
                {
                    "date": h.day,
                    "weekday": h.day.strftime("%A"),
                    "description": h.description,
                    "closed": h.closed,
                    "source": h.source,
                }
                for h in holidays
            ],
            "special_sessions": [
                {
                    "date": s.day,
                    "weekday": s.day.strftime("%A"),
                    "description": s.description,
                    "pre_open": hhmm(s.pre_open) if s.pre_open else None,
                    "open": hhmm(s.open),
                    "close": hhmm(s.close),
                    "source": s.source,
                }
                for s in sessions
            ],
        }

    def _coverage(self, exchange: str) -> Coverage:
        coverage = self._data.coverage.get(exchange)
        if coverage is None:
            raise ServiceError(f"No trading calendar for exchange {exchange!r}.", "exchange")
        return coverage

    def _check(self, exchange: str, day: date) -> None:
        coverage = self._coverage(exchange)
        if not coverage.holds(day):
            raise CalendarNotCovered(exchange, day, coverage.first_day, coverage.last_day)


class TradingCalendarService:
    """Builds the calendar from the bundled files, the holiday table and the override file.

    The bundled files are read once (they change only with a release); the
    override file is re-read when it changes on disk, so a correction takes
    effect without a restart.
    """

    def __init__(
        self,
        database: Database,
        directory: Path = CALENDAR_DIR,
        overrides_file: Path = OVERRIDES_FILE,
    ) -> None:
        self._database = database
        self._directory = directory
        self._overrides_file = overrides_file
        self._bundled: CalendarData | None = None
        self._overrides: tuple[float, list[Override]] | None = None

    def calendar(self) -> TradingCalendar:
        if self._bundled is None:
            self._bundled = load_bundled(self._directory)
        with self._database.read() as connection:
            stored = [
                Holiday(row.exchange, row.holiday_date, row.description, source=row.source)
                for row in holidays_of(connection)
            ]
        return TradingCalendar(
            self._bundled.with_holidays(stored).with_overrides(self._override_rows())
        )

    def year(self, exchange: str, year: int) -> dict[str, Any]:
        return self.calendar().year(exchange, year)

    def _override_rows(self) -> list[Override]:
        try:
            stamp = self._overrides_file.stat().st_mtime
        except FileNotFoundError:
            return []
        if self._overrides is None or self._overrides[0] != stamp:
            self._overrides = (stamp, load_overrides(self._overrides_file))
            logger.info("trading calendar overrides read from %s", self._overrides_file)
        return self._overrides[1]
