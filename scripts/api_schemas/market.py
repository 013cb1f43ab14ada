"""Market state of an exchange as of now, and its trading calendar for a year."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Exchange = Literal["NSE", "BSE", "MCX"]
MarketState = Literal[
    "open", "pre_open", "closing", "special_session", "closed", "holiday", "weekend", "unknown"
]
SessionKind = Literal["pre_open", "normal", "closing", "special"]


def clock_time(description: str = "IST, HH:MM") -> Any:
    """A time of day as the trader reads it: ``09:15`` (IST; JSON Schema's time needs a zone)."""
    return Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description=description)


class MarketStatus(BaseModel):
    exchange: str
    status: MarketState
    reason: str = Field(
        description="In words, e.g. Trading holiday: Diwali. When the calendar data has run out: "
        "unknown: calendar data ends <date>."
    )
    now: datetime = Field(description="IST")
    next_open: datetime | None = Field(
        default=None, description="IST; null when the calendar data ends before it"
    )


class SessionHours(BaseModel):
    kind: SessionKind
    start: str = clock_time()
    end: str = clock_time()
    note: str = ""


class CalendarHoliday(BaseModel):
    date: date
    weekday: str
    description: str
    closed: Literal["all_day", "morning"] = Field(
        description="morning: only the morning session is closed (MCX trades its evening)"
    )
    source: str = Field(description="bundled, upstox or override")


class SpecialSession(BaseModel):
    date: date
    weekday: str
    description: str
    pre_open: str | None = Field(
        default=None, pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="IST, HH:MM"
    )
    open: str = clock_time()
    close: str = clock_time()
    source: str = Field(description="bundled or override")


class MarketCalendar(BaseModel):
    exchange: Exchange
    year: int
    covered_from: date = Field(description="The calendar data's first day")
    covered_until: date = Field(description="The calendar data's last day: later dates fail")
    regular_sessions: list[SessionHours]
    holidays: list[CalendarHoliday]
    special_sessions: list[SpecialSession]
