"""Can the feed process keep up with Upstox? Decode + dispatch of market-feed ticks per second.

Run: .venv/bin/python bench/feed_decode.py [--ticks 200000] [--per-frame 10] [--smoke]

Builds live_feed frames with the sandbox's own encoder (the exact wire bytes Upstox sends,
``--per-frame`` instruments a frame, as Upstox batches them), for each mode, then prints
ticks per second of, in the same run on the same frames:
  - baseline: bare protobuf ``FeedResponse.ParseFromString`` (nothing built from it);
  - decode: ``decode_feed_response`` (protobuf -> the platform's Tick dataclasses);
  - decode + dispatch: what the feed process does per frame (``MarketFeed._on_message``):
    decode, publish every tick on the TickBus, whose consumer is the TickStore (merge with
    the last tick, 1-minute bar update).
Also a mixed row (70 % ltpc, 20 % full, 10 % option_greeks frames), the mix of a watchlist
platform. The target (issue 16) is >= 100,000 ticks/s for decode + dispatch.
``--smoke`` runs a few hundred ticks (tests/test_bench_smoke.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.upstox.feed.market_stream import MarketFeed  # noqa: E402
from scripts.upstox.feed.decode import decode_feed_response  # noqa: E402
from scripts.upstox.feed.tick_store import TickStore  # noqa: E402
from scripts.upstox_sandbox.feed.encode import feed_frame  # noqa: E402
from scripts.upstox_sandbox.feed.feed_source import (  # noqa: E402
    DepthLevel,
    Greeks,
    MarketSnapshot,
    OhlcBar,
)
from scripts.upstox_wire import feed_pb2  # noqa: E402

BASE_MS = 1_765_000_000_000


def snapshot(key: str, step: int, option: bool) -> MarketSnapshot:
    ltp = 100.0 + (step % 40) * 0.05
    bids = tuple(DepthLevel(round(ltp - 0.05 * (i + 1), 2), 10 * (i + 1), 2) for i in range(30))
    asks = tuple(DepthLevel(round(ltp + 0.05 * (i + 1), 2), 11 * (i + 1), 3) for i in range(30))
    minute = BASE_MS + step * 1000
    return MarketSnapshot(
        instrument_key=key,
        is_index=False,
        ltp=ltp,
        ltt_ms=minute,
        ltq=1 + step % 9,
        close_price=99.5,
        volume_today=10_000 + step * 7,
        average_price=ltp - 0.1,
        open_interest=1500.0 if option else 0.0,
        iv=0.18 if option else 0.0,
        total_buy_quantity=5000.0 + step,
        total_sell_quantity=4000.0 + step,
        bids=bids,
        asks=asks,
        greeks=Greeks(0.5, -4.2, 0.001, 12.5, 3.3) if option else None,
        bars=(
            OhlcBar("1d", 99.0, ltp + 1, 98.5, ltp, 10_000 + step, BASE_MS - 3_600_000),
            OhlcBar("I1", ltp, ltp, ltp, ltp, 10 + step, minute - minute % 60_000),
        ),
    )


def frames(mode: str, ticks: int, per_frame: int) -> list[bytes]:
    option = mode == "option_greeks"
    segment = "NSE_FO" if option else "NSE_EQ"
    built = []
    for n in range(max(1, ticks // per_frame)):
        pairs = [(snapshot(f"{segment}|K{i:04d}", n, option), mode) for i in range(per_frame)]
        built.append(feed_frame("live_feed", pairs, BASE_MS + n * 1000))
    return built


def rate(work: Callable[[bytes], object], batch: list[bytes], ticks: int) -> float:
    best = float("inf")
    for _ in range(3):  # best of three: the machine is shared
        started = time.perf_counter()
        for frame in batch:
            work(frame)
        best = min(best, time.perf_counter() - started)
    return ticks / best


def dispatcher() -> Callable[[bytes], object]:
    """The feed process's per-frame path: MarketFeed._on_message -> TickBus -> TickStore."""
    feed = MarketFeed(_never_authorize)
    store = TickStore()
    feed.bus.subscribe(store.publish)
    return feed._on_message  # noqa: SLF001 - the exact code path, not a copy of it


async def _never_authorize() -> str:
    raise RuntimeError("the benchmark never connects")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=200_000)
    parser.add_argument("--per-frame", type=int, default=10)
    parser.add_argument("--smoke", action="store_true", help="a few hundred ticks")
    args = parser.parse_args()
    ticks = 400 if args.smoke else args.ticks
    pb = feed_pb2()

    def parse(frame: bytes) -> object:
        return pb.FeedResponse().ParseFromString(frame)

    print(f"{ticks:,} ticks per mode, {args.per_frame} instruments a frame; ticks/s (best of 3)")
    print(f"{'mode':<15}{'baseline parse':>16}{'decode':>12}{'decode+dispatch':>17}")
    batches = {m: frames(m, ticks, args.per_frame) for m in ("ltpc", "full", "option_greeks")}
    batches["full_d30"] = frames("full_d30", ticks, args.per_frame)
    mixed = (
        batches["ltpc"][: len(batches["ltpc"]) * 7 // 10]
        + batches["full"][: len(batches["full"]) * 2 // 10]
        + batches["option_greeks"][: len(batches["option_greeks"]) // 10]
    )
    batches["mixed"] = mixed
    for mode, batch in batches.items():
        count = len(batch) * args.per_frame
        figures = (
            rate(parse, batch, count),
            rate(decode_feed_response, batch, count),
            rate(dispatcher(), batch, count),
        )
        print(f"{mode:<15}" + "".join(f"{f:>{w},.0f}" for f, w in zip(figures, (16, 12, 17))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
