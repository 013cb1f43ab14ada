"""BrokerProbe: health's broker reachability goes through the Upstox client (its hosts, its
rate limiter), is cached, and never waits for a rate-limit token."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scripts.services.broker_status import BrokerProbe
from scripts.upstox.hosts import hosts_for_mode
from scripts.upstox.rest.client import UpstoxClient
from scripts.upstox.rest.rate_limit import RateClass, RateLimiter, Window


class CountingHealthHandler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.hits.append(self.path)
        body = b'{"status":"success","data":{}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        return


class ManualClock:
    def __init__(self) -> None:
        self.now = 10.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sandbox_host():
    CountingHealthHandler.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), CountingHealthHandler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def client_for(url: str, reads_per_minute: int) -> UpstoxClient:
    return UpstoxClient(
        hosts_for_mode("sandbox", url),
        lambda: None,
        lambda error: None,
        rate_limiter=RateLimiter(
            {
                RateClass.STANDARD: (Window(reads_per_minute, 60.0),),
                RateClass.ORDERS: (Window(10, 1.0),),
            }
        ),
    )


def test_the_probe_is_cached_then_asked_again(settings, sandbox_host) -> None:
    clock = ManualClock()
    probe = BrokerProbe(settings, client_for(sandbox_host, 10), cache_seconds=10.0, clock=clock)

    first = probe.status()
    clock.now += 9.9
    assert probe.status() is first
    clock.now += 0.1
    probe.status()

    assert first["reachable"] is True and first["http_status"] == 200
    assert first["host"] == sandbox_host and first["mode"] == "sandbox"
    assert CountingHealthHandler.hits == ["/sandbox/health", "/sandbox/health"]


def test_when_reads_hold_the_budget_the_last_answer_stands(settings, sandbox_host) -> None:
    clock = ManualClock()
    probe = BrokerProbe(settings, client_for(sandbox_host, 1), cache_seconds=10.0, clock=clock)
    first = probe.status()  # spends the one read of the minute

    clock.now += 30.0
    assert probe.status() == first
    assert CountingHealthHandler.hits == ["/sandbox/health"]


def test_a_probe_that_cannot_get_a_token_says_so_without_waiting(settings, sandbox_host) -> None:
    client = client_for(sandbox_host, 1)
    BrokerProbe(settings, client).status()  # another user of the client spends the budget

    second = BrokerProbe(settings, client).status()

    assert second["ok"] is False and "not probed yet" in second["detail"]
    assert CountingHealthHandler.hits == ["/sandbox/health"]
