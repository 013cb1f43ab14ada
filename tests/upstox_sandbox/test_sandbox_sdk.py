"""Compatibility proof: the official upstox-python-sdk, unmodified, against the sandbox."""

from __future__ import annotations

import pytest
import upstox_client
from tests.upstox_sandbox.conftest import REDIRECT, RELIANCE

from scripts.upstox_sandbox.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

NIFTY = "NSE_INDEX|Nifty 50"


@pytest.fixture
def client(api, running_sandbox, token):
    cfg = upstox_client.Configuration()
    cfg.host = running_sandbox.base_url
    cfg.order_host = running_sandbox.base_url
    cfg.access_token = token
    return upstox_client.ApiClient(cfg)


def _place(client, **kw):
    body = dict(
        quantity=1,
        product="I",
        validity="DAY",
        price=0.0,
        tag="sdk",
        instrument_token=RELIANCE,
        order_type="MARKET",
        transaction_type="BUY",
        disclosed_quantity=0,
        trigger_price=0.0,
        is_amo=False,
    )
    body.update(kw)
    return upstox_client.OrderApiV3(client).place_order(upstox_client.PlaceOrderV3Request(**body))


def test_login_api_token_exchange(running_sandbox, api):
    import httpx

    with httpx.Client(base_url=running_sandbox.base_url) as http:
        loc = http.get(
            "/v2/login/authorization/dialog",
            params={"client_id": DEMO_CLIENT_ID, "redirect_uri": REDIRECT},
        ).headers["location"]
    cfg = upstox_client.Configuration()
    cfg.host = running_sandbox.base_url
    resp = upstox_client.LoginApi(upstox_client.ApiClient(cfg)).token(
        "2.0",
        code=loc.split("code=")[1],
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        redirect_uri=REDIRECT,
        grant_type="authorization_code",
    )
    assert (
        resp.user_id == "SBX001" and resp.access_token.count(".") == 2 and "NSE" in resp.exchanges
    )


def test_user_api_profile_and_funds(client):
    api = upstox_client.UserApi(client)
    assert api.get_profile("2.0").data.user_name == "Sandbox Demo Trader"
    funds = api.get_user_fund_margin("2.0").data
    assert funds["equity"].available_margin == 1_000_000.0
    v3 = api.get_user_fund_margin_v3().data
    assert v3.available_to_trade.cash_available_to_trade.cash.opening_balance == 1_000_000.0


def test_order_api_v2_and_v3_lifecycle(client):
    v3 = upstox_client.OrderApiV3(client)
    placed = _place(client, quantity=2)
    assert placed.metadata.latency >= 1
    oid = placed.data.order_ids[0]
    v2 = upstox_client.OrderApi(client)
    book = v2.get_order_book("2.0").data
    assert book[0].order_id == oid and book[0].status == "complete" and book[0].average_price > 0
    history = v2.get_order_details("2.0", order_id=oid).data
    assert [h.status for h in history][-1] == "complete"
    assert v2.get_trade_history("2.0").data[0].quantity == 2
    assert v2.get_trades_by_order(oid, "2.0").data[0].order_id == oid
    limit = _place(client, order_type="LIMIT", price=100.0).data.order_ids[0]
    mod = v3.modify_order(
        upstox_client.ModifyOrderRequest(
            validity="DAY", price=101.0, order_id=limit, order_type="LIMIT", trigger_price=0.0
        )
    )
    assert mod.data.order_id == limit
    assert v2.cancel_order(limit, "2.0").data.order_id == limit
    v2_id = v2.place_order(
        upstox_client.PlaceOrderRequest(
            quantity=1,
            product="I",
            validity="DAY",
            price=100.0,
            instrument_token=RELIANCE,
            order_type="LIMIT",
            transaction_type="BUY",
            disclosed_quantity=0,
            trigger_price=0.0,
            is_amo=False,
            tag="v2",
        ),
        "2.0",
    ).data.order_id
    multi_cancel = v2.cancel_multi_order(tag="v2")
    assert multi_cancel.data.order_ids == [v2_id]


def test_order_api_multi_place_and_exit(client):
    line = dict(
        quantity=75,
        product="I",
        validity="DAY",
        price=0.0,
        instrument_token=None,
        order_type="MARKET",
        transaction_type="SELL",
        disclosed_quantity=0,
        trigger_price=0.0,
        is_amo=False,
        slice=True,
    )
    contracts = upstox_client.OptionsApi(client).get_option_contracts(NIFTY).data
    fut_free = next(c for c in contracts if c.instrument_type == "CE" and c.strike_price == 25500.0)
    lines = [
        upstox_client.MultiOrderRequest(
            correlation_id="c1", **dict(line, instrument_token=fut_free.instrument_key)
        ),
        upstox_client.MultiOrderRequest(
            correlation_id="c2",
            **dict(line, instrument_token=RELIANCE, quantity=3, transaction_type="BUY"),
        ),
    ]
    resp = upstox_client.OrderApi(client).place_multi_order(lines)
    assert resp.summary.success == 2 and {d.correlation_id for d in resp.data} == {"c1", "c2"}
    positions = upstox_client.PortfolioApi(client).get_positions("2.0").data
    assert {p.quantity for p in positions} == {-75, 3}
    exited = upstox_client.OrderApi(client).exit_positions()
    assert len(exited.data.order_ids) == 2
    assert all(
        p.quantity == 0 for p in upstox_client.PortfolioApi(client).get_positions("2.0").data
    )


def test_gtt_place_get_modify_cancel(client):
    v3 = upstox_client.OrderApiV3(client)
    rule = upstox_client.GttRule(strategy="ENTRY", trigger_type="BELOW", trigger_price=100.0)
    placed = v3.place_gtt_order(
        upstox_client.GttPlaceOrderRequest(
            type="SINGLE",
            quantity=1,
            product="D",
            rules=[rule],
            instrument_token=RELIANCE,
            transaction_type="BUY",
        )
    )
    gid = placed.data.gtt_order_ids[0]
    got = v3.get_gtt_order_details(gtt_order_id=gid).data[0]
    assert (
        got.rules[0].status == "SCHEDULED"
        and got.exchange == "NSE_EQ"
        and got.expires_at > got.created_at
    )
    rule.trigger_price = 90.0
    v3.modify_gtt_order(
        upstox_client.GttModifyOrderRequest(
            type="SINGLE", quantity=2, rules=[rule], gtt_order_id=gid
        )
    )
    assert v3.get_gtt_order_details(gtt_order_id=gid).data[0].quantity == 2
    v3.cancel_gtt_order(upstox_client.GttCancelOrderRequest(gtt_order_id=gid))
    assert v3.get_gtt_order_details(gtt_order_id=gid).data[0].rules[0].status == "CANCELLED"


def test_portfolio_api_holdings_and_convert(client):
    port = upstox_client.PortfolioApi(client)
    holdings = {h.trading_symbol: h for h in port.get_holdings("2.0").data}
    assert holdings["RELIANCE"].quantity == 10 and holdings["RELIANCE"].average_price == 1400.0
    _place(client, quantity=4)
    port.convert_positions(
        upstox_client.ConvertPositionRequest(
            instrument_token=RELIANCE,
            new_product="D",
            old_product="I",
            transaction_type="BUY",
            quantity=4,
        ),
        "2.0",
    )
    products = {p.product: p.quantity for p in port.get_positions("2.0").data if p.quantity}
    assert products == {"D": 4}
    assert port.get_mtf_positions().data == []


def test_market_quote_v2_and_v3(client):
    v2 = upstox_client.MarketQuoteApi(client)
    full = v2.get_full_market_quote(RELIANCE, "2.0").data["NSE_EQ:RELIANCE"]
    assert (
        full.instrument_token == RELIANCE
        and len(full.depth.buy) == 5
        and full.ohlc.high >= full.ohlc.low
    )
    assert v2.ltp(RELIANCE, "2.0").data["NSE_EQ:RELIANCE"].last_price == full.last_price
    assert (
        v2.get_market_quote_ohlc(RELIANCE, "1d", "2.0").data["NSE_EQ:RELIANCE"].ohlc.close
        == full.last_price
    )
    v3 = upstox_client.MarketQuoteV3Api(client)
    assert v3.get_ltp(instrument_key=RELIANCE).data["NSE_EQ:RELIANCE"].cp > 0
    ohlc = v3.get_market_quote_ohlc("1d", instrument_key=RELIANCE).data["NSE_EQ:RELIANCE"]
    assert ohlc.live_ohlc.close == full.last_price and ohlc.prev_ohlc.ts < ohlc.live_ohlc.ts
    q3 = (
        upstox_client.MarketQuoteV3Api(client)
        .get_full_market_quote_v3(instrument_key=NIFTY)
        .data["NSE_INDEX:Nifty 50"]
    )
    assert q3.last_price > 10000 and q3.prev_close_price > 0


def test_options_api_and_greeks(client):
    options = upstox_client.OptionsApi(client)
    contracts = options.get_option_contracts(NIFTY).data
    expiry = min(c.expiry for c in contracts).date()
    chain = options.get_put_call_option_chain(NIFTY, expiry.isoformat()).data
    atm = min(chain, key=lambda row: abs(row.strike_price - row.underlying_spot_price))
    call, put = atm.call_options, atm.put_options
    assert 0 < call.option_greeks.delta < 1 and -1 < put.option_greeks.delta < 0
    assert call.market_data.ltp > 0 and call.market_data.ltp != atm.underlying_spot_price
    greeks = (
        upstox_client.MarketQuoteV3Api(client)
        .get_market_quote_option_greek(instrument_key=call.instrument_key)
        .data
    )
    only = next(iter(greeks.values()))
    assert (
        only.instrument_token == call.instrument_key
        and only.iv > 0
        and only.delta == call.option_greeks.delta
    )


def test_history_v3_api(client):
    hist = upstox_client.HistoryV3Api(client)
    intraday = hist.get_intra_day_candle_data(RELIANCE, "minutes", "5").data.candles
    assert intraday[0][0] > intraday[-1][0] and len(intraday[0]) == 7
    daily = hist.get_historical_candle_data1(
        RELIANCE, "days", "1", "2026-03-09", "2026-02-01"
    ).data.candles
    assert len(daily) > 15 and all(c[2] >= c[3] for c in daily)


def test_market_holidays_and_timings_api(client):
    api = upstox_client.MarketHolidaysAndTimingsApi(client)
    holidays = api.get_holidays().data
    assert any(h.description == "Holi" and h._date.month == 3 for h in holidays)
    timings = {t.exchange: t for t in api.get_exchange_timings("2026-03-10").data}
    assert timings["NSE"].end_time - timings["NSE"].start_time == 375 * 60 * 1000
    assert api.get_market_status("NSE").data.status == "NORMAL_OPEN"
    assert api.get_holiday("2026-03-03").data[0].holiday_type == "TRADING_HOLIDAY"


def test_charge_api_brokerage_and_margin(client):
    charges = upstox_client.ChargeApi(client)
    b = charges.get_brokerage(RELIANCE, 10, "D", "BUY", 1500.0, "2.0").data.charges
    # Hand-worked: turnover 15,000; brokerage min(20, 2.5%) = 20; STT 0.1% = 15;
    # stamp 0.015% = 2.25; txn 0.00297% = 0.45 (0.4455); SEBI 0.015 -> 0.02; IPFT 0.02;
    # GST 18% x (20 + 0.45 + 0.02 + 0.02) = 3.69; total 41.43.
    assert (b.brokerage, b.taxes.stt, b.taxes.stamp_duty, b.other_taxes.transaction) == (
        20.0,
        15.0,
        2.25,
        0.45,
    )
    assert b.taxes.gst == 3.69 and b.total == 41.43 and b.dp_plan.min_expense == 18.5
    margin = charges.post_margin(
        upstox_client.MarginRequest(
            instruments=[
                upstox_client.Instrument(
                    instrument_key=RELIANCE,
                    quantity=10,
                    product="I",
                    transaction_type="BUY",
                    price=1500.0,
                )
            ]
        )
    )
    assert margin.data.required_margin == 3000.0


def test_sdk_reads_intraday_prev_ohlc_and_compact_fo_quote_keys(client):
    v3 = upstox_client.MarketQuoteV3Api(client)
    for interval, step_ms in (("I1", 60_000), ("I30", 1_800_000)):
        bar = v3.get_market_quote_ohlc(interval, instrument_key=RELIANCE).data["NSE_EQ:RELIANCE"]
        assert bar.prev_ohlc is not None and bar.prev_ohlc.ts + step_ms == bar.live_ohlc.ts
        assert bar.prev_ohlc.volume > 0
    weekly = next(
        c for c in upstox_client.OptionsApi(client).get_option_contracts(NIFTY).data if c.weekly
    )
    key = next(iter(v3.get_ltp(instrument_key=weekly.instrument_key).data))
    assert key.startswith("NSE_FO:NIFTY") and key.endswith(weekly.instrument_type)
    assert " " not in key
    assert " " in weekly.trading_symbol
