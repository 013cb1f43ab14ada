"""Login, token exchange, logout, profile, funds and feed authorize (§2, §3, §9)."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs

import pytest

from scripts.upstox.errors import InvalidRequest, UpstoxError
from scripts.upstox.hosts import hosts_for_mode
from tests.upstox.recorded_server import Reply, recorded


def test_login_url_has_client_id_redirect_uri_code_and_state(make_client):
    upstox_client = make_client(hosts_for_mode("live"))

    url = upstox_client.login_url(
        client_id="my-key", redirect_uri="http://127.0.0.1:5000/upstox/callback", state="s 1"
    )

    base, _, query = url.partition("?")
    assert base == "https://api.upstox.com/v2/login/authorization/dialog"
    assert parse_qs(query) == {
        "client_id": ["my-key"],
        "redirect_uri": ["http://127.0.0.1:5000/upstox/callback"],
        "response_type": ["code"],
        "state": ["s 1"],
    }
    assert "state=s%201" in query


def test_token_exchange_is_form_encoded_tokenless_and_parses_flat_body(server, upstox_client):
    server.route("POST", "/v2/login/authorization/token", Reply(body=recorded("token.json")))

    token = upstox_client.exchange_code(
        code="abc123", client_id="key", client_secret="shh", redirect_uri="http://x/cb"
    )

    req = server.seen("POST", "/v2/login/authorization/token")[0]
    assert req.headers["content-type"] == "application/x-www-form-urlencoded"
    assert "authorization" not in req.headers
    assert parse_qs(req.body.decode()) == {
        "code": ["abc123"],
        "client_id": ["key"],
        "client_secret": ["shh"],
        "redirect_uri": ["http://x/cb"],
        "grant_type": ["authorization_code"],
    }
    assert token.user_id == "AB1234" and token.broker == "UPSTOX"
    assert token.access_token.get_secret_value().endswith(".RECORDED")
    assert "RECORDED" not in repr(token)


def test_token_exchange_failure_is_not_retried_and_redacts_echoed_values(server, upstox_client):
    body = {
        "status": "error",
        "errors": [
            {"error_code": "UDAPI100016", "message": "Invalid Credentials", "invalid_value": "shh"}
        ],
    }
    server.route("POST", "/v2/login/authorization/token", Reply(500, body))

    with pytest.raises(UpstoxError) as info:
        upstox_client.exchange_code(code="c", client_id="k", client_secret="shh", redirect_uri="r")

    assert len(server.seen("POST", "/v2/login/authorization/token")) == 1
    assert info.value.invalid_value is None and info.value.errors[0]["invalid_value"] is None


def test_logout_sends_delete_and_returns_true(server, upstox_client):
    server.route("DELETE", "/v2/logout", Reply(body=recorded("logout.json")))
    assert upstox_client.logout() is True
    assert server.seen("DELETE", "/v2/logout")[0].headers["authorization"].startswith("Bearer ")


def test_profile_parses_user_fields(server, upstox_client):
    server.route("GET", "/v2/user/profile", Reply(body=recorded("profile.json")))
    profile = upstox_client.profile()
    assert profile.user_id == "AB1234" and "MTF" in profile.products and profile.is_active


def test_funds_v2_segment_query_and_decimal_parsing(server, upstox_client):
    server.route("GET", "/v2/user/get-funds-and-margin", Reply(body=recorded("funds_v2.json")))

    funds = upstox_client.funds("SEC")

    assert server.seen("GET", "/v2/user/get-funds-and-margin")[0].query == "segment=SEC"
    assert funds.equity.available_margin == Decimal("19813.42")
    assert funds.equity.used_margin == Decimal("-12.5")


def test_funds_v3_returns_the_nested_tree(server, upstox_client):
    server.route("GET", "/v3/user/get-funds-and-margin", Reply(body=recorded("funds_v3.json")))
    data = upstox_client.funds_v3()
    assert data["available_to_trade"]["cash_available_to_trade"]["cash"]["opening_balance"] == 1000


def test_market_feed_authorize_returns_redirect_uri(server, upstox_client):
    server.route(
        "GET", "/v3/feed/market-data-feed/authorize", Reply(body=recorded("feed_authorize.json"))
    )
    assert upstox_client.market_data_feed_url().startswith("wss://wsfeeder-api.upstox.com/")


def test_portfolio_stream_authorize_sends_update_types_and_reads_camelcase(server, upstox_client):
    path = "/v2/feed/portfolio-stream-feed/authorize"
    server.route("GET", path, Reply(body=recorded("portfolio_authorize.json")))

    url = upstox_client.portfolio_stream_url(["order", "gtt_order"])

    assert server.seen("GET", path)[0].query == "update_types=order%2Cgtt_order"
    assert url == "wss://ws-api.upstox.com/order-updates/feed?requestId=def&code=uvw"


def test_portfolio_stream_refuses_unknown_update_type(server, upstox_client):
    with pytest.raises(InvalidRequest):
        upstox_client.portfolio_stream_url(["trades"])
    assert server.requests == []
