"""Upstox's response envelopes and its error model, in one place (docs/UPSTOX_API.md §0, §1.3-1.4).

Success bodies are ``{"status": "success", "data": ...}``; v3 order/GTT bodies add
``metadata.latency``. Errors carry both the canonical snake_case keys and the deprecated
camelCase duplicates, because real clients read either.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class UpstoxError(Exception):
    """An error the sandbox reports the way Upstox does; mapped to HTTP in ``error_middleware``."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        property_path: str | None = None,
        invalid_value: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.property_path = property_path
        self.invalid_value = invalid_value
        self.headers = headers or {}

    def item(self, **extra: Any) -> dict[str, Any]:
        return error_item(self.code, self.message, self.property_path, self.invalid_value, **extra)


def error_item(
    code: str,
    message: str,
    property_path: str | None = None,
    invalid_value: Any = None,
    **extra: Any,
) -> dict[str, Any]:
    """One entry of an ``errors`` array, snake_case plus the deprecated camelCase twins."""
    item: dict[str, Any] = {
        "error_code": code,
        "message": message,
        "property_path": property_path,
        "invalid_value": invalid_value,
        "errorCode": code,
        "propertyPath": property_path,
        "invalidValue": invalid_value,
    }
    item.update(extra)
    return item


def _dumps(body: Any) -> str:
    return json.dumps(body, separators=(",", ":"))


def success(data: Any, status: int = 200, latency_ms: int | None = None) -> web.Response:
    body: dict[str, Any] = {"status": "success", "data": data}
    if latency_ms is not None:
        body["metadata"] = {"latency": latency_ms}
    return web.json_response(body, status=status, dumps=_dumps)


def flat(body: Any, status: int = 200) -> web.Response:
    """A body without the envelope (the token endpoint)."""
    return web.json_response(body, status=status, dumps=_dumps)


def batch(
    data: Any,
    errors: list[dict[str, Any]] | None,
    summary: dict[str, int],
    latency_ms: int | None = None,
) -> web.Response:
    """Multi-order envelopes: 200 success, 207 partial_success, or 400 error."""
    if summary.get("error", 0) == 0:
        status, text = 200, "success"
    elif summary.get("success", 0) > 0:
        status, text = 207, "partial_success"
    else:
        status, text = 400, "error"
    body: dict[str, Any] = {"status": text, "data": data, "errors": errors, "summary": summary}
    if latency_ms is not None:
        body["metadata"] = {"latency": latency_ms}
    return web.json_response(body, status=status, dumps=_dumps)


def error_response(err: UpstoxError) -> web.Response:
    body = {"status": "error", "errors": [err.item()]}
    return web.json_response(body, status=err.status, headers=err.headers, dumps=_dumps)


NOT_FOUND = ("UDAPI100060", "Resource not Found")


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Map every failure to Upstox's error envelope, including aiohttp's own 404/405."""
    try:
        return await handler(request)
    except UpstoxError as err:
        return error_response(err)
    except web.HTTPNotFound:
        return error_response(UpstoxError(*NOT_FOUND, status=404))
    except web.HTTPMethodNotAllowed:
        return error_response(UpstoxError("UDAPI100060", "Method not allowed", status=405))
    except web.HTTPException:
        raise
    except Exception:  # noqa: BLE001 - the last line of defence must catch everything
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(UpstoxError("UDAPI100500", "Something went wrong", status=500))


async def read_json(request: web.Request) -> Any:
    """The JSON body, or UDAPI100038 when it is not JSON."""
    try:
        return await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UpstoxError("UDAPI100038", "Invalid input passed to the API") from exc
