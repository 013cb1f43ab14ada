"""Client-side rate limiter: blocks (never fails) and never exceeds a window (§1.5)."""

from __future__ import annotations

import threading
import time

from scripts.upstox.rest.rate_limit import UPSTOX_LIMITS, RateClass, RateLimiter, Window


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
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)

    times = acquire_times(limiter, clock, RateClass.ORDERS, 2100)

    assert max_in_any_window(times, 1.0) == 10
    assert max_in_any_window(times, 60.0) == 500
    assert max_in_any_window(times, 1800.0) == 2000
    # the 2001st order had to wait for the 30-minute window to roll over
    assert times[2000] - times[0] >= 1800.0


def test_standard_minute_window_binds_after_the_per_second_one():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)

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
