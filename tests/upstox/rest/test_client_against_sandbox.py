"""The platform's own Upstox client against the built-in sandbox, one test per endpoint family.

Together with the SDK tests in tests/upstox_sandbox (the official SDK against the sandbox)
this shows the client and the sandbox agree on the wire format Upstox documents.
"""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import httpx
import pytest

from scripts.upstox.rest.client import UpstoxClient
from scripts.upstox.rest.market_api import by_instrument_key
from scripts.upstox.rest.reconcile import matching_order_ids
from scripts.upstox.errors import OrderRejected, TokenExpired
from scripts.upstox.hosts import hosts_for_mode
from scripts.upstox.rest.models import GttRule, MultiOrderLine, OrderRequest

RELIANCE = "NSE_EQ|INE002A01018"
INFY = "NSE_EQ|INE009A01021"
NIFTY = "NSE_INDEX|Nifty 50"
CLIENT_ID, SECRET = "sandbox-demo-app", "sandbox-demo-secret"


@pytest.fixture(scope="module")
def token(sandbox_process) -> str:
    redirect = "http://127.0.0.1:1/cb"
    upstox_client = UpstoxClient(
        hosts_for_mode("sandbox", sandbox_process.url), lambda: None, lambda e: None
    )
    dialog = httpx.get(
        upstox_client.login_url(client_id=CLIENT_ID, redirect_uri=redirect, state="s")
    )
    code = httpx.URL(dialog.headers["location"]).params["code"]
    response = upstox_client.exchange_code(
        code=code, client_id=CLIENT_ID, client_secret=SECRET, redirect_uri=redirect
    )
    assert response.user_id == "SBX001"
    return response.access_token.get_secret_value()


@pytest.fixture
def upstox(sandbox_process, token) -> UpstoxClient:
    expired: list = []
    upstox_client = UpstoxClient(
        hosts_for_mode("sandbox", sandbox_process.url), lambda: token, expired.append
    )
    upstox_client.expired = expired  # type: ignore[attr-defined]
    yield upstox_client
    upstox_client.close()


def test_account_profile_and_funds(upstox) -> None:
    assert upstox.profile().user_id == "SBX001"
    funds = upstox.funds()
    assert funds.equity is not None and funds.equity.available_margin > 0
    assert "available_to_trade" in upstox.funds_v3()


def test_quotes_full_ltp_ohlc_agree(upstox) -> None:
    full = upstox.full_quotes([RELIANCE, INFY])
    ltp = upstox.ltp_quotes([RELIANCE])
    ohlc = upstox.ohlc_quotes([RELIANCE], interval="1d", version=3)
    assert set(full) == {"NSE_EQ:RELIANCE", "NSE_EQ:INFY"}
    quote = full["NSE_EQ:RELIANCE"]
    assert quote["instrument_token"] == RELIANCE and len(quote["depth"]["buy"]) == 5
    assert ltp["NSE_EQ:RELIANCE"]["last_price"] > 0
    bar = ohlc["NSE_EQ:RELIANCE"]["live_ohlc"]
    assert bar["low"] <= ohlc["NSE_EQ:RELIANCE"]["last_price"] <= bar["high"]


def test_fo_and_index_quotes_are_found_by_instrument_token_not_by_map_key(upstox) -> None:
    calls = [c for c in upstox.option_contracts(NIFTY) if c["instrument_type"] == "CE"]
    weekly = next(c for c in calls if c["weekly"])
    monthly = next(c for c in calls if not c["weekly"])
    wanted = [RELIANCE, NIFTY, weekly["instrument_key"], monthly["instrument_key"]]
    for quotes in (
        upstox.ltp_quotes(wanted),
        upstox.full_quotes(wanted, version=3),
        upstox.ohlc_quotes(wanted, interval="I1", version=3),
    ):
        # Map keys carry Upstox's own symbol forms, none of them the BOD's spaced F&O symbol.
        assert weekly["trading_symbol"] not in {k.split(":", 1)[1] for k in quotes}
        mapped = by_instrument_key(quotes)
        assert set(mapped) == set(wanted)
        assert all(mapped[key]["last_price"] > 0 for key in wanted)


def test_fo_order_records_reconcile_by_instrument_token(upstox) -> None:
    option = next(c for c in upstox.option_contracts(NIFTY) if c["weekly"])
    order = OrderRequest(
        instrument_token=option["instrument_key"],
        quantity=option["lot_size"],
        product="I",
        order_type="MARKET",
        transaction_type="BUY",
        tag="fo-reconcile-1",
    )
    sent_at = datetime.now(timezone.utc)
    (order_id,) = upstox.place_order(order).order_ids
    history = upstox.order_history(tag="fo-reconcile-1")
    assert {r.trading_symbol for r in history} != {option["trading_symbol"]}
    assert matching_order_ids(history, order, "fo-reconcile-1", sent_at, 5.0) == [order_id]
    position = next(p for p in upstox.positions() if p.instrument_token == option["instrument_key"])
    assert position.quantity >= option["lot_size"] and " " not in (position.trading_symbol or "")
    upstox.exit_all_positions()


def test_candles_historical_and_intraday(upstox) -> None:
    today = date.today()
    daily = upstox.historical_candles(RELIANCE, "days", 1, today, today - timedelta(days=30))
    assert len(daily) >= 15
    assert daily == sorted(daily, key=lambda c: c.timestamp)  # oldest first
    assert all(c.low <= min(c.open, c.close) and c.high >= max(c.open, c.close) for c in daily)
    intraday = upstox.intraday_candles(RELIANCE, "minutes", 1)
    assert intraday and intraday[-1].timestamp.utcoffset() == timedelta(hours=5, minutes=30)


def test_options_contracts_chain_and_greeks(upstox) -> None:
    contracts = upstox.option_contracts(NIFTY)
    assert contracts and {c["instrument_type"] for c in contracts} == {"CE", "PE"}
    expiry = contracts[0]["expiry"]
    chain = upstox.option_chain(NIFTY, expiry)
    assert chain and chain[0]["call_options"]["option_greeks"]["delta"] > 0
    greeks = upstox.option_greeks([contracts[0]["instrument_key"]])
    assert next(iter(greeks.values()))["iv"] > 0


def test_market_information(upstox) -> None:
    holidays = upstox.market_holidays()
    assert any(h["date"] == "2026-12-25" for h in holidays)
    timings = upstox.market_timings(date(2026, 11, 25))
    assert {t["exchange"] for t in timings} >= {"NSE", "BSE"}
    assert upstox.market_status("NSE")["exchange"] == "NSE"


def test_orders_place_history_by_tag_modify_cancel(upstox) -> None:
    ltp = upstox.ltp_quotes([INFY])["NSE_EQ:INFY"]["last_price"]
    far_below = Decimal(str(round(ltp * 0.8, 1)))
    placed = upstox.place_order(
        OrderRequest(
            instrument_token=INFY,
            quantity=1,
            product="D",
            order_type="LIMIT",
            price=far_below,
            transaction_type="BUY",
            tag="client-compat-1",
        )
    )
    (order_id,) = placed.order_ids
    history = upstox.order_history(tag="client-compat-1")
    assert {h.order_id for h in history} == {order_id}
    assert upstox.order_details(order_id).status == "open"
    upstox.modify_order(
        order_id, order_type="LIMIT", price=float(far_below) - 1, trigger_price=0, validity="DAY"
    )
    upstox.cancel_order(order_id)
    assert upstox.order_details(order_id).status == "cancelled"
    with pytest.raises(OrderRejected):
        upstox.place_order(
            OrderRequest(
                instrument_token="NSE_EQ|INE000000000",
                quantity=1,
                product="I",
                order_type="MARKET",
                transaction_type="BUY",
            )
        )


def test_market_order_fills_into_trades_and_positions(upstox) -> None:
    placed = upstox.place_order(
        OrderRequest(
            instrument_token=RELIANCE,
            quantity=2,
            product="I",
            order_type="MARKET",
            transaction_type="BUY",
        )
    )
    (order_id,) = placed.order_ids
    trades = upstox.trades_for_order(order_id)
    assert sum(t.quantity for t in trades) == 2
    assert any(t.order_id == order_id for t in upstox.trades_for_day())
    position = next(
        p for p in upstox.positions() if p.instrument_token == RELIANCE and p.product == "I"
    )
    assert position.quantity >= 2
    assert any(h.instrument_token == RELIANCE for h in upstox.holdings())
    exited = upstox.exit_all_positions()
    assert exited["summary"]["success"] >= 1


def test_multi_place_and_cancel_all(upstox) -> None:
    ltp = upstox.ltp_quotes([INFY])["NSE_EQ:INFY"]["last_price"]
    lines = [
        MultiOrderLine(
            instrument_token=INFY,
            quantity=1,
            product="D",
            order_type="LIMIT",
            price=Decimal(str(round(ltp * 0.7, 1))),
            transaction_type="BUY",
            correlation_id=f"c{i}",
            tag="multi-compat",
        )
        for i in range(2)
    ]
    result = upstox.place_multi_order(lines)
    assert [row["correlation_id"] for row in result["data"]] == ["c0", "c1"]
    cancelled = upstox.cancel_all_orders(tag="multi-compat")
    assert len(cancelled["data"]["order_ids"]) == 2


def test_gtt_place_list_modify_cancel(upstox) -> None:
    ltp = upstox.ltp_quotes([INFY])["NSE_EQ:INFY"]["last_price"]
    rule = GttRule(strategy="ENTRY", trigger_type="BELOW", trigger_price=round(ltp * 0.5, 1))
    (gtt_id,) = upstox.place_gtt(
        instrument_token=INFY, transaction_type="BUY", quantity=1, product="D", rules=[rule]
    )
    assert gtt_id.startswith("GTT-")
    assert any(g["gtt_order_id"] == gtt_id for g in upstox.gtt_orders())
    moved = GttRule(strategy="ENTRY", trigger_type="BELOW", trigger_price=round(ltp * 0.4, 1))
    upstox.modify_gtt(gtt_id, quantity=2, rules=[moved])
    (detail,) = upstox.gtt_orders(gtt_id)
    assert detail["quantity"] == 2
    upstox.cancel_gtt(gtt_id)


def test_charges_and_margin(upstox) -> None:
    charges = upstox.brokerage(
        instrument_token=RELIANCE, quantity=10, product="D", transaction_type="BUY", price=1400.0
    )
    assert charges["charges"]["total"] > 0 and "taxes" in charges["charges"]
    margin = upstox.margin(
        [
            {
                "instrument_key": RELIANCE,
                "quantity": 10,
                "product": "D",
                "transaction_type": "BUY",
                "price": 1400.0,
            }
        ]
    )
    assert margin["required_margin"] > 0


def test_instrument_file_download(upstox, tmp_path) -> None:
    path = upstox.download_instruments("NSE", dest_dir=tmp_path)
    records = json.loads(gzip.decompress(path.read_bytes()))
    keys = {r["instrument_key"] for r in records}
    assert RELIANCE in keys and NIFTY in keys


def test_revoked_token_raises_token_expired_and_calls_back(sandbox_process, token) -> None:
    expired: list = []
    upstox_client = UpstoxClient(
        hosts_for_mode("sandbox", sandbox_process.url), lambda: "bogus", expired.append
    )
    with pytest.raises(TokenExpired):
        upstox_client.profile()
    assert expired and expired[0].code == "UDAPI100050"
