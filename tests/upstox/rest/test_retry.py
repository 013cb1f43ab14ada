"""Retries: reads retried on transient failures honouring Retry-After; writes never re-sent."""

from __future__ import annotations

import random
import socket
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from email.utils import format_datetime

import pytest

from scripts.upstox.errors import (
    OrderStateUnknown,
    RateLimited,
    UpstoxUnavailable,
)
from scripts.upstox.hosts import hosts_for_mode
from scripts.upstox.rest.models import MultiOrderLine, OrderRequest
from scripts.upstox.rest.retry import RetryPolicy, backoff_delay, parse_retry_after
from tests.upstox.recorded_server import Reply, recorded

PROFILE = "/v2/user/profile"
ORDER = OrderRequest(
    instrument_token="NSE_EQ|INE528G01035",
    quantity=1,
    product="D",
    order_type="LIMIT",
    transaction_type="BUY",
    price=Decimal("571"),
)
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)


def test_parse_retry_after_seconds_date_and_garbage():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after(format_datetime(NOW + timedelta(seconds=7), usegmt=True), NOW) == 7.0
    assert parse_retry_after(format_datetime(NOW - timedelta(seconds=7), usegmt=True), NOW) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_backoff_grows_exponentially_with_bounded_jitter_and_cap():
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=4.0, jitter=0.5)
    rng = random.Random(7)
    delays = [backoff_delay(policy, attempt, None, rng) for attempt in (1, 2, 3, 4, 5)]
    assert 0.5 <= delays[0] <= 1.0 and 1.0 <= delays[1] <= 2.0 and 2.0 <= delays[2] <= 4.0
    assert all(2.0 <= d <= 4.0 for d in delays[3:])
    assert backoff_delay(policy, 1, retry_after=30.0, rng=rng) == 30.0


def test_get_retries_503_then_succeeds_honouring_retry_after_seconds(
    server, upstox_client, recorder
):
    server.script("GET", PROFILE, Reply(503, "<html>maintenance</html>", {"Retry-After": "2"}))
    server.route("GET", PROFILE, Reply(body=recorded("profile.json")))

    assert upstox_client.profile().user_id == "AB1234"

    assert len(server.seen("GET", PROFILE)) == 2
    assert recorder.sleeps == [2.0]


def test_get_honours_retry_after_http_date(server, make_client, recorder):
    upstox_client = make_client(now=lambda: NOW)
    when = format_datetime(NOW + timedelta(seconds=5), usegmt=True)
    server.script(
        "GET", PROFILE, Reply(429, recorded("error_rate_limited.json"), {"Retry-After": when})
    )
    server.route("GET", PROFILE, Reply(body=recorded("profile.json")))

    upstox_client.profile()

    assert recorder.sleeps == [5.0]


def test_get_429_gives_up_after_max_attempts_with_rate_limited(server, upstox_client):
    server.route(
        "GET", PROFILE, Reply(429, recorded("error_rate_limited.json"), {"Retry-After": "0"})
    )

    with pytest.raises(RateLimited) as info:
        upstox_client.profile()

    assert info.value.code == "UDAPI10005" and info.value.retry_after == 0.0
    assert len(server.seen("GET", PROFILE)) == 3  # FAST_RETRY.max_attempts


def test_retry_after_beyond_the_time_budget_fails_at_once(server, upstox_client, recorder):
    server.route(
        "GET", PROFILE, Reply(429, recorded("error_rate_limited.json"), {"Retry-After": "600"})
    )
    with pytest.raises(RateLimited):
        upstox_client.profile()
    assert len(server.seen("GET", PROFILE)) == 1 and recorder.sleeps == []


def test_get_read_timeout_is_retried(server, upstox_client):
    server.script("GET", PROFILE, Reply(body=recorded("profile.json"), delay=0.6))
    server.route("GET", PROFILE, Reply(body=recorded("profile.json")))

    assert upstox_client.profile().user_id == "AB1234"
    assert len(server.seen("GET", PROFILE)) == 2


def test_get_dropped_connection_is_retried(server, upstox_client):
    server.script("GET", PROFILE, Reply(drop=True))
    server.route("GET", PROFILE, Reply(body=recorded("profile.json")))
    assert upstox_client.profile().user_id == "AB1234"
    assert len(server.seen("GET", PROFILE)) == 2


def test_get_persistent_502_raises_upstox_unavailable(server, upstox_client):
    server.route("GET", PROFILE, Reply(502, "<html>Bad gateway</html>", content_type="text/html"))
    with pytest.raises(UpstoxUnavailable) as info:
        upstox_client.profile()
    assert info.value.status == 502 and "text/html" in info.value.message
    assert len(server.seen("GET", PROFILE)) == 3


def test_place_order_503_is_not_resent(server, upstox_client):
    server.route("POST", "/v3/order/place", Reply(503, b""))
    server.route("GET", "/v2/order/history", Reply(body={"status": "success", "data": []}))

    with pytest.raises(OrderStateUnknown):
        upstox_client.place_order(ORDER)

    assert len(server.seen("POST", "/v3/order/place")) == 1


def test_place_order_429_is_retried_after_retry_after_because_it_was_refused(
    server, upstox_client, recorder
):
    server.script(
        "POST",
        "/v3/order/place",
        Reply(429, recorded("error_rate_limited.json"), {"Retry-After": "1"}),
    )
    server.route("POST", "/v3/order/place", Reply(body=recorded("place_v3.json")))

    placed = upstox_client.place_order(ORDER)

    sent = server.seen("POST", "/v3/order/place")
    assert len(sent) == 2 and sent[0].json()["tag"] == sent[1].json()["tag"] == placed.tag
    assert recorder.sleeps == [1.0] and not placed.reconciled


def test_write_to_unreachable_host_is_retried_and_reports_not_sent(make_client):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    upstox_client = make_client(hosts_for_mode("sandbox", dead_url))

    with pytest.raises(UpstoxUnavailable) as info:
        upstox_client.place_order(ORDER)

    # refused connections cannot have placed anything, so no reconciliation is attempted
    assert info.value.request_sent is False and not isinstance(info.value, OrderStateUnknown)


@pytest.mark.parametrize(
    "method, path, call",
    [
        ("PUT", "/v3/order/modify", lambda c: c.modify_order("1", order_type="LIMIT", price=1.0)),
        ("DELETE", "/v2/order/cancel", lambda c: c.cancel_order("1", version=2)),
        ("DELETE", "/v2/order/multi/cancel", lambda c: c.cancel_all_orders()),
        ("POST", "/v2/order/positions/exit", lambda c: c.exit_all_positions()),
        (
            "POST",
            "/v2/order/multi/place",
            lambda c: c.place_multi_order(
                [MultiOrderLine(**ORDER.model_dump(), correlation_id="a")]
            ),
        ),
        ("DELETE", "/v3/order/gtt/cancel", lambda c: c.cancel_gtt("GTT-C1")),
    ],
)
def test_order_writes_on_5xx_raise_state_unknown_and_send_once(
    server, upstox_client, method, path, call
):
    server.route(method, path, Reply(504, b""))

    with pytest.raises(OrderStateUnknown) as info:
        call(upstox_client)

    assert len(server.seen(method, path)) == 1
    assert info.value.status == 504


def test_modify_timeout_raises_state_unknown_with_order_id_and_sends_once(server, upstox_client):
    server.route("PUT", "/v3/order/modify", Reply(body=recorded("modify_v3.json"), delay=0.6))

    with pytest.raises(OrderStateUnknown) as info:
        upstox_client.modify_order("1644490272000", order_type="LIMIT", price=570.0)

    assert info.value.order_id == "1644490272000" and info.value.operation == "modify_order"
    assert len(server.seen("PUT", "/v3/order/modify")) == 1


def test_margin_calculator_post_is_retried_as_a_safe_read(server, upstox_client):
    server.script("POST", "/v2/charges/margin", Reply(503, b""))
    server.route("POST", "/v2/charges/margin", Reply(body=recorded("margin.json")))
    leg = {"instrument_key": "NSE_EQ|X", "quantity": 1, "product": "D", "transaction_type": "BUY"}
    assert upstox_client.margin([leg])["final_margin"] == 571.0
    assert len(server.seen("POST", "/v2/charges/margin")) == 2
