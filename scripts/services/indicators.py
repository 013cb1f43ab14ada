"""Technical indicators over a close series: pure functions with worked-example tests.

Every function returns a list as long as its input, ``None`` where the indicator is not yet
defined (fewer closes than its period), so a chart can lay each line under its candles.

Conventions (the ones TradingView, Kite and TA-Lib's defaults use, so figures match what a
trader sees elsewhere):

- **SMA(n)**: the mean of the last n closes; first value at index n-1.
- **EMA(n)**: alpha = 2 / (n + 1), *seeded with the SMA of the first n closes* at index n-1,
  then ``ema = alpha * close + (1 - alpha) * previous``. Seeding with the SMA instead of the
  first close keeps the first values from leaning on one candle.
- **RSI(n)** (Wilder): the first average gain/loss is the mean of the first n changes (value
  at index n), then Wilder's smoothing ``avg = (avg * (n - 1) + change) / n``;
  ``RSI = 100 - 100 / (1 + avg_gain / avg_loss)``; 100 when there were no losses, 50 when the
  price did not move at all.
- **MACD(fast, slow, signal)**: line = EMA(fast) - EMA(slow) (defined from index slow-1);
  signal = EMA(signal) of the line, seeded like EMA over the line's first ``signal`` values;
  histogram = line - signal.
- **Bollinger(n, k)**: middle = SMA(n); upper/lower = middle +- k * the *population* standard
  deviation of the same n closes (as Bollinger defined the bands).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

Series = list[float | None]

MAX_PERIOD: Final = 500
MAX_INDICATORS: Final = 8
# name -> (number of parameters, their defaults, the lines it draws)
KINDS: Final = {
    "sma": ((20,), ("value",)),
    "ema": ((20,), ("value",)),
    "rsi": ((14,), ("value",)),
    "macd": ((12, 26, 9), ("macd", "signal", "histogram")),
    "bb": ((20, 2), ("middle", "upper", "lower")),
}
SPEC = re.compile(r"^([a-z]+)((?::\d+(?:\.\d+)?)*)$")


class IndicatorSpecInvalid(ValueError):
    """An ``indicators=`` item that names no indicator or has impossible parameters."""


@dataclass(frozen=True)
class IndicatorSpec:
    kind: str
    params: tuple[float, ...]

    @property
    def name(self) -> str:
        return ":".join([self.kind, *(_number(p) for p in self.params)])

    @property
    def warmup(self) -> int:
        """Candles before the first one shown that make the first value settled."""
        if self.kind == "macd":
            return int(self.params[1] + self.params[2]) * 3
        if self.kind in ("ema", "rsi"):
            return int(self.params[0]) * 3  # EMA and Wilder smoothing forget slowly
        return int(self.params[0])


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def parse_indicators(text: str) -> list[IndicatorSpec]:
    """``sma:20,ema:50,rsi:14,macd:12:26:9,bb:20:2`` as specs; raises with what to fix."""
    specs: list[IndicatorSpec] = []
    for item in (part.strip().lower() for part in text.split(",")):
        if not item:
            continue
        match = SPEC.match(item)
        if match is None or match.group(1) not in KINDS:
            raise IndicatorSpecInvalid(
                f"{item!r} is not an indicator; use sma:N, ema:N, rsi:N, macd:FAST:SLOW:SIGNAL "
                "or bb:N:K, separated by commas"
            )
        kind = match.group(1)
        defaults = KINDS[kind][0]
        given = tuple(float(p) for p in match.group(2).split(":")[1:])
        if len(given) > len(defaults):
            raise IndicatorSpecInvalid(f"{item!r} has too many parameters")
        params = given + tuple(float(d) for d in defaults[len(given) :])
        periods = params if kind != "bb" else params[:1]
        for period in periods:
            if period != int(period) or not 1 <= period <= MAX_PERIOD:
                raise IndicatorSpecInvalid(
                    f"{item!r}: a period is a whole number from 1 to {MAX_PERIOD}"
                )
        if kind == "macd" and params[0] >= params[1]:
            raise IndicatorSpecInvalid(f"{item!r}: the fast period must be below the slow one")
        if kind == "bb" and not 0 < params[1] <= 10:
            raise IndicatorSpecInvalid(f"{item!r}: k is a number of deviations above 0, <= 10")
        specs.append(IndicatorSpec(kind, params))
    if len(specs) > MAX_INDICATORS:
        raise IndicatorSpecInvalid(f"at most {MAX_INDICATORS} indicators at once")
    return specs


def compute(spec: IndicatorSpec, closes: Sequence[float]) -> dict[str, Series]:
    """The lines of one indicator over ``closes`` (keys as in ``KINDS``)."""
    p = [int(x) for x in spec.params]
    if spec.kind == "sma":
        return {"value": sma(closes, p[0])}
    if spec.kind == "ema":
        return {"value": ema(closes, p[0])}
    if spec.kind == "rsi":
        return {"value": rsi(closes, p[0])}
    if spec.kind == "macd":
        line, signal, histogram = macd(closes, p[0], p[1], p[2])
        return {"macd": line, "signal": signal, "histogram": histogram}
    middle, upper, lower = bollinger(closes, p[0], spec.params[1])
    return {"middle": middle, "upper": upper, "lower": lower}


def sma(closes: Sequence[float], period: int) -> Series:
    out: Series = [None] * len(closes)
    total = 0.0
    for i, close in enumerate(closes):
        total += close
        if i >= period:
            total -= closes[i - period]
        if i >= period - 1:
            out[i] = total / period
    return out


def ema(closes: Sequence[float | None], period: int) -> Series:
    """EMA seeded with the SMA of the first ``period`` defined values (leading Nones skipped)."""
    out: Series = [None] * len(closes)
    start = next((i for i, v in enumerate(closes) if v is not None), len(closes))
    if len(closes) - start < period:
        return out
    alpha = 2.0 / (period + 1)
    seed = [v for v in closes[start : start + period] if v is not None]
    value = sum(seed) / period
    out[start + period - 1] = value
    for i in range(start + period, len(closes)):
        close = closes[i]
        assert close is not None  # only leading values are undefined
        value = alpha * close + (1 - alpha) * value
        out[i] = value
    return out


def rsi(closes: Sequence[float], period: int) -> Series:
    out: Series = [None] * len(closes)
    if len(closes) <= period:
        return out
    changes = [closes[i] - closes[i - 1] for i in range(1, len(closes))]
    gain = sum(max(c, 0.0) for c in changes[:period]) / period
    loss = sum(max(-c, 0.0) for c in changes[:period]) / period
    out[period] = _rsi_value(gain, loss)
    for i in range(period + 1, len(closes)):
        change = changes[i - 1]
        gain = (gain * (period - 1) + max(change, 0.0)) / period
        loss = (loss * (period - 1) + max(-change, 0.0)) / period
        out[i] = _rsi_value(gain, loss)
    return out


def _rsi_value(gain: float, loss: float) -> float:
    if loss == 0:
        return 50.0 if gain == 0 else 100.0
    return 100.0 - 100.0 / (1.0 + gain / loss)


def macd(closes: Sequence[float], fast: int, slow: int, signal: int) -> tuple[Series, ...]:
    fast_ema, slow_ema = ema(closes, fast), ema(closes, slow)
    line: Series = [
        f - s if f is not None and s is not None else None for f, s in zip(fast_ema, slow_ema)
    ]
    signal_line = ema(line, signal)
    histogram: Series = [
        m - s if m is not None and s is not None else None for m, s in zip(line, signal_line)
    ]
    return line, signal_line, histogram


def bollinger(closes: Sequence[float], period: int, k: float) -> tuple[Series, ...]:
    middle = sma(closes, period)
    upper: Series = [None] * len(closes)
    lower: Series = [None] * len(closes)
    for i, mean in enumerate(middle):
        if mean is None:
            continue
        window = closes[i - period + 1 : i + 1]
        deviation = math.sqrt(sum((c - mean) ** 2 for c in window) / period)
        upper[i] = mean + k * deviation
        lower[i] = mean - k * deviation
    return middle, upper, lower
