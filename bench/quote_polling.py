"""What do many pages polling quotes cost? Upstox calls and latency, cached and uncached.

Run: .venv/bin/python bench/quote_polling.py [--pages 8] [--seconds 5] [--interval 0.5]

Builds a throwaway platform (temp project, SQLite database, the built-in sandbox on a free
port, the sandbox's instrument file loaded, a logged-in session), then lets ``--pages``
threads each ask for the same five-instrument quote every ``--interval`` seconds for
``--seconds``, as that many open Live Quote / Watchlist tabs would:
  - baseline: each poll calls the broker's full quote directly (no cache, no single flight);
  - cached: the platform's ``QuotesService`` (1-s single-flight cache, scripts/services/quotes.py).
For each it prints the polls answered, the Upstox full-quote calls made (counted at the
broker's ``full_quotes``), and the poll latency p50/p95/max in milliseconds. Compare the two
within one run; the target (issue 16) is that many pages cost about one call per second.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from bench_support import p50_p95_max, throwaway_platform

from scripts.api.app import create_app
from scripts.services.container import PlatformServices
from scripts.services.quotes import QuotesService
from tests.sandbox_session import log_in

SYMBOLS = ["RELIANCE", "TCS", "INFY", "HDFCBANK", "NIFTY 50"]


def poll(ask: Callable[[], Any], pages: int, seconds: float, interval: float) -> list[float]:
    samples: list[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def page() -> None:
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            ask()
            took = (time.perf_counter() - started) * 1000
            with lock:
                samples.append(took)
            time.sleep(interval)

    threads = [threading.Thread(target=page) for _ in range(pages)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def describe(name: str, samples: list[float], calls: int, seconds: float) -> str:
    p50, p95, most = p50_p95_max(samples)
    return (
        f"{name:<9} polls {len(samples):5d}   Upstox calls {calls:5d} ({calls / seconds:5.1f}/s)   "
        f"p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   max {most:7.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between polls")
    args = parser.parse_args()

    with throwaway_platform("quote-polling-", with_sandbox=True) as platform:
        settings, database = platform.settings, platform.database
        app = create_app(settings, database)
        services: PlatformServices = app.extensions["upstox_platform"]
        services.instruments.sync()
        client = app.test_client()
        client.environ_base["HTTP_X_API_KEY"] = settings.api_key
        log_in(client)

        calls = {"n": 0}
        broker = services.broker
        real_full_quotes = broker.full_quotes

        def counted(keys: list[str]) -> dict[str, Any]:
            calls["n"] += 1
            return real_full_quotes(keys)

        setattr(broker, "full_quotes", counted)  # count every call the services make
        keys = [services.instruments.resolve(s).instrument.instrument_key for s in SYMBOLS]
        counted(keys)  # warm the connection
        calls["n"] = 0
        baseline = poll(lambda: counted(keys), args.pages, args.seconds, args.interval)
        baseline_calls, calls["n"] = calls["n"], 0
        quotes: QuotesService = services.quotes
        cached = poll(lambda: quotes.quotes(SYMBOLS), args.pages, args.seconds, args.interval)
        cached_calls = calls["n"]
        services.close()

    print(f"{args.pages} pages polling {len(SYMBOLS)} instruments every {args.interval:g} s")
    print(describe("baseline", baseline, baseline_calls, args.seconds))
    print(describe("cached", cached, cached_calls, args.seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
