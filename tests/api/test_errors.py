"""Every API error is a JSON envelope with a message that says what to fix; never HTML."""

from __future__ import annotations

import logging

import pytest
from flask_openapi3 import APIBlueprint
from pydantic import BaseModel, Field

from scripts.services.errors import Conflict


class OrderLikeBody(BaseModel):
    symbol: str = Field(min_length=1)
    quantity: int = Field(gt=0)


@pytest.fixture
def app_with_body_route(app):
    """The real app plus one route taking a JSON body, to exercise body validation."""
    probe = APIBlueprint("probe", __name__, url_prefix="/api/probe")

    @probe.post("/items")
    def create(body: OrderLikeBody):
        if body.symbol == "DUP":
            raise Conflict("An item with this symbol exists; use another symbol.", "symbol")
        return {"status": "success", "data": body.model_dump()}, 201

    @probe.get("/crash")
    def crash():
        raise RuntimeError("secret internal detail")

    app.register_api(probe)
    return app


@pytest.fixture
def keyed(app_with_body_route, settings):
    client = app_with_body_route.test_client()
    client.environ_base["HTTP_X_API_KEY"] = settings.api_key
    return client


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.content_type == "application/json"
    body = response.get_json()
    assert body["status"] == "error" and body["error"]["code"] == code
    assert body["error"]["message"] and body["trace_id"] == response.headers["X-Trace-ID"]
    return body


def test_valid_body_passes(keyed) -> None:
    response = keyed.post("/api/probe/items", json={"symbol": "INFY", "quantity": 3})
    assert response.status_code == 201 and response.get_json()["data"]["quantity"] == 3


def test_malformed_json_is_400_with_a_fix(keyed) -> None:
    response = keyed.post(
        "/api/probe/items", data="{not json", headers={"Content-Type": "application/json"}
    )
    body = assert_envelope(response, 400, "bad_request")
    assert "JSON" in body["error"]["message"]


def test_validation_error_is_422_naming_the_field(keyed) -> None:
    response = keyed.post("/api/probe/items", json={"symbol": "INFY", "quantity": 0})
    body = assert_envelope(response, 422, "validation_error")
    assert body["error"]["field"] == "quantity"
    assert "greater than 0" in body["error"]["message"]


def test_missing_field_is_named(keyed) -> None:
    body = assert_envelope(
        keyed.post("/api/probe/items", json={"quantity": 1}), 422, "validation_error"
    )
    assert body["error"]["field"] == "symbol"


def test_service_error_maps_to_its_status(keyed) -> None:
    response = keyed.post("/api/probe/items", json={"symbol": "DUP", "quantity": 1})
    body = assert_envelope(response, 409, "conflict")
    assert body["error"]["field"] == "symbol"


def test_unknown_path_is_json_404(keyed) -> None:
    body = assert_envelope(keyed.get("/api/does-not-exist"), 404, "not_found")
    assert "/api/docs" in body["error"]["message"]


def test_wrong_method_is_json_405_with_allow(keyed) -> None:
    response = keyed.delete("/api/system/jobs")
    assert_envelope(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_crash_is_500_without_internals_and_logged_with_trace(keyed, caplog) -> None:
    with caplog.at_level(logging.ERROR):
        response = keyed.get("/api/probe/crash", headers={"X-Trace-ID": "trace-crash-1"})
    body = assert_envelope(response, 500, "internal_error")
    assert "secret internal detail" not in response.get_data(as_text=True)
    assert body["trace_id"] == "trace-crash-1"
    assert any("secret internal detail" in (r.exc_text or "") or r.exc_info for r in caplog.records)


def test_non_api_path_is_json_not_html(keyed) -> None:
    response = keyed.get("/index.html")
    assert_envelope(response, 404, "not_found")
    assert b"<html" not in response.data.lower()
