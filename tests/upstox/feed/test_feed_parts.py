"""The feed client's small parts, each on its own: bus, watchdog rules, backoff, decoding."""

from __future__ import annotations

import asyncio
import queue
import random
import threading

from scripts.upstox.feed.backoff import Backoff
from scripts.upstox.feed.connection import is_token_rejection
from scripts.upstox.feed.subscriptions import SubscriptionBook, replay_frames
from scripts.upstox.feed.events import FeedTokenExpired, Tick
from scripts.upstox.feed.watchdog import StallWatchdog, ticks_expected
from scripts.upstox.feed.tick_bus import TickBus


def tick(key: str = "NSE_EQ|A", ltp: float = 1.0) -> Tick:
    return Tick(instrument_key=key, ltp=ltp, ltt=0, ltq=0, cp=0.0)


def test_bus_filters_by_key_and_unsubscribe_stops_delivery():
    bus = TickBus()
    only_b: list[Tick] = []
    everything: list[Tick] = []
    subscription = bus.subscribe(only_b.append, keys=["NSE_EQ|B"])
    bus.subscribe(everything.append)
    bus.publish(tick("NSE_EQ|A"))
    bus.publish(tick("NSE_EQ|B"))
    bus.unsubscribe(subscription)
    bus.publish(tick("NSE_EQ|B"))
    assert [t.instrument_key for t in only_b] == ["NSE_EQ|B"]
    assert len(everything) == 3


def test_a_failing_callback_does_not_stop_other_consumers():
    bus = TickBus()
    got: list[Tick] = []

    def broken(_tick: Tick) -> None:
        raise RuntimeError("consumer bug")

    bus.subscribe(broken)
    bus.subscribe(got.append)
    bus.publish(tick())
    bus.publish(tick())
    assert len(got) == 2


def test_a_full_queue_drops_its_oldest_tick_instead_of_blocking_the_feed():
    bus = TickBus()
    slow: queue.Queue[Tick] = queue.Queue(maxsize=2)
    subscription = bus.subscribe(slow)
    for price in (1.0, 2.0, 3.0):
        bus.publish(tick(ltp=price))
    assert [slow.get_nowait().ltp for _ in range(2)] == [2.0, 3.0]
    assert subscription.dropped == 1


async def test_an_asyncio_queue_on_this_loop_is_fed_safely_from_another_thread():
    bus = TickBus()
    ticks: asyncio.Queue[Tick] = asyncio.Queue()
    bus.subscribe(ticks)
    publisher = threading.Thread(target=bus.publish, args=(tick(ltp=7.0),))
    publisher.start()
    publisher.join()
    assert (await asyncio.wait_for(ticks.get(), 1)).ltp == 7.0


def test_ticks_are_expected_only_when_subscribed_and_a_relevant_segment_trades():
    open_eq = {"NSE_EQ": "NORMAL_OPEN", "NSE_FO": "NORMAL_CLOSE"}
    assert ticks_expected(open_eq, ["NSE_EQ|A"])
    assert not ticks_expected(open_eq, [])
    assert not ticks_expected(open_eq, ["NSE_FO|1"])
    assert not ticks_expected({"NSE_EQ": "PRE_OPEN_START"}, ["NSE_EQ|A"])
    # A segment market_info does not name falls back to "anything trading".
    assert ticks_expected(open_eq, ["NSE_INDEX|Nifty 50"])
    # No market_info at all: the injected calendar decides; without one, assume quiet.
    assert not ticks_expected({}, ["NSE_EQ|A"])
    assert ticks_expected({}, ["NSE_EQ|A"], market_open_fallback=lambda: True)


def test_stall_needs_both_expected_ticks_and_silence_past_the_threshold():
    watchdog = StallWatchdog(stall_after_s=10)
    assert watchdog.is_stalled(now=100, quiet_since=89, expected=True)
    assert not watchdog.is_stalled(now=100, quiet_since=91, expected=True)
    assert not watchdog.is_stalled(now=100, quiet_since=0, expected=False)


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap_and_resets():
    backoff = Backoff(base_s=1.0, cap_s=8.0, rng=random.Random(7))
    delays = [backoff.next_delay() for _ in range(6)]
    for delay, ceiling in zip(delays, [1, 2, 4, 8, 8, 8]):
        assert ceiling / 2 <= delay <= ceiling
    assert len(set(delays)) == len(delays)  # jittered, not lockstep
    backoff.reset()
    assert backoff.next_delay() <= 1.0


def test_token_rejection_is_recognised_by_status_code_or_type():
    class RestError(Exception):
        def __init__(self, status: int) -> None:
            self.status = status

    assert is_token_rejection(RestError(401)) and is_token_rejection(RestError(403))
    assert not is_token_rejection(RestError(500))
    assert is_token_rejection(FeedTokenExpired())
    assert not is_token_rejection(ConnectionError())


def test_subscription_book_moves_keys_between_modes_and_replays_one_sub_per_mode():
    book = SubscriptionBook()
    assert book.subscribe(["NSE_EQ|A", "NSE_EQ|B"], "ltpc") == ["NSE_EQ|A", "NSE_EQ|B"]
    assert book.subscribe(["NSE_EQ|A"], "ltpc") == []  # already held: nothing to send
    assert book.subscribe(["NSE_EQ|B"], "full") == ["NSE_EQ|B"]
    assert book.change_mode(["NSE_EQ|Z"], "full") == []  # not held: ignored
    assert book.counts() == {"ltpc": 1, "full": 1}
    frames = replay_frames(book)
    assert len(frames) == 2 and all(isinstance(f, bytes) for f in frames)
