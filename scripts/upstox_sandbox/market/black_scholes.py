"""Black-Scholes pricing and greeks for the sandbox's index options.

Options are priced from their own model on the simulated underlying (never copied from the
index price): a sticky-strike volatility smile gives each strike its IV, and the same function
prices quotes, candles and fills so they agree. Greeks follow Upstox's quoting conventions as
far as known: theta per calendar day, vega and rho per 1 percentage point. [?] Upstox does not
document its greek units; these are the common NSE-terminal conventions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

RISK_FREE_RATE = 0.065  # assumption: roughly the Indian T-bill yield
YEAR_SECONDS = 365.0 * 24 * 3600
MIN_PREMIUM = 0.05


@dataclass(frozen=True)
class OptionValue:
    price: float
    iv: float  # annualised, as a fraction
    delta: float
    gamma: float
    theta: float
    vega: float
    rho: float


def _norm_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _norm_pdf(x: float) -> float:
    return math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def smile_iv(base_iv: float, strike: float, reference: float) -> float:
    """Sticky-strike smile: higher IV away from the money, more on the put side."""
    m = math.log(strike / reference)
    return max(0.05, base_iv - 0.25 * m + 1.5 * m * m)


def black_scholes(
    spot: float, strike: float, years: float, iv: float, is_call: bool
) -> OptionValue:
    """Price and greeks; at or after expiry the value is intrinsic and greeks collapse."""
    r = RISK_FREE_RATE
    if years <= 1e-9:
        intrinsic = max(spot - strike, 0.0) if is_call else max(strike - spot, 0.0)
        itm = intrinsic > 0
        delta = (1.0 if is_call else -1.0) if itm else 0.0
        return OptionValue(intrinsic, iv, delta, 0.0, 0.0, 0.0, 0.0)
    sqrt_t = math.sqrt(years)
    d1 = (math.log(spot / strike) + (r + 0.5 * iv * iv) * years) / (iv * sqrt_t)
    d2 = d1 - iv * sqrt_t
    disc = math.exp(-r * years)
    if is_call:
        price = spot * _norm_cdf(d1) - strike * disc * _norm_cdf(d2)
        delta = _norm_cdf(d1)
        theta_year = -spot * _norm_pdf(d1) * iv / (2 * sqrt_t) - r * strike * disc * _norm_cdf(d2)
        rho = strike * years * disc * _norm_cdf(d2) / 100.0
    else:
        price = strike * disc * _norm_cdf(-d2) - spot * _norm_cdf(-d1)
        delta = _norm_cdf(d1) - 1.0
        theta_year = -spot * _norm_pdf(d1) * iv / (2 * sqrt_t) + r * strike * disc * _norm_cdf(-d2)
        rho = -strike * years * disc * _norm_cdf(-d2) / 100.0
    gamma = _norm_pdf(d1) / (spot * iv * sqrt_t)
    vega = spot * _norm_pdf(d1) * sqrt_t / 100.0
    return OptionValue(price, iv, delta, gamma, theta_year / 365.0, vega, rho)


def implied_vol(price: float, spot: float, strike: float, years: float, is_call: bool) -> float:
    """Bisection IV solve; used to report the IV a traded premium implies."""
    lo, hi = 0.01, 3.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if black_scholes(spot, strike, years, mid, is_call).price > price:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2
