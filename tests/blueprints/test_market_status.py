"""Market status from NSE hours and the holiday table, in IST."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from scripts.services.market_status import market_status

IST = ZoneInfo("Asia/Kolkata")


@pytest.mark.parametrize(
    ("moment", "status", "next_open"),
    [
        (datetime(2026, 11, 25, 10, 0, tzinfo=IST), "open", "2026-11-26T09:15:00+05:30"),
        (datetime(2026, 11, 25, 9, 5, tzinfo=IST), "pre_open", "2026-11-25T09:15:00+05:30"),
        (datetime(2026, 11, 25, 15, 30, tzinfo=IST), "closed", "2026-11-26T09:15:00+05:30"),
        (datetime(2026, 11, 24, 11, 0, tzinfo=IST), "holiday", "2026-11-25T09:15:00+05:30"),
        (datetime(2026, 11, 28, 11, 0, tzinfo=IST), "weekend", "2026-11-30T09:15:00+05:30"),
        # Friday evening before Christmas Friday: next open skips the weekend too.
        (datetime(2026, 12, 24, 16, 0, tzinfo=IST), "closed", "2026-12-28T09:15:00+05:30"),
    ],
)
def test_status_and_next_open(database, moment, status, next_open) -> None:
    with database.read() as connection:
        result = market_status(connection, moment)
    assert result["status"] == status
    assert result["next_open"] == next_open


def test_endpoint_answers_for_nse_and_rejects_unknown_exchange(client) -> None:
    data = client.get("/api/market/status").get_json()["data"]
    assert data["exchange"] == "NSE" and data["status"] in {
        "open",
        "pre_open",
        "closed",
        "holiday",
        "weekend",
    }
    bad = client.get("/api/market/status?exchange=XYZ")
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "exchange"
