"""The platform's market feed client against the sandbox feed server, over real WebSockets."""

from __future__ import annotations

import asyncio
import queue
from contextlib import AsyncExitStack

import pytest
from websockets.asyncio.client import connect

from scripts.upstox.feed.market_stream import MarketFeed
from scripts.upstox.feed.backoff import Backoff
from scripts.upstox.feed.loop_thread import FeedThread
from scripts.upstox.feed.events import SubscriptionLimitExceeded, Tick
from tests.upstox.feed.feed_fixtures import (
    EQUITY,
    INDEX,
    OPTION,
    FakeFeedSource,
    Sandbox,
    http_authorize,
    running_sandbox,
)

AUTHORIZE = "/v3/feed/market-data-feed/authorize"


class CountingAuthorize:
    """The injected authorize callable: the sandbox's REST authorize, counted."""

    def __init__(self, fake_feed_server: Sandbox, token: str = "token-for-U1") -> None:
        self.url = fake_feed_server.http_base + AUTHORIZE
        self.token = token
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        return await http_authorize(self.url, self.token)


def make_feed(authorize, **overrides) -> MarketFeed:
    options = dict(
        backoff=Backoff(base_s=0.05, cap_s=0.2),
        watchdog_interval_s=0.1,
        stall_after_s=5.0,
        ping_interval_s=1.0,
        ping_timeout_s=1.0,
    )
    options.update(overrides)
    return MarketFeed(authorize, **options)


async def next_tick(ticks: asyncio.Queue[Tick], predicate=lambda t: True, timeout=3.0) -> Tick:
    async with asyncio.timeout(timeout):
        while True:
            tick = await ticks.get()
            if predicate(tick):
                return tick


async def test_one_connection_fans_ticks_out_to_two_consumers(fake_feed_server):
    authorize = CountingAuthorize(fake_feed_server)
    feed = make_feed(authorize)
    seen_by_callback: list[Tick] = []
    feed.bus.subscribe(seen_by_callback.append)
    ticks: asyncio.Queue[Tick] = asyncio.Queue()
    feed.bus.subscribe(ticks)
    feed.start()
    try:
        await feed.subscribe([EQUITY], "ltpc")
        first = await next_tick(ticks)
        assert first.instrument_key == EQUITY and first.snapshot and first.mode == "ltpc"
        live = await next_tick(ticks, lambda t: not t.snapshot)
        assert live.ltp > first.ltp
        assert first in seen_by_callback and live in seen_by_callback
        assert authorize.calls == 1
        assert feed.bus.consumer_count() == 2
    finally:
        await feed.stop()


async def test_ticks_are_decoded_per_mode_into_plain_dataclasses(fake_feed_server):
    feed = make_feed(CountingAuthorize(fake_feed_server))
    ticks: asyncio.Queue[Tick] = asyncio.Queue()
    feed.bus.subscribe(ticks)
    feed.start()
    try:
        await feed.subscribe([EQUITY], "full")
        await feed.subscribe([INDEX], "full")
        await feed.subscribe([OPTION], "option_greeks")
        full = await next_tick(ticks, lambda t: t.instrument_key == EQUITY)
        assert len(full.depth) == 5 and full.ohlc[0].interval == "1d"
        assert full.volume and full.atp and full.total_buy_qty == 5000.0 and full.greeks is None
        index = await next_tick(ticks, lambda t: t.instrument_key == INDEX)
        assert index.is_index and index.depth is None and index.ohlc
        option = await next_tick(ticks, lambda t: t.instrument_key == OPTION)
        assert option.greeks.delta == 0.5 and option.iv == 0.18 and len(option.depth) == 1
    finally:
        await feed.stop()


async def test_change_mode_and_unsubscribe_take_effect_on_the_live_connection(fake_feed_server):
    feed = make_feed(CountingAuthorize(fake_feed_server))
    ticks: asyncio.Queue[Tick] = asyncio.Queue()
    feed.bus.subscribe(ticks)
    feed.start()
    try:
        await feed.subscribe([EQUITY, OPTION])
        await next_tick(ticks, lambda t: t.instrument_key == OPTION)
        await feed.change_mode([EQUITY], "full_d30")
        deep = await next_tick(ticks, lambda t: t.mode == "full_d30")
        assert len(deep.depth) == 30
        await feed.unsubscribe([OPTION])
        await asyncio.sleep(0.2)
        while not ticks.empty():
            ticks.get_nowait()
        for _ in range(3):
            assert (await next_tick(ticks)).instrument_key == EQUITY
        assert feed.subscriptions() == {"full_d30": [EQUITY]}
    finally:
        await feed.stop()


async def test_a_subscribe_over_a_mode_cap_raises_and_records_nothing():
    feed = make_feed(lambda: None)  # never started: caps are checked locally
    with pytest.raises(SubscriptionLimitExceeded) as exceeded:
        await feed.subscribe([f"NSE_FO|{n}" for n in range(2001)], "full")
    assert exceeded.value.cap == 2000 and feed.subscriptions() == {}
    await feed.subscribe([f"NSE_EQ|{n}" for n in range(2500)], "ltpc")  # alone: cap 5000
    with pytest.raises(SubscriptionLimitExceeded) as combined:
        await feed.subscribe([OPTION], "option_greeks")  # ltpc's combined cap is 2000
    assert combined.value.mode == "ltpc" and combined.value.cap == 2000
    assert list(feed.subscriptions()) == ["ltpc"]


async def test_reconnect_after_the_server_drops_the_socket_restores_all_subscriptions(
    fake_feed_server,
):
    authorize = CountingAuthorize(fake_feed_server)
    feed = make_feed(authorize)
    ticks: asyncio.Queue[Tick] = asyncio.Queue()
    feed.bus.subscribe(ticks)
    feed.start()
    wanted = {EQUITY: "ltpc", INDEX: "full", OPTION: "option_greeks"}
    try:
        for key, mode in wanted.items():
            await feed.subscribe([key], mode)
        await next_tick(ticks, lambda t: t.instrument_key == OPTION and t.snapshot)
        # The server drops our socket: a newer connection of the same user evicts it.
        intruder = await connect(await fake_feed_server.authorize())
        await intruder.close()
        while not ticks.empty():
            ticks.get_nowait()
        restored: dict[str, str] = {}
        async with asyncio.timeout(5):
            while restored != wanted:
                tick = await ticks.get()
                if tick.snapshot:
                    restored[tick.instrument_key] = tick.mode
        health = feed.health()
        assert health.reconnect_count == 1 and health.connected
        assert authorize.calls == 2  # a fresh single-use URI for the new connection
        assert "1008" in (health.last_error or "")
    finally:
        await feed.stop()


async def test_watchdog_leaves_a_quiet_closed_market_alone(fake_feed_server):
    fake_feed_server.source.status = {"NSE_EQ": "NORMAL_CLOSE", "NSE_FO": "NORMAL_CLOSE"}
    feed = make_feed(CountingAuthorize(fake_feed_server), stall_after_s=0.3)
    feed.start()
    try:
        await feed.wait_connected(3)
        await feed.subscribe([EQUITY])
        await asyncio.sleep(1.2)
        health = feed.health()
        assert health.reconnect_count == 0 and health.connected
        assert health.market_status["NSE_EQ"] == "NORMAL_CLOSE"
        assert health.last_message_age_s > 0.6  # silent, and that is fine
    finally:
        await feed.stop()


async def test_watchdog_leaves_an_open_market_with_no_subscriptions_alone(fake_feed_server):
    feed = make_feed(CountingAuthorize(fake_feed_server), stall_after_s=0.3)
    feed.start()
    try:
        await feed.wait_connected(3)
        await asyncio.sleep(1.0)
        assert feed.health().reconnect_count == 0
    finally:
        await feed.stop()


async def test_watchdog_recycles_a_silent_connection_while_the_market_is_open(fake_feed_server):
    fake_feed_server.source.auto_tick = False  # open market, but the socket delivers nothing
    authorize = CountingAuthorize(fake_feed_server)
    feed = make_feed(authorize, stall_after_s=0.3)
    ticks: asyncio.Queue[Tick] = asyncio.Queue()
    feed.bus.subscribe(ticks)
    feed.start()
    try:
        await feed.subscribe([EQUITY])
        await next_tick(ticks)  # the initial snapshot, then silence
        snapshot_after_recycle = await next_tick(ticks, lambda t: t.snapshot, timeout=4)
        assert snapshot_after_recycle.instrument_key == EQUITY  # re-subscribed
        health = feed.health()
        assert health.reconnect_count >= 1 and authorize.calls >= 2
        assert "silent" in (health.last_error or "")
    finally:
        await feed.stop()


async def test_401_on_authorize_stops_retrying_calls_on_token_expired_and_can_restart(
    fake_feed_server,
):
    authorize = CountingAuthorize(fake_feed_server, token="expired-token")
    expired: list[BaseException] = []
    feed = make_feed(authorize, on_token_expired=expired.append)
    feed.start()
    try:
        async with asyncio.timeout(3):
            while not expired:
                await asyncio.sleep(0.02)
        await asyncio.sleep(0.5)  # would be several retries with this backoff
        assert authorize.calls == 1 and len(expired) == 1
        assert getattr(expired[0], "status", None) == 401
        health = feed.health()
        assert health.state == "token_expired" and not health.connected
        authorize.token = "token-for-U1"  # the trader logged in again
        feed.start()
        await feed.wait_connected(3)
        assert feed.health().state == "connected"
    finally:
        await feed.stop()


async def test_transient_authorize_failures_are_retried_with_backoff(fake_feed_server):
    real = CountingAuthorize(fake_feed_server)
    failures = {"left": 2}

    async def flaky() -> str:
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionError("upstox unreachable")
        return await real()

    feed = make_feed(flaky)
    feed.start()
    try:
        await feed.wait_connected(3)
        assert failures["left"] == 0 and feed.health().state == "connected"
    finally:
        await feed.stop()


def test_sync_code_runs_the_feed_on_a_background_thread():
    """Flask/APScheduler are sync: they drive the feed through a FeedThread."""
    server_thread, feed_thread = FeedThread("sandbox"), FeedThread("feed")
    server_thread.start()
    feed_thread.start()
    stack = AsyncExitStack()
    try:

        async def open_sandbox() -> Sandbox:
            return await stack.enter_async_context(running_sandbox(FakeFeedSource()))

        fake_feed_server = server_thread.run(open_sandbox())

        async def build_feed() -> MarketFeed:
            feed = make_feed(CountingAuthorize(fake_feed_server))
            feed.start()
            return feed

        feed = feed_thread.run(build_feed())
        received: queue.Queue[Tick] = queue.Queue()
        feed.bus.subscribe(received)
        feed_thread.run(feed.subscribe([EQUITY]))
        assert received.get(timeout=3).instrument_key == EQUITY
        assert feed.health().connected
        feed_thread.run(feed.stop())
    finally:
        feed_thread.stop()
        server_thread.run(stack.aclose())
        server_thread.stop()
