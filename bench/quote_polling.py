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
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from collections.abc import Callable
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.api.app import create_app  # noqa: E402
from scripts.config.env_file import ensure_env_file  # noqa: E402
from scripts.config.settings import PROJECT_ROOT, load_settings  # noqa: E402
from scripts.db import Database  # noqa: E402
from scripts.db.migrate import upgrade_database  # noqa: E402
from scripts.services.container import PlatformServices  # noqa: E402
from scripts.services.quotes import QuotesService  # noqa: E402
from tests.conftest import SandboxProcess, free_port  # noqa: E402
from tests.sandbox_session import log_in  # noqa: E402

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
    ordered = sorted(samples)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    return (
        f"{name:<9} polls {len(ordered):5d}   Upstox calls {calls:5d} ({calls / seconds:5.1f}/s)   "
        f"p50 {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms   max {ordered[-1]:7.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between polls")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="quote-polling-"))
    sandbox = SandboxProcess(root / "sandbox.log").wait_ready()
    try:
        shutil.copy(PROJECT_ROOT / ".env.example", root / ".env.example")
        ensure_env_file(root / ".env.example", root / ".env")
        environ = {
            "DATABASE_URL": f"sqlite:///{root / 'market_data.db'}",
            "API_PORT": str(free_port()),
            "LOG_DIR": str(root / "logs"),
            "BACKUP_DIR": str(root / "backups"),
            "UPSTOX_SANDBOX_URL": sandbox.url,
        }
        settings = load_settings(environ=environ, project_root=root)
        database = Database(settings.database_url)
        upgrade_database(database, root / "backups")
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
        database.dispose()
    finally:
        sandbox.stop()
        shutil.rmtree(root, ignore_errors=True)

    print(f"{args.pages} pages polling {len(SYMBOLS)} instruments every {args.interval:g} s")
    print(describe("baseline", baseline, baseline_calls, args.seconds))
    print(describe("cached", cached, cached_calls, args.seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
