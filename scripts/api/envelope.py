"""The JSON envelope every API response uses, success or error.

Success: ``{"status": "success", "data": ...}``; error:
``{"status": "error", "error": {"code", "message", "field"}, "trace_id"}``.
The models live in ``scripts/api_schemas/envelope.py`` (the contract shared with
the dashboard); this module builds finished Flask responses from them.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.wrappers import Response
from pydantic import BaseModel

from scripts.api_schemas.envelope import ErrorDetail, ErrorEnvelope
from scripts.logging_setup import trace_id_var


def success(data: Any, status: int = 200) -> tuple[Response, int]:
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    return jsonify({"status": "success", "data": data}), status


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    """The error envelope as a finished response (status code set)."""
    body = ErrorEnvelope(
        error=ErrorDetail(code=code, message=message, field=field), trace_id=trace_id_var.get()
    )
    response = jsonify(body.model_dump())
    response.status_code = status
    return response
