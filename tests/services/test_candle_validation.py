"""Candle validation: every rule on crafted candles, and rejects counted on the task (with a
sample), logged and never stored, with Upstox played by a tiny local server."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scripts.clock import IST
from scripts.config.settings import Settings, load_settings
from scripts.db import Database
from scripts.db.candles import CandleRow, series_candles
from scripts.jobs.backfill_worker import BackfillWorker
from scripts.services.candle_intervals import INTERVALS, check_candle, finished
from scripts.services.container import PlatformServices, build_services
from tests.instrument_files import equity, write_gzip_json

KEY = "NSE_EQ|INE002A01018"
MONDAY = datetime(2025, 3, 3, tzinfo=IST)  # 3-7 March 2025: five NSE sessions


def row(ts: datetime, o: float, h: float, low: float, c: float, v: int = 100, oi: int = 0):
    return CandleRow(KEY, "1d", int(ts.timestamp()), o, h, low, c, v, oi)


@pytest.mark.parametrize(
    ("candle", "reason"),
    [
        (row(MONDAY, 10, 12, 9, 11), None),
        (row(MONDAY, 10, 10, 10, 10, v=0), None),
        (row(MONDAY, 10, 12, 10.5, 11), "low is above open or close"),
        (row(MONDAY, 10, 12, 9, 13), "high is below open or close"),
        (row(MONDAY, 10, 12, 9, 11, v=-1), "volume is negative"),
        (row(MONDAY, 10, 12, 9, 11, oi=-5), "open interest is negative"),
        (row(MONDAY, 0, 12, 0, 11), "a price is zero or negative"),
        (row(MONDAY + timedelta(hours=10), 10, 12, 9, 11), "the start is not on a 1d boundary"),
    ],
)
def test_each_validation_rule(candle: CandleRow, reason: str | None) -> None:
    assert check_candle(INTERVALS["1d"], candle) == reason


def test_intraday_alignment_follows_session_opens_at_quarter_hours() -> None:
    at_0915 = MONDAY + timedelta(hours=9, minutes=15)
    assert check_candle(INTERVALS["1h"], row(at_0915, 1, 1, 1, 1)) is None
    assert check_candle(INTERVALS["30m"], row(at_0915, 1, 1, 1, 1)) is None
    assert check_candle(INTERVALS["5m"], row(at_0915 + timedelta(minutes=2), 1, 1, 1, 1))
    assert check_candle(INTERVALS["1m"], row(at_0915 + timedelta(seconds=30), 1, 1, 1, 1))


def test_a_forming_candle_is_not_finished_until_its_end_or_the_close() -> None:
    at_1515 = int((MONDAY + timedelta(hours=15, minutes=15)).timestamp())
    close = MONDAY + timedelta(hours=15, minutes=30)
    hour = INTERVALS["1h"]
    assert not finished(hour, at_1515, close - timedelta(minutes=1), close)
    assert finished(hour, at_1515, close, close)  # the last hourly candle ends at the close
    day = INTERVALS["1d"]
    assert not finished(day, int(MONDAY.timestamp()), MONDAY + timedelta(hours=12), close)
    assert finished(day, int(MONDAY.timestamp()), close, close)
    week = INTERVALS["1w"]
    assert not finished(week, int(MONDAY.timestamp()), MONDAY + timedelta(days=5), None)
    assert finished(week, int(MONDAY.timestamp()), MONDAY + timedelta(days=7), None)


CRAFTED = [
    [MONDAY.isoformat(), 10, 12, 9, 11, 100, 0],  # good
    [(MONDAY + timedelta(days=1)).isoformat(), 10, 12, 10.5, 11, 100, 0],  # low above open
    [(MONDAY + timedelta(days=2)).isoformat(), 10, 12, 9, 11, -7, 0],  # negative volume
    [(MONDAY + timedelta(days=3, hours=10)).isoformat(), 10, 12, 9, 11, 100, 0],  # misaligned
    [(MONDAY + timedelta(days=4)).isoformat(), 11, 13, 10, 12, 200, 0],  # good
]


class CraftedUpstox(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        payload = {"status": "success", "data": {"candles": CRAFTED[::-1]}}
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def crafted(tmp_path, project_root, settings_env: dict[str, str], database: Database) -> Iterator:
    server = ThreadingHTTPServer(("127.0.0.1", 0), CraftedUpstox)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings: Settings = load_settings(
        environ={**settings_env, "UPSTOX_SANDBOX_URL": f"http://127.0.0.1:{server.server_port}"},
        project_root=project_root,
    )
    services: PlatformServices = build_services(settings, database)
    services.broker.vault.store("crafted-token", "TEST", "Test", "t@example.com")
    services.instruments.sync(
        write_gzip_json(tmp_path / "instruments.json.gz", [equity("RELIANCE", "INE002A01018")])
    )
    yield services
    services.close()
    server.shutdown()


def test_rejected_candles_are_counted_sampled_logged_and_never_stored(
    crafted: PlatformServices, caplog: pytest.LogCaptureFixture
) -> None:
    queued = crafted.candle_backfill.request("RELIANCE", "1d", "2025-03-03", "2025-03-07")
    with caplog.at_level(logging.WARNING, logger="scripts.services.candle_backfill"):
        BackfillWorker(crafted.candle_backfill).run_pending()

    task = crafted.candle_backfill.task(queued["task_id"])
    assert task["state"] == "done"
    assert (task["rows_written"], task["rows_rejected"]) == (2, 3)
    assert [line.split(": ", 1)[1] for line in task["reject_sample"]] == [
        "low is above open or close",
        "volume is negative",
        "the start is not on a 1d boundary",
    ]
    assert "3 candle(s) of NSE_EQ|INE002A01018 1d rejected" in caplog.text
    with crafted.database.read() as connection:
        stored = series_candles(connection, KEY, "1d")
    assert [datetime.fromtimestamp(r.ts, IST).date() for r in stored] == [
        date(2025, 3, 3),
        date(2025, 3, 7),
    ]
