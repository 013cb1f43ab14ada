"""GET /api/candles/<symbol> and /api/candles/coverage over the real app and database: pages
that join up exactly, resampled intervals, indicator lines, and clear 4xx for bad input."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest

from tests.candle_rows import (
    RELIANCE,
    daily_series,
    minute_series,
    nse_sessions,
    store_candles,
    store_instruments,
)
from tests.envelope import data, error

YEAR = nse_sessions(date(2025, 1, 1), date(2025, 12, 31))
MINUTE_DAY = date(2025, 6, 2)


@pytest.fixture
def stored(client, database):
    """RELIANCE with a year of daily candles and one session of minute candles; INFY none."""
    store_instruments(database)
    store_candles(database, RELIANCE, "1d", daily_series(YEAR))
    store_candles(database, RELIANCE, "1m", minute_series(MINUTE_DAY))
    return client


def test_a_year_of_daily_candles_reads_oldest_first_with_ist_timestamps(stored) -> None:
    body = data(stored.get("/api/candles/RELIANCE?interval=1d&from=2025-01-01&to=2025-12-31"))
    assert (body["instrument_key"], body["trading_symbol"]) == (RELIANCE, "RELIANCE")
    assert (body["interval"], body["source_interval"], body["next_cursor"]) == ("1d", "1d", None)
    assert len(body["candles"]) == len(YEAR) and body["hint"] is None
    first = body["candles"][0]
    assert first[0] == "2025-01-01T00:00:00+05:30" and first[1:] == list(daily_series(YEAR)[0][1:])


def test_pages_join_up_with_no_candle_twice_and_none_skipped(stored) -> None:
    url = f"/api/candles/{quote(RELIANCE, safe='')}?interval=1d&from=2025-01-01&to=2025-12-31"
    seen, cursor, pages = [], None, 0
    while True:
        body = data(stored.get(url + "&limit=100" + (f"&cursor={cursor}" if cursor else "")))
        seen += [row[0] for row in body["candles"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    whole = data(stored.get(url + "&limit=5000"))["candles"]
    assert pages == 3 and seen == [row[0] for row in whole] and len(set(seen)) == len(YEAR)


def test_resampled_pages_join_up_too(stored) -> None:
    url = "/api/candles/RELIANCE?interval=5m&from=2025-06-02&to=2025-06-02"
    first = data(stored.get(url + "&limit=40"))
    second = data(stored.get(url + f"&limit=40&cursor={first['next_cursor']}"))
    assert first["source_interval"] == "1m" and second["next_cursor"] is None
    times = [row[0] for row in first["candles"] + second["candles"]]
    assert times[:2] == ["2025-06-02T09:15:00+05:30", "2025-06-02T09:20:00+05:30"]
    assert len(times) == 75 and len(set(times)) == 75
    volumes = sum(row[5] for row in first["candles"] + second["candles"])
    assert volumes == sum(row[5] for row in minute_series(MINUTE_DAY))


def test_weekly_and_monthly_come_from_the_daily_series(stored) -> None:
    weeks = data(stored.get("/api/candles/RELIANCE?interval=1w&from=2025-04-01&to=2025-04-30"))
    months = data(stored.get("/api/candles/RELIANCE?interval=1M&from=2025-01-01&to=2025-12-31"))
    assert weeks["source_interval"] == "1d"
    assert [row[0][:10] for row in weeks["candles"]] == [
        "2025-04-01", "2025-04-07", "2025-04-15", "2025-04-21", "2025-04-28"
    ]  # fmt: skip
    assert len(months["candles"]) == 12 and months["candles"][2][0].startswith("2025-03-03")


def test_indicators_are_aligned_to_the_candles_and_warmed_up(stored) -> None:
    url = "/api/candles/RELIANCE?interval=1d&from=2025-06-01&to=2025-06-30"
    body = data(stored.get(url + "&indicators=sma:20,rsi:14,macd:12:26:9,bb:20:2"))
    names = [(i["name"], sorted(i["lines"])) for i in body["indicators"]]
    assert names == [
        ("sma:20", ["value"]),
        ("rsi:14", ["value"]),
        ("macd:12:26:9", ["histogram", "macd", "signal"]),
        ("bb:20:2", ["lower", "middle", "upper"]),
    ]
    for indicator in body["indicators"]:
        for values in indicator["lines"].values():
            assert len(values) == len(body["candles"]) and None not in values
    closes = [row[4] for row in data(stored.get(url.replace("06-01", "01-01")))["candles"]]
    start = len(closes) - len(body["candles"])
    assert body["indicators"][0]["lines"]["value"][0] == pytest.approx(
        sum(closes[start - 19 : start + 1]) / 20
    )


def test_no_stored_candles_is_a_200_with_a_hint_to_backfill(stored) -> None:
    body = data(stored.get("/api/candles/INFY?interval=1d"))
    assert body["candles"] == [] and body["source_interval"] is None
    assert "No candles stored for INFY" in body["hint"] and "backfill" in body["hint"]
    empty = data(stored.get("/api/candles/RELIANCE?interval=1d&from=2024-01-01&to=2024-01-31"))
    assert "No 1d candles stored for RELIANCE between 2024-01-01 and 2024-01-31" in empty["hint"]


@pytest.mark.parametrize(
    ("url", "status", "field", "words"),
    [
        ("/api/candles/NOSUCH", 404, "symbol", "/api/instruments/search"),
        ("/api/candles/RELIANCE?interval=2h", 422, "interval", "1m, 5m"),
        ("/api/candles/RELIANCE?from=2025-02-01&to=2025-01-01", 422, "from", "swap"),
        ("/api/candles/RELIANCE?from=yesterday", 422, "from", "YYYY-MM-DD"),
        ("/api/candles/RELIANCE?to=2025-13-01", 422, "to", "YYYY-MM-DD"),
        ("/api/candles/RELIANCE?limit=0", 422, "limit", "greater than"),
        ("/api/candles/RELIANCE?limit=100000", 422, "limit", "less than"),
        ("/api/candles/RELIANCE?from=2025-01-01&to=2025-01-31&cursor=12", 422, "cursor", "next_"),
        ("/api/candles/RELIANCE?indicators=wma:5", 422, "indicators", "sma:N"),
        # /api/candles/backfill itself is the task list (its own blueprint); another spelling
        # of the word must still not be read as a symbol.
        ("/api/candles/Backfill", 404, "symbol", "POST /api/candles/backfill"),
    ],
)
def test_bad_requests_are_clear_4xx_never_5xx(stored, url, status, field, words) -> None:
    problem = error(stored.get(url), status)
    assert problem["field"] == field and words in problem["message"], problem


def test_backfill_is_the_task_list_not_a_symbol(stored) -> None:
    assert data(stored.get("/api/candles/backfill")) == []


def test_coverage_is_its_own_route_not_a_symbol(stored) -> None:
    rows = data(stored.get("/api/candles/coverage"))
    assert [(r["trading_symbol"], r["interval"], r["count"]) for r in rows] == [
        ("RELIANCE", "1d", len(YEAR)),
        ("RELIANCE", "1m", 375),
    ]
    assert rows[0]["gaps"] == [] and rows[0]["first"] == "2025-01-01T00:00:00+05:30"
    one = data(stored.get(f"/api/candles/coverage?symbol={quote(RELIANCE)}&interval=1m"))
    assert [(r["interval"], r["missing_sessions"]) for r in one] == [("1m", 0)]
    assert error(stored.get("/api/candles/coverage?symbol=NOSUCH"), 404)["field"] == "symbol"
    assert error(stored.get("/api/candles/coverage?interval=7m"), 422)["field"] == "interval"
