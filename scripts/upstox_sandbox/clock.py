"""The sandbox's IST clock: live, accelerated or frozen, adjustable at run time.

Everything time-dependent (sessions, token expiry, prices, candles) reads this one clock so a
test can freeze the market at 10:30 on a Tuesday or fast-forward a whole session.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

IST = timezone(timedelta(hours=5, minutes=30), name="IST")


class SandboxClock:
    """Sim time = anchor_sim + (real elapsed since anchor) * factor; factor 0 means frozen."""

    def __init__(self, start: datetime | None = None, factor: float = 1.0) -> None:
        self._lock = threading.Lock()
        self._anchor_real = time.time()
        self._anchor_sim = (start or datetime.now(IST)).timestamp()
        self._factor = factor

    @property
    def factor(self) -> float:
        return self._factor

    def timestamp(self) -> float:
        """Sim time as epoch seconds."""
        with self._lock:
            return self._anchor_sim + (time.time() - self._anchor_real) * self._factor

    def now(self) -> datetime:
        """Sim time as an aware IST datetime."""
        return datetime.fromtimestamp(self.timestamp(), IST)

    def now_ms(self) -> int:
        return int(self.timestamp() * 1000)

    def _rebase(self, sim_ts: float, factor: float) -> None:
        with self._lock:
            self._anchor_real = time.time()
            self._anchor_sim = sim_ts
            self._factor = factor

    def freeze(self, at: datetime | None = None) -> None:
        """Stop the clock, optionally at a given instant."""
        self._rebase(at.timestamp() if at else self.timestamp(), 0.0)

    def set_time(self, at: datetime) -> None:
        """Jump to an instant, keeping the current speed."""
        self._rebase(at.timestamp(), self._factor)

    def advance(self, seconds: float) -> None:
        """Jump forward (or back) by a number of sim seconds."""
        self._rebase(self.timestamp() + seconds, self._factor)

    def set_factor(self, factor: float) -> None:
        """Change speed: 1 live, >1 accelerated, 0 frozen."""
        if factor < 0:
            raise ValueError("factor must be >= 0")
        self._rebase(self.timestamp(), factor)
