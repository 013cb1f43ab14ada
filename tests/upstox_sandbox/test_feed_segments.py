"""The sandbox feed's market_info: every segment, and the phases of the day on its clock."""

from __future__ import annotations

from datetime import datetime

import pytest

from scripts.upstox_sandbox.clock import IST
from scripts.upstox_sandbox.feed.segment_status import SEGMENTS, segment_status
from scripts.upstox_sandbox.market.nse_calendar import TradingCalendar

EVERY_SEGMENT = {
    "NSE_EQ", "NSE_FO", "NSE_INDEX", "BSE_EQ", "BSE_FO", "BSE_INDEX",
    "MCX_FO", "MCX_INDEX", "NCD_FO", "BCD_FO",
}  # fmt: skip
MONDAY = (2026, 12, 7)


def at(hour: int, minute: int, day: tuple[int, int, int] = MONDAY) -> dict[str, str]:
    return segment_status(datetime(*day, hour, minute, tzinfo=IST), TradingCalendar())


def test_market_info_lists_every_segment() -> None:
    assert set(SEGMENTS) == EVERY_SEGMENT
    assert set(at(12, 0)) == EVERY_SEGMENT


@pytest.mark.parametrize(
    "hour, minute, cash, fo, mcx",
    [
        (8, 59, "NORMAL_CLOSE", "NORMAL_CLOSE", "NORMAL_CLOSE"),
        (9, 3, "PRE_OPEN_START", "NORMAL_CLOSE", "NORMAL_OPEN"),
        (9, 10, "PRE_OPEN_END", "NORMAL_CLOSE", "NORMAL_OPEN"),
        (9, 15, "NORMAL_OPEN", "NORMAL_OPEN", "NORMAL_OPEN"),
        (15, 35, "CLOSING_START", "NORMAL_CLOSE", "NORMAL_OPEN"),
        (15, 45, "CLOSING_END", "NORMAL_CLOSE", "NORMAL_OPEN"),
        (16, 30, "NORMAL_CLOSE", "NORMAL_CLOSE", "NORMAL_OPEN"),
        (17, 0, "NORMAL_CLOSE", "NORMAL_CLOSE", "NORMAL_CLOSE"),
    ],
)
def test_the_day_moves_through_the_phases(
    hour: int, minute: int, cash: str, fo: str, mcx: str
) -> None:
    status = at(hour, minute)
    assert status["NSE_EQ"] == status["BSE_EQ"] == status["NSE_INDEX"] == cash
    assert status["NSE_FO"] == status["BSE_FO"] == fo
    assert status["MCX_FO"] == status["NCD_FO"] == mcx


def test_a_weekend_is_closed_all_day_and_always_open_is_open_everywhere() -> None:
    assert set(at(11, 0, (2026, 12, 5)).values()) == {"NORMAL_CLOSE"}
    always = segment_status(datetime(2026, 12, 5, 3, 0, tzinfo=IST), TradingCalendar(True))
    assert set(always.values()) == {"NORMAL_OPEN"} and set(always) == EVERY_SEGMENT
