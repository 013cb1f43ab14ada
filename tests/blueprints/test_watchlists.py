"""The watchlists API over the real app and sandbox: CRUD with clear 4xx, items through the one
resolver, live prices (feed tick or cached quote), null prices with a reason without a session,
and each list's feed subscription following its instruments."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest

from tests.envelope import data, error
from tests.sandbox_session import log_in

RELIANCE = "NSE_EQ|INE002A01018"
TCS = "NSE_EQ|INE467B01029"
NIFTY = "NSE_INDEX|Nifty 50"


@pytest.fixture
def api(sandbox_api, feed_server):
    """The API with the sandbox's instrument file loaded and the feed process up, not yet
    logged in to Upstox."""
    sandbox_api.application.extensions["upstox_platform"].instruments.sync()
    return sandbox_api


def full_subscriptions(api) -> int:
    return data(api.get("/api/feed/health"))["subscriptions"].get("full", 0)


def item_path(watchlist_id: int, symbol: str) -> str:
    return f"/api/watchlists/{watchlist_id}/items/{quote(symbol, safe='')}"


def test_create_list_rename_and_delete(api) -> None:
    banks = data(api.post("/api/watchlists", json={"name": "  Banks "}), 201)
    assert banks["name"] == "Banks" and banks["items"] == 0
    data(api.post("/api/watchlists", json={"name": "IT"}), 201)
    taken = error(api.post("/api/watchlists", json={"name": "banks"}), 409)
    assert "Banks" in taken["message"] or "banks" in taken["message"]
    assert [w["name"] for w in data(api.get("/api/watchlists"))] == ["Banks", "IT"]

    renamed = data(api.patch(f"/api/watchlists/{banks['id']}", json={"name": "PSU banks"}))
    assert renamed["name"] == "PSU banks" and renamed["id"] == banks["id"]
    error(api.patch(f"/api/watchlists/{banks['id']}", json={"name": "IT"}), 409)

    gone = data(api.delete(f"/api/watchlists/{banks['id']}"))
    assert gone == {"id": banks["id"], "name": "PSU banks", "deleted": True}
    problem = error(api.get(f"/api/watchlists/{banks['id']}"), 404)
    assert "GET /api/watchlists" in problem["message"]
    error(api.delete(f"/api/watchlists/{banks['id']}"), 404)


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 65}, {"name": "a\nb"}])
def test_a_bad_name_is_a_422(api, body: dict) -> None:
    assert error(api.post("/api/watchlists", json=body), 422)["message"]


def test_items_by_symbol_or_key_in_order_and_adding_twice_is_harmless(api) -> None:
    listed = data(api.post("/api/watchlists", json={"name": "Core"}), 201)["id"]
    path = f"/api/watchlists/{listed}/items"
    added = data(api.post(path, json={"symbol": "RELIANCE"}))
    assert (added["instrument_key"], added["changed"]) == (RELIANCE, True)
    data(api.post(path, json={"instrument_key": TCS}))
    data(api.post(path, json={"symbol": "NIFTY 50"}))
    again = data(api.post(path, json={"symbol": "NSE:RELIANCE"}))
    assert again["changed"] is False and "already" in again["message"]

    shown = data(api.get(f"/api/watchlists/{listed}"))
    assert [i["instrument_key"] for i in shown["instruments"]] == [RELIANCE, TCS, NIFTY]
    assert [i["trading_symbol"] for i in shown["instruments"][:2]] == ["RELIANCE", "TCS"]
    assert shown["items"] == 3

    assert data(api.delete(item_path(listed, TCS)))["changed"] is True
    assert data(api.delete(item_path(listed, "NIFTY 50")))["instrument_key"] == NIFTY
    error(api.delete(item_path(listed, "TCS")), 404)
    after = data(api.get(f"/api/watchlists/{listed}"))["instruments"]
    assert [i["instrument_key"] for i in after] == [RELIANCE]


def test_bad_items_are_4xx(api) -> None:
    listed = data(api.post("/api/watchlists", json={"name": "Core"}), 201)["id"]
    path = f"/api/watchlists/{listed}/items"
    unknown = error(api.post(path, json={"symbol": "NOSUCHSTOCK"}), 404)
    assert "NOSUCHSTOCK" in unknown["message"]
    error(api.post(path, json={}), 422)
    error(api.post(path, json={"symbol": "TCS", "instrument_key": TCS}), 422)
    error(api.post(path, json={"instrument_key": "RELIANCE"}), 422)
    error(api.post("/api/watchlists/999/items", json={"symbol": "TCS"}), 404)


def test_without_a_session_items_show_null_prices_and_why(api) -> None:
    listed = data(api.post("/api/watchlists", json={"name": "Core"}), 201)["id"]
    data(api.post(f"/api/watchlists/{listed}/items", json={"symbol": "RELIANCE"}))
    shown = data(api.get(f"/api/watchlists/{listed}"))
    assert shown["instruments"][0]["ltp"] is None
    assert shown["instruments"][0]["price_source"] is None
    assert "log in" in shown["prices_unavailable"].lower()


def test_with_a_session_items_carry_ltp_change_and_volume(api) -> None:
    log_in(api)
    listed = data(api.post("/api/watchlists", json={"name": "Core"}), 201)["id"]
    for symbol in ("RELIANCE", "NIFTY 50"):
        data(api.post(f"/api/watchlists/{listed}/items", json={"symbol": symbol}))
    shown = data(api.get(f"/api/watchlists/{listed}"))
    assert shown["prices_unavailable"] is None
    for item in shown["instruments"]:
        assert item["ltp"] > 0 and item["price_source"] in ("feed", "quote")
        assert item["change"] is not None and item["change_pct"] is not None
    equity = shown["instruments"][0]
    assert equity["volume"] is not None
    quoted = data(api.get("/api/quotes?symbols=RELIANCE"))[0]
    assert equity["ltp"] == pytest.approx(quoted["ltp"], rel=0.05)


def wait_for(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.1)


def test_the_feed_follows_adds_removes_and_deletes(api) -> None:
    log_in(api)
    listed = data(api.post("/api/watchlists", json={"name": "Core"}), 201)["id"]
    path = f"/api/watchlists/{listed}/items"
    data(api.post(path, json={"symbol": "RELIANCE"}))
    data(api.post(path, json={"symbol": "TCS"}))
    assert full_subscriptions(api) == 2
    wait_for(lambda: data(api.get(f"/api/feed/ticks?instrument_keys={RELIANCE}")) != [])
    wait_for(lambda: data(api.get(f"/api/watchlists/{listed}"))["instruments"][0]["price_source"]
             == "feed")  # fmt: skip
    data(api.delete(item_path(listed, "RELIANCE")))
    assert full_subscriptions(api) == 1
    assert data(api.get(f"/api/feed/ticks?instrument_keys={RELIANCE}")) == []
    data(api.delete(f"/api/watchlists/{listed}"))
    assert full_subscriptions(api) == 0


def test_lists_made_before_login_are_subscribed_on_the_first_read_after_it(api) -> None:
    listed = data(api.post("/api/watchlists", json={"name": "Core"}), 201)["id"]
    data(api.post(f"/api/watchlists/{listed}/items", json={"symbol": "RELIANCE"}))
    assert data(api.get("/api/feed/health"))["state"] == "stopped"
    log_in(api)
    data(api.get(f"/api/watchlists/{listed}"))
    assert full_subscriptions(api) == 1
