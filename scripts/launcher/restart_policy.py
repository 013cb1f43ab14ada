"""When to restart a process that died, and when to stop trying (a crash loop).

Pure and clock-injectable, so the numbers are tested exactly without processes.
The backoff grows with the deaths inside the window (1 s, 2 s, 4 s ... capped),
so a process that ran quietly for a while is restarted quickly again, while one
that dies on every start is given up after ``max_deaths`` within ``window``.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 30.0
CRASH_LOOP_DEATHS = 5  # this many deaths ...
CRASH_LOOP_WINDOW_SECONDS = 60.0  # ... within this long is a crash loop: stop restarting


@dataclass(frozen=True)
class RestartDecision:
    give_up: bool
    delay_seconds: float  # wait this long before restarting (0 when giving up)
    deaths_in_window: int


class RestartPolicy:
    """Counts one process's deaths and decides the next restart delay."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        first_delay: float = FIRST_DELAY_SECONDS,
        max_delay: float = MAX_DELAY_SECONDS,
        max_deaths: int = CRASH_LOOP_DEATHS,
        window: float = CRASH_LOOP_WINDOW_SECONDS,
    ) -> None:
        self.clock = clock
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.max_deaths = max_deaths
        self.window = window
        self._deaths: deque[float] = deque()

    def record_death(self) -> RestartDecision:
        now = self.clock()
        self._deaths.append(now)
        while self._deaths and now - self._deaths[0] >= self.window:
            self._deaths.popleft()
        count = len(self._deaths)
        if count >= self.max_deaths:
            return RestartDecision(give_up=True, delay_seconds=0.0, deaths_in_window=count)
        delay = min(self.first_delay * 2 ** (count - 1), self.max_delay)
        return RestartDecision(give_up=False, delay_seconds=delay, deaths_in_window=count)
