"""This year's trading holidays from Upstox (``GET /v2/market/holidays``) into ``market_holidays``.

The calendar works without it (bundled data); the refresh adds closures the
exchanges announce later. A failed or implausible answer changes nothing and
says why, so yesterday's calendar is never replaced by an empty one.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from scripts.db import Database
from scripts.db.holidays import StoredHoliday, store_fetched_holidays
from scripts.services.broker import BrokerService
from scripts.services.calendar_data import EXCHANGES
from scripts.services.errors import UpstreamUnavailable
from scripts.services.upstox_errors import call_upstox

logger = logging.getLogger(__name__)

# A year with fewer NSE trading holidays than this is a broken answer, not a calendar
# (NSE has listed 14 to 16 weekday holidays a year since 2020; docs/NSE_DATA.md §2).
MIN_NSE_HOLIDAYS = 5


def holidays_from_upstox(records: list[dict[str, Any]]) -> list[StoredHoliday]:
    """The all-day closures of NSE, BSE and MCX in Upstox's holiday records (§7.4).

    Only ``TRADING_HOLIDAY`` counts (a settlement holiday still trades); an exchange
    listed in ``open_exchanges`` that day trades part of it, which the bundled data and
    the override file describe, so it is not stored as closed.
    """
    found = []
    for record in records:
        if record.get("holiday_type") != "TRADING_HOLIDAY":
            continue
        day = date.fromisoformat(str(record["date"])[:10])
        open_exchanges = {entry.get("exchange") for entry in record.get("open_exchanges") or []}
        for exchange in record.get("closed_exchanges") or []:
            if exchange in EXCHANGES and exchange not in open_exchanges:
                found.append(
                    StoredHoliday(exchange, day, str(record.get("description", "")), "upstox")
                )
    return found


def refresh_holidays(broker: BrokerService, database: Database) -> tuple[int, str]:
    """Fetch and store this year's holidays; (rows written, what happened in words).

    Without an Upstox session there is nothing to ask: the run is skipped (not failed),
    as the calendar's bundled data is complete for the years it covers.
    """
    if broker.vault.access_token() is None:
        return 0, "skipped: not logged in to Upstox; the stored and bundled holidays stay"
    try:
        records = call_upstox(broker.client.market_holidays)
        rows = holidays_from_upstox(records)
    except (KeyError, TypeError, ValueError) as error:
        raise UpstreamUnavailable(
            f"Upstox's holiday list could not be read ({error}); the stored calendar is kept."
        ) from None
    nse = sum(1 for row in rows if row.exchange == "NSE")
    if nse < MIN_NSE_HOLIDAYS:
        raise UpstreamUnavailable(
            f"Upstox listed only {nse} NSE trading holidays this year (expected at least "
            f"{MIN_NSE_HOLIDAYS}); the stored calendar is kept."
        )
    with database.transaction() as connection:
        written = store_fetched_holidays(connection, rows)
    logger.info("stored %d holidays fetched from Upstox", written)
    return written, f"{len(rows)} holidays from Upstox ({nse} on NSE)"
