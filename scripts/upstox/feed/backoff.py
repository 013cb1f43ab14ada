"""Reconnect delays: exponential growth with jitter, reset once a connection proves stable.

Jitter keeps a fleet of clients (or a client and its restarted twin) from
reconnecting in lockstep after a shared outage.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """``base * 2**attempt`` capped at ``cap``, randomised into [delay/2, delay]."""

    base_s: float = 0.5
    cap_s: float = 30.0
    rng: random.Random = field(default_factory=random.Random)
    attempt: int = 0

    def next_delay(self) -> float:
        delay = min(self.cap_s, self.base_s * (2**self.attempt))
        self.attempt = min(self.attempt + 1, 32)
        jittered: float = delay / 2 + self.rng.uniform(0, delay / 2)
        return jittered

    def reset(self) -> None:
        self.attempt = 0
