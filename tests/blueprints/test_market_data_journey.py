"""Issue 16's "done when", through the API a page uses, against the real sandbox and the feed
process's hub: a trader searches RELIANCE, adds it to a watchlist and sees it tick, starts a
one-year backfill and watches its progress rise to done (run by the scheduler's own worker),
then reads its chart at every interval, each one consistent with the candles it was made from.

The pieces have their own tests (pages in Chromium included); this one checks they fit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from scripts.clock import IST
from scripts.jobs.backfill_worker import BackfillWorker
from tests.envelope import data
from tests.sandbox_session import log_in

RELIANCE = "NSE_EQ|INE002A01018"


def wait_until(read: Any, holds: Any, timeout: float = 30.0, pause: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if holds(value):
            return value
        assert time.monotonic() < deadline, f"never held; last value: {value}"
        time.sleep(pause)


@pytest.fixture
def api(sandbox_api: Any, feed_server: Any) -> Iterator[Any]:
    """The API (instruments loaded, Upstox logged in), the feed process, the backfill worker."""
    services = sandbox_api.application.extensions["upstox_platform"]
    services.instruments.sync()
    log_in(sandbox_api)
    worker = BackfillWorker(services.candle_backfill, poll_seconds=0.2)
    worker.start()
    yield sandbox_api
    worker.stop()


def test_search_watch_tick_backfill_a_year_and_chart_every_interval(api: Any) -> None:
    found = data(api.get("/api/instruments/search?q=RELIANCE"))
    assert found[0]["instrument_key"] == RELIANCE and found[0]["trading_symbol"] == "RELIANCE"

    # Watch it tick: the list is a feed consumer, and its row is priced from fresh ticks.
    listed = data(api.post("/api/watchlists", json={"name": "Core"}), 201)["id"]
    data(api.post(f"/api/watchlists/{listed}/items", json={"symbol": "RELIANCE"}))

    def row() -> dict[str, Any]:
        return dict(data(api.get(f"/api/watchlists/{listed}"))["instruments"][0])

    first = wait_until(row, lambda r: r["price_source"] == "feed" and r["ltp"])
    ticks = data(api.get(f"/api/feed/ticks?instrument_keys={RELIANCE}"))
    wait_until(
        lambda: data(api.get(f"/api/feed/ticks?instrument_keys={RELIANCE}"))[0],
        lambda tick: tick["received_at"] > ticks[0]["received_at"] and not tick["stale"],
    )
    assert first["trading_symbol"] == "RELIANCE" and first["change"] is not None

    # A year of daily candles, queued by the API and run by the scheduler's worker.
    today = datetime.now(IST).date()
    year_ago = today - timedelta(days=365)
    body = {"symbol": "RELIANCE", "interval": "1d", "from": str(year_ago), "to": str(today)}
    task_id = data(api.post("/api/candles/backfill", json=body), 202)["task_id"]
    seen: list[float] = []

    def task() -> dict[str, Any]:
        state = dict(data(api.get(f"/api/candles/backfill/{task_id}")))
        seen.append(state["progress"])
        return state

    done = wait_until(task, lambda t: t["state"] in ("done", "failed"), timeout=60)
    assert done["state"] == "done" and done["progress"] == 1.0, done
    assert seen == sorted(seen), "progress went backwards"
    assert done["rows_written"] >= 240 and done["rows_rejected"] == 0

    # The chart at 1d, 1w and 1M: the stored days, and weeks and months made from them.
    def chart(interval: str) -> list[list[Any]]:
        query = f"interval={interval}&from={year_ago}&to={today}&limit=5000"
        series = data(api.get(f"/api/candles/RELIANCE?{query}"))
        assert series["instrument_key"] == RELIANCE and series["next_cursor"] is None
        return list(series["candles"])

    days, weeks, months = chart("1d"), chart("1w"), chart("1M")
    assert len(days) == done["rows_written"]
    assert all(c[0].endswith("+05:30") for c in days)
    assert [c[0] for c in days] == sorted(c[0] for c in days), "not oldest first"
    for resampled, bucket in ((weeks, _week), (months, _month)):
        groups: dict[Any, list[list[Any]]] = {}
        for candle in days:
            groups.setdefault(bucket(_day(candle)), []).append(candle)
        assert len(resampled) == len(groups)
        for candle, members in zip(resampled, groups.values()):
            assert candle[1] == members[0][1] and candle[4] == members[-1][4]
            assert candle[2] == max(m[2] for m in members)
            assert candle[3] == min(m[3] for m in members)
            assert candle[5] == sum(m[5] for m in members)

    # Minutes: one session of 1m candles, and the same day at 5m, 15m and 1h keeps its volume.
    minute_body = {**body, "interval": "1m", "from": str(today - timedelta(days=3))}
    minute_task = data(api.post("/api/candles/backfill", json=minute_body), 202)["task_id"]
    wait_until(
        lambda: data(api.get(f"/api/candles/backfill/{minute_task}")),
        lambda t: t["state"] == "done",
        timeout=60,
    )
    day = _day(chart("1m")[0])
    volumes = {}
    for interval in ("1m", "5m", "15m", "1h"):
        candles = [c for c in chart(interval) if _day(c) == day]
        assert candles, interval
        volumes[interval] = sum(c[5] for c in candles)
    assert len(set(volumes.values())) == 1, volumes


def _day(candle: list[Any]) -> date:
    return datetime.fromisoformat(candle[0]).date()


def _week(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def _month(day: date) -> tuple[int, int]:
    return day.year, day.month
