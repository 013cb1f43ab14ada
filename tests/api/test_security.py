"""API key on every route but health and docs; a trace id on every response and log line."""

from __future__ import annotations

import io
import logging

import pytest

from scripts.logging_setup import LOG_FORMAT, TraceAndRedactFilter, redact_secrets


@pytest.mark.parametrize("path", ["/api/system/jobs", "/api/system/database", "/api/market/status"])
def test_routes_need_the_api_key(app, path: str) -> None:
    anonymous = app.test_client()
    for headers in ({}, {"X-API-Key": "wrong-key-wrong-key-wrong-key-wrong"}):
        response = anonymous.get(path, headers=headers)
        assert response.status_code == 401
        body = response.get_json()
        assert body["error"]["code"] == "unauthorized" and "X-API-Key" in body["error"]["message"]


@pytest.mark.parametrize("path", ["/api/health", "/api/openapi.json", "/api/swagger"])
def test_health_and_docs_are_public(app, path: str) -> None:
    assert app.test_client().get(path).status_code == 200


def test_right_key_is_accepted(app, settings) -> None:
    response = app.test_client().get("/api/system/jobs", headers={"X-API-Key": settings.api_key})
    assert response.status_code == 200


def test_trace_id_is_echoed_or_generated(client) -> None:
    assert (
        client.get("/api/health", headers={"X-Trace-ID": "abc-123"}).headers["X-Trace-ID"]
        == "abc-123"
    )
    generated = client.get("/api/health", headers={"X-Trace-ID": "bad id with spaces!"})
    assert generated.headers["X-Trace-ID"] != "bad id with spaces!"
    assert len(generated.headers["X-Trace-ID"]) == 32


def test_log_lines_carry_the_trace_id(client) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(TraceAndRedactFilter())
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    log = logging.getLogger("scripts.test_probe")
    log.addHandler(handler)

    @client.application.before_request
    def _log_something():
        log.warning("serving a request")

    try:
        client.get("/api/health", headers={"X-Trace-ID": "trace-xyz"})
    finally:
        log.removeHandler(handler)
    assert "trace=trace-xyz serving a request" in stream.getvalue()


def test_tokens_are_redacted_from_log_text() -> None:
    assert redact_secrets("Authorization: Bearer eyJabc.def-ghi") == "Authorization: Bearer ***"
    assert "tok123" not in redact_secrets('{"access_token": "tok123", "x": 1}')
    assert "tok456" not in redact_secrets("access_token=tok456&state=1")
