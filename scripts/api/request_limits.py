"""Limits on what a request may be, answered as the error envelope the app can see.

Without them a JSON body nested 1,000 deep crashed the body parser (RecursionError,
a 500), and a 256 KB URL was refused by waitress itself as a text/plain 431 that no
client of this API expects. The server is configured (``SERVER_LIMITS``) to hand the
app requests well past the app's own limits, so the app answers them as the envelope.
"""

from __future__ import annotations

import re

from flask import Flask, Response, request

from scripts.api.envelope import error_response

# Deeper than any body this API takes (the deepest, a subscription, is 2 levels).
MAX_JSON_DEPTH = 32
# The longest URL the dashboard builds: /api/feed/ticks with Upstox's 500-key cap
# (scripts/upstox_wire) of ~25-character instrument keys is about 13 KB.
MAX_URL_BYTES = 32 * 1024
MAX_HEADER_BYTES = 64 * 1024
# waitress refuses a request head (request line + headers) over this itself, as text/plain;
# its default is 256 KB, which a long URL reaches before the app can answer it.
SERVER_LIMITS = {"max_request_header_size": 1024 * 1024}

# A JSON string (skipped whole, escapes included) or a bracket; nothing else counts for depth.
_STRING_OR_BRACKET = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')


def json_nesting_exceeds(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``raw`` nests arrays/objects deeper than ``limit``, found without parsing it."""
    depth = 0
    for token in _STRING_OR_BRACKET.finditer(raw):
        mark = token.group()
        if mark in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif mark in (b"]", b"}"):
            depth -= 1
    return False


def install_request_limits(app: Flask) -> None:
    """Check the URL, the headers and the JSON body's depth before any route parses them."""

    @app.before_request
    def _refuse_oversized_requests() -> Response | None:
        environ = request.environ
        url_bytes = len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", ""))
        if url_bytes > MAX_URL_BYTES:
            return error_response(
                414,
                "uri_too_long",
                f"The URL is {url_bytes:,} bytes; the API accepts at most {MAX_URL_BYTES:,}. "
                "Ask for fewer items per request (e.g. fewer instrument_keys).",
            )
        header_bytes = sum(len(name) + len(value) for name, value in request.headers.items())
        if header_bytes > MAX_HEADER_BYTES:
            return error_response(
                431,
                "headers_too_large",
                f"The request headers are {header_bytes:,} bytes; the API accepts at most "
                f"{MAX_HEADER_BYTES:,}. Send fewer or shorter headers (cookies included).",
            )
        if request.is_json and json_nesting_exceeds(request.get_data(cache=True)):
            return error_response(
                400,
                "json_too_deep",
                f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep; the API's "
                "bodies are flat objects. Send the body as the endpoint's docs show "
                "(/api/docs).",
            )
        return None
