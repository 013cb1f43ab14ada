"""Wire fidelity of REST answers: symbol forms per record type and v3 OHLC's previous candle.

Which symbol form goes where is argued, with sources, above
``scripts.upstox_sandbox.market.derivatives.exchange_symbol``; the expected compact forms here are
built independently from the option-contract records (expiry, strike, type, weekly).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.upstox_sandbox.conftest import RELIANCE, control

NIFTY = "NSE_INDEX|Nifty 50"
MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()


def _compact(rec: dict) -> str:
    """NSE's F&O symbol for an option-contract record, written out by hand."""
    expiry = date.fromisoformat(rec["expiry"])
    strike = int(rec["strike_price"])
    yy = f"{expiry.year % 100:02d}"
    if rec["weekly"]:
        month = "123456789OND"[expiry.month - 1]
        return f"NIFTY{yy}{month}{expiry.day:02d}{strike}{rec['instrument_type']}"
    return f"NIFTY{yy}{MONTHS[expiry.month - 1]}{strike}{rec['instrument_type']}"


def _contracts(api) -> tuple[dict, dict]:
    """An at-the-money-ish weekly and monthly NIFTY call listed today."""
    records = api.get("/v2/option/contract", params={"instrument_key": NIFTY}).json()["data"]
    calls = [r for r in records if r["instrument_type"] == "CE"]
    weekly = [r for r in calls if r["weekly"]]
    monthly = [r for r in calls if not r["weekly"]]
    assert weekly and monthly
    return weekly[len(weekly) // 2], monthly[len(monthly) // 2]


def _order(api, key: str, qty: int) -> str:
    body = {
        "quantity": qty,
        "product": "I",
        "validity": "DAY",
        "price": 0,
        "instrument_token": key,
        "order_type": "MARKET",
        "transaction_type": "BUY",
        "disclosed_quantity": 0,
        "trigger_price": 0,
        "is_amo": False,
    }
    resp = api.post("/v2/order/place", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()["data"]["order_id"]


def test_fo_quote_keys_are_compact_while_contract_records_stay_spaced(api):
    weekly, monthly = _contracts(api)
    assert weekly["trading_symbol"] == (
        f"NIFTY {int(weekly['strike_price'])} CE "
        f"{datetime.fromisoformat(weekly['expiry']).strftime('%d %b %y').upper()}"
    )
    keys = f"{weekly['instrument_key']},{monthly['instrument_key']},{NIFTY},{RELIANCE}"
    for path in ("/v2/market-quote/quotes", "/v3/market-quote/quotes", "/v3/market-quote/ltp"):
        data = api.get(path, params={"instrument_key": keys}).json()["data"]
        assert set(data) == {
            f"NSE_FO:{_compact(weekly)}",
            f"NSE_FO:{_compact(monthly)}",
            "NSE_INDEX:Nifty 50",
            "NSE_EQ:RELIANCE",
        }, path
        assert data[f"NSE_FO:{_compact(weekly)}"]["instrument_token"] == weekly["instrument_key"]
    full = api.get("/v2/market-quote/quotes", params={"instrument_key": monthly["instrument_key"]})
    assert full.json()["data"][f"NSE_FO:{_compact(monthly)}"]["symbol"] == _compact(monthly)
    greeks = api.get(
        "/v3/market-quote/option-greek", params={"instrument_key": weekly["instrument_key"]}
    ).json()["data"]
    assert list(greeks) == [f"NSE_FO:{_compact(weekly)}"]


def test_future_quote_key_is_symbol_year_month_fut(api):
    bod = api.get("/market-quote/instruments/exchange/NSE.json.gz")
    import gzip
    import json

    records = json.loads(bod.content if bod.content[:1] == b"[" else gzip.decompress(bod.content))
    fut = next(r for r in records if r["instrument_type"] == "FUT" and r["name"] == "NIFTY")
    expiry = datetime.fromtimestamp(fut["expiry"] / 1000)
    assert fut["trading_symbol"].startswith("NIFTY FUT ")
    data = api.get("/v3/market-quote/ltp", params={"instrument_key": fut["instrument_key"]})
    assert list(data.json()["data"]) == [
        f"NSE_FO:NIFTY{expiry.year % 100:02d}{MONTHS[expiry.month - 1]}FUT"
    ]


def test_fo_order_trade_position_and_gtt_records_carry_the_compact_symbol(api):
    weekly, monthly = _contracts(api)
    order_id = _order(api, weekly["instrument_key"], 75)
    _order(api, monthly["instrument_key"], 75)
    details = api.get("/v2/order/details", params={"order_id": order_id}).json()["data"]
    assert details["trading_symbol"] == details["tradingsymbol"] == _compact(weekly)
    assert details["exchange"] == "NFO"
    trades = api.get("/v2/order/trades", params={"order_id": order_id}).json()["data"]
    assert [t["trading_symbol"] for t in trades] == [_compact(weekly)]
    positions = api.get("/v2/portfolio/short-term-positions").json()["data"]
    by_key = {p["instrument_token"]: p for p in positions}
    assert by_key[weekly["instrument_key"]]["tradingsymbol"] == _compact(weekly)
    assert by_key[monthly["instrument_key"]]["trading_symbol"] == _compact(monthly)
    gtt = api.post(
        "/v3/order/gtt/place",
        json={
            "type": "SINGLE",
            "quantity": 75,
            "product": "D",
            "instrument_token": monthly["instrument_key"],
            "transaction_type": "BUY",
            "rules": [{"strategy": "ENTRY", "trigger_type": "BELOW", "trigger_price": 0.5}],
        },
    )
    assert gtt.status_code == 200, gtt.text
    gid = gtt.json()["data"]["gtt_order_ids"][0]
    listed = api.get("/v3/order/gtt", params={"gtt_order_id": gid}).json()["data"][0]
    assert listed["trading_symbol"] == _compact(monthly) and listed["exchange"] == "NSE_FO"
    # Equity records keep the plain symbol.
    _order(api, RELIANCE, 1)
    book = api.get("/v2/order/retrieve-all").json()["data"]
    assert {o["trading_symbol"] for o in book} == {_compact(weekly), _compact(monthly), "RELIANCE"}


def _epoch_ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def _as_ohlc(row: list) -> dict:
    """A candle-endpoint row in the shape of v3 OHLC's prev_ohlc/live_ohlc."""
    return {
        "ts": _epoch_ms(row[0]),
        "open": row[1],
        "high": row[2],
        "low": row[3],
        "close": row[4],
        "volume": row[5],
    }


def _ohlc(api, interval: str) -> dict:
    data = api.get(
        "/v3/market-quote/ohlc", params={"instrument_key": RELIANCE, "interval": interval}
    ).json()["data"]
    return data["NSE_EQ:RELIANCE"]


@pytest.mark.parametrize("interval, minutes", [("I1", 1), ("I30", 30)])
def test_v3_ohlc_intraday_prev_and_live_are_the_intraday_candles(api, interval, minutes):
    quote = _ohlc(api, interval)
    rows = api.get(f"/v3/historical-candle/intraday/{RELIANCE}/minutes/{minutes}").json()["data"][
        "candles"
    ]  # newest first: [0] is forming at 10:30, [1] the one completed before it
    assert quote["live_ohlc"] == _as_ohlc(rows[0])
    assert quote["prev_ohlc"] == _as_ohlc(rows[1])
    assert quote["prev_ohlc"]["ts"] + minutes * 60_000 == quote["live_ohlc"]["ts"]


@pytest.mark.parametrize("interval, minutes", [("I1", 1), ("I30", 30)])
def test_v3_ohlc_prev_at_the_first_candle_is_the_previous_sessions_last(api, interval, minutes):
    control(api, "clock", {"action": "freeze", "at": "2026-03-10T09:15:20+05:30"})
    quote = _ohlc(api, interval)
    last_of_monday = api.get(
        f"/v3/historical-candle/{RELIANCE}/minutes/{minutes}/2026-03-09/2026-03-09"
    ).json()["data"]["candles"][0]
    assert quote["prev_ohlc"] == _as_ohlc(last_of_monday)
    assert quote["live_ohlc"]["ts"] == _epoch_ms("2026-03-10T09:15:00+05:30")


def test_v3_ohlc_day_prev_is_the_previous_daily_candle(api):
    quote = _ohlc(api, "1d")
    monday = api.get(f"/v3/historical-candle/{RELIANCE}/days/1/2026-03-09/2026-03-09").json()[
        "data"
    ]["candles"][0]
    assert quote["prev_ohlc"] == _as_ohlc(monday)
