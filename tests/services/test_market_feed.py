"""The platform's one market feed, end to end: API app -> feed process (loopback) -> sandbox."""

from __future__ import annotations

import queue
import time

import httpx
import pytest
from sqlalchemy import event

from tests.sandbox_session import log_in

RELIANCE = "NSE_EQ|INE002A01018"
NIFTY = "NSE_INDEX|Nifty 50"


@pytest.fixture
def api(sandbox_api, feed_server):
    """The API (instruments loaded, as the morning job leaves them) with the feed process up."""
    sandbox_api.application.extensions["upstox_platform"].instruments.sync()
    return sandbox_api


def wait_for_ticks(api, keys: str, count: int, timeout: float = 20.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ticks = api.get(f"/api/feed/ticks?instrument_keys={keys}").get_json()["data"]
        if len(ticks) >= count and all(not t["stale"] for t in ticks):
            return ticks
        time.sleep(0.2)
    raise AssertionError(f"no ticks for {keys}: {api.get('/api/feed/health').get_json()}")


def wait_until(check, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.1)


def test_feed_needs_a_session(api) -> None:
    refused = api.post("/api/feed/subscriptions", json={"instrument_keys": [RELIANCE]})
    assert refused.status_code == 409
    assert "log in" in refused.get_json()["error"]["message"].lower()
    assert api.get("/api/feed/health").get_json()["data"]["state"] == "stopped"


def test_subscribed_ticks_arrive_decoded_from_protobuf(api) -> None:
    log_in(api)
    subscribed = api.post(
        "/api/feed/subscriptions", json={"instrument_keys": [RELIANCE, NIFTY], "mode": "full"}
    )
    assert subscribed.status_code == 200
    assert sorted(subscribed.get_json()["data"]["subscriptions"]["full"]) == sorted(
        [RELIANCE, NIFTY]
    )
    ticks = {t["instrument_key"]: t for t in wait_for_ticks(api, f"{RELIANCE},{NIFTY}", 2)}
    equity, index = ticks[RELIANCE], ticks[NIFTY]
    assert equity["ltp"] > 0 and equity["cp"] > 0 and len(equity["depth"]) == 5
    assert index["is_index"] is True and index["ltp"] > 0
    assert equity["ltt"] > 0 and 0 <= equity["age_ms"] < 5000 and equity["stale"] is False
    health = api.get("/api/health").get_json()["data"]["broker"]["feed"]
    assert health["connected"] is True and health["subscriptions"]["full"] == 2
    assert health["last_tick_age_s"] is not None
    assert {"NSE_EQ", "BSE_FO", "MCX_FO", "NCD_FO", "BCD_FO"} <= set(health["market_status"])


def test_full_d30_delivers_thirty_depth_levels(api) -> None:
    log_in(api)
    api.post("/api/feed/subscriptions", json={"instrument_keys": [RELIANCE], "mode": "full_d30"})
    tick = wait_for_ticks(api, RELIANCE, 1)[0]
    assert tick["mode"] == "full_d30" and len(tick["depth"]) == 30
    prices = [level["bid_price"] for level in tick["depth"]]
    assert prices == sorted(prices, reverse=True)


def test_symbols_are_resolved_and_an_unknown_key_is_refused_by_name(api) -> None:
    log_in(api)
    by_symbol = api.post("/api/feed/subscriptions", json={"instrument_keys": ["RELIANCE"]})
    assert by_symbol.status_code == 200
    assert by_symbol.get_json()["data"]["subscriptions"]["ltpc"] == [RELIANCE]
    bogus = api.post("/api/feed/subscriptions", json={"instrument_keys": ["NSE_EQ|BOGUS123"]})
    assert bogus.status_code == 404
    error = bogus.get_json()["error"]
    assert error["field"] == "instrument_keys" and "NSE_EQ|BOGUS123" in error["message"]
    health = api.get("/api/feed/health").get_json()["data"]
    assert health["subscriptions"] in ({"ltpc": 1}, {})  # BOGUS123 never reached the feed


def test_delete_accepts_and_refuses_exactly_what_post_does(api) -> None:
    log_in(api)
    for bad in (["NSE_EQ|BOGUS123"], ["NOSUCHSYMBOL"]):
        posted = api.post("/api/feed/subscriptions", json={"instrument_keys": bad})
        deleted = api.delete("/api/feed/subscriptions", json={"instrument_keys": bad})
        assert posted.status_code == deleted.status_code == 404
        assert posted.get_json()["error"]["message"] == deleted.get_json()["error"]["message"]
    api.post("/api/feed/subscriptions", json={"instrument_keys": ["RELIANCE"]})
    dropped = api.delete("/api/feed/subscriptions", json={"instrument_keys": ["RELIANCE"]})
    assert dropped.status_code == 200 and dropped.get_json()["data"]["subscriptions"] == {}


def test_unsubscribe_forgets_the_instrument(api) -> None:
    log_in(api)
    api.post("/api/feed/subscriptions", json={"instrument_keys": [RELIANCE]})
    wait_for_ticks(api, RELIANCE, 1)
    result = api.delete("/api/feed/subscriptions", json={"instrument_keys": [RELIANCE]})
    assert result.get_json()["data"]["subscriptions"].get("ltpc", []) == []
    assert api.get(f"/api/feed/ticks?instrument_keys={RELIANCE}").get_json()["data"] == []


def test_one_consumers_unsubscribe_leaves_anothers_and_the_richest_mode_wins(api) -> None:
    log_in(api)
    feed = api.application.extensions["upstox_platform"].market_feed
    feed.subscribe("watchlist:3", [RELIANCE], "ltpc")
    both = feed.subscribe("page:a", [RELIANCE, NIFTY], "full")
    assert both["connection"] == {"full": [RELIANCE, NIFTY]}
    left = feed.unsubscribe("page:a")
    assert left["subscriptions"] == {} and left["connection"] == {"ltpc": [RELIANCE]}
    wait_until(lambda: feed.health()["subscriptions"] == {"ltpc": 1})
    assert [t["instrument_key"] for t in wait_for_ticks(api, RELIANCE, 1)] == [RELIANCE]
    feed.unsubscribe("watchlist:3", [RELIANCE])
    wait_until(lambda: feed.health()["subscriptions"] == {})


def test_two_api_processes_share_one_upstox_connection(
    api, sandbox_settings, database, sandbox_process
) -> None:
    """A second, separately built app (another worker) uses the same feed process."""
    from scripts.api.app import create_app

    log_in(api)
    opened_before = httpx.get(f"{sandbox_process.url}/sandbox/control/feed").json()["data"]
    other_app = create_app(sandbox_settings, database)
    other = other_app.test_client()
    other.environ_base["HTTP_X_API_KEY"] = sandbox_settings.api_key
    try:
        first = api.post(
            "/api/feed/subscriptions", json={"instrument_keys": [RELIANCE], "consumer": "page:1"}
        )
        second = other.post(
            "/api/feed/subscriptions", json={"instrument_keys": [NIFTY], "consumer": "page:2"}
        )
        assert first.status_code == second.status_code == 200
        assert second.get_json()["data"]["connection"] == {"ltpc": [RELIANCE, NIFTY]}
        wait_for_ticks(other, f"{RELIANCE},{NIFTY}", 2)
        wait_for_ticks(api, f"{RELIANCE},{NIFTY}", 2)
        opened = httpx.get(f"{sandbox_process.url}/sandbox/control/feed").json()["data"]
        assert opened["connections_opened"] - opened_before["connections_opened"] == 1
        assert api.get("/api/feed/health").get_json()["data"]["feeds_opened"] == 1
    finally:
        other_app.extensions["upstox_platform"].close()


def test_logout_stops_the_feed_within_about_a_second_and_marks_ticks_stale(api) -> None:
    log_in(api)
    api.post("/api/feed/subscriptions", json={"instrument_keys": [RELIANCE]})
    wait_for_ticks(api, RELIANCE, 1)
    assert api.post("/api/auth/logout").status_code == 200
    started = time.monotonic()
    wait_until(lambda: api.get("/api/feed/health").get_json()["data"]["state"] == "stopped", 5)
    assert time.monotonic() - started < 2.0
    tick = api.get(f"/api/feed/ticks?instrument_keys={RELIANCE}").get_json()["data"][0]
    assert tick["stale"] is True
    seen = tick["ltt"], tick["received_at"]
    time.sleep(1.5)
    again = api.get(f"/api/feed/ticks?instrument_keys={RELIANCE}").get_json()["data"][0]
    assert (again["ltt"], again["received_at"]) == seen  # no tick flows after logout
    log_in(api)  # a new login lets the subscription resume
    wait_until(
        lambda: not api.get(f"/api/feed/ticks?instrument_keys={RELIANCE}").get_json()["data"][0][
            "stale"
        ],
        15,
    )
    health = api.get("/api/feed/health").get_json()["data"]
    assert health["connected"] is True and health["subscriptions"] == {"ltpc": 1}


def test_reconnect_resubscribes_everything(api, sandbox_process) -> None:
    log_in(api)
    api.post("/api/feed/subscriptions", json={"instrument_keys": [RELIANCE, NIFTY]})
    wait_for_ticks(api, f"{RELIANCE},{NIFTY}", 2)
    dropped = httpx.post(
        f"{sandbox_process.url}/sandbox/control/feed", json={"drop_connections": True}
    )
    assert dropped.json()["data"]["dropped"] >= 1
    wait_until(lambda: api.get("/api/feed/health").get_json()["data"]["reconnect_count"] >= 1, 20)
    before = {
        t["instrument_key"]: t["received_at"] for t in wait_for_ticks(api, f"{RELIANCE},{NIFTY}", 2)
    }
    wait_until(
        lambda: all(
            t["received_at"] > before[t["instrument_key"]]
            for t in api.get(f"/api/feed/ticks?instrument_keys={RELIANCE},{NIFTY}").get_json()[
                "data"
            ]
        ),
        20,
    )


def test_bars_are_built_from_ticks(api) -> None:
    log_in(api)
    api.post("/api/feed/subscriptions", json={"instrument_keys": [RELIANCE], "mode": "full"})
    wait_for_ticks(api, RELIANCE, 1)
    wait_until(lambda: api.get("/api/feed/bars?instrument_key=RELIANCE").get_json()["data"]["bars"])
    answer = api.get("/api/feed/bars?instrument_key=RELIANCE").get_json()["data"]
    assert answer["instrument_key"] == RELIANCE and answer["stale"] is False
    bar = answer["bars"][-1]
    assert bar["low"] <= bar["open"] <= bar["high"] and bar["low"] <= bar["close"] <= bar["high"]
    assert bar["ts"] % 60_000 == 0
    unknown = api.get("/api/feed/bars?instrument_key=NSE_EQ|BOGUS123")
    assert unknown.status_code == 404


def test_without_the_feed_process_health_says_unreachable_and_subscribe_is_502(
    sandbox_api,
) -> None:
    sandbox_api.application.extensions["upstox_platform"].instruments.sync()
    log_in(sandbox_api)
    health = sandbox_api.get("/api/feed/health").get_json()["data"]
    assert health["state"] == "unreachable" and "start_nicegui" in health["detail"]
    refused = sandbox_api.post("/api/feed/subscriptions", json={"instrument_keys": [RELIANCE]})
    assert refused.status_code == 502
    assert "own process" in refused.get_json()["error"]["message"]


def test_incremental_live_feed_keeps_the_parts_a_message_left_out(
    api, feed_server, sandbox_process
) -> None:
    """The sandbox sends only what changed: an option's steady open interest is left out of
    every live_feed, yet the merged tick keeps it (and depth, OHLC, the LTPC)."""
    control = f"{sandbox_process.url}/sandbox/control/feed"
    assert httpx.post(control, json={"incremental": True}).json()["data"]["incremental"] is True
    try:
        log_in(api)
        found = api.get("/api/instruments/search?q=NIFTY&type=CE&limit=1").get_json()["data"]
        option = found[0]["instrument_key"]
        api.post("/api/feed/subscriptions", json={"instrument_keys": [option], "mode": "full"})
        first = wait_for_ticks(api, option, 1)[0]
        assert first["oi"] > 0
        bus = feed_server.hub.tick_bus
        assert bus is not None
        raw: queue.Queue = queue.Queue()
        bus.subscribe(raw, keys=[option])
        live = []
        while len(live) < 2:
            update = raw.get(timeout=20)
            if not update.snapshot:
                live.append(update)
        assert all(update.oi is None for update in live), "oi was sent though unchanged"
        tick = api.get(f"/api/feed/ticks?instrument_keys={option}").get_json()["data"][0]
        assert tick["oi"] == first["oi"] and tick["received_at"] > first["received_at"]
        assert tick["ltp"] > 0 and tick["ltt"] > 0 and len(tick["depth"]) == 5 and tick["ohlc"]
    finally:
        httpx.post(control, json={"incremental": False})


def test_a_new_login_while_connected_reconnects_with_the_new_token(api) -> None:
    log_in(api)
    api.post("/api/feed/subscriptions", json={"instrument_keys": [RELIANCE]})
    first = wait_for_ticks(api, RELIANCE, 1)[0]
    log_in(api)  # a second login replaces the token the connection was opened with
    wait_until(lambda: api.get("/api/feed/health").get_json()["data"]["feeds_opened"] == 2)
    wait_until(
        lambda: wait_for_ticks(api, RELIANCE, 1)[0]["received_at"] > first["received_at"], 15
    )


def test_polling_held_keys_touches_no_database_and_unknown_ones_are_still_refused(
    api, database
) -> None:
    """GET /ticks for keys the feed process holds skips the resolver (no SQL at all); a
    symbol is still resolved, answers keep the asked order, and an unknown key is a 404."""
    log_in(api)
    api.post("/api/feed/subscriptions", json={"instrument_keys": [RELIANCE, NIFTY]})
    wait_for_ticks(api, f"{RELIANCE},{NIFTY}", 2)
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        polled = api.get(f"/api/feed/ticks?instrument_keys={NIFTY},{RELIANCE}")
        held = [t["instrument_key"] for t in polled.get_json()["data"]]
        assert held == [NIFTY, RELIANCE] and statements == []
        by_symbol = api.get(f"/api/feed/ticks?instrument_keys=RELIANCE,{NIFTY}").get_json()
        assert [t["instrument_key"] for t in by_symbol["data"]] == [RELIANCE, NIFTY]
        assert any("instruments" in s for s in statements)  # the symbol went to the resolver
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    unknown = api.get(f"/api/feed/ticks?instrument_keys={RELIANCE},NSE_EQ|BOGUS123")
    assert unknown.status_code == 404
    error = unknown.get_json()["error"]
    assert error["field"] == "instrument_keys" and "NSE_EQ|BOGUS123" in error["message"]
