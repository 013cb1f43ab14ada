"""Order engine, funds and GTT behaviour over real HTTP, with hand-worked numbers."""

from __future__ import annotations

from decimal import Decimal

from tests.upstox_sandbox.conftest import RELIANCE, control, oauth_token

from scripts.upstox_sandbox.exchange.charges import order_charges


def _order(api, **overrides):
    body = {
        "quantity": 10,
        "product": "I",
        "validity": "DAY",
        "price": 0,
        "tag": "t-eng",
        "instrument_token": RELIANCE,
        "order_type": "MARKET",
        "transaction_type": "BUY",
        "disclosed_quantity": 0,
        "trigger_price": 0,
        "is_amo": False,
    }
    body.update(overrides)
    return api.post("/v2/order/place", json=body)


def _ltp(api, key=RELIANCE) -> float:
    data = api.get("/v3/market-quote/ltp", params={"instrument_key": key}).json()["data"]
    return next(iter(data.values()))["last_price"]


def _details(api, order_id):
    return api.get("/v2/order/details", params={"order_id": order_id}).json()["data"]


def _available(api) -> float:
    return api.get("/v2/user/get-funds-and-margin").json()["data"]["equity"]["available_margin"]


def test_market_buy_fills_one_tick_above_ltp_with_full_status_history(api):
    ltp = _ltp(api)
    order_id = _order(api).json()["data"]["order_id"]
    rec = _details(api, order_id)
    assert rec["status"] == "complete"
    assert rec["average_price"] == round(ltp + 0.05, 2)
    history = api.get("/v2/order/history", params={"order_id": order_id}).json()["data"]
    assert [h["status"] for h in history] == [
        "put order req received",
        "validation pending",
        "open pending",
        "open",
        "complete",
    ]
    trades = api.get("/v2/order/trades", params={"order_id": order_id}).json()["data"]
    assert trades[0]["quantity"] == 10 and trades[0]["average_price"] == rec["average_price"]


def test_intraday_round_trip_funds_match_hand_worked_numbers(api):
    opening = Decimal("1000000.00")
    buy_id = _order(api).json()["data"]["order_id"]
    buy_px = Decimal(str(_details(api, buy_id)["average_price"]))
    # Hand-worked: intraday margin 20% of 10 x price, plus that order's charges.
    from scripts.upstox_sandbox.market.universe import load_base_instruments

    reliance = next(i for i in load_base_instruments() if i.instrument_key == RELIANCE)
    buy_charges = order_charges(reliance, "I", "BUY", 10, float(buy_px)).total
    margin = (buy_px * 10 * Decimal("0.2")).quantize(Decimal("0.01"))
    assert Decimal(str(_available(api))) == opening - margin - buy_charges
    # Turnover 10 x 1,5xx: brokerage is 0.05% (< ₹20); stamp 0.003% on the buy side only.
    assert buy_charges.quantize(Decimal("0.01")) == buy_charges
    sell_id = _order(api, transaction_type="SELL").json()["data"]["order_id"]
    sell_px = Decimal(str(_details(api, sell_id)["average_price"]))
    sell_charges = order_charges(reliance, "I", "SELL", 10, float(sell_px)).total
    realised = (sell_px - buy_px) * 10
    assert Decimal(str(_available(api))) == opening + realised - buy_charges - sell_charges
    pos = api.get("/v2/portfolio/short-term-positions").json()["data"][0]
    assert pos["quantity"] == 0 and Decimal(str(pos["realised"])) == realised


def test_limit_buy_below_market_rests_then_fills_at_its_price_only_when_crossed(api):
    ltp = _ltp(api)
    limit = round(round((ltp * 0.995) / 0.05) * 0.05, 2)
    order_id = _order(api, order_type="LIMIT", price=limit).json()["data"]["order_id"]
    assert _details(api, order_id)["status"] == "open"
    for _ in range(40):  # advance the clock minute by minute until the path trades through
        control(api, "clock", {"action": "advance", "seconds": 60})
        rec = _details(api, order_id)
        if rec["status"] == "complete":
            break
        assert _ltp(api) > limit - 5  # still open means the path has not crossed yet
    lows = api.get(f"/v3/historical-candle/intraday/{RELIANCE}/minutes/1").json()["data"]["candles"]
    if rec["status"] == "complete":
        assert rec["average_price"] == limit
        assert min(c[3] for c in lows) < limit
    else:
        assert min(c[3] for c in lows) >= limit


def test_market_order_with_price_is_rejected_with_udapi1040(api):
    resp = _order(api, price=100.0)
    assert resp.status_code == 400
    err = resp.json()["errors"][0]
    assert err["error_code"] == err["errorCode"] == "UDAPI1040"


def test_order_when_market_closed_is_refused_unless_amo_which_opens_next_session(api):
    control(api, "clock", {"action": "freeze", "at": "2026-03-10T18:00:00+05:30"})
    refused = _order(api)
    assert refused.status_code == 400 and refused.json()["errors"][0]["error_code"] == "UDAPI100057"
    order_id = _order(api, is_amo=True).json()["data"]["order_id"]
    assert _details(api, order_id)["status"] == "after market order req received"
    control(
        api, "clock", {"action": "advance", "seconds": 15 * 3600 + 16 * 60}
    )  # to 09:16 next day
    expired = api.get("/v2/order/details", params={"order_id": order_id})
    assert expired.status_code == 401  # the day's token died at 03:30 IST
    assert expired.json()["errors"][0]["error_code"] == "UDAPI100050"
    api.headers["Authorization"] = f"Bearer {oauth_token(str(api.base_url).rstrip('/'))}"
    assert _details(api, order_id)["status"] == "complete"


def test_insufficient_funds_rejects_with_rms_message(api):
    order_id = _order(api, quantity=5000, product="D").json()["data"]["order_id"]
    rec = _details(api, order_id)
    assert rec["status"] == "rejected"
    assert rec["status_message"].startswith("You need to add Rs.")
    assert rec["status_message_raw"].startswith("RMS:Margin Exceeds")


def test_multi_place_with_one_bad_line_places_nothing(api):
    good = {
        "quantity": 1,
        "product": "I",
        "validity": "DAY",
        "price": 0,
        "instrument_token": RELIANCE,
        "order_type": "MARKET",
        "transaction_type": "BUY",
        "disclosed_quantity": 0,
        "trigger_price": 0,
        "is_amo": False,
        "slice": False,
        "correlation_id": "a",
    }
    bad = dict(good, correlation_id="b", order_type="LIMIT", price=0)
    resp = api.post("/v2/order/multi/place", json=[good, bad])
    body = resp.json()
    assert resp.status_code == 400 and body["summary"]["payload_error"] == 1
    assert body["errors"][0]["correlation_id"] == "b"
    assert api.get("/v2/order/retrieve-all").json()["data"] == []


def test_tagged_order_can_be_reconciled_by_tag_history(api):
    tag = "x" * 40
    order_id = _order(api, tag=tag).json()["data"]["order_id"]
    history = api.get("/v2/order/history", params={"tag": tag}).json()["data"]
    assert {h["order_id"] for h in history} == {order_id} and history[-1]["status"] == "complete"
    assert _order(api, tag="y" * 41).status_code == 400


def test_gtt_entry_above_triggers_and_arms_exit_rules(api):
    ltp = _ltp(api)
    body = {
        "type": "MULTIPLE",
        "quantity": 2,
        "product": "D",
        "instrument_token": RELIANCE,
        "transaction_type": "BUY",
        "rules": [
            {"strategy": "ENTRY", "trigger_type": "BELOW", "trigger_price": round(ltp + 50, 1)},
            {
                "strategy": "TARGET",
                "trigger_type": "IMMEDIATE",
                "trigger_price": round(ltp * 1.5, 1),
            },
            {
                "strategy": "STOPLOSS",
                "trigger_type": "IMMEDIATE",
                "trigger_price": round(ltp * 0.5, 1),
                "trailing_gap": 20,
            },
        ],
    }
    resp = api.post("/v3/order/gtt/place", json=body)
    assert resp.status_code == 200 and "latency" in resp.json()["metadata"]
    gid = resp.json()["data"]["gtt_order_ids"][0]
    control(api, "clock", {"action": "advance", "seconds": 2})
    gtt = api.get("/v3/order/gtt", params={"gtt_order_id": gid}).json()["data"][0]
    statuses = {r["strategy"]: r["status"] for r in gtt["rules"]}
    assert statuses == {"ENTRY": "COMPLETED", "TARGET": "SCHEDULED", "STOPLOSS": "SCHEDULED"}
    entry_order = next(r["order_id"] for r in gtt["rules"] if r["strategy"] == "ENTRY")
    assert _details(api, entry_order)["order_type"] == "LIMIT"
    assert len(str(gtt["created_at"])) == 16


def test_sl_m_sell_waits_in_trigger_pending(api):
    ltp = _ltp(api)
    _order(api, quantity=10).json()
    trigger = round(round((ltp * 0.9) / 0.05) * 0.05, 2)
    order_id = _order(
        api, transaction_type="SELL", order_type="SL-M", trigger_price=trigger
    ).json()["data"]["order_id"]
    assert _details(api, order_id)["status"] == "trigger pending"
    cancel = api.delete("/v3/order/cancel", params={"order_id": order_id})
    assert cancel.json()["metadata"]["latency"] >= 1
    assert _details(api, order_id)["status"] == "cancelled"
