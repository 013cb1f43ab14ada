"""Every order request and response leaves an audit row with the mode, against the sandbox."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from scripts.db.order_audit_rows import recent_audit_rows
from scripts.services.broker import BrokerService
from scripts.upstox.rest.client import UpstoxClient
from scripts.upstox.errors import OrderRejected
from scripts.upstox.hosts import hosts_for_mode
from scripts.upstox.rest.models import OrderRequest

RELIANCE = "NSE_EQ|INE002A01018"


@pytest.fixture
def broker(sandbox_login, sandbox_settings, database) -> BrokerService:
    return BrokerService(sandbox_settings, database)


def test_accepted_order_is_audited_before_and_after(broker, database) -> None:
    placed = broker.client.place_order(
        OrderRequest(
            instrument_token=RELIANCE,
            quantity=1,
            product="I",
            order_type="MARKET",
            transaction_type="BUY",
            tag="audit-test-1",
        )
    )
    with database.read() as connection:
        (row,) = recent_audit_rows(connection)
    assert (row.mode, row.action, row.method, row.path) == (
        "sandbox",
        "place",
        "POST",
        "/v3/order/place",
    )
    assert row.tag == "audit-test-1" and row.outcome == "accepted"
    assert row.response_status == 200 and row.order_ids == ",".join(placed.order_ids)
    assert json.loads(row.request_json)["instrument_token"] == RELIANCE
    assert row.latency_ms is not None and row.trace_id


def test_rejected_order_is_audited_with_the_reason(broker, database) -> None:
    with pytest.raises(OrderRejected):
        broker.client.place_order(
            OrderRequest(
                instrument_token="NSE_EQ|INE000000000",
                quantity=1,
                product="I",
                order_type="LIMIT",
                price=Decimal("10"),
                transaction_type="BUY",
            )
        )
    with database.read() as connection:
        (row,) = recent_audit_rows(connection)
    assert row.outcome == "rejected" and row.response_status == 400
    assert row.error_message


class UnwritableAudit:
    """An audit sink whose storage is gone (disk full, database down)."""

    def request_sent(self, write, method, path, request):
        raise OSError("audit storage unavailable")

    def response_received(self, handle, status, body, error, latency_ms):
        raise AssertionError("never reached: the order must not be sent")


def test_an_order_that_cannot_be_audited_is_not_sent(broker, sandbox_settings) -> None:
    token = broker.vault.access_token
    unaudited = UpstoxClient(
        hosts_for_mode("sandbox", sandbox_settings.sandbox_url),
        token,
        lambda error: None,
        audit=UnwritableAudit(),
    )
    before = len(broker.client.order_book())
    with pytest.raises(OSError, match="audit storage unavailable"):
        unaudited.place_order(
            OrderRequest(
                instrument_token=RELIANCE,
                quantity=1,
                product="I",
                order_type="MARKET",
                transaction_type="BUY",
            )
        )
    assert len(broker.client.order_book()) == before


def _rows(database) -> list:
    with database.read() as connection:
        return list(reversed(recent_audit_rows(connection)))


def _intraday_buy(tag: str, order_type: str = "MARKET", price: str | None = None) -> OrderRequest:
    return OrderRequest(
        instrument_token=RELIANCE,
        quantity=1,
        product="I",
        order_type=order_type,
        price=Decimal(price) if price else Decimal("0"),
        transaction_type="BUY",
        tag=tag,
    )


def test_cancel_is_audited_with_the_order_id_it_sent_in_the_query(broker, database) -> None:
    placed = broker.client.place_order(_intraday_buy("audit-cancel", "LIMIT", "100"))
    broker.client.cancel_order(placed.order_ids[0])
    cancel = _rows(database)[-1]
    assert (cancel.action, cancel.method, cancel.outcome) == ("cancel", "DELETE", "accepted")
    assert json.loads(cancel.request_json) == {"order_id": placed.order_ids[0]}


def test_convert_position_is_audited_though_it_is_not_an_order_api_call(broker, database) -> None:
    broker.client.place_order(_intraday_buy("audit-convert"))
    broker.client.convert_position(
        instrument_token=RELIANCE,
        old_product="I",
        new_product="D",
        transaction_type="BUY",
        quantity=1,
    )
    convert = _rows(database)[-1]
    assert (convert.action, convert.path) == ("convert", "/v2/portfolio/convert-position")
    assert json.loads(convert.request_json)["new_product"] == "D"
    assert convert.outcome == "accepted"


def test_gtt_place_and_cancel_and_the_batch_writes_are_each_audited(broker, database) -> None:
    from scripts.upstox.rest.models import GttRule

    (gtt_id,) = broker.client.place_gtt(
        instrument_token=RELIANCE,
        transaction_type="BUY",
        quantity=1,
        product="D",
        rules=[GttRule(strategy="ENTRY", trigger_type="BELOW", trigger_price=100)],
    )
    broker.client.cancel_gtt(gtt_id)
    broker.client.place_order(_intraday_buy("audit-batch", "LIMIT", "100"))
    broker.client.cancel_all_orders(tag="audit-batch")
    actions = [(row.action, row.outcome) for row in _rows(database)]
    assert actions == [
        ("gtt_place", "accepted"),
        ("gtt_cancel", "accepted"),
        ("place", "accepted"),
        ("cancel_all", "accepted"),
    ]
    assert json.loads(_rows(database)[-1].request_json) == {"tag": "audit-batch"}


def test_reads_are_never_audited(broker, database) -> None:
    broker.client.order_book()
    broker.client.positions()
    assert _rows(database) == []


def test_a_refusal_is_classified_by_its_exception_type_not_its_name(database) -> None:
    from scripts.services.order_audit import DatabaseOrderAudit
    from scripts.upstox.errors import UpstoxUnavailable
    from scripts.upstox.rest.audit_hook import OrderWrite

    class LotSizeRejected(OrderRejected):
        """A subclass has another name but is still a refusal."""

    sink = DatabaseOrderAudit(database, "sandbox")
    for error in (LotSizeRejected("quantity is not a multiple of the lot"), UpstoxUnavailable("x")):
        handle = sink.request_sent(OrderWrite.PLACE, "POST", "/v3/order/place", {"tag": "t"})
        sink.response_received(handle, 400, None, error, 5)
    assert [row.outcome for row in _rows(database)] == ["rejected", "error"]
