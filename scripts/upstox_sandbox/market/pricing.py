"""Prices of every instrument at any instant, derived from the underlyings' seeded paths.

Equities and indices read their own path; futures are the index path carried at the risk-free
rate; options are Black-Scholes values on the index path (``options_model``). Candles, quotes,
feed snapshots and order fills all come through ``value_at`` so they cannot disagree.
"""

from __future__ import annotations

import math
import random
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime

from scripts.upstox_sandbox.market.nse_calendar import SESSION_CLOSE, TradingCalendar
from scripts.upstox_sandbox.clock import IST
from scripts.upstox_sandbox.feed.feed_source import DepthLevel, Greeks, MarketSnapshot, OhlcBar
from scripts.upstox_sandbox.market.black_scholes import (
    MIN_PREMIUM,
    RISK_FREE_RATE,
    YEAR_SECONDS,
    OptionValue,
    black_scholes,
    smile_iv,
)
from scripts.upstox_sandbox.market.price_paths import Bar, PriceModel, aggregate, round_to_tick
from scripts.upstox_sandbox.market.universe import Instrument, Universe
from scripts.upstox_wire.feed_modes import DEPTH_LEVELS, FULL_D30

BASE_IV = {"NIFTY": 0.12, "BANKNIFTY": 0.14}
CIRCUIT_BAND = 0.20  # assumption: a flat ±20% band around the previous close for every stock


# Instrument-days of derived minute candles kept in memory (an option chain is ~160).
CANDLE_CACHE_ENTRIES = 1024
DEPTH_LEVELS_MAX = DEPTH_LEVELS[FULL_D30]  # the deepest book any feed mode carries


@dataclass(frozen=True)
class Candle:
    """One OHLCV bar of an instrument, ``start`` in epoch seconds."""

    start: float
    open: float
    high: float
    low: float
    close: float
    volume: int
    oi: float


class Market:
    """The simulated market: instrument values, bars and snapshots."""

    def __init__(self, prices: PriceModel, universe: Universe, calendar: TradingCalendar) -> None:
        self.prices = prices
        self.universe = universe
        self.calendar = calendar
        self._candle_cache: OrderedDict[tuple[str, date], list[Candle]] = OrderedDict()
        for inst in universe.base_instruments:
            prices.register(
                inst.instrument_key, inst.reference_price, inst.is_index, inst.tick_size
            )

    # ---- valuation -----------------------------------------------------------------------
    def _years_to_expiry(self, inst: Instrument, ts: float) -> float:
        assert inst.expiry is not None
        expiry = datetime.combine(inst.expiry, SESSION_CLOSE, IST).timestamp()
        return max(expiry - ts, 0.0) / YEAR_SECONDS

    def option_value(self, inst: Instrument, spot: float, ts: float) -> OptionValue:
        iv = smile_iv(
            BASE_IV.get(inst.underlying_symbol or "", 0.13),
            inst.strike or spot,
            inst.reference_price,
        )
        return black_scholes(
            spot,
            inst.strike or spot,
            self._years_to_expiry(inst, ts),
            iv,
            inst.instrument_type == "CE",
        )

    def value_at(self, inst: Instrument, spot: float, ts: float) -> float:
        """The instrument's price when its driver is at ``spot`` at instant ``ts``."""
        if not inst.is_derivative:
            return spot
        if inst.instrument_type == "FUT":
            carry = math.exp(RISK_FREE_RATE * self._years_to_expiry(inst, ts))
            return round_to_tick(spot * carry, inst.tick_size)
        premium = self.option_value(inst, spot, ts).price
        return max(round_to_tick(premium, inst.tick_size), MIN_PREMIUM)

    def ltp(self, inst: Instrument, ts: float) -> float:
        return self.value_at(
            inst, self.prices.price_at(inst.price_driver, ts), self._clamp(inst, ts)
        )

    def _clamp(self, inst: Instrument, ts: float) -> float:
        """Outside the session a derivative keeps the value it had at the last close."""
        day = self.calendar.last_session_day(datetime.fromtimestamp(ts, IST))
        bounds = self.calendar.session_bounds(day)
        assert bounds is not None
        return min(ts, bounds[1].timestamp())

    def previous_close(self, inst: Instrument, ts: float) -> float:
        day = self.calendar.last_session_day(datetime.fromtimestamp(ts, IST))
        prev = self.calendar.previous_trading_day(day)
        bounds = self.calendar.session_bounds(prev)
        assert bounds is not None
        spot = self.prices.previous_close(inst.price_driver, ts)
        return self.value_at(inst, spot, bounds[1].timestamp())

    def extremes_between(self, inst: Instrument, t0: float, t1: float) -> tuple[float, float]:
        """Lowest and highest prices the instrument traded at over [t0, t1]."""
        lo, hi = self.prices.extremes_between(inst.price_driver, t0, t1)
        at = self._clamp(inst, t1)
        a, b = self.value_at(inst, lo, at), self.value_at(inst, hi, at)
        return min(a, b), max(a, b)

    def circuit_limits(self, inst: Instrument, ts: float) -> tuple[float, float]:
        prev = self.previous_close(inst, ts)
        if inst.is_option:
            return MIN_PREMIUM, round_to_tick(prev * 5 + 100, inst.tick_size)
        return (
            round_to_tick(prev * (1 - CIRCUIT_BAND), inst.tick_size),
            round_to_tick(prev * (1 + CIRCUIT_BAND), inst.tick_size),
        )

    # ---- bars ----------------------------------------------------------------------------
    def _volume_factor(self, inst: Instrument) -> float:
        if inst.is_index:
            return 0.0
        if not inst.is_derivative:
            return 1.0
        if inst.instrument_type == "FUT":
            return 0.05
        distance = abs(math.log((inst.strike or 1.0) / inst.reference_price))
        return 0.2 * math.exp(-distance * 40)

    def open_interest(self, inst: Instrument) -> float:
        """A steady, seeded OI per contract (0 for cash instruments)."""
        if not inst.is_derivative:
            return 0.0
        rng = random.Random(f"{self.prices.seed}|{inst.instrument_key}|oi")
        lots = int(20000 * self._volume_factor(inst) * 10 * rng.uniform(0.5, 1.5)) + 10
        return float(lots * inst.lot_size)

    def _bar_volume(self, inst: Instrument, bar: Bar) -> int:
        volume = int(bar.volume * self._volume_factor(inst))
        if inst.is_derivative:
            volume -= volume % inst.lot_size
        return volume

    def _derive(self, inst: Instrument, bar: Bar) -> Candle:
        values = [self.value_at(inst, spot, ts) for ts, spot in bar.points]
        volume = self._bar_volume(inst, bar)
        return Candle(
            bar.start,
            values[0],
            max(values),
            min(values),
            values[-1],
            volume,
            self.open_interest(inst),
        )

    def minute_candles(
        self, inst: Instrument, day: date, upto: float | None = None
    ) -> list[Candle]:
        """One-minute candles of a session day, oldest first, cut at ``upto`` (forming bar).

        Finished minutes never change, so their derived candles are cached per instrument and
        day and extended as the day goes on; only the forming minute is priced afresh. (Pricing
        an option's whole day through Black-Scholes on every quote made an option chain take
        seconds and stalled the event loop.)
        """
        bars = self.prices.minute_bars(inst.price_driver, day)
        forming: Bar | None = None
        if upto is not None:
            bounds = self.calendar.session_bounds(day)
            if bounds is not None and bounds[0].timestamp() <= upto < bounds[1].timestamp():
                _, forming = self.prices.session_so_far(inst.price_driver, upto)
                bars = bars[: int((upto - bounds[0].timestamp()) // 60)]
            elif bounds is not None and upto < bounds[0].timestamp():
                return []
        finished = self._finished_candles(inst, day, bars)
        return finished + ([self._derive(inst, forming)] if forming else [])

    def _finished_candles(self, inst: Instrument, day: date, bars: list[Bar]) -> list[Candle]:
        key = (inst.instrument_key, day)
        cached = self._candle_cache.pop(key, [])
        if len(cached) < len(bars):
            cached = cached + [self._derive(inst, b) for b in bars[len(cached) :]]
        self._candle_cache[key] = cached
        while len(self._candle_cache) > CANDLE_CACHE_ENTRIES:
            self._candle_cache.popitem(last=False)
        return cached[: len(bars)]

    def daily_candle(self, inst: Instrument, day: date, upto: float | None = None) -> Candle | None:
        """The day's bar: the aggregate of its minute bars where minute history exists."""
        bounds = self.calendar.session_bounds(day)
        if bounds is None:
            return None
        minutes = self.minute_candles(inst, day, upto)
        if minutes:
            o = minutes[0].open
            return Candle(
                bounds[0].timestamp(),
                o,
                max(c.high for c in minutes),
                min(c.low for c in minutes),
                minutes[-1].close,
                sum(c.volume for c in minutes),
                self.open_interest(inst),
            )
        if inst.is_derivative or (upto is not None and upto < bounds[0].timestamp()):
            return None
        row = self.prices.daily_bar(inst.price_driver, day)
        if row is None:
            return None
        o, h, low, c, v = row
        return Candle(bounds[0].timestamp(), o, h, low, c, int(v * self._volume_factor(inst)), 0.0)

    # ---- snapshot ------------------------------------------------------------------------
    def snapshot(self, inst: Instrument, ts: float, with_bars: bool = True) -> MarketSnapshot:
        """Everything a quote or the feed can say about the instrument at ``ts``.

        ``with_bars=False`` skips the OHLC bars and the average price (which need the day's
        candles priced) for callers that show only LTP, volume, depth and greeks, such as the
        option chain.
        """
        ltp = self.ltp(inst, ts)
        day = self.calendar.last_session_day(datetime.fromtimestamp(ts, IST))
        if not with_bars:
            volume = self._volume_so_far(inst, day, ts)
            return self._quote(inst, ts, ltp, volume, 0.0, [])
        minutes = self.minute_candles(inst, day, ts)
        volume = sum(c.volume for c in minutes)
        turnover = sum(c.volume * (c.high + c.low + c.close) / 3 for c in minutes)
        avg = round(turnover / volume, 2) if volume else 0.0
        bars: list[OhlcBar] = []
        today = self.daily_candle(inst, day, ts)
        if today is not None:
            bars.append(
                OhlcBar(
                    "1d",
                    today.open,
                    today.high,
                    today.low,
                    today.close,
                    today.volume,
                    int(today.start * 1000),
                )
            )
        if minutes:
            m = minutes[-1]
            bars.append(
                OhlcBar("I1", m.open, m.high, m.low, m.close, m.volume, int(m.start * 1000))
            )
            block = minutes[len(minutes) - 1 - (len(minutes) - 1) % 30 :]
            o, h, low, c, v = aggregate_candles(block)
            bars.append(OhlcBar("I30", o, h, low, c, v, int(block[0].start * 1000)))
        return self._quote(inst, ts, ltp, volume, avg, bars)

    def _volume_so_far(self, inst: Instrument, day: date, ts: float) -> int:
        bars = self.prices.minute_bars(inst.price_driver, day)
        bounds = self.calendar.session_bounds(day)
        if bounds is not None and bounds[0].timestamp() <= ts < bounds[1].timestamp():
            _, forming = self.prices.session_so_far(inst.price_driver, ts)
            bars = bars[: int((ts - bounds[0].timestamp()) // 60)] + ([forming] if forming else [])
        elif bounds is not None and ts < bounds[0].timestamp():
            bars = []
        return sum(self._bar_volume(inst, b) for b in bars)

    def _quote(
        self,
        inst: Instrument,
        ts: float,
        ltp: float,
        volume: int,
        avg: float,
        bars: list[OhlcBar],
    ) -> MarketSnapshot:
        rng = random.Random(f"{self.prices.seed}|{inst.instrument_key}|{int(ts)}")
        bids: tuple[DepthLevel, ...] = ()
        asks: tuple[DepthLevel, ...] = ()
        tbq = tsq = 0.0
        if not inst.is_index:
            lot = inst.lot_size
            # 30 levels a side, the most any mode carries (full_d30, docs/UPSTOX_API.md §9.1);
            # the first five come from ``rng`` as before, so REST quotes (5 levels) and the
            # ``full`` feed keep their values; the deeper 25 from their own seeded stream.
            deep = random.Random(f"{self.prices.seed}|{inst.instrument_key}|{int(ts)}|deep")

            def level(side: int, i: int, draw: random.Random) -> DepthLevel:
                price = max(ltp + side * inst.tick_size * (i + 1), 0.05)
                return DepthLevel(
                    round_to_tick(price, inst.tick_size),
                    lot * draw.randint(1, 40),
                    draw.randint(1, 9),
                )

            top_bids = [level(-1, i, rng) for i in range(5)]
            top_asks = [level(1, i, rng) for i in range(5)]
            bids = tuple(top_bids + [level(-1, i, deep) for i in range(5, DEPTH_LEVELS_MAX)])
            asks = tuple(top_asks + [level(1, i, deep) for i in range(5, DEPTH_LEVELS_MAX)])
            tbq = float(sum(b.quantity for b in top_bids) * 20)
            tsq = float(sum(a.quantity for a in top_asks) * 20)
        greeks = None
        iv = 0.0
        if inst.is_option:
            ov = self.option_value(
                inst, self.prices.price_at(inst.price_driver, ts), self._clamp(inst, ts)
            )
            greeks = Greeks(
                round(ov.delta, 4),
                round(ov.theta, 4),
                round(ov.gamma, 6),
                round(ov.vega, 4),
                round(ov.rho, 4),
            )
            iv = round(ov.iv * 100, 2)
        return MarketSnapshot(
            instrument_key=inst.instrument_key,
            is_index=inst.is_index,
            ltp=ltp,
            ltt_ms=int(min(ts, self._clamp(inst, ts))) * 1000,
            ltq=0 if inst.is_index else inst.lot_size * rng.randint(1, 10),
            close_price=self.previous_close(inst, ts),
            volume_today=volume,
            average_price=avg,
            open_interest=self.open_interest(inst),
            iv=iv,
            total_buy_quantity=tbq,
            total_sell_quantity=tsq,
            bids=bids,
            asks=asks,
            greeks=greeks,
            bars=tuple(bars),
        )


def aggregate_candles(candles: list[Candle]) -> tuple[float, float, float, float, int]:
    return (
        candles[0].open,
        max(c.high for c in candles),
        min(c.low for c in candles),
        candles[-1].close,
        sum(c.volume for c in candles),
    )


__all__ = ["Market", "Candle", "aggregate_candles", "aggregate"]
