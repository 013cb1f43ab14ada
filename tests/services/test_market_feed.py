"""The platform's one market-feed connection, end to end against the sandbox's protobuf feed."""

from __future__ import annotations

import time

import pytest

from tests.sandbox_session import log_in

RELIANCE = "NSE_EQ|INE002A01018"
NIFTY = "NSE_INDEX|Nifty 50"


@pytest.fixture
def api(sandbox_api):
    return sandbox_api


def wait_for_ticks(api, keys: str, count: int, timeout: float = 20.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ticks = api.get(f"/api/feed/ticks?instrument_keys={keys}").get_json()["data"]
        if len(ticks) >= count:
            return ticks
        time.sleep(0.2)
    raise AssertionError(f"no ticks for {keys}: {api.get('/api/feed/health').get_json()}")


def test_feed_needs_a_session(api) -> None:
    refused = api.post("/api/feed/subscriptions", json={"instrument_keys": [RELIANCE]})
    assert refused.status_code == 409
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
    health = api.get("/api/health").get_json()["data"]["broker"]["feed"]
    assert health["connected"] is True and health["subscriptions"]["full"] == 2
    assert health["last_tick_age_s"] is not None


def test_bad_instrument_key_names_the_field(api) -> None:
    log_in(api)
    bad = api.post("/api/feed/subscriptions", json={"instrument_keys": ["RELIANCE"]})
    assert bad.status_code == 422
    assert bad.get_json()["error"]["field"] == "instrument_keys"
    assert "SEGMENT|ID" in bad.get_json()["error"]["message"]


def test_unsubscribe_forgets_the_instrument(api) -> None:
    log_in(api)
    api.post("/api/feed/subscriptions", json={"instrument_keys": [RELIANCE]})
    wait_for_ticks(api, RELIANCE, 1)
    result = api.delete("/api/feed/subscriptions", json={"instrument_keys": [RELIANCE]})
    assert result.get_json()["data"]["subscriptions"].get("ltpc", []) == []
    assert api.get(f"/api/feed/ticks?instrument_keys={RELIANCE}").get_json()["data"] == []
