"""Settings for one sandbox instance, validated when built (never read at import time)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from scripts.upstox_sandbox.clock import IST

# Obviously non-secret demo credentials: the platform's .env.example carries the same values so a
# fresh install can log in to the sandbox without any real Upstox account.
DEMO_CLIENT_ID = "sandbox-demo-app"
DEMO_CLIENT_SECRET = "sandbox-demo-secret"
DEMO_USER_ID = "SBX001"
DEMO_USER_NAME = "Sandbox Demo Trader"
DEMO_EMAIL = "demo@sandbox.invalid"


class ConfigError(ValueError):
    """A sandbox setting is invalid; the message names the setting."""


@dataclass(frozen=True)
class ClockSpec:
    """How the sandbox clock runs: ``live`` (factor 1), ``accelerated`` or ``frozen``."""

    mode: str = "live"
    factor: float = 1.0
    frozen_at: datetime | None = None

    @classmethod
    def parse(cls, text: str) -> "ClockSpec":
        """Parse ``live``, ``accelerated:<factor>`` or ``frozen:<ISO datetime>``."""
        if text == "live":
            return cls()
        if text.startswith("accelerated:"):
            try:
                factor = float(text.split(":", 1)[1])
            except ValueError as exc:
                raise ConfigError(f"clock: bad accelerated factor in {text!r}") from exc
            if factor <= 0:
                raise ConfigError("clock: accelerated factor must be > 0")
            return cls(mode="accelerated", factor=factor)
        if text.startswith("frozen:"):
            raw = text.split(":", 1)[1]
            try:
                when = datetime.fromisoformat(raw)
            except ValueError as exc:
                raise ConfigError(f"clock: bad ISO datetime in {text!r}") from exc
            if when.tzinfo is None:
                when = when.replace(tzinfo=IST)
            return cls(mode="frozen", factor=0.0, frozen_at=when)
        raise ConfigError(f"clock: expected live|accelerated:<factor>|frozen:<ISO>, got {text!r}")


@dataclass(frozen=True)
class SandboxConfig:
    """Everything that varies between sandbox instances.

    ``minute_history_days`` bounds how far back minute bars are generated (real Upstox keeps
    them from Jan 2022); older daily bars come from the daily model alone, which keeps a
    decade-long daily request fast in pure Python.
    """

    host: str = "127.0.0.1"
    port: int = 9100
    seed: int = 42
    clock: ClockSpec = field(default_factory=ClockSpec)
    always_open: bool = False
    client_id: str = DEMO_CLIENT_ID
    client_secret: str = DEMO_CLIENT_SECRET
    user_id: str = DEMO_USER_ID
    user_name: str = DEMO_USER_NAME
    email: str = DEMO_EMAIL
    opening_balance: float = 1_000_000.0
    rate_limits: bool = True
    minute_history_days: int = 400
    tick_seconds: float = 1.0
    background_step_seconds: float = 0.5

    def __post_init__(self) -> None:
        if not (0 <= self.port <= 65535):
            raise ConfigError(f"port: {self.port} is not a TCP port")
        if not self.client_id or not re.fullmatch(r"[A-Za-z0-9._-]+", self.client_id):
            raise ConfigError("client_id: must be non-empty [A-Za-z0-9._-]")
        if not self.client_secret:
            raise ConfigError("client_secret: must be non-empty")
        if self.opening_balance < 0:
            raise ConfigError("opening_balance: must be >= 0")
        if self.minute_history_days < 5:
            raise ConfigError("minute_history_days: must be >= 5")
