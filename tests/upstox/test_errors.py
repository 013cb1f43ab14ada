"""Error envelopes of every shape, 401 handling, and the token never leaking (§0, §1.3, §1.4)."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import pytest

from scripts.upstox.errors import (
    OrderRejected,
    TokenExpired,
    UpstoxError,
    error_from_response,
    parse_error_envelope,
)
from scripts.upstox.rest.models import OrderRequest
from tests.upstox.recorded_server import RECORDED, TEST_TOKEN, Reply, recorded

PROFILE = "/v2/user/profile"


@pytest.mark.parametrize(
    "name", ["error_snake_only.json", "error_camel_only.json", "error_invalid_token.json"]
)
def test_error_envelope_is_read_in_either_casing(name):
    body = (RECORDED / name).read_bytes()
    fields = parse_error_envelope(body, "application/json")
    assert fields["code"].startswith("UDAPI")
    assert fields["errors"][0]["error_code"] == fields["code"]
    assert "errorCode" not in fields["errors"][0]


def test_camel_only_envelope_fills_property_path_and_invalid_value():
    error = error_from_response(400, (RECORDED / "error_camel_only.json").read_bytes())
    assert (error.code, error.property_path, error.invalid_value) == (
        "UDAPI1087",
        "instrument_key",
        "NSE_EQ|BAD",
    )
    assert str(error) == "[400 UDAPI1087] Invalid Instrument key"


def test_cloudflare_html_body_becomes_a_readable_error(server, upstox_client):
    html = (RECORDED / "cloudflare_403.html").read_text()
    server.route("GET", PROFILE, Reply(403, html, content_type="text/html; charset=UTF-8"))

    with pytest.raises(UpstoxError) as info:
        upstox_client.profile()

    assert info.value.status == 403 and info.value.code is None
    assert info.value.message.startswith("non-JSON response (text/html): <!DOCTYPE html>")
    assert len(info.value.message) < 260
    assert len(server.seen("GET", PROFILE)) == 1  # 403 is not retried


def test_sandbox_empty_400_on_place_is_an_order_rejection(server, upstox_client):
    server.route("POST", "/v3/order/place", Reply(400, b""))
    order = OrderRequest(
        instrument_token="NSE_EQ|INE528G01035",
        quantity=1,
        product="D",
        order_type="LIMIT",
        transaction_type="BUY",
        price=Decimal("1"),
    )
    with pytest.raises(OrderRejected, match="empty response body"):
        upstox_client.place_order(order)


def test_success_status_with_error_envelope_is_still_an_error(server, upstox_client):
    server.route("GET", PROFILE, Reply(200, recorded("error_snake_only.json")))
    with pytest.raises(UpstoxError, match="Invalid Instrument key"):
        upstox_client.profile()


def test_401_raises_token_expired_calls_callback_once_and_is_not_retried(
    server, upstox_client, recorder
):
    server.route("GET", PROFILE, Reply(401, recorded("error_invalid_token.json")))

    with pytest.raises(TokenExpired) as info:
        upstox_client.profile()

    assert info.value.code == "UDAPI100050" and info.value.status == 401
    assert recorder.expired == [info.value]
    assert len(server.seen("GET", PROFILE)) == 1


def test_udapi100050_with_other_status_is_token_expired_too(server, upstox_client, recorder):
    server.route("GET", PROFILE, Reply(403, recorded("error_invalid_token.json")))
    with pytest.raises(TokenExpired):
        upstox_client.profile()
    assert len(recorder.expired) == 1


def test_missing_token_fails_before_sending(server, make_client, recorder):
    upstox_client = make_client(token_provider=lambda: None)
    with pytest.raises(TokenExpired, match="log in"):
        upstox_client.profile()
    assert server.requests == [] and recorder.expired == []


def test_a_failing_callback_does_not_hide_token_expired(server, make_client):
    def broken(_error: Exception) -> None:
        raise RuntimeError("db down")

    upstox_client = make_client(on_token_expired=broken)
    server.route("GET", PROFILE, Reply(401, recorded("error_invalid_token.json")))
    with pytest.raises(TokenExpired):
        upstox_client.profile()


def test_one_log_line_per_attempt_with_method_path_status_latency_attempt(
    server, upstox_client, caplog
):
    server.script("GET", PROFILE, Reply(503, b""))
    server.route("GET", PROFILE, Reply(body=recorded("profile.json")))
    with caplog.at_level(logging.INFO, logger="scripts.upstox.rest.transport"):
        upstox_client.profile()

    lines = [r.getMessage() for r in caplog.records if r.name == "scripts.upstox.rest.transport"]
    assert len(lines) == 2
    assert lines[0].startswith("upstox GET /v2/user/profile status=503 latency_ms=")
    assert lines[0].endswith("attempt=1") and "status=200" in lines[1]
    assert lines[1].endswith("attempt=2")


def test_token_never_appears_in_logs_errors_or_reprs(server, upstox_client, caplog, tmp_path: Path):
    server.route("GET", PROFILE, Reply(401, recorded("error_invalid_token.json")))
    server.route("GET", "/v2/user/get-funds-and-margin", Reply(body=b"x", delay=0.6))
    server.route("GET", "/v2/order/retrieve-all", Reply(body=recorded("order_book.json")))
    seen_errors: list[BaseException] = []

    with caplog.at_level(logging.DEBUG):  # every logger, httpx and httpcore included
        upstox_client.order_book()
        for call in (upstox_client.profile, upstox_client.funds):
            with pytest.raises(UpstoxError) as info:
                call()
            seen_errors.append(info.value)

    assert caplog.records, "expected log output to check"
    assert TEST_TOKEN not in caplog.text
    for error in seen_errors:
        chain = [error, error.__cause__, error.__context__]
        assert all(TEST_TOKEN not in f"{e!s} {e!r}" for e in chain if e is not None)
    assert TEST_TOKEN not in repr(upstox_client) and TEST_TOKEN not in repr(vars(upstox_client))
    # it was really sent, in the header only
    assert all(r.headers["authorization"] == f"Bearer {TEST_TOKEN}" for r in server.requests)
    assert all(TEST_TOKEN not in r.path + r.query for r in server.requests)


def test_token_error_inside_a_200_body_still_marks_the_token_expired(
    server, upstox_client, recorder
):
    server.route("GET", PROFILE, Reply(200, recorded("error_invalid_token.json")))
    with pytest.raises(TokenExpired):
        upstox_client.profile()
    assert len(recorder.expired) == 1
