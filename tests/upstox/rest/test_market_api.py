"""Quotes, options, candles, market info, charges (§7): encoding, caps and parsing."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from scripts.upstox.errors import InvalidRequest
from tests.upstox.recorded_server import Reply, recorded

NHPC = "NSE_EQ|INE848E01016"
NIFTY = "NSE_INDEX|Nifty 50"


def test_quote_keys_are_encoded_pipe_and_space_with_literal_commas(server, upstox_client):
    server.route("GET", "/v3/market-quote/ltp", Reply(body=recorded("ltp_v3.json")))

    data = upstox_client.ltp_quotes([NHPC, NIFTY], version=3)

    req = server.seen("GET", "/v3/market-quote/ltp")[0]
    assert req.query == "instrument_key=NSE_EQ%7CINE848E01016,NSE_INDEX%7CNifty%2050"
    assert req.params["instrument_key"] == [f"{NHPC},{NIFTY}"]
    # Upstox keys the answer by EXCHSEG:TRADING_SYMBOL, the instrument key is inside.
    assert data["NSE_INDEX:Nifty 50"]["instrument_token"] == NIFTY


def test_full_quote_v2_keeps_depth_and_raw_float_price(server, upstox_client):
    server.route("GET", "/v2/market-quote/quotes", Reply(body=recorded("quotes_full_v2.json")))
    quote = upstox_client.full_quotes([NHPC])["NSE_EQ:NHPC"]
    assert len(quote["depth"]["buy"]) == 5 and quote["last_price"] == 52.04999923706055


def test_ohlc_v3_sends_interval(server, upstox_client):
    server.route("GET", "/v3/market-quote/ohlc", Reply(body=recorded("ohlc_v3.json")))
    data = upstox_client.ohlc_quotes([NHPC], interval="I30", version=3)
    assert server.seen("GET", "/v3/market-quote/ohlc")[0].params["interval"] == ["I30"]
    assert data["NSE_EQ:NHPC"]["live_ohlc"]["ts"] == 1697740200000


def test_option_greeks_use_v3_path(server, upstox_client):
    server.route("GET", "/v3/market-quote/option-greek", Reply(body=recorded("option_greeks.json")))
    data = upstox_client.option_greeks(["NSE_FO|43919"])
    assert data["NSE_FO:NIFTY2543021600PE"]["delta"] == -0.38


@pytest.mark.parametrize(
    "call, count",
    [
        (lambda c, keys: c.full_quotes(keys), 501),
        (lambda c, keys: c.ltp_quotes(keys, version=3), 501),
        (lambda c, keys: c.ohlc_quotes(keys), 501),
        (lambda c, keys: c.option_greeks(keys), 51),
        (lambda c, keys: c.ltp_quotes(keys), 0),
    ],
)
def test_key_caps_are_enforced_before_sending(server, upstox_client, call, count):
    with pytest.raises(InvalidRequest):
        call(upstox_client, [f"NSE_FO|{i}" for i in range(count)])
    assert server.requests == []


def test_margin_cap_of_20_instruments_is_enforced_locally(server, upstox_client):
    leg = {"instrument_key": NHPC, "quantity": 1, "product": "D", "transaction_type": "BUY"}
    with pytest.raises(InvalidRequest, match="at most 20"):
        upstox_client.margin([leg] * 21)
    assert server.requests == []


def test_option_contracts_and_chain_queries(server, upstox_client):
    server.route("GET", "/v2/option/contract", Reply(body=recorded("option_contracts.json")))
    server.route("GET", "/v2/option/chain", Reply(body=recorded("option_chain.json")))

    contracts = upstox_client.option_contracts(NIFTY, date(2024, 2, 15))
    chain = upstox_client.option_chain(NIFTY, "2024-02-15")

    assert server.seen("GET", "/v2/option/contract")[0].query == (
        "instrument_key=NSE_INDEX%7CNifty%2050&expiry_date=2024-02-15"
    )
    assert server.seen("GET", "/v2/option/chain")[0].params["expiry_date"] == ["2024-02-15"]
    assert contracts[0]["trading_symbol"] == "NIFTY 19650 CE 15 FEB 24"
    assert chain[0]["put_options"]["option_greeks"]["delta"] == -0.48


def test_historical_candles_path_encoding_and_oldest_first_typed_rows(server, upstox_client):
    path = "/v3/historical-candle/NSE_INDEX%7CNifty%2050/days/1/2023-10-19/2023-10-17"
    server.route("GET", path, Reply(body=recorded("candles_historical.json")))

    candles = upstox_client.historical_candles(NIFTY, "days", 1, "2023-10-19", date(2023, 10, 17))

    assert len(server.seen("GET", path)) == 1
    ist = timezone(timedelta(hours=5, minutes=30))
    assert [c.timestamp for c in candles] == [
        datetime(2023, 10, d, tzinfo=ist) for d in (17, 18, 19)
    ]
    assert candles[0].open == 2500.0 and candles[-1].close == 2520.3
    assert candles[0].volume == 4800100 and candles[0].oi == 0
    assert all(c.timestamp.tzinfo is not None for c in candles)


def test_historical_candles_without_from_date_omits_the_segment(server, upstox_client):
    path = "/v3/historical-candle/NSE_EQ%7CINE848E01016/minutes/15/2023-10-19"
    server.route("GET", path, Reply(body=recorded("candles_historical.json")))
    assert len(upstox_client.historical_candles(NHPC, "minutes", 15, "2023-10-19")) == 3


def test_intraday_candles_oldest_first(server, upstox_client):
    path = "/v3/historical-candle/intraday/NSE_INDEX%7CNifty%2050/minutes/15"
    server.route("GET", path, Reply(body=recorded("candles_intraday.json")))
    candles = upstox_client.intraday_candles(NIFTY, "minutes", 15)
    assert [c.timestamp.strftime("%H:%M") for c in candles] == ["09:15", "09:30", "09:45"]


@pytest.mark.parametrize(
    "args",
    [
        ("minutes", 301, "2023-10-19", None),
        ("hours", 6, "2023-10-19", None),
        ("weeks", 2, "2023-10-19", None),
        ("days", 1, "2023-10-17", "2023-10-19"),
        ("days", 1, "19-10-2023", None),
    ],
)
def test_bad_candle_arguments_are_refused_locally(server, upstox_client, args):
    unit, interval, to_date, from_date = args
    with pytest.raises(InvalidRequest):
        upstox_client.historical_candles(NIFTY, unit, interval, to_date, from_date)
    assert server.requests == []


def test_intraday_refuses_weeks_unit(server, upstox_client):
    with pytest.raises(InvalidRequest, match="unit"):
        upstox_client.intraday_candles(NIFTY, "weeks", 1)


def test_market_holidays_timings_and_status(server, upstox_client):
    server.route("GET", "/v2/market/holidays", Reply(body=recorded("holidays.json")))
    server.route("GET", "/v2/market/holidays/2024-01-22", Reply(body=recorded("holidays.json")))
    server.route("GET", "/v2/market/timings/2023-10-19", Reply(body=recorded("timings.json")))
    server.route("GET", "/v2/market/status/NSE", Reply(body=recorded("market_status.json")))

    assert upstox_client.market_holidays()[0]["holiday_type"] == "TRADING_HOLIDAY"
    assert upstox_client.market_holidays(date(2024, 1, 22))[0]["date"] == "2024-01-22"
    assert upstox_client.market_timings("2023-10-19")[0]["start_time"] == 1697687100000
    assert upstox_client.market_status("NSE")["status"] == "NORMAL_OPEN"


def test_brokerage_query_and_margin_post_body(server, upstox_client):
    server.route("GET", "/v2/charges/brokerage", Reply(body=recorded("brokerage.json")))
    server.route("POST", "/v2/charges/margin", Reply(body=recorded("margin.json")))
    leg = {"instrument_key": NHPC, "quantity": 1, "product": "D", "transaction_type": "BUY"}

    charges = upstox_client.brokerage(
        instrument_token=NHPC, quantity=10, product="D", transaction_type="BUY", price=52.05
    )
    margin = upstox_client.margin([leg])

    assert server.seen("GET", "/v2/charges/brokerage")[0].query == (
        "instrument_token=NSE_EQ%7CINE848E01016&quantity=10&product=D&transaction_type=BUY"
        "&price=52.05"
    )
    assert server.seen("POST", "/v2/charges/margin")[0].json() == {"instruments": [leg]}
    assert charges["charges"]["total"] == 25.46 and margin["final_margin"] == 571.0
