"""Host routing per mode: HFT for single-order writes, whitelist on Upstox's sandbox (§1.1, §11)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scripts.upstox.errors import NotAvailableInMode
from scripts.upstox.hosts import UPSTOX_SANDBOX_PATHS, UpstoxHosts, hosts_for_mode
from scripts.upstox.rest.models import GttRule, MultiOrderLine, OrderRequest
from tests.upstox.recorded_server import Reply, recorded

ORDER = OrderRequest(
    instrument_token="NSE_EQ|INE528G01035",
    quantity=1,
    product="D",
    order_type="LIMIT",
    transaction_type="BUY",
    price=Decimal("571"),
)


def test_live_mode_uses_documented_hosts():
    hosts = hosts_for_mode("live", "http://ignored")
    assert hosts.base_for("/v2/user/profile") == "https://api.upstox.com"
    assert hosts.assets == "https://assets.upstox.com"
    for path in ("/v2/order/place", "/v3/order/place", "/v2/order/modify", "/v3/order/cancel"):
        assert hosts.base_for(path) == "https://api-hft.upstox.com"
    for path in ("/v2/order/multi/place", "/v2/order/multi/cancel", "/v3/order/gtt/place"):
        assert hosts.base_for(path) == "https://api.upstox.com"


def test_sandbox_mode_sends_everything_to_the_sandbox_url():
    hosts = hosts_for_mode("sandbox", "http://127.0.0.1:9100/")
    assert {hosts.api, hosts.order, hosts.assets} == {"http://127.0.0.1:9100"}
    assert hosts.base_for("/v3/order/place") == "http://127.0.0.1:9100"


def test_upstox_sandbox_mode_whitelists_only_order_writes():
    hosts = hosts_for_mode("upstox-sandbox", "")
    assert hosts.base_for("/v3/order/place") == "https://api-sandbox.upstox.com"
    assert hosts.base_for("/v2/order/multi/place") == "https://api-sandbox.upstox.com"
    with pytest.raises(NotAvailableInMode, match="mode=sandbox"):
        hosts.base_for("/v2/market-quote/ltp")


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="unknown mode"):
        hosts_for_mode("paper", "")


def test_single_order_writes_go_to_hft_host_but_multi_and_gtt_do_not(
    server, hft_server, make_client
):
    hosts = UpstoxHosts(api=server.url, order=hft_server.url, assets=server.url)
    upstox_client = make_client(hosts)
    hft_server.route("POST", "/v3/order/place", Reply(body=recorded("place_v3.json")))
    hft_server.route("POST", "/v2/order/place", Reply(body=recorded("place_v2.json")))
    hft_server.route("PUT", "/v3/order/modify", Reply(body=recorded("modify_v3.json")))
    hft_server.route("DELETE", "/v2/order/cancel", Reply(body=recorded("cancel_v3.json")))
    server.route("POST", "/v2/order/multi/place", Reply(body=recorded("multi_place_partial.json")))
    server.route("POST", "/v3/order/gtt/place", Reply(body=recorded("gtt_ids.json")))
    server.route("GET", "/v2/order/retrieve-all", Reply(body=recorded("order_book.json")))

    upstox_client.place_order(ORDER)
    upstox_client.place_order(ORDER, version=2)
    upstox_client.modify_order("1", order_type="LIMIT", price=1.0)
    upstox_client.cancel_order("1", version=2)
    upstox_client.place_multi_order([MultiOrderLine(**ORDER.model_dump(), correlation_id="a")])
    upstox_client.place_gtt(
        instrument_token="NSE_EQ|INE669E01016",
        transaction_type="BUY",
        quantity=1,
        product="D",
        rules=[GttRule(strategy="ENTRY", trigger_type="ABOVE", trigger_price=7.0)],
    )
    upstox_client.order_book()

    assert [(r.method, r.path) for r in hft_server.requests] == [
        ("POST", "/v3/order/place"),
        ("POST", "/v2/order/place"),
        ("PUT", "/v3/order/modify"),
        ("DELETE", "/v2/order/cancel"),
    ]
    assert [r.path for r in server.requests] == [
        "/v2/order/multi/place",
        "/v3/order/gtt/place",
        "/v2/order/retrieve-all",
    ]


def test_upstox_sandbox_mode_refuses_market_data_without_sending(server, make_client):
    hosts = UpstoxHosts(
        server.url,
        server.url,
        server.url,
        mode="upstox-sandbox",
        allowed_paths=UPSTOX_SANDBOX_PATHS,
    )
    upstox_client = make_client(hosts)
    server.route("POST", "/v3/order/place", Reply(body=recorded("place_v3.json")))

    with pytest.raises(NotAvailableInMode, match="Use mode=sandbox"):
        upstox_client.ltp_quotes(["NSE_EQ|INE848E01016"])
    with pytest.raises(NotAvailableInMode):
        upstox_client.positions()
    with pytest.raises(NotAvailableInMode):
        upstox_client.download_instruments()
    assert server.requests == []

    assert upstox_client.place_order(ORDER).order_ids == ["1644490272000"]
