"""NSE trading calendar: weekday sessions 09:15-15:30 IST minus the published holidays.

Holiday dates come from docs/NSE_DATA.md §2 (2025 and 2026 only). Other years have weekends
as their only closures, which the docs (SANDBOX.md) call out. The Muhurat session of
2025-10-21 is modelled as a closed day. In ``always_open`` mode every calendar day is one
session from 00:00 to 24:00 so demos work at night and at weekends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from scripts.upstox_sandbox.clock import IST

# Dates from docs/NSE_DATA.md §2; descriptions are best-effort labels for the holiday API.
NSE_HOLIDAYS: dict[date, str] = {
    date(2025, 2, 26): "Mahashivratri",
    date(2025, 3, 14): "Holi",
    date(2025, 3, 31): "Id-Ul-Fitr (Ramadan Eid)",
    date(2025, 4, 10): "Shri Mahavir Jayanti",
    date(2025, 4, 14): "Dr. Baba Saheb Ambedkar Jayanti",
    date(2025, 4, 18): "Good Friday",
    date(2025, 5, 1): "Maharashtra Day",
    date(2025, 8, 15): "Independence Day",
    date(2025, 8, 27): "Ganesh Chaturthi",
    date(2025, 10, 2): "Mahatma Gandhi Jayanti / Dussehra",
    date(2025, 10, 21): "Diwali Laxmi Pujan (Muhurat session not modelled)",
    date(2025, 10, 22): "Diwali Balipratipada",
    date(2025, 11, 5): "Prakash Gurpurb Sri Guru Nanak Dev",
    date(2025, 12, 25): "Christmas",
    date(2026, 1, 15): "Municipal Corporation Elections",
    date(2026, 1, 26): "Republic Day",
    date(2026, 3, 3): "Holi",
    date(2026, 3, 26): "Shri Ram Navami",
    date(2026, 3, 31): "Shri Mahavir Jayanti",
    date(2026, 4, 3): "Good Friday",
    date(2026, 4, 14): "Dr. Baba Saheb Ambedkar Jayanti",
    date(2026, 5, 1): "Maharashtra Day",
    date(2026, 5, 28): "Bakri Id",
    date(2026, 6, 26): "Muharram",
    date(2026, 9, 14): "Ganesh Chaturthi",
    date(2026, 10, 2): "Mahatma Gandhi Jayanti",
    date(2026, 10, 20): "Dussehra",
    date(2026, 11, 10): "Diwali Balipratipada",
    date(2026, 11, 24): "Prakash Gurpurb Sri Guru Nanak Dev",
    date(2026, 12, 25): "Christmas",
}

SESSION_OPEN = time(9, 15)
SESSION_CLOSE = time(15, 30)
# Exchanges the holiday/timing APIs list, with their normal hours (docs/UPSTOX_API.md §7.4).
EXCHANGE_HOURS: dict[str, tuple[time, time]] = {
    "NSE": (time(9, 15), time(15, 30)),
    "NFO": (time(9, 15), time(15, 30)),
    "BSE": (time(9, 15), time(15, 30)),
    "BFO": (time(9, 15), time(15, 30)),
    "MCX": (time(9, 0), time(17, 0)),
    "CDS": (time(9, 0), time(17, 0)),
    "BCD": (time(9, 0), time(17, 0)),
}


@dataclass
class TradingCalendar:
    """Answers "is the market open" and "which minute of which session" for the sandbox."""

    always_open: bool = False

    def is_trading_day(self, day: date) -> bool:
        if self.always_open:
            return True
        return day.weekday() < 5 and day not in NSE_HOLIDAYS

    def session_bounds(self, day: date) -> tuple[datetime, datetime] | None:
        """Open and close instants of the day's session, or None on a closed day."""
        if not self.is_trading_day(day):
            return None
        if self.always_open:
            start = datetime.combine(day, time(0, 0), IST)
            return start, start + timedelta(days=1)
        return datetime.combine(day, SESSION_OPEN, IST), datetime.combine(day, SESSION_CLOSE, IST)

    def session_minutes(self, day: date) -> int:
        """Number of one-minute bars in the day's session (0 when closed)."""
        bounds = self.session_bounds(day)
        if bounds is None:
            return 0
        return int((bounds[1] - bounds[0]).total_seconds() // 60)

    def is_open(self, when: datetime) -> bool:
        bounds = self.session_bounds(when.astimezone(IST).date())
        return bounds is not None and bounds[0] <= when < bounds[1]

    def previous_trading_day(self, day: date) -> date:
        day -= timedelta(days=1)
        while not self.is_trading_day(day):
            day -= timedelta(days=1)
        return day

    def next_trading_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_trading_day(day):
            day += timedelta(days=1)
        return day

    def last_session_day(self, when: datetime) -> date:
        """The latest trading day whose session has started at or before ``when``."""
        day = when.astimezone(IST).date()
        bounds = self.session_bounds(day)
        if bounds is not None and when >= bounds[0]:
            return day
        return self.previous_trading_day(day)

    def next_open(self, when: datetime) -> datetime:
        """The next session open strictly after ``when`` (or now if inside a session)."""
        day = when.astimezone(IST).date()
        bounds = self.session_bounds(day)
        if bounds is not None and when < bounds[0]:
            return bounds[0]
        nxt = self.session_bounds(self.next_trading_day(day))
        assert nxt is not None
        return nxt[0]

    def trading_days(self, start: date, end: date) -> list[date]:
        """Trading days in [start, end], oldest first."""
        days = []
        day = start
        while day <= end:
            if self.is_trading_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def holidays_in_year(self, year: int) -> list[tuple[date, str]]:
        return sorted((d, text) for d, text in NSE_HOLIDAYS.items() if d.year == year)
