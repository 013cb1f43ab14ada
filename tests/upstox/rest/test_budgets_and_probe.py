"""The client's bounded rate-limit wait (refused before sending, with retry_after), separate
read and order budgets, and the reachability probe that health uses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scripts.upstox.errors import RateLimited
from scripts.upstox.hosts import UpstoxHosts
from scripts.upstox.rest.models import OrderRequest
from scripts.upstox.rest.rate_limit import RateClass, RateLimiter, Window
from tests.conftest import free_port
from tests.upstox.recorded_server import Reply, recorded


def one_read_per_minute() -> RateLimiter:
    return RateLimiter(
        {RateClass.STANDARD: (Window(1, 60.0),), RateClass.ORDERS: (Window(10, 1.0),)}
    )


def test_a_read_past_the_limiters_bound_is_refused_without_being_sent(server, make_client):
    server.route("GET", "/v2/user/profile", Reply(body=recorded("profile.json")))
    upstox_client = make_client(rate_limiter=one_read_per_minute())

    assert upstox_client.profile().user_id == "AB1234"
    with pytest.raises(RateLimited) as refused:
        upstox_client.profile()

    assert 59.0 < refused.value.retry_after <= 60.0
    assert len(server.seen("GET", "/v2/user/profile")) == 1


def test_an_order_is_sent_while_the_read_budget_is_spent(server, make_client):
    server.route("GET", "/v2/user/profile", Reply(body=recorded("profile.json")))
    server.route("POST", "/v3/order/place", Reply(body=recorded("place_v3.json")))
    upstox_client = make_client(rate_limiter=one_read_per_minute())
    upstox_client.profile()
    with pytest.raises(RateLimited):
        upstox_client.profile()

    placed = upstox_client.place_order(
        OrderRequest(
            instrument_token="NSE_EQ|INE009A01021",
            quantity=1,
            product="D",
            order_type="LIMIT",
            price=Decimal("1000"),
            transaction_type="BUY",
            tag="budget-test",
        )
    )

    assert placed.order_ids
    assert len(server.seen("POST", "/v3/order/place")) == 1


def test_the_probe_asks_the_sandbox_health_route_without_a_token(server, make_client):
    server.route("GET", "/sandbox/health", Reply(body={"status": "success", "data": {}}))

    found = make_client().reachability()

    assert (found.host, found.reachable, found.http_status) == (server.url, True, 200)
    assert found.latency_ms is not None and found.latency_ms >= 0
    (request,) = server.seen("GET", "/sandbox/health")
    assert "authorization" not in request.headers


def test_the_live_probe_asks_the_api_host_and_any_answer_means_reachable(server, make_client):
    server.route("GET", "/v2/market/status/NSE", Reply(status=401, body={"status": "error"}))
    hosts = UpstoxHosts(api=server.url, order="http://127.0.0.1:1", assets="", mode="live")

    found = make_client(hosts).reachability()

    assert (found.reachable, found.http_status) == (True, 401)
    assert len(server.seen("GET", "/v2/market/status/NSE")) == 1


def test_an_unreachable_host_is_reported_not_raised(make_client):
    dead = f"http://127.0.0.1:{free_port()}"
    hosts = UpstoxHosts(api=dead, order=dead, assets=dead, mode="sandbox")

    found = make_client(hosts).reachability(timeout_s=0.5)

    assert found.reachable is False and found.http_status is None
    assert found.detail == f"cannot reach {dead}: ConnectError"


def test_the_probe_never_waits_for_the_read_budget(server, make_client):
    server.route("GET", "/v2/user/profile", Reply(body=recorded("profile.json")))
    server.route("GET", "/sandbox/health", Reply(body={"status": "success", "data": {}}))
    upstox_client = make_client(rate_limiter=one_read_per_minute())
    upstox_client.profile()

    with pytest.raises(RateLimited):
        upstox_client.reachability()
    assert server.seen("GET", "/sandbox/health") == []
