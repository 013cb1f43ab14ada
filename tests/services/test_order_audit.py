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

    def request_sent(self, method, path, body):
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
