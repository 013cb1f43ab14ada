"""Deterministic seeded price paths for the sandbox's underlyings (stocks and indices).

Why this shape: every figure the sandbox serves (LTP, quotes, candles of any unit, order fills)
must agree. So there is one path per underlying: a mean-reverting daily walk of closes
(seeded per key), and inside each session a one-minute bridge from the day's open to its close.
Inside one minute the path is piecewise linear through four waypoints (open, first extreme,
second extreme, close), so the LTP at any second, the forming bar, the finished bar and the
day's aggregate all come from the same numbers. Same seed, same prices.
"""

from __future__ import annotations

import math
import random
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from scripts.upstox_sandbox.market.nse_calendar import TradingCalendar
from scripts.upstox_sandbox.clock import IST

WALK_START = date(2000, 1, 3)
WALK_END = date(2028, 12, 31)
# Seconds into a minute of the four waypoints; the order of the extremes is seeded per minute.
WAYPOINT_SECONDS = (0, 15, 40, 60)


@dataclass(frozen=True)
class Bar:
    """One bar of an underlying; ``points`` are (epoch seconds, price) in time order."""

    start: float
    points: tuple[tuple[float, float], ...]
    volume: int

    @property
    def open(self) -> float:
        return self.points[0][1]

    @property
    def close(self) -> float:
        return self.points[-1][1]

    @property
    def high(self) -> float:
        return max(p for _, p in self.points)

    @property
    def low(self) -> float:
        return min(p for _, p in self.points)


@dataclass(frozen=True)
class DriverParams:
    reference: float
    daily_sigma: float
    daily_volume: int
    tick: float


def round_to_tick(price: float, tick: float) -> float:
    return round(round(price / tick) * tick, 2)


class PriceModel:
    """Prices of underlyings as a pure function of (seed, key, time)."""

    def __init__(self, seed: int, calendar: TradingCalendar, minute_history_from: date) -> None:
        self.seed = seed
        self.calendar = calendar
        self.minute_history_from = minute_history_from
        self._params: dict[str, DriverParams] = {}
        self._daily: dict[str, dict[date, tuple[float, float]]] = {}
        self._days: dict[tuple[str, date], list[Bar]] = {}
        self._lock = threading.RLock()

    def register(self, key: str, reference: float, is_index: bool, tick: float) -> None:
        """Declare an underlying; its volatility and volume are drawn from the seed."""
        rng = random.Random(f"{self.seed}|{key}|params")
        sigma = rng.uniform(0.008, 0.011) if is_index else rng.uniform(0.012, 0.022)
        volume = rng.randint(2_000_000, 9_000_000) if is_index else rng.randint(300_000, 6_000_000)
        self._params[key] = DriverParams(reference, sigma, volume, tick)

    def params(self, key: str) -> DriverParams:
        return self._params[key]

    # ---- daily level -------------------------------------------------------------------
    def _daily_walk(self, key: str) -> dict[date, tuple[float, float]]:
        with self._lock:
            if key in self._daily:
                return self._daily[key]
            p = self._params[key]
            rng = random.Random(f"{self.seed}|{key}|daily")
            kappa = 0.02
            level = 0.0
            prev_close = p.reference
            walk: dict[date, tuple[float, float]] = {}
            for day in self.calendar.trading_days(WALK_START, WALK_END):
                level = level * (1 - kappa) + p.daily_sigma * rng.gauss(0.0, 1.0)
                gap = 0.25 * p.daily_sigma * rng.gauss(0.0, 1.0)
                close = round_to_tick(p.reference * math.exp(level), p.tick)
                open_ = round_to_tick(prev_close * math.exp(gap), p.tick)
                walk[day] = (open_, close)
                prev_close = close
            self._daily[key] = walk
            return walk

    def day_open_close(self, key: str, day: date) -> tuple[float, float] | None:
        return self._daily_walk(key).get(day)

    # ---- minute level ------------------------------------------------------------------
    def has_minutes(self, day: date) -> bool:
        return day >= self.minute_history_from and self.calendar.is_trading_day(day)

    def minute_bars(self, key: str, day: date) -> list[Bar]:
        """All one-minute bars of a session day (empty when closed or beyond history)."""
        cache_key = (key, day)
        with self._lock:
            if cache_key in self._days:
                return self._days[cache_key]
        bounds = self.calendar.session_bounds(day)
        oc = self.day_open_close(key, day)
        if bounds is None or oc is None or not self.has_minutes(day):
            return []
        bars = self._build_day(key, day, bounds[0], oc)
        with self._lock:
            if len(self._days) > 4000:
                self._days.clear()
            self._days[cache_key] = bars
        return bars

    def _build_day(
        self, key: str, day: date, open_at: datetime, oc: tuple[float, float]
    ) -> list[Bar]:
        p = self._params[key]
        n = self.calendar.session_minutes(day)
        rng = random.Random(f"{self.seed}|{key}|{day.isoformat()}")
        sigma_m = p.daily_sigma / math.sqrt(n)
        walk = [0.0]
        for _ in range(n):
            walk.append(walk[-1] + sigma_m * rng.gauss(0.0, 1.0))
        drift = math.log(oc[1] / oc[0]) - walk[-1]
        closes = [oc[0] * math.exp(walk[i] + drift * i / n) for i in range(n + 1)]
        base = open_at.timestamp()
        bars: list[Bar] = []
        for i in range(n):
            o = round_to_tick(closes[i], p.tick)
            c = oc[1] if i == n - 1 else round_to_tick(closes[i + 1], p.tick)
            wiggle = abs(rng.gauss(0.0, 1.0)) * sigma_m * 0.6
            hi = round_to_tick(max(o, c) * math.exp(wiggle), p.tick)
            lo = round_to_tick(min(o, c) * math.exp(-wiggle), p.tick)
            first, second = (hi, lo) if rng.random() < 0.5 else (lo, hi)
            start = base + 60 * i
            pts = tuple((start + s, v) for s, v in zip(WAYPOINT_SECONDS, (o, first, second, c)))
            # A U-shaped intraday volume profile: busy open and close, quiet lunch.
            shape = 1.0 + 2.0 * ((i - n / 2) / (n / 2)) ** 2
            vol = int(p.daily_volume / n * shape / 1.67 * rng.uniform(0.5, 1.5))
            bars.append(Bar(start, pts, max(vol, 1)))
        return bars

    # ---- point queries -----------------------------------------------------------------
    def price_at(self, key: str, ts: float) -> float:
        """The path's value at an instant; outside a session, the last session's close."""
        when = datetime.fromtimestamp(ts, IST)
        day = self.calendar.last_session_day(when)
        bounds = self.calendar.session_bounds(day)
        assert bounds is not None
        if ts >= bounds[1].timestamp():
            oc = self.day_open_close(key, day)
            return oc[1] if oc else self._params[key].reference
        bars = self.minute_bars(key, day)
        idx = int((ts - bounds[0].timestamp()) // 60)
        return interpolate(bars[idx], ts)

    def previous_close(self, key: str, ts: float) -> float:
        """Close of the session before the latest one started at or before ``ts``."""
        day = self.calendar.last_session_day(datetime.fromtimestamp(ts, IST))
        oc = self.day_open_close(key, self.calendar.previous_trading_day(day))
        return oc[1] if oc else self._params[key].reference

    def session_so_far(self, key: str, ts: float) -> tuple[list[Bar], Bar | None]:
        """Finished minute bars of the latest session up to ``ts`` and the forming one."""
        when = datetime.fromtimestamp(ts, IST)
        day = self.calendar.last_session_day(when)
        bars = self.minute_bars(key, day)
        bounds = self.calendar.session_bounds(day)
        assert bounds is not None
        idx = int((ts - bounds[0].timestamp()) // 60)
        if idx >= len(bars):
            return bars, None
        return bars[:idx], partial_bar(bars[idx], ts)

    def daily_bar(self, key: str, day: date) -> tuple[float, float, float, float, int] | None:
        """(open, high, low, close, volume) of a whole session day."""
        bars = self.minute_bars(key, day)
        if bars:
            return aggregate(bars)
        oc = self.day_open_close(key, day)
        if oc is None:
            return None
        p = self._params[key]
        rng = random.Random(f"{self.seed}|{key}|{day.isoformat()}|hl")
        hi = round_to_tick(max(oc) * math.exp(abs(rng.gauss(0, 1)) * p.daily_sigma * 0.5), p.tick)
        lo = round_to_tick(min(oc) * math.exp(-abs(rng.gauss(0, 1)) * p.daily_sigma * 0.5), p.tick)
        return oc[0], hi, lo, oc[1], int(p.daily_volume * rng.uniform(0.6, 1.4))

    def extremes_between(self, key: str, t0: float, t1: float) -> tuple[float, float]:
        """Lowest and highest path values over [t0, t1]: what resting orders could have met."""
        lo = hi = self.price_at(key, t1)
        first = self.price_at(key, t0)
        lo, hi = min(lo, first), max(hi, first)
        start_day = datetime.fromtimestamp(t0, IST).date()
        end_day = datetime.fromtimestamp(t1, IST).date()
        day = start_day
        while day <= end_day:
            for bar in self.minute_bars(key, day):
                end = bar.start + 60
                if end <= t0 or bar.start >= t1:
                    continue
                for ts, value in bar.points:
                    if t0 <= ts <= t1:
                        lo, hi = min(lo, value), max(hi, value)
            day += timedelta(days=1)
        return lo, hi


def interpolate(bar: Bar, ts: float) -> float:
    """Value of a bar's piecewise-linear path at ``ts`` (clamped to the bar)."""
    pts = bar.points
    if ts <= pts[0][0]:
        return pts[0][1]
    for (t_a, v_a), (t_b, v_b) in zip(pts, pts[1:]):
        if ts <= t_b:
            frac = (ts - t_a) / (t_b - t_a)
            raw = v_a + (v_b - v_a) * frac
            # Stay on the 0.05 grid like every other price; ends are already on it.
            return round(round(raw / 0.05) * 0.05, 2)
    return pts[-1][1]


def partial_bar(bar: Bar, ts: float) -> Bar:
    """The bar as it looked at ``ts``: waypoints passed so far plus the current value."""
    pts = [pt for pt in bar.points if pt[0] <= ts]
    if not pts or pts[-1][0] < ts:
        pts.append((ts, interpolate(bar, ts)))
    frac = min(max((ts - bar.start) / 60.0, 0.0), 1.0)
    return Bar(bar.start, tuple(pts), int(bar.volume * frac))


def aggregate(bars: list[Bar]) -> tuple[float, float, float, float, int]:
    return (
        bars[0].open,
        max(b.high for b in bars),
        min(b.low for b in bars),
        bars[-1].close,
        sum(b.volume for b in bars),
    )
