"""The feed process's loopback HTTP interface, read by every API worker (scripts/feed_link).

Plain JSON over the standard library's threading HTTP server: the callers are the
platform's own API workers on this machine, a handful of requests a second each, so no
web framework is needed. Routes:

- ``GET /health``
- ``POST /subscriptions`` ``{"consumer", "instrument_keys", "mode"}``
- ``DELETE /subscriptions`` ``{"consumer", "instrument_keys": [...] | null}``
- ``GET /ticks?instrument_keys=k1,k2`` (URL-encoded)
- ``GET /bars?instrument_key=k``

Answers are ``{"data": ...}``, or ``{"error": {"code", "message", "field"}}`` with the
status of the service error (scripts/services/errors.py), which the client raises again
as the same typed error.
"""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from scripts.feed_process.hub import FeedHub
from scripts.services.errors import ServiceError, ValidationFailed
from scripts.upstox_wire.feed_modes import MODES

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 256 * 1024


class FeedServer:
    """The hub served on host:port in a background thread (``start``/``stop``)."""

    def __init__(self, hub: FeedHub, host: str, port: int) -> None:
        self.hub = hub
        handler = type("BoundHandler", (_Handler,), {"hub": hub})
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> "FeedServer":
        self.hub.start()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)
        self._server.server_close()
        self.hub.stop()


class _Handler(BaseHTTPRequestHandler):
    hub: FeedHub
    protocol_version = "HTTP/1.1"  # keep-alive: an API worker reuses its connection
    # Headers and body go out as two writes; with Nagle on, the body waited for the
    # client's delayed ACK: ~40 ms added to every small answer (bench/feed_ticks_poll.py).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's name
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's naming
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        self._answer(lambda: self._get(url.path, query))

    def do_POST(self) -> None:  # noqa: N802
        self._answer(lambda: self._subscribe(self._body()))

    def do_DELETE(self) -> None:  # noqa: N802
        self._answer(lambda: self._unsubscribe(self._body()))

    def _get(self, path: str, query: dict[str, str]) -> Any:
        if path == "/health":
            return self.hub.health()
        if path == "/ticks":
            keys = [k for k in query.get("instrument_keys", "").split(",") if k]
            return self.hub.latest(keys)
        if path == "/bars":
            key = query.get("instrument_key", "")
            if not key:
                raise ValidationFailed("instrument_key is required", "instrument_key")
            return self.hub.bars(key)
        raise _NoRoute()

    def _subscribe(self, body: dict[str, Any]) -> Any:
        if urlsplit(self.path).path != "/subscriptions":
            raise _NoRoute()
        mode = body.get("mode", "ltpc")
        if mode not in MODES:
            raise ValidationFailed(f"mode must be one of {', '.join(MODES)}", "mode")
        return self.hub.subscribe(_consumer(body), _keys(body, required=True) or [], mode)

    def _unsubscribe(self, body: dict[str, Any]) -> Any:
        if urlsplit(self.path).path != "/subscriptions":
            raise _NoRoute()
        return self.hub.unsubscribe(_consumer(body), _keys(body, required=False))

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise ValidationFailed("request body too large", "body")
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            raise ValidationFailed("the body must be JSON", "body") from None
        if not isinstance(body, dict):
            raise ValidationFailed("the body must be a JSON object", "body")
        return body

    def _answer(self, produce: Any) -> None:
        try:
            status, payload = 200, {"data": produce()}
        except _NoRoute:
            status, payload = 404, _error("not_found", f"no route {self.command} {self.path}")
        except ServiceError as error:
            status = error.http_status
            payload = _error(error.code, error.message, error.field)
        except Exception:  # noqa: BLE001 - the API worker gets an answer, the log the trace
            log.exception("feed request %s %s failed", self.command, self.path)
            status, payload = 500, _error("internal", "the feed process failed; see its log")
        raw = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


class _NoRoute(Exception):
    pass


def _error(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field}}


def _consumer(body: dict[str, Any]) -> str:
    consumer = body.get("consumer")
    return consumer if isinstance(consumer, str) else ""


def _keys(body: dict[str, Any], required: bool) -> list[str] | None:
    keys = body.get("instrument_keys")
    if keys is None and not required:
        return None
    if not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys):
        raise ValidationFailed(
            "instrument_keys must be a list of instrument keys", "instrument_keys"
        )
    return keys
