"""The envelope around every body: ``{status: "success", data}`` or the error envelope.

The shapes mirror Upstox's own ``status``/``data`` envelope so a developer sees
one convention across the platform and the broker.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class ErrorDetail(BaseModel):
    code: str = Field(description="Machine-readable, e.g. validation_error, broker_login_required")
    message: str = Field(description="What went wrong and what to do about it, for a person")
    field: str | None = Field(default=None, description="The request field at fault, if one is")


class ErrorEnvelope(BaseModel):
    """Every error the API answers, whatever the status: never HTML, never a bare string."""

    status: Literal["error"] = "error"
    error: ErrorDetail
    trace_id: str = Field(description="Also in the X-Trace-ID header and in the server log")


class SuccessEnvelope(BaseModel, Generic[T]):
    status: Literal["success"] = "success"
    data: T
