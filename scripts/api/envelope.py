"""The JSON envelope every API response uses, success or error.

Success: ``{"status": "success", "data": ...}``; error:
``{"status": "error", "error": {"code", "message", "field"}, "trace_id"}``.
The shapes mirror Upstox's own ``status``/``data`` envelope so a developer
sees one convention across the platform and the broker.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from flask import jsonify
from flask.wrappers import Response
from pydantic import BaseModel

from scripts.logging_setup import trace_id_var

T = TypeVar("T")


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorEnvelope(BaseModel):
    status: str = "error"
    error: ErrorBody
    trace_id: str


class SuccessEnvelope(BaseModel, Generic[T]):
    status: str = "success"
    data: T


def success(data: Any, status: int = 200) -> tuple[Response, int]:
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    return jsonify({"status": "success", "data": data}), status


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    """The error envelope as a finished response (status code set)."""
    body = ErrorEnvelope(
        error=ErrorBody(code=code, message=message, field=field), trace_id=trace_id_var.get()
    )
    response = jsonify(body.model_dump())
    response.status_code = status
    return response
