"""Every segment's MarketStatus for the feed's ``market_info``, as the sandbox day moves.

Segments: the ones Upstox's instrument keys use (docs/UPSTOX_API.md §8), each with the
hours of its exchange from the sandbox's own calendar (``EXCHANGE_HOURS``, the hours of
§7.4's timings API), so the feed and the REST timings never disagree.

The day of a cash segment (NSE_EQ, BSE_EQ) and its index segment, in IST:

    before 09:00         NORMAL_CLOSE
    09:00 - 09:08        PRE_OPEN_START   (pre-open order entry)
    09:08 - 09:15        PRE_OPEN_END     (order matching and buffer)
    09:15 - 15:30        NORMAL_OPEN
    15:30 - 15:40        CLOSING_START    (closing price calculation)
    15:40 - 16:00        CLOSING_END      (post-close session)
    from 16:00           NORMAL_CLOSE

Where the documents disagree: §9.1's enum lists NORMAL_CLOSE before CLOSING_START, and
§7.4 names the values without a timetable. We follow NSE's published sequence of sessions
(pre-open 09:00-09:08 and matching to 09:15, normal market to 15:30, closing session to
15:40, post-close to 16:00), which puts CLOSING_START/CLOSING_END between the close of the
normal market and NORMAL_CLOSE; the enum's order is the wire numbering, not the day's.
Derivatives (NSE_FO, BSE_FO), commodities (MCX_FO, MCX_INDEX) and currency (NCD_FO,
BCD_FO) have no pre-open or closing session here: NORMAL_OPEN within their hours, else
NORMAL_CLOSE. MCX's real evening session (to 23:30/23:55) is not modelled: §7.4's timings
give MCX 09:00-17:00, and the sandbox's REST timings say the same.
A closed day (weekend, NSE holiday) is NORMAL_CLOSE all day; ``always_open`` is
NORMAL_OPEN everywhere, all day.
"""

from __future__ import annotations

from datetime import datetime, time

from scripts.upstox_sandbox.clock import IST
from scripts.upstox_sandbox.market.nse_calendar import EXCHANGE_HOURS, TradingCalendar

OPEN, CLOSED = "NORMAL_OPEN", "NORMAL_CLOSE"
# segment -> the exchange whose hours it keeps, and whether it has pre-open/closing sessions.
SEGMENTS: dict[str, tuple[str, bool]] = {
    "NSE_EQ": ("NSE", True),
    "NSE_INDEX": ("NSE", True),
    "NSE_FO": ("NFO", False),
    "BSE_EQ": ("BSE", True),
    "BSE_INDEX": ("BSE", True),
    "BSE_FO": ("BFO", False),
    "MCX_FO": ("MCX", False),
    "MCX_INDEX": ("MCX", False),
    "NCD_FO": ("CDS", False),
    "BCD_FO": ("BCD", False),
}
CASH_PHASES: tuple[tuple[time, str], ...] = (
    (time(9, 0), "PRE_OPEN_START"),
    (time(9, 8), "PRE_OPEN_END"),
    (time(9, 15), OPEN),
    (time(15, 30), "CLOSING_START"),
    (time(15, 40), "CLOSING_END"),
    (time(16, 0), CLOSED),
)


def segment_status(now: datetime, calendar: TradingCalendar) -> dict[str, str]:
    """Segment -> MarketStatus name at ``now`` (any timezone)."""
    if calendar.always_open:
        return {segment: OPEN for segment in SEGMENTS}
    local = now.astimezone(IST)
    if not calendar.is_trading_day(local.date()):
        return {segment: CLOSED for segment in SEGMENTS}
    clock = local.time()
    return {
        segment: _cash_phase(clock) if phased else _hours_phase(clock, exchange)
        for segment, (exchange, phased) in SEGMENTS.items()
    }


def _cash_phase(clock: time) -> str:
    status = CLOSED
    for starts, phase in CASH_PHASES:
        if clock >= starts:
            status = phase
    return status


def _hours_phase(clock: time, exchange: str) -> str:
    opens, closes = EXCHANGE_HOURS[exchange]
    return OPEN if opens <= clock < closes else CLOSED
