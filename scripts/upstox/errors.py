"""Typed errors for every way an Upstox call can fail.

Services catch these by type (never by message) and map them to HTTP in one error handler.
The classes split along what the caller should *do*:

- ``TokenExpired``: stop and ask the trader to log in again (the platform marks the token dead).
- ``RateLimited``: the request was refused at the gateway; wait ``retry_after`` and try later.
- ``UpstoxUnavailable``: Upstox could not be reached or failed; for reads, try later.
- ``OrderRejected``: Upstox said no to an order write (4xx); show the broker's reason.
- ``OrderStateUnknown``: an order write *may* have happened; check the order book by tag/id
  before doing anything else. Never a subclass of ``UpstoxUnavailable``, so nobody retries it
  by accident.
- ``NotAvailableInMode``: the call is not served by the configured host (e.g. quotes on
  Upstox's own sandbox).
- ``InvalidRequest``: refused locally before sending (caps, tag length, bad arguments).

No message or repr here ever contains an access token: messages are built from the response
body's ``message`` fields only, and values echoed back by Upstox (``invalid_value``) are kept
out of ``str()``/``repr()``.
"""

from __future__ import annotations

import json
from typing import Any

# Error codes from docs/UPSTOX_API.md §1.4 [DOC].
CODE_INVALID_TOKEN = "UDAPI100050"
CODE_RATE_LIMITED = "UDAPI10005"

_SNIPPET_CHARS = 200


class UpstoxError(Exception):
    """An Upstox call failed; fields mirror the first entry of the error envelope.

    ``errors`` holds every entry of the envelope (normalised to snake_case keys) so batch calls
    can show per-line reasons.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        property_path: str | None = None,
        invalid_value: Any = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.property_path = property_path
        self.invalid_value = invalid_value
        self.errors: list[dict[str, Any]] = errors or []

    def __str__(self) -> str:
        parts = [p for p in (str(self.status) if self.status else None, self.code) if p]
        prefix = f"[{' '.join(parts)}] " if parts else ""
        return f"{prefix}{self.message}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
            f"message={self.message!r})"
        )


class TokenExpired(UpstoxError):
    """401 / UDAPI100050: the access token is missing, expired (03:30 IST rollover) or revoked."""


class RateLimited(UpstoxError):
    """429 / UDAPI10005: refused by Upstox's rate limiter; ``retry_after`` seconds if it said."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class UpstoxUnavailable(UpstoxError):
    """5xx, timeout or connection failure, after any retries the call was allowed.

    ``request_sent`` is False when the failure happened before the request left this process
    (connect error, pool timeout), so even a write certainly did not happen.
    """

    def __init__(self, message: str, *, request_sent: bool = True, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.request_sent = request_sent


class OrderRejected(UpstoxError):
    """Upstox answered an order write with a 4xx (validation, RMS, market closed, ...)."""


class OrderStateUnknown(UpstoxError):
    """An order write was sent but its outcome could not be established.

    ``tag`` (placement) or ``order_id`` (modify/cancel) is what to look up in the order book.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str,
        tag: str | None = None,
        order_id: str | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(message, **kw)
        self.operation = operation
        self.tag = tag
        self.order_id = order_id


class NotAvailableInMode(UpstoxError):
    """The configured mode's host does not serve this endpoint."""


class InvalidRequest(UpstoxError, ValueError):
    """Refused locally, before anything was sent."""


def _pick(entry: dict[str, Any], snake: str, camel: str) -> Any:
    """Upstox emits snake_case (canonical) and camelCase (deprecated) duplicates [SDK][2nd-hand].

    Either may be missing, so prefer snake_case and fall back to camelCase.
    """
    value = entry.get(snake)
    return entry.get(camel) if value is None else value


def _normalise_entry(entry: Any) -> dict[str, Any]:
    if not isinstance(entry, dict):
        return {"message": str(entry)}
    out = {k: v for k, v in entry.items() if k not in _CAMEL_KEYS}
    out["error_code"] = _pick(entry, "error_code", "errorCode")
    out["message"] = entry.get("message")
    out["property_path"] = _pick(entry, "property_path", "propertyPath")
    out["invalid_value"] = _pick(entry, "invalid_value", "invalidValue")
    return out


_CAMEL_KEYS = {"errorCode", "propertyPath", "invalidValue"}


def _body_snippet(body: bytes, content_type: str) -> str:
    if not body.strip():
        return "empty response body"
    text = body[:_SNIPPET_CHARS].decode("utf-8", errors="replace")
    text = " ".join(text.split())
    kind = content_type.split(";")[0].strip() or "unknown content type"
    return f"non-JSON response ({kind}): {text}"


def parse_error_envelope(body: bytes, content_type: str = "") -> dict[str, Any]:
    """Read code/message/property_path/invalid_value/errors from an error body of any shape.

    Handles the documented envelope in both casings, the ``OAuthClientException`` body logout can
    return ([SDK]: ``message``/``cause``), the sandbox's empty 400 (§11) and HTML from a proxy or
    Cloudflare (§12.4): for non-JSON bodies the message is a short, whitespace-collapsed snippet.
    """
    try:
        payload = json.loads(body) if body.strip() else None
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        return {"code": None, "message": _body_snippet(body, content_type), "errors": []}
    raw_errors = payload.get("errors")
    if isinstance(raw_errors, dict):
        raw_errors = [raw_errors]
    errors = [_normalise_entry(e) for e in raw_errors] if isinstance(raw_errors, list) else []
    first = errors[0] if errors else _normalise_entry(payload)
    message = first.get("message") or payload.get("message") or "Upstox returned an error"
    return {
        "code": first.get("error_code"),
        "message": str(message),
        "property_path": first.get("property_path"),
        "invalid_value": first.get("invalid_value"),
        "errors": errors,
    }


def error_from_response(
    status: int,
    body: bytes,
    content_type: str = "",
    *,
    retry_after: float | None = None,
    rejection: type[UpstoxError] = UpstoxError,
    redact_values: bool = False,
) -> UpstoxError:
    """Build the typed error for a non-success response.

    ``rejection`` is the class for other 4xx answers (``OrderRejected`` for order writes).
    ``redact_values`` blanks ``invalid_value`` for calls whose inputs are secrets (token
    exchange), in case Upstox echoes a client secret or auth code back.
    """
    fields = parse_error_envelope(body, content_type)
    if redact_values:
        fields["invalid_value"] = None
        for entry in fields["errors"]:
            entry["invalid_value"] = None
    message = fields.pop("message")
    code = fields.get("code")
    if status == 401 or code == CODE_INVALID_TOKEN:
        return TokenExpired(message, status=status, **fields)
    if status == 429 or code == CODE_RATE_LIMITED:
        return RateLimited(message, status=status, retry_after=retry_after, **fields)
    if status >= 500:
        return UpstoxUnavailable(message, status=status, **fields)
    return rejection(message, status=status, **fields)
