"""A placement whose answer is lost is looked up by tag, never sent twice (§0: no idempotency)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from scripts.upstox.errors import OrderStateUnknown
from scripts.upstox.hosts import UPSTOX_SANDBOX_PATHS, UpstoxHosts
from scripts.upstox.rest.models import IST, OrderRequest
from tests.upstox.recorded_server import Reply, SeenRequest, recorded

PLACE = "/v3/order/place"
HISTORY = "/v2/order/history"
KEY = "NSE_EQ|INE528G01035"
ORDER = OrderRequest(
    instrument_token=KEY,
    quantity=1,
    product="D",
    order_type="LIMIT",
    transaction_type="BUY",
    price=Decimal("571"),
)


def history_with(order_ids: list[str], *, age: timedelta = timedelta(0), **overrides):
    """A responder returning history rows for the requested tag, stamped ``age`` ago (IST)."""
    template = recorded("order_history.json")["data"][0]

    def respond(req: SeenRequest) -> Reply:
        tag = req.params["tag"][0]
        stamp = (datetime.now(IST) - age).strftime("%Y-%m-%d %H:%M:%S")
        rows = []
        for order_id in order_ids:
            for status in ("put order req received", "open"):
                row = dict(template, order_id=order_id, tag=tag, status=status)
                row.update(order_timestamp=stamp, **overrides)
                rows.append(row)
        return Reply(body={"status": "success", "data": rows})

    return respond


def test_place_order_timeout_reconciles_by_tag_and_sends_once(server, upstox_client):
    server.route("POST", PLACE, Reply(body=recorded("place_v3.json"), delay=0.6))
    server.route("GET", HISTORY, history_with(["1644490272000"]))

    placed = upstox_client.place_order(ORDER.model_copy(update={"tag": "strat-a-001"}))

    assert placed.order_ids == ["1644490272000"] and placed.reconciled
    assert placed.tag == "strat-a-001"
    assert len(server.seen("POST", PLACE)) == 1
    assert server.seen("GET", HISTORY)[0].query == "tag=strat-a-001"


def test_place_order_dropped_connection_reconciles_generated_tag(server, upstox_client):
    server.route("POST", PLACE, Reply(drop=True))
    server.route("GET", HISTORY, history_with(["1644490272000"]))

    placed = upstox_client.place_order(ORDER)

    sent_tag = server.seen("POST", PLACE)[0].json()["tag"]
    assert placed.tag == sent_tag and placed.order_ids == ["1644490272000"]
    assert len(server.seen("POST", PLACE)) == 1


def test_place_order_503_then_order_found_returns_its_id(server, upstox_client):
    server.route("POST", PLACE, Reply(503, b""))
    server.script("GET", HISTORY, Reply(body={"status": "success", "data": []}))
    server.route("GET", HISTORY, history_with(["1644490272000"]))

    placed = upstox_client.place_order(ORDER)

    assert placed.order_ids == ["1644490272000"]
    assert len(server.seen("GET", HISTORY)) == 2  # appeared on the second look
    assert len(server.seen("POST", PLACE)) == 1


def test_reconciled_sliced_order_returns_each_child_once(server, upstox_client):
    server.route("POST", PLACE, Reply(drop=True))
    server.route("GET", HISTORY, history_with(["1644490272000", "1644490272001"]))
    assert upstox_client.place_order(ORDER).order_ids == ["1644490272000", "1644490272001"]


def test_place_order_not_found_raises_state_unknown_with_tag(server, upstox_client, recorder):
    server.route("POST", PLACE, Reply(body=recorded("place_v3.json"), delay=0.6))
    server.route("GET", HISTORY, Reply(body={"status": "success", "data": []}))

    with pytest.raises(OrderStateUnknown) as info:
        upstox_client.place_order(ORDER.model_copy(update={"tag": "strat-a-002"}))

    assert info.value.tag == "strat-a-002" and info.value.operation == "place_order"
    assert "strat-a-002" in str(info.value)
    assert len(server.seen("POST", PLACE)) == 1
    assert len(server.seen("GET", HISTORY)) == 3  # FAST_RECONCILE looks three times
    assert recorder.sleeps[-3:] == [0.0, 0.01, 0.01]


def test_reused_tag_from_an_earlier_order_is_not_mistaken_for_this_one(server, upstox_client):
    server.route("POST", PLACE, Reply(drop=True))
    server.route("GET", HISTORY, history_with(["OLD-ORDER"], age=timedelta(hours=1)))

    with pytest.raises(OrderStateUnknown, match="no order with this tag"):
        upstox_client.place_order(ORDER.model_copy(update={"tag": "strategy-x"}))


def test_same_tag_on_another_instrument_does_not_match(server, upstox_client):
    server.route("POST", PLACE, Reply(drop=True))
    server.route("GET", HISTORY, history_with(["OTHER"], instrument_token="NSE_EQ|INE002A01018"))
    with pytest.raises(OrderStateUnknown, match="no order with this tag"):
        upstox_client.place_order(ORDER)


def test_history_lookup_failing_raises_state_unknown(server, upstox_client):
    server.route("POST", PLACE, Reply(502, b""))
    server.route("GET", HISTORY, Reply(500, b"<html>oops</html>", content_type="text/html"))

    with pytest.raises(OrderStateUnknown, match="order history lookup failed"):
        upstox_client.place_order(ORDER)
    assert len(server.seen("POST", PLACE)) == 1


def test_upstox_sandbox_mode_cannot_read_history_so_state_is_unknown(server, make_client):
    hosts = UpstoxHosts(
        server.url,
        server.url,
        server.url,
        mode="upstox-sandbox",
        allowed_paths=UPSTOX_SANDBOX_PATHS,
    )
    upstox_client = make_client(hosts)
    server.route("POST", PLACE, Reply(503, b""))

    with pytest.raises(OrderStateUnknown, match="cannot be read"):
        upstox_client.place_order(ORDER)

    assert [r.path for r in server.requests] == [PLACE]


def test_unreadable_200_answer_to_a_placement_is_reconciled_not_resent(server, upstox_client):
    server.route("POST", PLACE, Reply(200, "<html>proxy page</html>", content_type="text/html"))
    server.route("GET", HISTORY, history_with(["1644490272000"]))

    placed = upstox_client.place_order(ORDER)

    assert placed.order_ids == ["1644490272000"] and placed.reconciled
    assert len(server.seen("POST", PLACE)) == 1
