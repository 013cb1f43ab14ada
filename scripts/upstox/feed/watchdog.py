"""Decides when an open but silent market feed connection is dead and must be recycled.

A quiet feed is normal: after the close, before the open, on holidays, or with
nothing subscribed. Watchdogs that ignore this misfire all night (openalgo
#1419). So silence only counts when ticks are *expected*: something is
subscribed and the market_info frames say a relevant segment is NORMAL_OPEN.
A dead TCP path is caught separately by WS ping/pong (the websockets keepalive),
which closes the socket when pongs stop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

# Statuses in which trades (and so ticks) flow continuously. PRE_OPEN_* and
# CLOSING_* sessions can be quiet for minutes, so they do not arm the watchdog.
TRADING_STATUSES = frozenset({"NORMAL_OPEN"})


def segment_of(instrument_key: str) -> str:
    """``NSE_EQ|INE002A01018`` -> ``NSE_EQ``."""
    return instrument_key.split("|", 1)[0]


def ticks_expected(
    segment_status: Mapping[str, str],
    subscribed_keys: Iterable[str],
    market_open_fallback: Callable[[], bool] | None = None,
) -> bool:
    """True when the subscriptions should be producing ticks right now.

    Judged on the segments of the subscribed keys when market_info names them;
    segments it does not name (e.g. NSE_INDEX if absent) fall back to "any segment
    trading"; with no market_info at all (its presence is [?] in our notes), the
    injected calendar check decides, and without one the feed is assumed quiet.
    """
    segments = {segment_of(key) for key in subscribed_keys}
    if not segments:
        return False
    named = [segment_status[s] for s in segments if s in segment_status]
    if named:
        return any(status in TRADING_STATUSES for status in named)
    if segment_status:
        return any(status in TRADING_STATUSES for status in segment_status.values())
    return bool(market_open_fallback and market_open_fallback())


@dataclass(frozen=True)
class StallWatchdog:
    """``stall_after_s`` of silence while ticks are expected means the socket is dead."""

    stall_after_s: float = 60.0

    def is_stalled(self, now: float, quiet_since: float, expected: bool) -> bool:
        """``quiet_since``: last frame, connect or subscription change, whichever is latest."""
        return expected and now - quiet_since > self.stall_after_s
