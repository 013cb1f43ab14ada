"""A scriptable recorded-response HTTP server on loopback, for the Upstox client tests.

``RecordedServer`` is a real HTTP/1.1 server (``http.server`` in a thread) on a free port. Tests
register replies per (method, raw path): a FIFO queue via ``script`` (used first) and a standing
reply via ``route``. A reply can be a recorded body from ``tests/upstox/recorded/``, a status
with ``Retry-After``, an HTML page, a slow answer (to trigger client timeouts) or a dropped
connection. Every request is recorded with its raw path, raw query, headers and body.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs

import httpx
from scripts.upstox.rest.reconcile import ReconcilePolicy
from scripts.upstox.rest.retry import RetryPolicy

RECORDED = Path(__file__).parent / "recorded"
TEST_TOKEN = "eyJTEST.tok-SECRET-7f3a9c"


def recorded(name: str) -> Any:
    """A recorded JSON response body."""
    return json.loads((RECORDED / name).read_text())


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list -> JSON; str/bytes sent as-is
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    delay: float = 0.0
    drop: bool = False  # read the request, then close the socket without answering


@dataclass
class SeenRequest:
    method: str
    path: str  # raw, still percent-encoded
    query: str  # raw query string
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def params(self) -> dict[str, list[str]]:
        return parse_qs(self.query, keep_blank_values=True)


Responder = Reply | Callable[[SeenRequest], Reply]


class RecordedServer:
    def __init__(self) -> None:
        self.requests: list[SeenRequest] = []
        self._queued: dict[tuple[str, str], list[Responder]] = {}
        self._routes: dict[tuple[str, str], Responder] = {}
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.01,), daemon=True)

    def start(self) -> "RecordedServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def route(self, method: str, path: str, reply: Responder) -> None:
        """Standing reply for every request to (method, raw path)."""
        self._routes[(method, path)] = reply

    def script(self, method: str, path: str, *replies: Responder) -> None:
        """Replies used once each, in order, before the standing route."""
        self._queued.setdefault((method, path), []).extend(replies)

    def seen(self, method: str, path: str) -> list[SeenRequest]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def _reply_for(self, req: SeenRequest) -> Reply:
        key = (req.method, req.path)
        with self._lock:
            self.requests.append(req)
            queue = self._queued.get(key)
            responder = queue.pop(0) if queue else self._routes.get(key)
        if responder is None:
            body = {
                "status": "error",
                "errors": [{"error_code": "UDAPI100060", "message": "Resource not Found"}],
            }
            return Reply(status=404, body=body)
        return responder(req) if callable(responder) else responder

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # one write per response: avoids the 40 ms Nagle/delayed-ACK stall on loopback
            wbufsize = 1 << 16
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path, _, query = self.path.partition("?")
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply = server._reply_for(SeenRequest(self.command, path, query, headers, body))
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                payload = reply.body
                if isinstance(payload, (dict, list)):
                    payload = json.dumps(payload)
                if isinstance(payload, str):
                    payload = payload.encode()
                payload = payload or b""
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                    self.wfile.flush()
                except OSError:  # the client gave up (timeout test); nothing to do
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        return Handler


class Recorder:
    """Records calls to ``sleep`` and ``on_token_expired`` without waiting for real."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self.expired: list[Exception] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        time.sleep(min(seconds, 0.002))

    def on_token_expired(self, error: Exception) -> None:
        self.expired.append(error)


FAST_RETRY = RetryPolicy(max_attempts=3, base_delay_s=0.001, max_delay_s=0.01, max_total_s=30.0)
FAST_RECONCILE = ReconcilePolicy(waits_s=(0.0, 0.01, 0.01))
SHORT_TIMEOUT = httpx.Timeout(0.3, connect=0.5)
