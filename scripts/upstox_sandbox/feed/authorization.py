"""Access-token checks and single-use authorized URIs for the sandbox's feed servers.

Upstox hands a WebSocket client a *signed, single-use* URI
(``…?requestId=…&code=…``) from ``/authorize``, or redirects a Bearer-authenticated
GET to one [DOC §9.1]. The sandbox mimics that: a grant is issued for a user,
redeemed once by the WebSocket handshake, and forgotten.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from aiohttp import web

from scripts.upstox_sandbox.feed.feed_source import FeedSource

INVALID_TOKEN_CODE = "UDAPI100050"  # HTTP 401 "Invalid token used to access API" [DOC]
INVALID_INPUT_CODE = "UDAPI100038"  # "Invalid input passed to the API" [DOC]
# How long an authorized URI stays redeemable. Upstox does not document it [?];
# a minute is ample for a client that connects straight after authorizing.
GRANT_TTL_SECONDS = 60.0


def error_response(
    status: int,
    code: str,
    message: str,
    property_path: str | None = None,
    invalid_value: object | None = None,
) -> web.Response:
    """An Upstox error envelope; both key casings are emitted, as the real API does [DOC]."""
    error = {
        "errorCode": code,
        "error_code": code,
        "message": message,
        "propertyPath": property_path,
        "property_path": property_path,
        "invalidValue": invalid_value,
        "invalid_value": invalid_value,
    }
    return web.json_response({"status": "error", "errors": [error]}, status=status)


def bearer_token(request: web.Request) -> str | None:
    """The token from ``Authorization: Bearer …``, or None when absent or malformed."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticated_user(request: web.Request, source: FeedSource) -> str | None:
    """The user id behind the request's Bearer token, if the token is valid."""
    token = bearer_token(request)
    if token is None:
        return None
    return source.user_for_token(token)


def invalid_token_response() -> web.Response:
    return error_response(401, INVALID_TOKEN_CODE, "Invalid token used to access API")


@dataclass(frozen=True)
class Grant:
    """What a redeemed code stands for: who connects, and (portfolio) which updates."""

    user_id: str
    expires_at: float
    params: dict[str, str] = field(default_factory=dict)


class GrantBook:
    """Issues and redeems single-use ``requestId``/``code`` pairs for one feed endpoint."""

    def __init__(self, ttl_seconds: float = GRANT_TTL_SECONDS) -> None:
        self._ttl = ttl_seconds
        self._grants: dict[tuple[str, str], Grant] = {}

    def issue(self, user_id: str, params: dict[str, str] | None = None) -> dict[str, str]:
        """A fresh ``{"requestId", "code"}`` query for ``user_id``."""
        self._forget_expired()
        request_id = secrets.token_hex(8)
        code = secrets.token_urlsafe(24)
        grant = Grant(user_id, time.monotonic() + self._ttl, dict(params or {}))
        self._grants[(request_id, code)] = grant
        return {"requestId": request_id, "code": code}

    def redeem(self, request_id: str | None, code: str | None) -> Grant | None:
        """The grant for this pair, removed so it cannot be used twice; None if unknown."""
        if not request_id or not code:
            return None
        grant = self._grants.pop((request_id, code), None)
        if grant is None or grant.expires_at < time.monotonic():
            return None
        return grant

    def _forget_expired(self) -> None:
        now = time.monotonic()
        for key in [k for k, g in self._grants.items() if g.expires_at < now]:
            del self._grants[key]


def signed_ws_uri(request: web.Request, path: str, query: dict[str, str]) -> str:
    """``ws(s)://<host the client used><path>?<query>``: the URI the client connects to."""
    scheme = "wss" if request.secure else "ws"
    return f"{scheme}://{request.host}{path}?{urlencode(query)}"


def authorized_uri_response(uri: str) -> web.Response:
    """The authorize success body; the camelCase duplicate is still emitted [DOC]."""
    body = {
        "status": "success",
        "data": {"authorized_redirect_uri": uri, "authorizedRedirectUri": uri},
    }
    return web.json_response(body)
