"""SingleFlightCache: one upstream call for concurrent identical reads, short expiry, no
cached errors."""

from __future__ import annotations

import threading

import pytest

from scripts.services.read_cache import SingleFlightCache


class ManualClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class GatedLoad:
    """An upstream call that blocks until released, counting how often it was made."""

    def __init__(self, result: object = "funds", error: Exception | None = None) -> None:
        self.calls = 0
        self.started = threading.Event()
        self.release = threading.Event()
        self._result = result
        self._error = error
        self._lock = threading.Lock()

    def __call__(self) -> object:
        with self._lock:
            self.calls += 1
        self.started.set()
        assert self.release.wait(5), "the test never released the upstream call"
        if self._error is not None:
            raise self._error
        return self._result


def ask_concurrently(cache: SingleFlightCache, load: GatedLoad, n: int) -> list[object]:
    """``n`` threads ask at once while the first call is in flight; returns values or errors."""
    results: list[object] = []
    lock = threading.Lock()
    arrived = threading.Barrier(n + 1)

    def ask() -> None:
        arrived.wait(5)
        try:
            value: object = cache.get("funds", load)
        except Exception as error:  # noqa: BLE001 - the test inspects what each caller got
            value = error
        with lock:
            results.append(value)

    threads = [threading.Thread(target=ask) for _ in range(n)]
    for thread in threads:
        thread.start()
    arrived.wait(5)
    assert load.started.wait(5)
    # give every thread time to reach the cache while the leader's call is still in flight
    threading.Event().wait(0.2)
    load.release.set()
    for thread in threads:
        thread.join(5)
    assert not any(t.is_alive() for t in threads)
    return results


def test_concurrent_identical_reads_make_exactly_one_upstream_call() -> None:
    cache: SingleFlightCache[object] = SingleFlightCache(2.0, clock=ManualClock())
    load = GatedLoad(result={"available_margin": 1000})

    results = ask_concurrently(cache, load, 16)

    assert load.calls == 1
    assert results == [{"available_margin": 1000}] * 16


def test_a_fresh_value_is_served_from_memory_and_an_expired_one_is_asked_again() -> None:
    clock = ManualClock()
    cache: SingleFlightCache[int] = SingleFlightCache(2.0, clock=clock)
    calls: list[int] = []

    def load() -> int:
        calls.append(1)
        return len(calls)

    assert cache.get("profile", load) == 1
    clock.now += 1.9
    assert cache.get("profile", load) == 1
    clock.now += 0.1
    assert cache.get("profile", load) == 2
    assert len(calls) == 2


def test_different_keys_are_cached_separately() -> None:
    cache: SingleFlightCache[str] = SingleFlightCache(2.0, clock=ManualClock())
    assert cache.get(("funds", "SEC"), lambda: "equity") == "equity"
    assert cache.get(("funds", "COM"), lambda: "commodity") == "commodity"
    assert cache.get(("funds", "SEC"), lambda: "not asked") == "equity"


def test_an_error_reaches_every_waiting_caller_and_is_not_cached() -> None:
    cache: SingleFlightCache[object] = SingleFlightCache(2.0, clock=ManualClock())
    failing = GatedLoad(error=RuntimeError("Upstox did not answer"))

    results = ask_concurrently(cache, failing, 8)

    assert failing.calls == 1
    assert len(results) == 8
    assert all(isinstance(r, RuntimeError) and str(r) == "Upstox did not answer" for r in results)
    # the clock has not moved, yet the next read asks upstream again
    assert cache.get("funds", lambda: "recovered") == "recovered"


def test_forget_drops_a_cached_value() -> None:
    cache: SingleFlightCache[str] = SingleFlightCache(60.0, clock=ManualClock())
    cache.get("profile", lambda: "old")
    cache.forget("profile")
    assert cache.get("profile", lambda: "new") == "new"
    cache.forget()
    assert cache.get("profile", lambda: "newer") == "newer"


def test_a_caller_that_fails_alone_gets_its_own_error() -> None:
    cache: SingleFlightCache[int] = SingleFlightCache(2.0, clock=ManualClock())

    def broken() -> int:
        raise ValueError("bad segment")

    with pytest.raises(ValueError, match="bad segment"):
        cache.get("funds", broken)
    assert cache.get("funds", lambda: 7) == 7
