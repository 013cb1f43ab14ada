"""The trading calendar and market status, worked through dates a trader knows (IST)."""

from __future__ import annotations

import csv
import os
from datetime import date, datetime, time
from pathlib import Path

import pytest

from scripts.clock import IST
from scripts.db import Database
from scripts.db.schema import market_holidays
from scripts.db.seed import REFERENCE_DIR
from scripts.services.calendar_data import (
    CALENDAR_DIR,
    CalendarDataInvalid,
    load_bundled,
    load_overrides,
)
from scripts.services.market_status import MarketStatusService, market_status
from scripts.services.trading_calendar import (
    CalendarNotCovered,
    TradingCalendar,
    TradingCalendarService,
)

HEADER = "action,exchange,date,description,pre_open,open,close\n"


@pytest.fixture
def calendar() -> TradingCalendar:
    return TradingCalendar(load_bundled())


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=IST)  # type: ignore[misc]


def service_with(database: Database, overrides: Path) -> TradingCalendarService:
    return TradingCalendarService(database, overrides_file=overrides)


@pytest.mark.parametrize(
    ("moment", "status", "next_open"),
    [
        (at(2026, 11, 25, 10, 0), "open", "2026-11-26T09:15:00+05:30"),
        (at(2026, 11, 25, 9, 5), "pre_open", "2026-11-25T09:15:00+05:30"),
        (at(2026, 11, 25, 15, 30), "closed", "2026-11-26T09:15:00+05:30"),
        (at(2026, 11, 25, 15, 31), "closed", "2026-11-26T09:15:00+05:30"),
        (at(2026, 11, 25, 15, 45), "closing", "2026-11-26T09:15:00+05:30"),
        (at(2026, 11, 24, 11, 0), "holiday", "2026-11-25T09:15:00+05:30"),
        (at(2026, 11, 28, 11, 0), "weekend", "2026-11-30T09:15:00+05:30"),
        (at(2026, 1, 26, 11, 0), "holiday", "2026-01-27T09:15:00+05:30"),
        # Friday evening before Christmas Friday: next open skips the weekend too.
        (at(2026, 12, 24, 16, 0), "closed", "2026-12-28T09:15:00+05:30"),
    ],
)
def test_nse_status_and_next_open(calendar, moment, status, next_open) -> None:
    result = market_status(calendar, moment, "NSE")
    assert (result["status"], result["next_open"]) == (status, next_open)


def test_a_saturday_is_a_weekend_on_every_exchange(calendar) -> None:
    for exchange in ("NSE", "BSE", "MCX"):
        assert market_status(calendar, at(2026, 3, 7, 12, 0), exchange)["status"] == "weekend"


def test_republic_day_2026_is_a_holiday_named_in_the_reason(calendar) -> None:
    result = market_status(calendar, at(2026, 1, 26, 10, 0), "NSE")
    assert result["status"] == "holiday"
    assert result["reason"] == "Trading holiday: Republic Day."
    assert calendar.trading_day("BSE", date(2026, 1, 26)).kind == "holiday"


def test_mcx_evening_is_open_when_nse_is_closed(calendar) -> None:
    evening = at(2026, 11, 25, 20, 0)
    assert market_status(calendar, evening, "NSE")["status"] == "closed"
    mcx = market_status(calendar, evening, "MCX")
    assert mcx["status"] == "open" and mcx["reason"] == "Normal market (09:00–23:30 IST)."


def test_mcx_closes_at_23_55_while_the_us_keeps_summer_time(calendar) -> None:
    summer, winter = at(2026, 7, 15, 23, 40), at(2026, 1, 14, 23, 40)
    assert market_status(calendar, summer, "MCX")["status"] == "open"
    assert market_status(calendar, winter, "MCX")["status"] == "closed"
    # The US moved its clocks on Sunday 8 March 2026: Friday 6th closes 23:30, Monday 9th 23:55.
    assert calendar.trading_day("MCX", date(2026, 3, 6)).windows[-1].end == time.fromisoformat(
        "23:30"
    )
    assert calendar.trading_day("MCX", date(2026, 3, 9)).windows[-1].end == time.fromisoformat(
        "23:55"
    )


def test_mcx_trades_the_evening_of_holi_but_not_the_morning(calendar) -> None:
    morning = market_status(calendar, at(2025, 3, 14, 10, 0), "MCX")
    assert morning["status"] == "holiday"
    assert morning["next_open"] == "2025-03-14T17:00:00+05:30"
    evening = market_status(calendar, at(2025, 3, 14, 18, 0), "MCX")
    assert evening["status"] == "special_session"
    assert evening["reason"] == "Holi: evening session only (17:00–23:55 IST)."


def test_bundled_muhurat_2025_is_a_special_session_on_a_holiday(calendar) -> None:
    before = market_status(calendar, at(2025, 10, 21, 10, 0), "NSE")
    assert before["status"] == "holiday" and before["next_open"] == "2025-10-21T13:45:00+05:30"
    assert market_status(calendar, at(2025, 10, 21, 13, 35), "NSE")["status"] == "pre_open"
    during = market_status(calendar, at(2025, 10, 21, 14, 0), "NSE")
    assert during["status"] == "special_session"
    assert during["reason"] == "Muhurat trading (Diwali Laxmi Pujan) (13:45–14:45 IST)."
    assert market_status(calendar, at(2025, 10, 21, 14, 45), "NSE")["status"] == "holiday"


def test_muhurat_session_from_the_override_file_on_a_sunday(database, tmp_path) -> None:
    overrides = tmp_path / "overrides.csv"
    overrides.write_text(HEADER + "add_session,NSE,2026-11-08,Muhurat trading,17:45,18:00,19:00\n")
    service = service_with(database, overrides)
    friday = at(2026, 11, 6, 16, 0)
    assert market_status(service.calendar(), friday)["next_open"] == "2026-11-08T18:00:00+05:30"
    during = market_status(service.calendar(), at(2026, 11, 8, 18, 30))
    assert during["status"] == "special_session"
    assert during["reason"] == "Muhurat trading (18:00–19:00 IST)."
    listed = service.year("NSE", 2026)["special_sessions"]
    assert [(s["date"], s["weekday"], s["source"]) for s in listed] == [
        (date(2026, 11, 8), "Sunday", "override")
    ]


def test_override_file_adds_and_removes_holidays_and_is_reread_when_edited(
    database, tmp_path
) -> None:
    overrides = tmp_path / "overrides.csv"
    overrides.write_text(HEADER + "add_holiday,NSE,2026-12-02,Closure at short notice,,,\n")
    service = service_with(database, overrides)
    calendar = service.calendar()
    assert market_status(calendar, at(2026, 12, 2, 10, 0))["status"] == "holiday"
    assert market_status(calendar, at(2026, 12, 2, 10, 0), "BSE")["status"] == "open"

    overrides.write_text(HEADER + "remove_holiday,NSE,2026-12-25,Christmas,,,\n")
    stamp = overrides.stat().st_mtime_ns + 1_000_000_000
    os.utime(overrides, ns=(stamp, stamp))  # a later edit, even within the mtime's resolution
    calendar = service.calendar()
    assert market_status(calendar, at(2026, 12, 2, 10, 0))["status"] == "open"
    assert market_status(calendar, at(2026, 12, 25, 10, 0))["status"] == "open"


def test_a_date_in_2030_fails_loudly_and_the_status_is_unknown_not_open(calendar) -> None:
    with pytest.raises(CalendarNotCovered, match="covers 2025-01-01 to 2026-12-31") as raised:
        calendar.trading_day("NSE", date(2030, 3, 4))
    assert raised.value.http_status == 404 and raised.value.code == "calendar_not_covered"
    with pytest.raises(CalendarNotCovered):
        calendar.year("MCX", 2030)
    status = market_status(calendar, at(2030, 3, 4, 10, 0), "NSE")
    assert status["status"] == "unknown" and status["next_open"] is None
    assert status["reason"].startswith("unknown: calendar data ends 2026-12-31")


def test_next_open_past_the_data_is_unknown_not_guessed(calendar) -> None:
    result = market_status(calendar, at(2026, 12, 31, 16, 0), "NSE")
    assert result["status"] == "closed" and result["next_open"] is None
    assert "Next open unknown: calendar data ends 2026-12-31." in result["reason"]


def test_holiday_refreshed_into_the_table_is_a_holiday_too(database) -> None:
    with database.transaction() as connection:
        connection.execute(
            market_holidays.insert().values(
                exchange="NSE",
                holiday_date=date(2026, 12, 3),
                description="Closure announced by NSE",
                source="upstox",
            )
        )
    service = TradingCalendarService(database, overrides_file=Path("/nonexistent.csv"))
    result = market_status(service.calendar(), at(2026, 12, 3, 10, 0))
    assert result["reason"] == "Trading holiday: Closure announced by NSE."


def test_year_lists_holidays_with_weekdays_and_regular_hours(calendar) -> None:
    year = calendar.year("NSE", 2026)
    assert len(year["holidays"]) == 16
    first = year["holidays"][1]
    assert (first["date"], first["weekday"], first["description"]) == (
        date(2026, 1, 26),
        "Monday",
        "Republic Day",
    )
    kinds = [(s["kind"], s["start"], s["end"]) for s in year["regular_sessions"]]
    assert kinds == [
        ("pre_open", "09:00", "09:15"),
        ("normal", "09:15", "15:30"),
        ("closing", "15:40", "16:00"),
    ]
    mcx = calendar.year("MCX", 2026)
    good_friday = next(h for h in mcx["holidays"] if h["date"] == date(2026, 4, 3))
    assert good_friday["closed"] == "all_day"
    assert len(mcx["special_sessions"]) == 16 - 4  # Republic Day, Good Friday, Oct 2, Christmas


def test_bundled_nse_holidays_match_the_seeded_reference_file() -> None:
    with (REFERENCE_DIR / "nse_holidays.csv").open(encoding="utf-8") as handle:
        seeded = [(row["date"], row["description"]) for row in csv.DictReader(handle)]
    with (CALENDAR_DIR / "holidays.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for exchange in ("NSE", "BSE", "MCX"):
        assert [(r["date"], r["description"]) for r in rows if r["exchange"] == exchange] == seeded


def test_a_bad_override_row_names_the_file_and_line(tmp_path) -> None:
    overrides = tmp_path / "overrides.csv"
    overrides.write_text(HEADER + "# a comment\nadd_session,NSE,2026-11-08,Muhurat,,18:00,\n")
    with pytest.raises(CalendarDataInvalid, match="overrides.csv line 3: close is required"):
        load_overrides(overrides)
    overrides.write_text(HEADER + "add_holiday,NSX,2026-11-09,Typo,,,\n")
    with pytest.raises(CalendarDataInvalid, match="line 2: exchange must be one of NSE, BSE, MCX"):
        load_overrides(overrides)


def test_the_shipped_override_file_loads(database) -> None:
    assert isinstance(load_overrides(), list)
    status = MarketStatusService(TradingCalendarService(database), lambda: at(2026, 11, 25, 10, 0))
    assert status.status("NSE")["status"] == "open"
