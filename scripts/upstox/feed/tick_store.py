"""The latest merged tick per instrument and 1-minute bars built from the ticks.

Fed from the tick bus on the feed thread; read by the feed process's loopback server
from other threads, so every read and write holds one lock (each is a few dict
operations). Incremental messages are merged here (:func:`merge_tick`), so a reader
always sees the instrument's whole state, with when it was received.

Bars: one per exchange minute of the last trade time (``ltt``; the server time when a
message carries none), open/high/low/close of the LTP, volume from the increase of the
day's traded volume (``vtt``) between ticks. The first tick of an instrument only
sets the volume baseline (vtt is cumulative, the part before it is unknown), so a
bar's volume covers what this process saw. ltpc mode carries no vtt: volume stays 0.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from scripts.upstox.feed.events import Tick, merge_tick

MINUTE_MS = 60_000
BARS_KEPT = 400  # a whole NSE session (375 minutes) and some


@dataclass(slots=True)
class MinuteBar:
    ts: int  # bar start, epoch ms
    open: float
    high: float
    low: float
    close: float
    volume: int = 0


@dataclass(slots=True)
class _Held:
    tick: Tick
    received_at: float  # wall clock, epoch seconds
    last_vtt: int | None
    bars: deque[MinuteBar]


class TickStore:
    """instrument_key -> merged latest tick, its receive time and its 1-minute bars."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._held: dict[str, _Held] = {}
        self._lock = threading.Lock()

    def publish(self, update: Tick) -> None:
        """Merge one decoded update (a TickBus consumer)."""
        now = self._clock()
        with self._lock:
            held = self._held.get(update.instrument_key)
            if held is None:
                held = _Held(update, now, None, deque(maxlen=BARS_KEPT))
                self._held[update.instrument_key] = held
            else:
                held.tick = merge_tick(held.tick, update)
                held.received_at = now
            _add_to_bar(held, update)

    def latest(self, keys: Iterable[str]) -> list[tuple[Tick, float]]:
        """(merged tick, received_at) for each key that has had a tick, in the order asked."""
        with self._lock:
            return [
                (self._held[key].tick, self._held[key].received_at)
                for key in keys
                if key in self._held
            ]

    def bars(self, key: str) -> list[MinuteBar]:
        with self._lock:
            held = self._held.get(key)
            return [] if held is None else [replace(bar) for bar in held.bars]  # copies

    def forget(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._held.pop(key, None)


def _add_to_bar(held: _Held, update: Tick) -> None:
    merged = held.tick
    vtt = update.volume
    delta = 0
    if vtt is not None:
        if held.last_vtt is not None and vtt > held.last_vtt:
            delta = vtt - held.last_vtt
        held.last_vtt = vtt
    if update.ltp is None or merged.ltp is None:
        if delta and held.bars:  # volume without a price change: the current bar's
            held.bars[-1].volume += delta
        return
    when = update.ltt or update.server_ts
    if not when:
        return
    start = when - when % MINUTE_MS
    bars = held.bars
    price = update.ltp
    if bars and bars[-1].ts == start:
        bar = bars[-1]
        bar.high = max(bar.high, price)
        bar.low = min(bar.low, price)
        bar.close = price
        bar.volume += delta
    elif not bars or start > bars[-1].ts:
        bars.append(MinuteBar(start, price, price, price, price, delta))
    elif delta:  # a late trade for an earlier minute: count its volume where we are
        bars[-1].volume += delta
