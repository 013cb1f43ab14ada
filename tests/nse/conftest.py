"""The fake NSE server and a fast client (no real sleeping) shared by the NSE tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.nse.fake_nse import FakeNse


@pytest.fixture
def fake_nse() -> Iterator[FakeNse]:
    with FakeNse() as fake:
        yield fake


class FakeTime:
    """A clock that sleeping advances, so pacing and backoff are checked without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()
