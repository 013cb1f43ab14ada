"""The real market-feed process (``python -m scripts.feed_process``) serving two API apps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from scripts.config.settings import PROJECT_ROOT, Settings
from tests.sandbox_session import log_in

RELIANCE = "NSE_EQ|INE002A01018"
NIFTY = "NSE_INDEX|Nifty 50"


@pytest.fixture
def feed_process(sandbox_settings: Settings, database, tmp_path) -> Iterator[str]:
    """The feed process on FEED_PORT, on this test's database and the session's sandbox."""
    env = {
        **os.environ,
        "UPSTOX_MODE": sandbox_settings.mode.value,
        "DATABASE_URL": database.url,
        "FEED_HOST": sandbox_settings.feed_host,
        "FEED_PORT": str(sandbox_settings.feed_port),
        "UPSTOX_SANDBOX_URL": sandbox_settings.sandbox_url,
        "ENCRYPTION_KEY": ",".join(sandbox_settings.encryption_keys),
        "UPSTOX_CLIENT_ID": sandbox_settings.upstox_client_id,
        "UPSTOX_CLIENT_SECRET": sandbox_settings.upstox_client_secret,
        "LOG_DIR": str(tmp_path / "logs"),
    }
    log = (tmp_path / "feed.out").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.feed_process"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://{sandbox_settings.feed_host}:{sandbox_settings.feed_port}"
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, (tmp_path / "feed.out").read_text()
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the feed process never answered"
        time.sleep(0.1)
    yield url
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0, (tmp_path / "feed.out").read_text()
    log.close()


def app_client(settings: Settings, database):
    from scripts.api.app import create_app

    app = create_app(settings, database)
    client = app.test_client()
    client.environ_base["HTTP_X_API_KEY"] = settings.api_key
    return app, client


def ticks(client, keys: str) -> list[dict]:
    return client.get(f"/api/feed/ticks?instrument_keys={keys}").get_json()["data"]


def wait_until(check, timeout: float) -> float:
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, "condition not reached in time"
        time.sleep(0.05)
    return time.monotonic() - started


def test_two_api_workers_share_one_upstox_connection_and_logout_stops_it(
    feed_process, sandbox_settings, database, sandbox_process
) -> None:
    control = f"{sandbox_process.url}/sandbox/control/feed"
    first_app, first = app_client(sandbox_settings, database)
    second_app, second = app_client(sandbox_settings, database)
    try:
        first_app.extensions["upstox_platform"].instruments.sync()
        log_in(first)
        opened_before = httpx.get(control).json()["data"]["connections_opened"]
        a = first.post(
            "/api/feed/subscriptions",
            json={"instrument_keys": ["RELIANCE"], "consumer": "watchlist:1"},
        )
        b = second.post(
            "/api/feed/subscriptions",
            json={"instrument_keys": ["NIFTY 50"], "consumer": "page:2", "mode": "full"},
        )
        assert a.status_code == b.status_code == 200, (a.get_json(), b.get_json())
        assert b.get_json()["data"]["connection"] == {"ltpc": [RELIANCE], "full": [NIFTY]}
        both = f"{RELIANCE},{NIFTY}"
        wait_until(lambda: len([t for t in ticks(first, both) if not t["stale"]]) == 2, 20)
        wait_until(lambda: len([t for t in ticks(second, both) if not t["stale"]]) == 2, 20)
        assert httpx.get(control).json()["data"]["connections_opened"] - opened_before == 1
        assert second.get("/api/feed/health").get_json()["data"]["feeds_opened"] == 1

        assert first.post("/api/auth/logout").status_code == 200
        took = wait_until(lambda: all(t["stale"] for t in ticks(second, both)), 5)
        assert took < 2.0  # "within about a second": a 0.25 s watch and one database read
        assert httpx.get(control).json()["data"]["open_connections"] == 0
        assert second.get("/api/feed/health").get_json()["data"]["state"] == "stopped"
    finally:
        first_app.extensions["upstox_platform"].close()
        second_app.extensions["upstox_platform"].close()
