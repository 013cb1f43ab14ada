"""Per-request trace ids and the API key check.

Every response carries ``X-Trace-ID`` (the caller's, if it sent a sane one,
else a new one) and every log line of the request carries it too. Every route
needs ``X-API-Key`` except the health check and the API docs (so a monitor and
a curious developer can reach those without a key) and the Upstox login callback
(the browser lands there; its one-time ``state`` protects it).
"""

from __future__ import annotations

import hmac
import re
import uuid

from flask import Flask, Response, g, request

from scripts.api.envelope import error_response
from scripts.logging_setup import trace_id_var

TRACE_HEADER = "X-Trace-ID"
API_KEY_HEADER = "X-API-Key"
_SANE_TRACE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
PUBLIC_PATHS = ("/api/health", "/api/openapi.json", "/api/docs", "/api/auth/callback")
PUBLIC_PREFIXES = ("/api/swagger", "/api/oauth2-redirect.html")


def install_request_guards(app: Flask, api_key: str) -> None:
    expected = api_key.encode("utf-8")

    @app.before_request
    def _start_trace_and_check_key() -> Response | None:
        incoming = request.headers.get(TRACE_HEADER, "")
        trace_id = incoming if _SANE_TRACE.match(incoming) else uuid.uuid4().hex
        g.trace_token = trace_id_var.set(trace_id)
        g.trace_id = trace_id
        if _is_public(request.path):
            return None
        supplied = request.headers.get(API_KEY_HEADER, "").encode("utf-8")
        if not supplied or not hmac.compare_digest(supplied, expected):
            return error_response(
                401,
                "unauthorized",
                "Missing or wrong API key: send it in the X-API-Key header "
                "(the value of API_KEY in .env).",
            )
        return None

    @app.after_request
    def _add_trace_header(response: Response) -> Response:
        response.headers[TRACE_HEADER] = g.get("trace_id", trace_id_var.get())
        return response

    @app.teardown_request
    def _end_trace(_error: BaseException | None) -> None:
        token = g.pop("trace_token", None)
        if token is not None:
            trace_id_var.reset(token)


def _is_public(path: str) -> bool:
    """Public paths match with or without a trailing slash, as the routes themselves do."""
    return path.rstrip("/") in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)
