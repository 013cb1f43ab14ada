"""A local fake of NSE's index file hosts: real HTTP on 127.0.0.1, real-format CSVs, and
every failure mode of docs/NSE_DATA.md §1.4 (written from those facts, not copied from NSE).

``FakeNse.serve(path, *answers)`` queues answers for a path; the last one repeats. Each
request is recorded (path and headers) so tests can check what the client sent.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from scripts.db.seed import REFERENCE_DIR

HEADER = "Company Name,Industry,Symbol,Series,ISIN Code"


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a hang when longer than the deadline)


def index_csv(count: int, prefix: str = "CO", bom: bool = False) -> bytes:
    """A constituents file in NSE's format with ``count`` made-up members (valid ISINs)."""
    lines = [HEADER] + [
        f"{prefix.title()} {n:03d} Ltd.,Financial Services,{prefix}{n:03d},EQ,INE{n:06d}A01"
        for n in range(count)
    ]
    text = "\n".join(lines) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode()


def bundled_nifty50() -> bytes:
    """The NIFTY 50 file as published (the platform's bundled copy, NSE_DATA.md §1.5)."""
    return (REFERENCE_DIR / "ind_nifty50list.csv").read_bytes()


# The failed payloads seen where a CSV was expected (docs/NSE_DATA.md §1.4).
EMPTY = Answer(200, b"")
HTML_404 = Answer(
    200, b"<!DOCTYPE html><html><head><title>Error 404</title></head><body>Error 404</body></html>"
)
AKAMAI = Answer(
    200,
    b"<HTML><HEAD><TITLE>Error</TITLE></HEAD><BODY>An error occurred while processing your "
    b"request.<p>Reference #97.1a2b3c4d.1700000000.5e6f7a8b</BODY></HTML>",
)
AZURE = Answer(
    200,
    b"<html><head><title>Web App - Unavailable</title></head><body><h1>Error 403 - This web "
    b"app is stopped.</h1></body></html>",
)
STRAY_COLUMN = Answer(200, bundled_nifty50().replace(b"ISIN Code\n", b"ISIN Code,,\n", 1))
FORBIDDEN = Answer(403, b"<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD></HTML>")
NOT_FOUND = Answer(404, b"Not Found")
TOO_MANY = Answer(429, b"Too Many Requests", {"Retry-After": "1"})
UNAVAILABLE = Answer(503, b"Service Unavailable")


class FakeNse:
    def __init__(self) -> None:
        self.answers: dict[str, list[Answer]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                fake.requests.append((self.path, dict(self.headers.items())))
                queue = fake.answers.get(self.path) or [NOT_FOUND]
                answer = queue.pop(0) if len(queue) > 1 else queue[0]
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except OSError:
                    pass  # the client gave up (the hang tests)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, prefix: str = "/IndexConstituent") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{prefix}"

    def serve(self, path: str, *answers: Answer) -> None:
        self.answers[path] = list(answers)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def __enter__(self) -> FakeNse:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
