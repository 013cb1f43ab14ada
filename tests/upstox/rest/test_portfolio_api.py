"""Positions, holdings, convert (§6) and GTT orders (§5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scripts.upstox.errors import InvalidRequest
from scripts.upstox.rest.models import GttRule
from tests.upstox.recorded_server import Reply, recorded

IDEA = "NSE_EQ|INE669E01016"
ENTRY = GttRule(strategy="ENTRY", trigger_type="ABOVE", trigger_price=7.0)
STOP = GttRule(strategy="STOPLOSS", trigger_type="IMMEDIATE", trigger_price=6.0, trailing_gap=0.5)


def test_positions_parse_money_as_decimal_and_nullable_average(server, upstox_client):
    server.route(
        "GET", "/v2/portfolio/short-term-positions", Reply(body=recorded("positions.json"))
    )
    (pos,) = upstox_client.positions()
    assert pos.realised == Decimal("112.5") and pos.average_price is None
    assert pos.trading_symbol == "NIFTY2543021600PE" and pos.quantity == 0


def test_mtf_positions_use_v3_path(server, upstox_client):
    server.route("GET", "/v3/portfolio/mtf-positions", Reply(body=recorded("positions.json")))
    assert upstox_client.mtf_positions()[0].instrument_token == "NSE_FO|43919"


def test_holdings_parse(server, upstox_client):
    server.route("GET", "/v2/portfolio/long-term-holdings", Reply(body=recorded("holdings.json")))
    (holding,) = upstox_client.holdings()
    assert holding.isin == "INE528G01035" and holding.average_price == Decimal("18.75")
    assert holding.quantity == 36


def test_convert_position_sends_put_body(server, upstox_client):
    server.route(
        "PUT", "/v2/portfolio/convert-position", Reply(body=recorded("convert_position.json"))
    )

    result = upstox_client.convert_position(
        instrument_token=IDEA, old_product="I", new_product="D", transaction_type="BUY", quantity=5
    )

    assert server.seen("PUT", "/v2/portfolio/convert-position")[0].json() == {
        "instrument_token": IDEA,
        "new_product": "D",
        "old_product": "I",
        "transaction_type": "BUY",
        "quantity": 5,
    }
    assert result == {"status": "complete"}


def test_place_gtt_body_has_multiple_type_and_rules(server, make_client):
    server.route("POST", "/v3/order/gtt/place", Reply(body=recorded("gtt_ids.json")))
    upstox_client = make_client(algo_name="algo1")

    ids = upstox_client.place_gtt(
        instrument_token=IDEA, transaction_type="BUY", quantity=1, product="D", rules=[ENTRY, STOP]
    )

    req = server.seen("POST", "/v3/order/gtt/place")[0]
    assert req.json() == {
        "type": "MULTIPLE",
        "quantity": 1,
        "product": "D",
        "instrument_token": IDEA,
        "transaction_type": "BUY",
        "rules": [
            {"strategy": "ENTRY", "trigger_type": "ABOVE", "trigger_price": 7.0},
            {
                "strategy": "STOPLOSS",
                "trigger_type": "IMMEDIATE",
                "trigger_price": 6.0,
                "trailing_gap": 0.5,
            },
        ],
    }
    assert req.headers["x-algo-name"] == "algo1"
    assert ids == ["GTT-C25280200137522"]


def test_modify_and_cancel_gtt_shapes(server, upstox_client):
    server.route("PUT", "/v3/order/gtt/modify", Reply(body=recorded("gtt_ids.json")))
    server.route("DELETE", "/v3/order/gtt/cancel", Reply(body=recorded("gtt_ids.json")))

    upstox_client.modify_gtt("GTT-C25280200137522", quantity=2, rules=[ENTRY])
    upstox_client.cancel_gtt("GTT-C25280200137522")

    assert server.seen("PUT", "/v3/order/gtt/modify")[0].json()["type"] == "SINGLE"
    # GTT cancel carries its id in a JSON body on DELETE (§5).
    assert server.seen("DELETE", "/v3/order/gtt/cancel")[0].json() == {
        "gtt_order_id": "GTT-C25280200137522"
    }


def test_gtt_list_with_and_without_id(server, upstox_client):
    server.route("GET", "/v3/order/gtt", Reply(body=recorded("gtt_list.json")))
    assert upstox_client.gtt_orders()[0]["rules"][1]["trailing_gap"] == 0.5
    upstox_client.gtt_orders("GTT-C25280200137522")
    queries = [r.query for r in server.seen("GET", "/v3/order/gtt")]
    assert queries == ["", "gtt_order_id=GTT-C25280200137522"]


@pytest.mark.parametrize(
    "rules",
    [[STOP], [ENTRY, ENTRY], [ENTRY, STOP, STOP, STOP]],
    ids=["no-entry", "duplicate", "four"],
)
def test_invalid_gtt_rule_sets_are_refused_locally(server, upstox_client, rules):
    with pytest.raises(InvalidRequest):
        upstox_client.place_gtt(
            instrument_token=IDEA, transaction_type="BUY", quantity=1, product="D", rules=rules
        )
    assert server.requests == []


def test_trailing_gap_only_on_stoploss_rule():
    with pytest.raises(ValueError, match="trailing_gap"):
        GttRule(strategy="TARGET", trigger_type="IMMEDIATE", trigger_price=9.0, trailing_gap=1)
