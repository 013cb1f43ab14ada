"""The platform's trading modes: which Upstox the platform talks to, and whether money is real.

One enum, so a mode is compared against a member, never a bare string that a
typo could silently miss. It is a ``StrEnum``: a member equals its value
(``TradingMode.LIVE == "live"``), so it reads and prints as the ``UPSTOX_MODE``
the trader wrote in ``.env``.
"""

from __future__ import annotations

from enum import StrEnum


class TradingMode(StrEnum):
    SANDBOX = "sandbox"  # the built-in Upstox sandbox on this machine; no account needed
    LIVE = "live"  # the real Upstox API with the trader's own app: real money
    UPSTOX_SANDBOX = "upstox-sandbox"  # Upstox's own sandbox host (order writes only)

    @property
    def uses_real_upstox_app(self) -> bool:
        """Both Upstox-hosted modes need the trader's own app credentials, not the demo app."""
        return self is not TradingMode.SANDBOX

    @property
    def label(self) -> str:
        """What the header shows: SANDBOX for both sandbox modes, LIVE for real money."""
        return "LIVE" if self is TradingMode.LIVE else "SANDBOX"


MODE_NAMES: tuple[str, ...] = tuple(mode.value for mode in TradingMode)
