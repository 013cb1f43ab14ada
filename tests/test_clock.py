"""The platform clock: aware UTC for storage, India Standard Time for the market."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from scripts.clock import IST, utc_now


def test_utc_now_is_aware_utc() -> None:
    now = utc_now()
    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_market_zone_is_five_and_a_half_hours_ahead_all_year() -> None:
    for month in (1, 7):  # India has no daylight saving: the offset never changes
        moment = datetime(2026, month, 15, 9, 15, tzinfo=IST)
        assert moment.utcoffset() == timedelta(hours=5, minutes=30)
        assert moment.tzname() == "IST"
