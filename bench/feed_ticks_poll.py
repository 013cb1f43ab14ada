"""Is polling the feed's latest ticks cheap? One GET /api/feed/ticks of N keys, before and after.

Run: .venv/bin/python bench/feed_ticks_poll.py [--rows 100000] [--keys 500] [--polls 20] [--smoke]

Builds a throwaway platform (temp project, SQLite migrated to head, ``--rows`` synthetic BOD
rows loaded through the real loader, as bench/instrument_search.py does), a real feed process
core (FeedHub + its loopback FeedServer on a free port, no Upstox connection) whose tick store
holds a tick for each of ``--keys`` instrument keys, and the API side's MarketFeedService
over a real FeedLink. Then prints milliseconds per poll (p50/p95 over ``--polls``) of:
  - baseline: what the route did before: every key through the resolver, one database
    lookup each, then the loopback read of the ticks;
  - batched resolve: the keys checked in one query (``known_keys``, as subscribe,
    unsubscribe and a poll of keys without ticks yet now do), then the loopback read;
  - held keys: ``MarketFeedService.ticks`` (the route now): keys the feed process holds
    skip the resolver, so a poll is the loopback read alone;
  - loopback only: the bare ``FeedLink.ticks`` call, the floor of any poll.
``--smoke`` runs a tiny size (tests/test_bench_smoke.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from bench_support import p50_p95_max, throwaway_platform
from instrument_search import synthetic_file

from scripts.feed_link.client import FeedLink
from scripts.feed_process.hub import FeedHub
from scripts.feed_process.server import FeedServer
from scripts.services.container import build_services
from scripts.services.market_feed import MarketFeedService
from scripts.upstox.feed.events import Tick
from tests.conftest import free_port


def report(label: str, action: Callable[[], object], polls: int, count: int) -> None:
    action()  # warm
    samples = []
    for _ in range(polls):
        started = time.perf_counter()
        answered = action()
        samples.append((time.perf_counter() - started) * 1000)
    assert answered is None or len(answered) == count, (label, len(answered))  # type: ignore
    p50, p95, _ = p50_p95_max(samples)
    print(f"{label:<16} p50 {p50:8.2f} ms   p95 {p95:8.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keys", type=int, default=500)
    parser.add_argument("--polls", type=int, default=20)
    parser.add_argument("--smoke", action="store_true", help="a tiny size")
    args = parser.parse_args()
    rows, count, polls = (2_000, 50, 3) if args.smoke else (args.rows, args.keys, args.polls)

    server: FeedServer | None = None
    with throwaway_platform("feed-ticks-poll-") as platform:
        try:
            root, settings, database = platform.root, platform.settings, platform.database
            services = build_services(settings, database)
            synthetic_file(root / "complete.json.gz", rows)
            services.instruments.sync(root / "complete.json.gz")

            keys = [f"NSE_FO|{n}" for n in range(1, rows) if n % 20][:count]
            hub = FeedHub(services.broker, watch_interval_s=3600)
            for n, key in enumerate(keys):
                hub.store.publish(Tick(key, 100.0 + n, 1_765_000_000_000, 1, 99.0))
            port = free_port()
            server = FeedServer(hub, "127.0.0.1", port).start()
            link = FeedLink("127.0.0.1", port)
            feed = MarketFeedService(link, services.instruments)
            instruments = services.instruments

            def before() -> object:
                resolved = [instruments.resolve(key).instrument.instrument_key for key in keys]
                return feed.latest(resolved)

            def batched() -> object:
                known = instruments.known_keys(keys)
                return feed.latest([key for key in keys if key in known])

            print(f"{count} keys a poll, {rows:,} instruments in SQLite; ms per poll")
            report("baseline", before, polls, count)
            report("batched resolve", batched, polls, count)
            report("held keys", lambda: feed.ticks(keys), polls, count)
            report("loopback only", lambda: link.ticks(keys), polls, count)
            link.close()
            services.close()
        finally:
            if server is not None:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
