"""Does a storm of broker reads slow the API's health check? Health latency with and without it.

Run: .venv/bin/python bench/read_starvation.py [--clients 16] [--seconds 5] [--samples 40]
                                              [--interval 0]

Builds a throwaway platform (temp project, SQLite database, the built-in sandbox on a free
port, a logged-in sandbox session), serves the real API app with the production waitress
options (``scripts.api.__main__.build_server``), and prints GET /api/health latency p50/p95/max:
  - baseline: no other load, same process, same server;
  - under load: ``--clients`` clients (threads of one separate process at nice 10, see
    tests/services/read_load.py) hammering GET /api/account/funds, back to back or one
    request per ``--interval`` seconds each (the test uses 0.05);
  - after: right after the clients stop.
It also prints how many funds reads the clients made and with which statuses. Figures are
wall-clock milliseconds on this machine; compare them within one run.
"""

from __future__ import annotations

import argparse
import sys
import time

import httpx
from bench_support import p50_p95_max, throwaway_platform

from scripts.api.__main__ import API_THREADS
from scripts.api.app import create_app
from tests.sandbox_session import log_in
from tests.services.served_api import (
    ServedApi,
    finish_read_load,
    start_read_load,
    timed_get,
)


def health_samples(api: httpx.Client, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        seconds, response = timed_get(api, "/api/health")
        assert response.status_code == 200, response.text
        samples.append(seconds * 1000)
        time.sleep(0.02)
    return samples


def describe(name: str, samples: list[float]) -> str:
    p50, p95, most = p50_p95_max(samples)
    return (
        f"{name:<12} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   "
        f"max {most:7.1f} ms   (n={len(samples)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--interval", type=float, default=0.0, help="per client; 0 = no pause")
    args = parser.parse_args()

    with throwaway_platform("read-starvation-", with_sandbox=True) as platform:
        settings, database = platform.settings, platform.database
        app = create_app(settings, database)
        login_client = app.test_client()
        login_client.environ_base["HTTP_X_API_KEY"] = settings.api_key
        log_in(login_client)

        server = ServedApi(app).start()
        headers = {"X-API-Key": settings.api_key}
        with httpx.Client(base_url=server.url, headers=headers, timeout=30.0) as api:
            api.get("/api/health")  # warm the broker probe's cache and the connection
            baseline = health_samples(api, args.samples)
            load = start_read_load(
                f"{server.url}/api/account/funds",
                settings.api_key,
                args.clients,
                args.seconds,
                args.interval,
            )
            time.sleep(min(1.0, args.seconds / 4))
            loaded = health_samples(api, args.samples)
            if load.poll() is not None:
                print("warning: the load ended before the samples did; raise --seconds")
            result = finish_read_load(load)
            after = health_samples(api, max(5, args.samples // 4))
        server.stop()
        app.extensions["upstox_platform"].close()

    pace = f"one read per {args.interval:g} s each" if args.interval else "back to back"
    print(f"API threads: {API_THREADS}; load: {args.clients} clients ({pace}) on funds")
    print(f"funds reads made: {result['requests']} statuses {result['statuses']}")
    print(describe("baseline", baseline))
    print(describe("under load", loaded))
    print(describe("after load", after))
    return 0


if __name__ == "__main__":
    sys.exit(main())
