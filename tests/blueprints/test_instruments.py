"""The instruments API over the real app: search, resolve and load status from the sandbox's
BOD file, and clear 4xx envelopes (never a 5xx) for bad input."""

from __future__ import annotations

import pytest
from tests.envelope import data, error


@pytest.fixture
def loaded_api(sandbox_api):
    """The API with the sandbox's instrument file loaded, as the morning job leaves it."""
    sandbox_api.application.extensions["upstox_platform"].instruments.sync()
    return sandbox_api


def test_search_answers_type_ahead_rows_with_exact_symbol_first(loaded_api) -> None:
    rows = data(loaded_api.get("/api/instruments/search?q=reli&limit=5"))
    assert rows[0]["trading_symbol"] == "RELIANCE"
    assert rows[0]["instrument_key"] == "NSE_EQ|INE002A01018"
    assert {"lot_size", "tick_size", "expiry", "strike_price", "segment"} <= set(rows[0])


def test_search_filters_segment_and_type(loaded_api) -> None:
    rows = data(loaded_api.get("/api/instruments/search?q=NIFTY&segment=NSE_FO&type=CE&limit=7"))
    assert len(rows) == 7
    assert {(r["segment"], r["instrument_type"]) for r in rows} == {("NSE_FO", "CE")}
    assert all(r["expiry"] and r["strike_price"] for r in rows)


def test_resolve_answers_the_key_and_how_it_matched(loaded_api) -> None:
    found = data(loaded_api.get("/api/instruments/resolve", query_string={"q": "NSE:RELIANCE"}))
    assert (found["instrument_key"], found["matched_by"]) == ("NSE_EQ|INE002A01018", "symbol")
    index = data(loaded_api.get("/api/instruments/resolve", query_string={"q": "NIFTY BANK"}))
    assert index["instrument_key"] == "NSE_INDEX|Nifty Bank"


def test_resolve_of_an_unknown_key_is_a_404_that_says_where_to_look(loaded_api) -> None:
    problem = error(loaded_api.get("/api/instruments/resolve?q=NSE_EQ%7CBOGUS123"), 404)
    assert problem["field"] == "q" and "/api/instruments/search" in problem["message"]


def test_resolve_of_a_bad_exchange_prefix_is_a_422(loaded_api) -> None:
    problem = error(loaded_api.get("/api/instruments/resolve?q=XYZ:RELIANCE"), 422)
    assert "EXCHANGE:SYMBOL" in problem["message"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=",
        "q=%00",
        "q=" + "A" * 65,
        "q=REL&limit=0",
        "q=REL&limit=abc",
        "q=REL&limit=101",
        "q=REL&segment=nse",
        "q=REL&type=e%25",
    ],
)
def test_bad_search_input_is_a_422_envelope(loaded_api, query: str) -> None:
    problem = error(loaded_api.get(f"/api/instruments/search?{query}"), 422)
    assert problem["message"]


@pytest.mark.parametrize("query", ["", "q=", "q=%0A", "q=" + "B" * 65])
def test_bad_resolve_input_is_a_422_envelope(loaded_api, query: str) -> None:
    assert error(loaded_api.get(f"/api/instruments/resolve?{query}"), 422)["message"]


def test_whitespace_only_search_is_a_422_naming_the_fix(loaded_api) -> None:
    problem = error(loaded_api.get("/api/instruments/search?q=%20%20"), 422)
    assert "at least one character" in problem["message"]


def test_status_reports_the_last_load_with_counts_per_segment(loaded_api) -> None:
    status = data(loaded_api.get("/api/instruments/status"))
    last = status["last_loaded"]
    assert last["status"] == "loaded" and last["file_date"]
    assert last["segment_counts"]["NSE_EQ"] == 50
    assert status["total"] == last["rows"] == sum(last["segment_counts"].values())


def test_status_before_any_load_is_empty_not_an_error(client) -> None:
    status = data(client.get("/api/instruments/status"))
    assert status == {"total": 0, "last_loaded": None, "last_attempt": None}


def test_resolve_before_any_load_says_how_to_load(client) -> None:
    problem = error(client.get("/api/instruments/resolve?q=RELIANCE"), 404)
    assert "scripts.cli.instruments sync" in problem["message"]


def test_the_routes_need_the_api_key(loaded_api) -> None:
    loaded_api.environ_base.pop("HTTP_X_API_KEY")
    error(loaded_api.get("/api/instruments/search?q=REL"), 401)
