"""Hammer one API path from many threads for a few seconds, as a separate process.

Run: ``python -m tests.services.read_load URL API_KEY THREADS SECONDS [INTERVAL]``; each
client sends its next request INTERVAL seconds after the previous one started (0, the
default: back to back, as fast as the server answers). Prints ``started``
once every client has had its first answer (the load is then at full strength), and one JSON
line ``{"requests": n, "statuses": {"200": n, ...}, "errors": n}`` when done.

A separate process, like the dashboards and scripts that poll the API for real: the load's
own HTTP client work must not compete for the GIL of the server it measures. For the same
reason it runs at a lower CPU priority (nice 10): in production the clients are browsers and
scripts elsewhere, not a second process on the server's cores. The server still gets every
request as fast as it can answer. Every loop is bounded by SECONDS; only loopback URLs are
expected.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import Counter

import httpx


def hammer(
    url: str, api_key: str, threads: int, seconds: float, interval: float = 0.0
) -> dict[str, object]:
    """GET ``url`` from ``threads`` clients, one request per ``interval`` (0: back to back)
    each, until ``seconds`` have passed."""
    statuses: Counter[str] = Counter()
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    running = threading.Barrier(threads + 1)

    def client_loop() -> None:
        nonlocal errors
        with httpx.Client(headers={"X-API-Key": api_key}, timeout=15.0) as client:
            first = True
            while first or time.monotonic() < deadline:
                sent = time.monotonic()
                try:
                    status = str(client.get(url).status_code)
                except httpx.HTTPError:
                    status = ""
                with lock:
                    if status:
                        statuses[status] += 1
                    else:
                        errors += 1
                if first:
                    first = False
                    running.wait(seconds + 30)
                pause = sent + interval - time.monotonic()
                if pause > 0:
                    time.sleep(pause)

    workers = [threading.Thread(target=client_loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    running.wait(seconds + 30)
    print("started", flush=True)
    for worker in workers:
        worker.join(seconds + 30)
    return {"requests": sum(statuses.values()), "statuses": dict(statuses), "errors": errors}


def main(argv: list[str]) -> int:
    url, api_key, threads, seconds = argv[0], argv[1], int(argv[2]), float(argv[3])
    interval = float(argv[4]) if len(argv) > 4 else 0.0
    os.nice(10)
    print(json.dumps(hammer(url, api_key, threads, seconds, interval)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
