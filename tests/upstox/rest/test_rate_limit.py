"""Client-side rate limiter: waits (boundedly) and never exceeds a window (§1.5)."""

from __future__ import annotations

import threading
import time

import pytest

from scripts.upstox.errors import RateLimited
from scripts.upstox.rest.rate_limit import (
    MAX_WAIT_S,
    UPSTOX_LIMITS,
    RateClass,
    RateLimiter,
    Window,
)


class FakeClock:
    """A clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


def acquire_times(limiter: RateLimiter, clock: FakeClock, rate_class: RateClass, n: int):
    times = []
    for _ in range(n):
        limiter.acquire(rate_class)
        times.append(clock())
    return times


def max_in_any_window(times: list[float], period: float) -> int:
    best, start = 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - period:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_upstox_limits_match_the_documented_table():
    assert UPSTOX_LIMITS[RateClass.STANDARD] == (
        Window(50, 1.0),
        Window(500, 60.0),
        Window(2000, 1800.0),
    )
    assert UPSTOX_LIMITS[RateClass.ORDERS] == (
        Window(10, 1.0),
        Window(500, 60.0),
        Window(2000, 1800.0),
    )


def test_eleventh_order_in_a_second_waits_instead_of_failing():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)

    waits = [limiter.acquire(RateClass.ORDERS) for _ in range(11)]

    assert waits[:10] == [0.0] * 10
    assert waits[10] == 1.0 and clock.sleeps == [1.0]


def test_order_and_standard_classes_have_separate_budgets():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    acquire_times(limiter, clock, RateClass.ORDERS, 10)
    acquire_times(limiter, clock, RateClass.STANDARD, 50)
    assert clock.sleeps == []


def test_orders_never_exceed_any_window_over_a_long_run():
    clock = FakeClock()
    # unbounded waits, so the run reaches the 30-minute window
    limiter = RateLimiter(max_wait_s=None, clock=clock, sleep=clock.sleep)

    times = acquire_times(limiter, clock, RateClass.ORDERS, 2100)

    assert max_in_any_window(times, 1.0) == 10
    assert max_in_any_window(times, 60.0) == 500
    assert max_in_any_window(times, 1800.0) == 2000
    # the 2001st order had to wait for the 30-minute window to roll over
    assert times[2000] - times[0] >= 1800.0


def test_standard_minute_window_binds_after_the_per_second_one():
    clock = FakeClock()
    limiter = RateLimiter(max_wait_s=None, clock=clock, sleep=clock.sleep)

    times = acquire_times(limiter, clock, RateClass.STANDARD, 501)

    assert max_in_any_window(times, 1.0) == 50
    assert times[500] - times[0] >= 60.0


def test_concurrent_threads_share_one_budget():
    limiter = RateLimiter({RateClass.ORDERS: (Window(5, 0.2),)})
    stamps: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(5):
            limiter.acquire(RateClass.ORDERS)
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)

    assert len(stamps) == 20
    # 20 acquisitions at 5 per 0.2 s need at least three full windows after the first burst
    assert max(stamps) - min(stamps) >= 0.55
    assert max_in_any_window(sorted(stamps), 0.15) <= 5


def test_max_waits_are_one_second_for_reads_and_two_for_orders():
    assert MAX_WAIT_S == {RateClass.STANDARD: 1.0, RateClass.ORDERS: 2.0}


def test_a_read_that_would_wait_past_its_bound_is_refused_at_once_with_retry_after():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    acquire_times(limiter, clock, RateClass.STANDARD, 500)  # spends the minute window
    clock.sleeps.clear()

    with pytest.raises(RateLimited) as refused:
        limiter.acquire(RateClass.STANDARD)

    assert clock.sleeps == []  # it did not sit in the limiter first
    assert 50.0 < refused.value.retry_after <= 60.0
    assert "try again in" in refused.value.message and "500/60s" in refused.value.message


def test_a_wait_within_the_bound_still_waits():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    acquire_times(limiter, clock, RateClass.STANDARD, 50)

    assert limiter.acquire(RateClass.STANDARD) == 1.0


def test_max_wait_zero_takes_a_token_only_if_one_is_free_now():
    clock = FakeClock()
    limiter = RateLimiter({RateClass.STANDARD: (Window(1, 10.0),)}, clock=clock, sleep=clock.sleep)

    assert limiter.acquire(RateClass.STANDARD, max_wait_s=0.0) == 0.0
    with pytest.raises(RateLimited) as refused:
        limiter.acquire(RateClass.STANDARD, max_wait_s=0.0)
    assert refused.value.retry_after == 10.0 and clock.sleeps == []


def test_an_order_goes_at_once_while_reads_are_refused():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    acquire_times(limiter, clock, RateClass.STANDARD, 500)
    with pytest.raises(RateLimited):
        limiter.acquire(RateClass.STANDARD)

    assert limiter.acquire(RateClass.ORDERS) == 0.0


def test_an_order_does_not_wait_while_reads_sleep_in_the_limiter():
    """Real threads and real time: 8 readers queue for a 1-per-0.2 s read budget; an order
    placed meanwhile takes its own token without waiting for any of them."""
    limiter = RateLimiter(
        {RateClass.STANDARD: (Window(1, 0.2),), RateClass.ORDERS: (Window(10, 1.0),)},
        max_wait_s={RateClass.STANDARD: 3.0, RateClass.ORDERS: 2.0},
    )
    readers = [
        threading.Thread(target=limiter.acquire, args=(RateClass.STANDARD,)) for _ in range(8)
    ]
    for reader in readers:
        reader.start()
    time.sleep(0.1)  # the readers are now sleeping in the limiter, one token per 0.2 s

    started = time.perf_counter()
    waited = limiter.acquire(RateClass.ORDERS)
    order_latency = time.perf_counter() - started

    assert waited == 0.0 and order_latency < 0.05
    assert sum(r.is_alive() for r in readers) >= 6  # the reads really were backed up
    for reader in readers:
        reader.join(timeout=10)
