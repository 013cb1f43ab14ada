"""Bad input a new user sends by accident is answered as the error envelope, saying what to fix."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator

import httpx
import pytest
from waitress.server import create_server

from scripts.api.request_limits import (
    MAX_JSON_DEPTH,
    MAX_URL_BYTES,
    SERVER_LIMITS,
    json_nesting_exceeds,
)
from tests.conftest import free_port


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _body_operations(client) -> list[tuple[str, str]]:
    spec = client.get("/api/openapi.json").get_json()
    return [
        (method, path)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    ]


def test_a_body_nested_1000_deep_is_a_400_saying_so_on_every_endpoint_with_a_body(client) -> None:
    operations = _body_operations(client)
    assert len(operations) >= 3
    for method, path in operations:
        response = client.open(
            path, method=method.upper(), data=_nested(1000), content_type="application/json"
        )
        assert response.status_code == 400, (method, path, response.get_data(as_text=True))
        body = response.get_json()
        assert body["status"] == "error" and body["error"]["code"] == "json_too_deep"
        assert f"more than {MAX_JSON_DEPTH} levels" in body["error"]["message"]
        assert body["trace_id"]


def test_a_body_within_the_depth_limit_reaches_validation(client) -> None:
    body = '{"instrument_keys": ' + _nested(MAX_JSON_DEPTH - 1) + "}"
    response = client.post("/api/feed/subscriptions", data=body, content_type="application/json")
    assert response.status_code == 422
    assert response.get_json()["error"]["field"].startswith("instrument_keys")


def test_depth_counts_brackets_but_not_those_inside_strings() -> None:
    assert not json_nesting_exceeds(b'{"a": "' + b"[" * 100 + b'"}', limit=2)
    assert not json_nesting_exceeds(b'{"a": "\\"[[[[", "b": [1]}', limit=2)
    assert json_nesting_exceeds(b'{"a": [[1]]}', limit=2)
    assert not json_nesting_exceeds(b'{"a": [[1]]}', limit=3)


def test_docs_with_a_trailing_slash_reach_the_docs_without_a_key(app) -> None:
    response = app.test_client().get("/api/docs/")
    assert response.status_code in (301, 302, 308)
    assert response.location.endswith("/api/swagger")


def test_a_trailing_slash_reaches_the_same_endpoint_and_still_needs_the_key(app, client) -> None:
    assert app.test_client().get("/api/health/").get_json()["status"] == "success"
    assert app.test_client().get("/api/system/jobs/").status_code == 401
    assert client.get("/api/system/jobs/").get_json() == {"status": "success", "data": []}


def test_a_body_that_is_not_an_object_says_it_must_be_one(client) -> None:
    for body in ("[]", '"return_to"', "42"):
        response = client.post("/api/auth/login", data=body, content_type="application/json")
        assert response.status_code in (400, 422), body
        message = response.get_json()["error"]["message"]
        assert "LoginBody" not in message, message
        assert "JSON object" in message, message


def test_login_cancelled_at_upstox_says_so_instead_of_a_missing_code(client) -> None:
    response = client.get(
        "/api/auth/callback",
        query_string={
            "error": "access_denied",
            "error_description": "The user denied the request",
            "state": "abc",
        },
        headers={"X-API-Key": ""},
    )
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "upstox_login_cancelled"
    assert "cancelled at Upstox" in error["message"]
    assert "The user denied the request" in error["message"]
    assert "Field required" not in error["message"]


def test_callback_without_code_says_to_start_the_login_again(client) -> None:
    response = client.get("/api/auth/callback", query_string={"state": "abc"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["field"] == "code" and "start the login again" in error["message"]


@pytest.fixture
def waitress_server(app) -> Iterator[str]:
    """The app behind waitress with the server limits ``python -m scripts.api`` uses."""
    server = create_server(app, host="127.0.0.1", port=free_port(), threads=2, **SERVER_LIMITS)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.effective_port}"
    # Closed from inside waitress's own loop, so it never polls a socket closed under it.
    server.trigger.pull_trigger(lambda: (server.close(), server.trigger.close()))
    thread.join(timeout=5)
    server.task_dispatcher.shutdown()


def test_a_url_over_256_kb_is_a_414_envelope_through_the_real_server(
    waitress_server, settings
) -> None:
    keys = ",".join(["NSE_EQ%7CINE002A01018"] * 12_000)  # ~280 KB, past waitress's default
    connection = http.client.HTTPConnection(waitress_server, timeout=10)
    connection.request(
        "GET", f"/api/feed/ticks?instrument_keys={keys}", headers={"X-API-Key": settings.api_key}
    )
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 414
    assert response.getheader("content-type").startswith("application/json")
    error = json.loads(body)["error"]
    assert error["code"] == "uri_too_long" and f"{MAX_URL_BYTES:,}" in error["message"]


def test_oversized_headers_are_a_431_envelope_through_the_real_server(
    waitress_server, settings
) -> None:
    response = httpx.get(
        f"http://{waitress_server}/api/health",
        headers={"X-API-Key": settings.api_key, "X-Padding": "x" * 300_000},
        timeout=10,
    )
    assert response.status_code == 431
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"]["code"] == "headers_too_large"
