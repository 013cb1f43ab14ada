"""Resample stored candles to a coarser interval: pure functions, no database, no clock.

The rules, and why:

- **Candle times** are the candle's *start*, epoch seconds UTC, as stored in ``candles_new``.
  A daily candle starts at 00:00 IST of its day, the timestamp Upstox's v3 daily candles carry
  (``2025-01-03T00:00:00+05:30``, docs/UPSTOX_API.md §7.3) and the built-in sandbox sends.
- **Intraday buckets** (5m, 15m, 30m, 1h) are aligned to the session start of the instrument's
  exchange: 09:15 IST for NSE and BSE (docs/NSE_DATA.md §2), 09:00 for MCX and the currency
  segments (docs/UPSTOX_API.md §7.4), as Upstox and the exchanges draw them: 5m buckets start
  09:15, 09:20, ...; 1h buckets 09:15, 10:15, ..., 15:15, and the last one (15:15-15:30) is
  short: it holds only the candles that exist. A candle before the session start (a special
  session) falls in the bucket the same grid puts it in (the grid continues backwards), but a
  bucket never starts before 00:00 IST of the candle's own day: no candle is ever grouped with
  the previous day's.
- **1d** from intraday candles: one candle per IST calendar day, starting 00:00 IST.
- **1w** and **1M**: one candle per ISO week (Monday to Sunday) or calendar month, starting
  at the *first trading day* of that week or month as NSE/Upstox show them: the first day of
  the group that has a candle. A week whose Monday is a holiday starts on Tuesday. This is
  also how the built-in sandbox groups its weekly and monthly candles.
- **Aggregation**: open = first, high = max, low = min, close = last, volume = sum,
  oi = last (open interest is a level, not a flow).

Choosing the source series (``source_for``): the stored series of the exact interval; else,
for 1d, 1w and 1M, the stored 1d (NSE's official daily close is the 15:00-15:30 volume-weighted
price, which no sum of minute candles reproduces, so the daily series is the better source);
else the finest stored interval that divides the one asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Final

from scripts.clock import IST

# (ts, open, high, low, close, volume, oi): the row shape of scripts.db.candle_reads.
Candle = tuple[int, float, float, float, float, int, int]

INTERVALS: Final = ("1m", "5m", "15m", "30m", "1h", "1d", "1w", "1M")
INTRADAY_SECONDS: Final = {"1m": 60, "5m": 300, "15m": 900, "30m": 1800, "1h": 3600}
CALENDAR_INTERVALS: Final = ("1d", "1w", "1M")
# NSE/BSE normal market opens 09:15 IST (docs/NSE_DATA.md §2): the intraday grid's origin.
SESSION_START_SECONDS: Final = 9 * 3600 + 15 * 60
# MCX and the currency segments open 09:00 IST (docs/UPSTOX_API.md §7.4, market timings).
SESSION_START_SECONDS_BY_SEGMENT: Final = {
    "MCX_FO": 9 * 3600,
    "MCX_INDEX": 9 * 3600,
    "NCD_FO": 9 * 3600,
    "BCD_FO": 9 * 3600,
}
IST_OFFSET_SECONDS: Final = 5 * 3600 + 1800  # India has kept +05:30 without DST since 1945
DAY_SECONDS: Final = 86400
_EPOCH_ORDINAL: Final = datetime(1970, 1, 1).toordinal()


class ResampleError(ValueError):
    """Asked to resample to a finer interval, or between intervals that do not divide."""


def ist_day_number(ts: int) -> int:
    """Days since 1970-01-01 of the IST calendar day holding ``ts`` (what SQL can compute too)."""
    return (ts + IST_OFFSET_SECONDS) // DAY_SECONDS


def ist_midnight(day_number: int) -> int:
    """Epoch seconds of 00:00 IST of an IST day number."""
    return day_number * DAY_SECONDS - IST_OFFSET_SECONDS


def divides(source: str, target: str) -> bool:
    """True when every ``target`` candle is a whole number of ``source`` candles."""
    if source == target:
        return True
    if source in INTRADAY_SECONDS and target in INTRADAY_SECONDS:
        size, bigger = INTRADAY_SECONDS[source], INTRADAY_SECONDS[target]
        return bigger > size and bigger % size == 0
    if source in INTRADAY_SECONDS:
        return target in CALENDAR_INTERVALS  # minutes make a day, days make weeks and months
    return source == "1d" and target in ("1w", "1M")


def source_for(target: str, stored: Iterable[str]) -> str | None:
    """The stored interval to read for ``target`` (rules in the module docstring), or None."""
    have = set(stored)
    if target in have:
        return target
    if target in CALENDAR_INTERVALS and "1d" in have:
        return "1d"
    for interval in INTERVALS:  # finest first
        if interval in have and divides(interval, target):
            return interval
    return None


def session_start_seconds(instrument_key: str) -> int:
    """Seconds after 00:00 IST at which the instrument's exchange opens (the grid's origin)."""
    segment = instrument_key.split("|", 1)[0]
    return SESSION_START_SECONDS_BY_SEGMENT.get(segment, SESSION_START_SECONDS)


def bucket_start(ts: int, target: str, session_start: int = SESSION_START_SECONDS) -> int:
    """The start of the ``target`` candle that an intraday or daily candle at ``ts`` falls in.

    For 1w and 1M this is the group's *first possible* day (Monday, the 1st), used only as a
    grouping key; :func:`resample` starts the candle at the first candle of the group.
    """
    if target in INTRADAY_SECONDS:
        width = INTRADAY_SECONDS[target]
        midnight = ist_midnight(ist_day_number(ts))
        origin = midnight + session_start
        return max(midnight, origin + ((ts - origin) // width) * width)
    day = ist_day_number(ts)
    if target == "1d":
        return ist_midnight(day)
    when = datetime.fromtimestamp(ist_midnight(day), timezone.utc).astimezone(IST).date()
    if target == "1w":
        first = when - timedelta(days=when.weekday())
    elif target == "1M":
        first = when.replace(day=1)
    else:
        raise ResampleError(f"unknown interval {target!r}; use one of {', '.join(INTERVALS)}")
    return ist_midnight(first.toordinal() - _EPOCH_ORDINAL)


def resample(
    candles: Sequence[Candle],
    source: str,
    target: str,
    session_start: int = SESSION_START_SECONDS,
) -> list[Candle]:
    """``candles`` of one series at ``source`` (oldest first) as ``target`` candles.

    ``session_start`` is the intraday grid's origin (:func:`session_start_seconds` of the
    series' instrument). Raises :class:`ResampleError` unless ``source`` divides ``target``.
    Intraday to 1w or 1M goes through 1d, so each week starts on its first day with a candle.
    """
    if source == target:
        return list(candles)
    if not divides(source, target):
        raise ResampleError(f"{source} candles cannot make {target} candles")
    if source in INTRADAY_SECONDS and target in ("1w", "1M"):
        return resample(resample(candles, source, "1d"), "1d", target)
    starts_at_first_candle = target in ("1w", "1M")
    return _merge_groups(
        candles, lambda ts: bucket_start(ts, target, session_start), starts_at_first_candle
    )


def _merge_groups(
    candles: Sequence[Candle], key: Callable[[int], int], starts_at_first_candle: bool
) -> list[Candle]:
    out: list[Candle] = []
    group_key: int | None = None
    ts = 0
    open_ = high = low = close = 0.0
    volume = oi = 0
    for row in candles:
        this_key = key(row[0])
        if this_key != group_key:
            if group_key is not None:
                out.append((ts, open_, high, low, close, volume, oi))
            group_key = this_key
            ts = row[0] if starts_at_first_candle else this_key
            open_, high, low, close, volume, oi = row[1], row[2], row[3], row[4], row[5], row[6]
            continue
        if row[2] > high:
            high = row[2]
        if row[3] < low:
            low = row[3]
        close = row[4]
        volume += row[5]
        oi = row[6]
    if group_key is not None:
        out.append((ts, open_, high, low, close, volume, oi))
    return out
