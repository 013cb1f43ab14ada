"""Order endpoints: request shape on the wire and parsing of the recorded responses (§4)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from scripts.upstox.errors import InvalidRequest, OrderRejected
from scripts.upstox.rest.models import IST, MultiOrderLine, OrderRequest
from tests.upstox.recorded_server import TEST_TOKEN, Reply, recorded

KEY = "NSE_EQ|INE528G01035"


def limit_buy(**kw) -> OrderRequest:
    fields = dict(
        instrument_token=KEY,
        quantity=1,
        product="D",
        order_type="LIMIT",
        transaction_type="BUY",
        price=Decimal("571.05"),
    )
    fields.update(kw)
    return OrderRequest(**fields)


def test_place_order_v3_sends_documented_json_body_and_headers(server, make_client):
    server.route("POST", "/v3/order/place", Reply(body=recorded("place_v3.json")))
    upstox_client = make_client(algo_name="my-algo")

    placed = upstox_client.place_order(limit_buy(tag="mytag", slice=True, market_protection=2.5))

    (req,) = server.seen("POST", "/v3/order/place")
    assert req.headers["authorization"] == f"Bearer {TEST_TOKEN}"
    assert req.headers["accept"] == "application/json"
    assert req.headers["content-type"] == "application/json"
    assert req.headers["x-algo-name"] == "my-algo"
    assert req.json() == {
        "quantity": 1,
        "product": "D",
        "validity": "DAY",
        "price": 571.05,
        "tag": "mytag",
        "instrument_token": KEY,
        "order_type": "LIMIT",
        "transaction_type": "BUY",
        "disclosed_quantity": 0,
        "trigger_price": 0.0,
        "is_amo": False,
        "slice": True,
        "market_protection": 2.5,
    }
    assert placed.order_ids == ["1644490272000"]
    assert placed.tag == "mytag" and placed.latency_ms == 30 and not placed.reconciled


def test_place_order_v2_omits_v3_fields_and_returns_single_id(server, upstox_client):
    server.route("POST", "/v2/order/place", Reply(body=recorded("place_v2.json")))

    placed = upstox_client.place_order(limit_buy(), version=2)

    body = server.seen("POST", "/v2/order/place")[0].json()
    assert "slice" not in body and "market_protection" not in body
    assert placed.order_ids == ["231019025057849"]


def test_place_order_without_tag_sends_a_generated_unique_tag(server, upstox_client):
    server.route("POST", "/v3/order/place", Reply(body=recorded("place_v3.json")))

    first = upstox_client.place_order(limit_buy())
    second = upstox_client.place_order(limit_buy())

    sent = [r.json()["tag"] for r in server.seen("POST", "/v3/order/place")]
    assert sent == [first.tag, second.tag]
    assert first.tag != second.tag and all(1 <= len(t) <= 40 for t in sent)


def test_sliced_v3_order_returns_every_child_id(server, upstox_client):
    server.route("POST", "/v3/order/place", Reply(body=recorded("place_v3_sliced.json")))
    assert upstox_client.place_order(limit_buy(slice=True)).order_ids == [
        "1644490272000",
        "1644490272001",
    ]


def test_no_algo_header_when_algo_name_not_configured(server, upstox_client):
    server.route("POST", "/v3/order/place", Reply(body=recorded("place_v3.json")))
    upstox_client.place_order(limit_buy())
    assert "x-algo-name" not in server.seen("POST", "/v3/order/place")[0].headers


def test_place_order_4xx_raises_order_rejected_with_broker_reason(server, upstox_client):
    server.route("POST", "/v3/order/place", Reply(400, recorded("error_market_closed.json")))

    with pytest.raises(OrderRejected) as info:
        upstox_client.place_order(limit_buy())

    assert info.value.code == "UDAPI100057" and info.value.message == "Market is closed"
    assert len(server.seen("POST", "/v3/order/place")) == 1


def test_market_order_with_price_is_refused_before_construction():
    with pytest.raises(ValueError, match="price 0"):
        limit_buy(order_type="MARKET")


def test_modify_order_v3_sends_put_with_only_given_optionals(server, upstox_client):
    server.route("PUT", "/v3/order/modify", Reply(body=recorded("modify_v3.json")))

    order_id = upstox_client.modify_order(
        "1644490272000", order_type="LIMIT", price=570.0, quantity=2
    )

    req = server.seen("PUT", "/v3/order/modify")[0]
    assert req.json() == {
        "order_id": "1644490272000",
        "order_type": "LIMIT",
        "validity": "DAY",
        "price": 570.0,
        "trigger_price": 0.0,
        "quantity": 2,
    }
    assert order_id == "1644490272000"


def test_cancel_order_sends_delete_with_order_id_query(server, upstox_client):
    server.route("DELETE", "/v3/order/cancel", Reply(body=recorded("cancel_v3.json")))
    assert upstox_client.cancel_order("1644490272000") == "1644490272000"
    req = server.seen("DELETE", "/v3/order/cancel")[0]
    assert req.query == "order_id=1644490272000" and req.body == b""


def test_multi_place_sends_array_and_returns_partial_success_207(server, upstox_client):
    server.route("POST", "/v2/order/multi/place", Reply(207, recorded("multi_place_partial.json")))
    lines = [
        MultiOrderLine(**limit_buy().model_dump(), correlation_id="leg1"),
        MultiOrderLine(**limit_buy(tag="t2").model_dump(), correlation_id="leg2"),
    ]

    result = upstox_client.place_multi_order(lines)

    body = server.seen("POST", "/v2/order/multi/place")[0].json()
    assert [line["correlation_id"] for line in body] == ["leg1", "leg2"]
    assert "tag" not in body[0] and body[1]["tag"] == "t2" and body[0]["slice"] is False
    assert result["status"] == "partial_success"
    assert result["errors"][0]["correlation_id"] == "leg2"
    assert result["summary"] == {"total": 2, "success": 1, "error": 1, "payload_error": 0}


def test_multi_place_rejects_duplicate_correlation_ids_without_sending(server, upstox_client):
    lines = [MultiOrderLine(**limit_buy().model_dump(), correlation_id="same")] * 2
    with pytest.raises(InvalidRequest, match="unique"):
        upstox_client.place_multi_order(lines)
    assert server.requests == []


def test_cancel_all_and_exit_all_send_segment_and_tag_query(server, upstox_client):
    server.route("DELETE", "/v2/order/multi/cancel", Reply(body=recorded("multi_cancel.json")))
    server.route("POST", "/v2/order/positions/exit", Reply(body=recorded("exit_positions.json")))

    cancelled = upstox_client.cancel_all_orders(segment="NSE_FO", tag="scalper")
    exited = upstox_client.exit_all_positions(segment="NSE_FO")

    assert server.seen("DELETE", "/v2/order/multi/cancel")[0].query == "segment=NSE_FO&tag=scalper"
    assert server.seen("POST", "/v2/order/positions/exit")[0].query == "segment=NSE_FO"
    assert cancelled["data"]["order_ids"] == ["1644490272000", "1644490272001"]
    assert exited["summary"]["success"] == 1


def test_order_book_parses_records_with_ist_times_and_decimal_prices(server, upstox_client):
    server.route("GET", "/v2/order/retrieve-all", Reply(body=recorded("order_book.json")))

    done, rejected = upstox_client.order_book()

    assert done.order_timestamp == datetime(2023, 10, 19, 9, 23, 23, tzinfo=IST)
    assert done.average_price == Decimal("570.95") and done.trading_symbol == "YESBANK"
    assert rejected.status == "rejected"
    assert rejected.status_message_raw.startswith("RMS:Margin Exceeds")
    assert rejected.exchange_order_id == ""


def test_order_details_and_history_query_shapes(server, upstox_client):
    server.route("GET", "/v2/order/details", Reply(body=recorded("order_details.json")))
    server.route("GET", "/v2/order/history", Reply(body=recorded("order_history.json")))

    detail = upstox_client.order_details("231019025057849")
    history = upstox_client.order_history(order_id="231019025057849", tag="tp-recorded")

    assert server.seen("GET", "/v2/order/details")[0].query == "order_id=231019025057849"
    assert server.seen("GET", "/v2/order/history")[0].query == (
        "order_id=231019025057849&tag=tp-recorded"
    )
    assert detail.status == "complete"
    assert [h.status for h in history][0] == "put order req received"
    assert history[-1].status == "complete" and len(history) == 5


def test_order_history_needs_order_id_or_tag(upstox_client, server):
    with pytest.raises(InvalidRequest):
        upstox_client.order_history()
    assert server.requests == []


def test_trades_for_day_and_by_order_parse_both_timestamp_formats(server, upstox_client):
    server.route("GET", "/v2/order/trades/get-trades-for-day", Reply(body=recorded("trades.json")))
    server.route("GET", "/v2/order/trades", Reply(body=recorded("trades.json")))

    (day_trade,) = upstox_client.trades_for_day()
    (order_trade,) = upstox_client.trades_for_order("231019025057849")

    assert server.seen("GET", "/v2/order/trades")[0].query == "order_id=231019025057849"
    assert day_trade.exchange_timestamp == datetime(2017, 8, 3, 15, 3, 42, tzinfo=IST)
    assert order_trade.trade_id == "50091502" and order_trade.quantity == 1


def test_historical_trades_reads_camelcase_metadata_page(server, upstox_client):
    server.route(
        "GET", "/v2/charges/historical-trades", Reply(body=recorded("historical_trades.json"))
    )

    page = upstox_client.historical_trades(
        segment="EQ", start_date="2023-10-01", end_date="2023-10-31"
    )

    assert server.seen("GET", "/v2/charges/historical-trades")[0].params == {
        "segment": ["EQ"],
        "start_date": ["2023-10-01"],
        "end_date": ["2023-10-31"],
        "page_number": ["1"],
        "page_size": ["100"],
    }
    assert page["page"]["total_records"] == 1 and page["trades"][0]["symbol"] == "YESBANK"


def test_tag_over_40_chars_is_refused_locally(server, upstox_client):
    with pytest.raises(InvalidRequest, match="tag"):
        upstox_client.cancel_all_orders(tag="x" * 41)
    assert server.requests == []


def test_cancel_all_over_upstox_cap_is_reworded_to_say_narrow_it(server, upstox_client):
    body = {
        "status": "error",
        "errors": [{"error_code": "UDAPI1109", "message": "Order count exceeds limit"}],
    }
    server.route("DELETE", "/v2/order/multi/cancel", Reply(400, body))

    with pytest.raises(OrderRejected, match="more than 200 match; narrow it") as info:
        upstox_client.cancel_all_orders()

    assert info.value.code == "UDAPI1109"


def test_order_book_accepts_the_bare_array_the_doc_page_shows(server, upstox_client):
    rows = recorded("order_book.json")["data"]
    server.route("GET", "/v2/order/retrieve-all", Reply(body=rows))
    assert [o.order_id for o in upstox_client.order_book()] == [
        "231019025057849",
        "231019025057850",
    ]
