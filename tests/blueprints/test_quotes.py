"""GET /api/quotes over the real app and the real sandbox: equities, indices and F&O contracts
matched back by instrument_token, the 1-s shared cache, and 4xx envelopes for bad input."""

from __future__ import annotations

import httpx
import pytest
from tests.envelope import data, error

RELIANCE = "NSE_EQ|INE002A01018"
TCS = "NSE_EQ|INE467B01029"
NIFTY = "NSE_INDEX|Nifty 50"


@pytest.fixture
def loaded_api(sandbox_api, sandbox_login):
    """A logged-in API with the sandbox's instrument file loaded."""
    sandbox_api.application.extensions["upstox_platform"].instruments.sync()
    return sandbox_api


def test_equity_key_and_index_quotes_come_back_in_the_order_asked(loaded_api) -> None:
    rows = data(loaded_api.get("/api/quotes", query_string={"symbols": f"RELIANCE,{TCS},NIFTY 50"}))
    assert [r["instrument_key"] for r in rows] == [RELIANCE, TCS, NIFTY]
    assert [r["trading_symbol"] for r in rows[:2]] == ["RELIANCE", "TCS"]
    equity, index = rows[0], rows[2]
    assert equity["ltp"] > 0 and equity["close"] > 0 and equity["volume"] is not None
    assert equity["change"] == pytest.approx(equity["ltp"] - equity["close"], abs=0.011)
    assert equity["change_pct"] == pytest.approx(equity["change"] / equity["close"] * 100, abs=0.01)
    assert equity["low"] <= equity["ltp"] <= equity["high"]
    assert len(equity["depth"]["buy"]) == len(equity["depth"]["sell"]) == 5
    best_bid, best_ask = equity["depth"]["buy"][0], equity["depth"]["sell"][0]
    assert 0 < best_bid["price"] <= best_ask["price"] and best_bid["quantity"] > 0
    assert equity["lower_circuit_limit"] < equity["ltp"] < equity["upper_circuit_limit"]
    assert equity["total_buy_quantity"] > 0 and equity["timestamp"]
    assert index["ltp"] > 0 and index["close"] > 0


def test_an_option_is_matched_by_instrument_token_not_the_map_key(loaded_api) -> None:
    found = data(loaded_api.get("/api/instruments/search?q=NIFTY&segment=NSE_FO&type=CE&limit=1"))
    option = found[0]
    rows = data(loaded_api.get("/api/quotes", query_string={"symbols": option["instrument_key"]}))
    assert rows[0]["instrument_key"] == option["instrument_key"]
    assert rows[0]["trading_symbol"] == option["trading_symbol"]
    assert rows[0]["ltp"] is not None and rows[0]["oi"] is not None


def test_two_calls_within_a_second_cost_one_upstox_call(loaded_api, sandbox_process) -> None:
    control = f"{sandbox_process.url}/sandbox/control/faults"
    # A 1-ms latency fault per quote request: its remaining count counts Upstox's calls.
    fault = {"path_prefix": "/v3/market-quote/quotes", "kind": "latency", "latency_ms": 1}
    httpx.post(control, json={**fault, "count": 10}, timeout=5).raise_for_status()
    try:
        first = data(loaded_api.get("/api/quotes?symbols=INFY,HDFCBANK"))
        second = data(loaded_api.get("/api/quotes?symbols=HDFCBANK,INFY"))
        probe = {"path_prefix": "/never-called", "kind": "latency", "count": 1}
        pending = httpx.post(control, json=probe, timeout=5).json()["data"]
    finally:
        httpx.delete(control, timeout=5)
    left = [f["count"] for f in pending if f["path_prefix"] == fault["path_prefix"]]
    assert left == [9], pending
    assert first[0]["ltp"] == second[1]["ltp"]  # the same cached answer, asked in another order


def test_an_unknown_symbol_is_a_404_naming_it(loaded_api) -> None:
    problem = error(loaded_api.get("/api/quotes?symbols=RELIANCE,NOSUCHSTOCK"), 404)
    assert "NOSUCHSTOCK" in problem["message"] and problem["field"] == "symbols"


@pytest.mark.parametrize("query", ["", "symbols=", "symbols=%00", "symbols=,,"])
def test_missing_or_bad_symbols_are_a_422(loaded_api, query: str) -> None:
    assert error(loaded_api.get(f"/api/quotes?{query}"), 422)["message"]


def test_without_a_session_the_answer_says_to_log_in(sandbox_api) -> None:
    sandbox_api.application.extensions["upstox_platform"].instruments.sync()
    problem = error(sandbox_api.get("/api/quotes?symbols=RELIANCE"), 409)
    assert "log in" in problem["message"].lower()
