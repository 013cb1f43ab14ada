"""Typed errors raised by services; the API maps each to one HTTP status in one place.

Services know nothing of HTTP; they raise these with a message that tells the
user what to fix. ``scripts.api.error_handlers`` turns them into the JSON envelope.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every error a service reports to a caller."""

    http_status = 400
    code = "bad_request"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ServiceError):
    http_status = 404
    code = "not_found"


class ValidationFailed(ServiceError):
    http_status = 422
    code = "validation_error"


class Conflict(ServiceError):
    http_status = 409
    code = "conflict"


class Unauthorized(ServiceError):
    http_status = 401
    code = "unauthorized"


class UpstreamUnavailable(ServiceError):
    """A service the platform depends on (Upstox, NSE) did not answer usably."""

    http_status = 502
    code = "upstream_unavailable"


class BrokerLoginRequired(ServiceError):
    """No usable Upstox session: never logged in, logged out, or the daily token expired."""

    http_status = 409
    code = "broker_login_required"


class LoginCancelled(ServiceError):
    """The trader declined (or closed) Upstox's authorization dialog: nothing to exchange."""

    http_status = 400
    code = "upstox_login_cancelled"


class BrokerRateLimited(ServiceError):
    """Upstox's limit (or the platform's own budget for it) is used up for now.

    ``retry_after_seconds`` says when to try again; when Upstox did not say, 1 s, the length
    of its shortest window (docs/UPSTOX_API.md §1.5).
    """

    http_status = 429
    code = "broker_rate_limited"

    def __init__(
        self, message: str, field: str | None = None, retry_after_seconds: float | None = None
    ) -> None:
        super().__init__(message, field)
        self.retry_after_seconds = retry_after_seconds if retry_after_seconds else 1.0
