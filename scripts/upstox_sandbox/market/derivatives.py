"""Near-month NIFTY / BANKNIFTY futures and options listed on a given sandbox day.

ASSUMPTION (not from docs/UPSTOX_API.md): NSE index derivatives expire on Tuesdays since Sep 2025;
NIFTY has weekly and monthly (last Tuesday) expiries, BANKNIFTY monthly only. An expiry that
falls on a holiday moves to the previous trading day. Lot sizes and freeze quantities are
illustrative of recent NSE values and change by circular.
"""

from __future__ import annotations

from typing import Any

from dataclasses import dataclass
from datetime import date, timedelta

from scripts.upstox_sandbox.market.nse_calendar import TradingCalendar
from scripts.upstox_sandbox.market.universe import BANK_INDEX_KEY, NIFTY_INDEX_KEY, Instrument

EXPIRY_WEEKDAY = 1  # Tuesday (assumption, see module docstring)
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


@dataclass(frozen=True)
class DerivativeSpec:
    """Contract terms for one index underlying."""

    symbol: str
    underlying_key: str
    code: int  # first digit of sandbox exchange tokens
    lot_size: int
    freeze_quantity: int
    strike_step: int
    strike_count: int  # strikes each side of the reference price
    weekly: bool


SPECS = (
    DerivativeSpec("NIFTY", NIFTY_INDEX_KEY, 1, 75, 1800, 50, 40, True),
    DerivativeSpec("BANKNIFTY", BANK_INDEX_KEY, 2, 35, 900, 100, 40, False),
)


def _last_weekday_of_month(year: int, month: int, weekday: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    day = nxt - timedelta(days=1)
    while day.weekday() != weekday:
        day -= timedelta(days=1)
    return day


def _adjust_for_holiday(day: date, calendar: TradingCalendar) -> date:
    strict = TradingCalendar(always_open=False)  # expiries follow the real calendar
    while not strict.is_trading_day(day):
        day -= timedelta(days=1)
    return day


def monthly_expiry(day: date, calendar: TradingCalendar) -> date:
    """The first monthly expiry on or after ``day``."""
    year, month = day.year, day.month
    while True:
        exp = _adjust_for_holiday(_last_weekday_of_month(year, month, EXPIRY_WEEKDAY), calendar)
        if exp >= day:
            return exp
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def weekly_expiries(day: date, calendar: TradingCalendar, count: int) -> list[date]:
    """The next ``count`` weekly expiries on or after ``day``."""
    out: list[date] = []
    tuesday = day + timedelta(days=(EXPIRY_WEEKDAY - day.weekday()) % 7)
    while len(out) < count:
        exp = _adjust_for_holiday(tuesday, calendar)
        if exp >= day:
            out.append(exp)
        tuesday += timedelta(days=7)
    return out


def trading_symbol(symbol: str, kind: str, expiry: date, strike: int | None = None) -> str:
    """E.g. ``NIFTY 24500 CE 30 DEC 25`` or ``NIFTY FUT 30 DEC 25``."""
    tail = f"{expiry.day:02d} {MONTHS[expiry.month - 1]} {expiry.year % 100:02d}"
    return f"{symbol} FUT {tail}" if kind == "FUT" else f"{symbol} {strike} {kind} {tail}"


# Which trading-symbol form goes where (docs/UPSTOX_API.md §0, §4.4, §6, §7.1, §8).
# Sources: Upstox's documented examples, as kept in tests/upstox/recorded/ -- the option-greek
# quote key ``NSE_FO:NIFTY2543021600PE`` and the position record's ``trading_symbol``
# ``NIFTY2543021600PE`` (both for instrument ``NSE_FO|43919``), and the option-contract record's
# ``trading_symbol`` ``NIFTY 19650 CE 15 FEB 24`` -- plus Upstox's instruments page, which says
# the JSON BOD file settled the weekly/monthly inconsistencies of the old CSV symbols.
# The documents disagree on one symbol per contract; we follow each example where it appears:
# - instrument records (BOD file, option contracts, instrument search) keep the spaced form;
# - quote-map keys, the quotes' ``symbol`` and order, trade, position and GTT records use the
#   exchange's compact form: weekly SYMBOL+YY+M+DD+STRIKE+TYPE (M = 1..9, O, N, D), monthly
#   SYMBOL+YY+MON+STRIKE+TYPE, futures SYMBOL+YY+MON+FUT (NSE's F&O symbol convention; the
#   monthly and futures forms are not in Upstox's examples [?]).
# Weekly vs monthly is decided by the expiry itself: the month's last expiry is the monthly one.
def exchange_symbol(symbol: str, kind: str, expiry: date, strike: int | None, monthly: bool) -> str:
    """E.g. ``NIFTY2543021600PE`` (weekly), ``NIFTY25APR21600PE`` (monthly), ``NIFTY25APRFUT``."""
    yy = f"{expiry.year % 100:02d}"
    if kind == "FUT":
        return f"{symbol}{yy}{MONTHS[expiry.month - 1]}FUT"
    if monthly:
        return f"{symbol}{yy}{MONTHS[expiry.month - 1]}{strike}{kind}"
    month = str(expiry.month) if expiry.month < 10 else "OND"[expiry.month - 10]
    return f"{symbol}{yy}{month}{expiry.day:02d}{strike}{kind}"


def _token(spec: DerivativeSpec, expiry: date, strike_idx: int, kind: str) -> str:
    kind_digit = {"FUT": 0, "CE": 1, "PE": 2}[kind]
    days = (expiry - date(2024, 1, 1)).days
    return f"{spec.code}{days:04d}{strike_idx:03d}{kind_digit}"


def contracts_for_day(
    day: date, calendar: TradingCalendar, base: dict[str, Instrument]
) -> list[Instrument]:
    """Futures (monthly) and options (weekly + monthly) listed on ``day``."""
    out: list[Instrument] = []
    for spec in SPECS:
        index = base[spec.underlying_key]
        monthly = monthly_expiry(day, calendar)
        expiries = {monthly}
        if spec.weekly:
            expiries.update(weekly_expiries(day, calendar, 2))
        atm = round(index.reference_price / spec.strike_step) * spec.strike_step
        strikes = [
            atm + (i - spec.strike_count) * spec.strike_step
            for i in range(2 * spec.strike_count + 1)
        ]
        common: dict[str, Any] = dict(
            segment="NSE_FO",
            reference_price=index.reference_price,
            lot_size=spec.lot_size,
            freeze_quantity=spec.freeze_quantity,
            underlying_key=spec.underlying_key,
            underlying_symbol=spec.symbol,
        )
        fut_token = _token(spec, monthly, 0, "FUT")
        out.append(
            Instrument(
                instrument_key=f"NSE_FO|{fut_token}",
                trading_symbol=trading_symbol(spec.symbol, "FUT", monthly),
                exchange_symbol=exchange_symbol(spec.symbol, "FUT", monthly, None, True),
                name=spec.symbol,
                instrument_type="FUT",
                exchange_token=fut_token,
                expiry=monthly,
                **common,
            )
        )
        for expiry in sorted(expiries):
            for idx, strike in enumerate(strikes):
                for kind in ("CE", "PE"):
                    token = _token(spec, expiry, idx, kind)
                    out.append(
                        Instrument(
                            instrument_key=f"NSE_FO|{token}",
                            trading_symbol=trading_symbol(spec.symbol, kind, expiry, strike),
                            exchange_symbol=exchange_symbol(
                                spec.symbol,
                                kind,
                                expiry,
                                strike,
                                monthly_expiry(expiry, calendar) == expiry,
                            ),
                            name=spec.symbol,
                            instrument_type=kind,
                            exchange_token=token,
                            expiry=expiry,
                            strike=float(strike),
                            weekly=expiry != monthly,
                            **common,
                        )
                    )
    return out
