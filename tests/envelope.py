"""Readers of the API's JSON envelope, shared by the blueprint tests.

Each of them had its own copy of these two functions; one copy keeps every reader checking the
same things (the status code, the envelope's status, an error's trace id).
"""

from __future__ import annotations

from typing import Any


def data(response: Any, status: int = 200) -> Any:
    """The ``data`` of a success envelope, after checking the status code and the envelope."""
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body["status"] == "success"
    return body["data"]


def error(response: Any, status: int) -> dict[str, Any]:
    """The ``error`` of an error envelope (code, message, field), which carries a trace id."""
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body["status"] == "error" and body["trace_id"]
    error: dict[str, Any] = body["error"]
    return error
