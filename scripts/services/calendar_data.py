"""The trading calendar's facts: session hours per exchange and the files in scripts/calendar_data.

Hours are here, holidays and special sessions are data files (see
``scripts/calendar_data/README.md`` for where each number comes from and the
assumptions where the documents are silent), so a new holiday is a data change.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

CALENDAR_DIR = Path(__file__).resolve().parents[1] / "calendar_data"
OVERRIDES_FILE = CALENDAR_DIR / "overrides.csv"
EXCHANGES = ("NSE", "BSE", "MCX")

WindowKind = Literal["pre_open", "normal", "closing", "special"]
Closed = Literal["all_day", "morning"]

# NSE/BSE equity and F&O, IST (docs/NSE_DATA.md §2). 15:30–15:40 computes the closing price.
EQUITY_PRE_OPEN = time(9, 0)
EQUITY_OPEN = time(9, 15)
EQUITY_CLOSE = time(15, 30)
EQUITY_CLOSING_SESSION = (time(15, 40), time(16, 0))
# MCX non-agri commodities, IST: the close follows US daylight saving (README: assumptions).
MCX_OPEN = time(9, 0)
MCX_CLOSE_US_STANDARD = time(23, 30)
MCX_CLOSE_US_DST = time(23, 55)
MCX_EVENING_OPEN = time(17, 0)  # on an MCX holiday with only the morning closed
US_EASTERN = ZoneInfo("America/New_York")


class CalendarDataInvalid(ValueError):
    """A calendar file has a row the calendar cannot use; the message names file and line."""


@dataclass(frozen=True)
class Window:
    """One stretch of a trading day, in IST: [start, end)."""

    kind: WindowKind
    start: time
    end: time

    def holds(self, moment: time) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class Holiday:
    exchange: str
    day: date
    description: str
    closed: Closed = "all_day"
    source: str = "bundled"


@dataclass(frozen=True)
class SpecialSession:
    """A date with its own session times (Muhurat, MCX's evening on a holiday)."""

    exchange: str
    day: date
    description: str
    open: time
    close: time
    pre_open: time | None = None
    source: str = "bundled"

    def windows(self) -> list[Window]:
        opening = [Window("pre_open", self.pre_open, self.open)] if self.pre_open else []
        return opening + [Window("special", self.open, self.close)]


@dataclass(frozen=True)
class Coverage:
    first_day: date
    last_day: date

    def holds(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class SessionHours:
    """One row of an exchange's regular hours, as the calendar page shows them."""

    kind: WindowKind
    start: time
    end: time
    note: str = ""


@dataclass(frozen=True)
class CalendarData:
    coverage: dict[str, Coverage]
    holidays: dict[str, dict[date, Holiday]] = field(default_factory=dict)
    special_sessions: dict[str, dict[date, SpecialSession]] = field(default_factory=dict)

    def with_holidays(self, extra: Iterable[Holiday]) -> CalendarData:
        """Add holidays the bundled files lack (the database's rows); bundled rows stay."""
        holidays = {exchange: dict(days) for exchange, days in self.holidays.items()}
        for holiday in extra:
            holidays.setdefault(holiday.exchange, {}).setdefault(holiday.day, holiday)
        return replace(self, holidays=holidays)

    def with_overrides(self, overrides: Iterable[Override]) -> CalendarData:
        """The override file wins over everything else, row by row in file order."""
        holidays = {exchange: dict(days) for exchange, days in self.holidays.items()}
        sessions = {exchange: dict(days) for exchange, days in self.special_sessions.items()}
        for row in overrides:
            days = holidays.setdefault(row.exchange, {})
            if row.action == "add_holiday":
                days[row.day] = Holiday(row.exchange, row.day, row.description, source="override")
                sessions.get(row.exchange, {}).pop(row.day, None)
            elif row.action == "remove_holiday":
                days.pop(row.day, None)
                sessions.get(row.exchange, {}).pop(row.day, None)
            elif row.open and row.close:
                sessions.setdefault(row.exchange, {})[row.day] = SpecialSession(
                    row.exchange, row.day, row.description, row.open, row.close, row.pre_open,
                    source="override",
                )  # fmt: skip
        return replace(self, holidays=holidays, special_sessions=sessions)


@dataclass(frozen=True)
class Override:
    action: Literal["add_holiday", "remove_holiday", "add_session"]
    exchange: str
    day: date
    description: str
    pre_open: time | None = None
    open: time | None = None
    close: time | None = None


def us_on_daylight_saving(day: date) -> bool:
    """Whether New York keeps summer time on ``day`` (MCX's evening close moves with it)."""
    noon = datetime.combine(day, time(12, 0), tzinfo=US_EASTERN)
    return noon.dst() not in (None, timedelta(0))


def mcx_close(day: date) -> time:
    return MCX_CLOSE_US_DST if us_on_daylight_saving(day) else MCX_CLOSE_US_STANDARD


def regular_windows(exchange: str, day: date) -> list[Window]:
    """The windows of an ordinary trading day of ``exchange``."""
    if exchange == "MCX":
        return [Window("normal", MCX_OPEN, mcx_close(day))]
    return [
        Window("pre_open", EQUITY_PRE_OPEN, EQUITY_OPEN),
        Window("normal", EQUITY_OPEN, EQUITY_CLOSE),
        Window("closing", *EQUITY_CLOSING_SESSION),
    ]


def regular_hours(exchange: str) -> list[SessionHours]:
    """The regular hours for the calendar page; MCX lists both of its closing times."""
    if exchange == "MCX":
        return [
            SessionHours(
                "normal", MCX_OPEN, MCX_CLOSE_US_STANDARD, "while the US keeps winter time"
            ),
            SessionHours("normal", MCX_OPEN, MCX_CLOSE_US_DST, "while the US keeps summer time"),
        ]
    return [
        SessionHours("pre_open", EQUITY_PRE_OPEN, EQUITY_OPEN, "order entry, then matching"),
        SessionHours("normal", EQUITY_OPEN, EQUITY_CLOSE, "continuous trading"),
        SessionHours("closing", *EQUITY_CLOSING_SESSION, "trades at the closing price"),
    ]


def load_bundled(directory: Path = CALENDAR_DIR) -> CalendarData:
    """The bundled coverage, holidays and special sessions (MCX evening-only days included)."""
    coverage = {
        row["exchange"]: Coverage(_day(row, "first_day", where), _day(row, "last_day", where))
        for row, where in _rows(directory / "coverage.csv")
    }
    holidays: dict[str, dict[date, Holiday]] = {}
    sessions: dict[str, dict[date, SpecialSession]] = {}
    for row, where in _rows(directory / "holidays.csv"):
        if row["closed"] not in ("all_day", "morning"):
            raise CalendarDataInvalid(f"{where}: closed must be all_day or morning")
        closed: Closed = "morning" if row["closed"] == "morning" else "all_day"
        holiday = Holiday(row["exchange"], _day(row, "date", where), row["description"], closed)
        holidays.setdefault(holiday.exchange, {})[holiday.day] = holiday
        if closed == "morning":
            sessions.setdefault(holiday.exchange, {})[holiday.day] = SpecialSession(
                holiday.exchange, holiday.day, f"{holiday.description}: evening session only",
                MCX_EVENING_OPEN, mcx_close(holiday.day),
            )  # fmt: skip
    for row, where in _rows(directory / "special_sessions.csv"):
        session = SpecialSession(
            row["exchange"], _day(row, "date", where), row["description"],
            _required_time(row, "open", where), _required_time(row, "close", where),
            _time(row, "pre_open", where),
        )  # fmt: skip
        sessions.setdefault(session.exchange, {})[session.day] = session
    return CalendarData(coverage, holidays, sessions)


def load_overrides(path: Path = OVERRIDES_FILE) -> list[Override]:
    """The override file's rows; a missing file is no overrides, a bad row fails loudly."""
    if not path.exists():
        return []
    found = []
    for row, where in _rows(path):
        action = row.get("action", "")
        exchange = row.get("exchange", "")
        if exchange not in EXCHANGES:
            raise CalendarDataInvalid(f"{where}: exchange must be one of {', '.join(EXCHANGES)}")
        day = _day(row, "date", where)
        if action == "add_holiday":
            found.append(Override("add_holiday", exchange, day, row["description"]))
        elif action == "remove_holiday":
            found.append(Override("remove_holiday", exchange, day, row["description"]))
        elif action == "add_session":
            found.append(
                Override(
                    "add_session", exchange, day, row["description"],
                    _time(row, "pre_open", where), _required_time(row, "open", where),
                    _required_time(row, "close", where),
                )  # fmt: skip
            )
        else:
            raise CalendarDataInvalid(
                f"{where}: action must be add_holiday, remove_holiday or add_session"
            )
    return found


def _rows(path: Path) -> Iterator[tuple[dict[str, str], str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        lines = [(n, line) for n, line in enumerate(handle, 1) if not line.startswith("#")]
    reader = csv.DictReader(line for _, line in lines)
    for index, row in enumerate(reader, 1):
        yield {
            k: (v or "").strip() for k, v in row.items() if k
        }, f"{path.name} line {lines[index][0]}"


def _day(row: dict[str, str], column: str, where: str) -> date:
    try:
        return date.fromisoformat(row.get(column, ""))
    except ValueError:
        raise CalendarDataInvalid(f"{where}: {column} must be a date YYYY-MM-DD") from None


def _time(row: dict[str, str], column: str, where: str) -> time | None:
    value = row.get(column, "")
    if not value:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise CalendarDataInvalid(f"{where}: {column} must be a time HH:MM (IST)") from None


def _required_time(row: dict[str, str], column: str, where: str) -> time:
    value = _time(row, column, where)
    if value is None:
        raise CalendarDataInvalid(f"{where}: {column} is required (HH:MM, IST)")
    return value
