"""Who wants which instrument: subscriptions owned per consumer, counted per key.

The platform has one Upstox feed connection but many consumers (a watchlist, an open
page, an alert, a plain API caller), each named by a string id such as ``watchlist:3``
or ``page:<uuid>``. One consumer's unsubscribe must never take an instrument away
from another, so the connection's subscription book is derived from this one:
a key is held while any consumer wants it, in the richest mode any consumer wants.

Richness (what a mode carries, docs/UPSTOX_API.md §9.1): ``full_d30`` (30-level depth,
OHLC, greeks) > ``full`` (5-level depth, OHLC, greeks for options) > ``option_greeks``
(first depth level, greeks) > ``ltpc``. ``full`` carries everything ``option_greeks``
does for an option, so it ranks above it.
"""

from __future__ import annotations

from collections.abc import Iterable

from scripts.upstox_wire.feed_modes import FULL, FULL_D30, LTPC, MODES, OPTION_GREEKS

RICHNESS: dict[str, int] = {LTPC: 0, OPTION_GREEKS: 1, FULL: 2, FULL_D30: 3}


def richest(modes: Iterable[str]) -> str:
    """The mode carrying the most of the given ones."""
    return max(modes, key=RICHNESS.__getitem__)


class ConsumerBook:
    """consumer -> {instrument_key: mode}; not thread-safe (the feed hub locks around it)."""

    def __init__(self) -> None:
        self._wanted: dict[str, dict[str, str]] = {}

    def copy(self) -> "ConsumerBook":
        book = ConsumerBook()
        book._wanted = {consumer: dict(keys) for consumer, keys in self._wanted.items()}
        return book

    def subscribe(self, consumer: str, keys: Iterable[str], mode: str) -> None:
        """``consumer`` wants ``keys`` in ``mode`` (replacing its earlier mode for them)."""
        if mode not in MODES:
            raise ValueError(f"unknown feed mode {mode!r}; expected one of {', '.join(MODES)}")
        wanted = self._wanted.setdefault(consumer, {})
        for key in keys:
            wanted[key] = mode

    def unsubscribe(self, consumer: str, keys: Iterable[str] | None = None) -> list[str]:
        """Forget ``keys`` (all when None) for ``consumer`` only; returns those it held."""
        wanted = self._wanted.get(consumer, {})
        if keys is None:
            dropped = list(wanted)
            wanted.clear()
        else:
            dropped = [key for key in dict.fromkeys(keys) if wanted.pop(key, None) is not None]
        if not wanted:
            self._wanted.pop(consumer, None)
        return dropped

    def effective(self) -> dict[str, str]:
        """instrument_key -> the richest mode any consumer wants it in."""
        modes: dict[str, str] = {}
        for wanted in self._wanted.values():
            for key, mode in wanted.items():
                held = modes.get(key)
                modes[key] = mode if held is None else richest((held, mode))
        return modes

    def of(self, consumer: str) -> dict[str, list[str]]:
        """One consumer's subscriptions as mode -> keys."""
        grouped: dict[str, list[str]] = {}
        for key, mode in self._wanted.get(consumer, {}).items():
            grouped.setdefault(mode, []).append(key)
        return grouped

    def consumers_of(self, key: str) -> list[str]:
        return sorted(c for c, wanted in self._wanted.items() if key in wanted)

    def consumer_count(self) -> int:
        return len(self._wanted)

    def __bool__(self) -> bool:
        return bool(self._wanted)
