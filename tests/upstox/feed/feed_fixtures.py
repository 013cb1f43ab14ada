"""Test doubles for the feed tests: a fake FeedSource and a minimal REST authorize call.

The real market simulation is built elsewhere; these tests meet it only through
the FeedSource protocol (scripts/upstox_sandbox/feed/feed_source.py), as the feed
server does.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from aiohttp import web

from scripts.upstox_sandbox.feed.feed_source import DepthLevel, Greeks, MarketSnapshot, OhlcBar
from scripts.upstox_sandbox.feed.servers import register_feed_routes

GOOD_TOKEN = "token-for-U1"
OTHER_TOKEN = "token-for-U2"
EQUITY = "NSE_EQ|INE002A01018"
EQUITY_2 = "NSE_EQ|INE467B01029"
INDEX = "NSE_INDEX|Nifty 50"
OPTION = "NSE_FO|43919"
BASE_MS = 1_760_000_000_000


@functools.lru_cache(maxsize=20_000)
def make_snapshot(key: str, step: int = 0) -> MarketSnapshot:
    """A deterministic snapshot; ``step`` moves the price so consecutive ones differ."""
    segment = key.split("|", 1)[0]
    is_index = segment.endswith("_INDEX")
    ltp = round(100.0 + step * 0.05 + (sum(map(ord, key)) % 50), 2)
    levels = 0 if is_index else 30
    bids = tuple(
        DepthLevel(round(ltp - 0.05 * (i + 1), 2), 10 * (i + 1), i + 1) for i in range(levels)
    )
    asks = tuple(
        DepthLevel(round(ltp + 0.05 * (i + 1), 2), 11 * (i + 1), i + 1) for i in range(levels)
    )
    greeks = Greeks(0.5, -4.2, 0.001, 12.5, 3.3) if segment == "NSE_FO" else None
    bars = (
        OhlcBar("1d", 99.0, ltp + 1, 98.5, ltp, 1000 + step, BASE_MS - 3_600_000),
        OhlcBar("I1", ltp, ltp, ltp, ltp, 10 + step, BASE_MS + step * 1000),
    )
    return MarketSnapshot(
        instrument_key=key,
        is_index=is_index,
        ltp=ltp,
        ltt_ms=BASE_MS + step * 1000,
        ltq=5 + step,
        close_price=99.5,
        volume_today=0 if is_index else 1000 + step,
        average_price=0.0 if is_index else ltp - 0.1,
        open_interest=1500.0 if greeks else 0.0,
        iv=0.18 if greeks else 0.0,
        total_buy_quantity=0.0 if is_index else 5000.0,
        total_sell_quantity=0.0 if is_index else 4000.0,
        bids=bids,
        asks=asks,
        greeks=greeks,
        bars=bars,
    )


class FakeFeedSource:
    """A tiny FeedSource: any key of a known segment exists; prices step while open."""

    SEGMENTS = ("NSE_EQ", "NSE_FO", "NSE_INDEX", "BSE_EQ")

    def __init__(self) -> None:
        self.tokens = {GOOD_TOKEN: "U1", OTHER_TOKEN: "U2"}
        self.status = {"NSE_EQ": "NORMAL_OPEN", "NSE_FO": "NORMAL_OPEN", "BSE_EQ": "NORMAL_OPEN"}
        self.auto_tick = True  # prices move on every read while the segment is open
        self.tick_interval = 0.05
        self.steps: dict[str, int] = {}
        self.portfolio_queues: dict[str, list[asyncio.Queue[dict]]] = {}

    def user_for_token(self, access_token: str) -> str | None:
        return self.tokens.get(access_token)

    def instrument_exists(self, instrument_key: str) -> bool:
        return instrument_key.split("|", 1)[0] in self.SEGMENTS

    def market_snapshot(self, instrument_key: str) -> MarketSnapshot:
        segment = instrument_key.split("|", 1)[0]
        trading = self.status.get(segment, self.status.get("NSE_EQ")) == "NORMAL_OPEN"
        if self.auto_tick and trading:
            self.steps[instrument_key] = self.steps.get(instrument_key, 0) + 1
        return make_snapshot(instrument_key, self.steps.get(instrument_key, 0))

    def segment_status(self) -> dict[str, str]:
        return dict(self.status)

    def now_ms(self) -> int:
        return BASE_MS

    def tick_interval_seconds(self) -> float:
        return self.tick_interval

    def subscribe_portfolio(self, user_id: str) -> asyncio.Queue[dict]:
        queue: asyncio.Queue[dict] = asyncio.Queue()
        self.portfolio_queues.setdefault(user_id, []).append(queue)
        return queue

    def unsubscribe_portfolio(self, user_id: str, queue: asyncio.Queue[dict]) -> None:
        self.portfolio_queues[user_id].remove(queue)

    def push_portfolio(self, user_id: str, update: dict) -> int:
        """Deliver an update to every open stream of the user; returns how many got it."""
        queues = self.portfolio_queues.get(user_id, [])
        for queue in queues:
            queue.put_nowait(update)
        return len(queues)


@dataclass
class Sandbox:
    source: FakeFeedSource
    http_base: str  # http://127.0.0.1:<port>

    async def authorize(
        self, path: str = "/v3/feed/market-data-feed/authorize", token: str = GOOD_TOKEN
    ) -> str:
        return await http_authorize(self.http_base + path, token)


class AuthorizeFailed(Exception):
    """Test REST-client error: carries the HTTP status like the platform's UpstoxError."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HTTP {status}: {body[:200]}")
        self.status = status


async def http_authorize(url: str, token: str) -> str:
    """The minimal REST call the feed client needs: GET …/authorize -> signed ws URI."""
    async with aiohttp.ClientSession() as session:
        async with session.get(url, headers={"Authorization": f"Bearer {token}"}) as response:
            body = await response.text()
            if response.status != 200:
                raise AuthorizeFailed(response.status, body)
            return (await response.json())["data"]["authorized_redirect_uri"]


@asynccontextmanager
async def running_sandbox(
    source: FakeFeedSource, ping_interval_s: float = 5.0
) -> AsyncIterator[Sandbox]:
    """The feed routes on an aiohttp server bound to a free loopback port."""
    app = web.Application()
    register_feed_routes(app, source, ping_interval_s=ping_interval_s)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield Sandbox(source, f"http://{host}:{port}")
    finally:
        await runner.cleanup()
